import type { Page } from '@playwright/test';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { seriousViolations } from './axe.js';
import { officeApi } from './api.js';

const bridge = useOfficeBridge();

async function openSettings(page: Page, tab: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Paramètres' })).toBeVisible();
  await page.getByRole('tab', { name: tab }).click();
}

const TARIFF = 'Tarif Restauration scolaire du 01/09/2026 au 02/07/2027';

test('the canteen’s QF grid is edited as a table, a bad bracket is refused in French, and the saved grid comes back', async ({ page, consoleProblems }) => {
  await login(page, bridge, 'admin');
  await openSettings(page, 'Tarifs');
  await expect(page.getByLabel('Service', { exact: true })).toHaveValue(/\d+/);
  const list = page.getByRole('region', { name: 'Tarifs', exact: true });
  await expect(list.getByRole('row').filter({ hasText: 'du 01/09/2026 au 02/07/2027' })).toContainText('4 tranches de QF, de 1,00');
  await list.getByRole('button', { name: 'Modifier le tarif du 01/09/2026 au 02/07/2027' }).click();
  const form = page.getByRole('region', { name: TARIFF });
  const grid = form.getByRole('group', { name: 'Grille par quotient familial' });
  await expect(grid.getByLabel('QF jusqu’à, tranche 1')).toHaveValue('500');
  await expect(grid.getByLabel('Prix résident, tranche 4')).toHaveValue('5,20');
  await expect(grid).toContainText('au-delà de 1200');

  // A ceiling below the previous one: refused under its cell, before anything is sent.
  const second = grid.getByLabel('QF jusqu’à, tranche 2');
  await second.fill('400');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Tranche 2 : le plafond (400) doit dépasser celui de la tranche 1 (500).')).toBeVisible();
  await expect(second).toHaveAttribute('aria-invalid', 'true');
  await expect(second).toHaveAccessibleDescription('Tranche 2 : le plafond (400) doit dépasser celui de la tranche 1 (500).');
  // An amount that is not one, in French.
  await grid.getByLabel('Prix non-résident, tranche 3').fill('4,6O');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Montant invalide : écrivez par exemple 1 234,56.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // A validity reaching into the previous school year: the office refuses it under the date.
  await grid.getByLabel('Prix non-résident, tranche 3').fill('4,60');
  await second.fill('750');
  await form.getByLabel('Valable du').fill('2026-08-01');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('La validité doit rester dans l’année scolaire (du 01/09/2026 au 02/07/2027).')).toBeVisible();
  await expect(form.getByLabel('Valable du')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Valable du').fill('2026-09-01');

  // A fifth bracket, added before the open one, and a new price.
  await grid.getByLabel('Prix résident, tranche 1').fill('1,10');
  await grid.getByRole('button', { name: 'Ajouter une tranche' }).click();
  await grid.getByLabel('QF jusqu’à, tranche 4').fill('1500');
  await grid.getByLabel('Prix résident, tranche 4').fill('4,60');
  await grid.getByLabel('Prix non-résident, tranche 4').fill('5,40');
  await expect(grid).toContainText('au-delà de 1500');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Modifications enregistrées.')).toBeVisible();

  const call = await officeApi(bridge, 'admin');
  const saved = (await call('tariffs.list', { serviceId: 1 })).find((tariff) => tariff.validFrom === '2026-09-01')!;
  expect(saved.pricing).toEqual({
    kind: 'brackets',
    brackets: [
      { upTo: 500, residentCents: 110, nonResidentCents: 160 },
      { upTo: 750, residentCents: 240, nonResidentCents: 320 },
      { upTo: 1200, residentCents: 380, nonResidentCents: 460 },
      { upTo: 1500, residentCents: 460, nonResidentCents: 540 },
      { upTo: null, residentCents: 520, nonResidentCents: 610 },
    ],
  });

  await page.reload();
  await page.getByRole('tab', { name: 'Tarifs' }).click();
  await expect(page.getByRole('region', { name: 'Tarifs', exact: true }).getByRole('row').filter({ hasText: 'du 01/09/2026 au 02/07/2027' })).toContainText('5 tranches de QF, de 1,10');
  await page.getByRole('button', { name: 'Modifier le tarif du 01/09/2026 au 02/07/2027' }).click();
  const again = page.getByRole('region', { name: TARIFF }).getByRole('group', { name: 'Grille par quotient familial' });
  await expect(again.getByLabel('QF jusqu’à, tranche 2')).toHaveValue('750');
  await expect(again.getByLabel('Prix résident, tranche 1')).toHaveValue('1,10');
  await expect(again.getByLabel('Prix non-résident, tranche 4')).toHaveValue('5,40');
  await expect(again).toContainText('au-delà de 1500');
  expect(await seriousViolations(page)).toEqual([]);
  expect(consoleProblems).toEqual([]);
});

test('the régisseur sets a service’s billing rules and the billing settings; a bad SIRET is refused in French', async ({ page }) => {
  await login(page, bridge, 'regie');
  await openSettings(page, 'Tarifs');
  await expect(page.getByRole('tab', { name: 'Services' })).toHaveCount(0);
  const rules = page.getByRole('region', { name: 'Règles de facturation : Restauration scolaire' });
  const medical = rules.getByRole('group', { name: 'RAISON MEDICALE' });
  await expect(medical.getByLabel('Absence hors délai')).toHaveValue('waiting_days');
  await medical.getByLabel('Jours de carence facturés').fill('2');
  await rules.getByRole('group', { name: 'AUTRES' }).getByLabel('Absence hors délai').selectOption('Non facturée');
  await rules.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(rules.getByText('Modifications enregistrées.')).toBeVisible();
  const call = await officeApi(bridge, 'admin');
  const saved = (await call('billingRules.list', {})).find((entry) => entry.serviceId === 1)!;
  expect(saved.rules.reasons.MEDICAL).toEqual({ kind: 'waiting_days', days: 2, certificateRequired: true });
  expect(saved.rules.reasons.OTHER).toEqual({ kind: 'not_billed' });

  await page.getByRole('tab', { name: 'Facturation' }).click();
  const form = page.getByRole('region', { name: 'Facturation', exact: true });
  const siret = form.getByLabel('SIRET');
  await siret.fill('217 401 124 00012');
  await form.getByLabel('Délai de paiement (jours après l’émission)').fill('200');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('SIRET invalide : la clé de contrôle ne correspond pas (vérifiez les chiffres).')).toBeVisible();
  await expect(siret).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Le délai de paiement est de 120 jours au plus.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await siret.fill('217 401 124 00011');
  await form.getByLabel('Délai de paiement (jours après l’émission)').fill('45');
  await form.getByLabel('QF retenu pour la facturation').selectOption('Le plus bas des deux');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Modifications enregistrées.')).toBeVisible();
  const settings = await call('billing.settings', {});
  expect(settings).toMatchObject({ qfRule: 'lowest', dueDays: 45, issuer: { siret: '21740112400011' } });
});
