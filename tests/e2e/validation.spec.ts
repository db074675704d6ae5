import type { Locator, Page } from '@playwright/test';
import { expect, login, test, useOfficeBridge } from './bridge.js';

const bridge = useOfficeBridge();

async function openFirstFamily(page: Page): Promise<void> {
  await login(page, bridge);
  await page.locator('.ag-row').first().dblclick();
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
}

/** The message is next to the field, announced first with it (before any hint), and the field is marked invalid. */
async function expectFieldError(field: Locator, message: string | RegExp): Promise<void> {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const pattern = typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : message;
  await expect(field).toHaveAccessibleDescription(pattern);
}

test('an IBAN with a wrong check digit is refused next to the field and not saved', async ({ page }) => {
  await openFirstFamily(page);
  const bank = page.getByRole('region', { name: 'Coordonnées bancaires' });
  const before = await bank.getByLabel('IBAN').inputValue();
  await bank.getByLabel('Titulaire du compte').fill('Titulaire Test');
  await bank.getByLabel('IBAN').fill('FR77 3000 6000 0112 3456 7890 189');
  await bank.getByRole('button', { name: 'Enregistrer' }).click();
  await expectFieldError(bank.getByLabel('IBAN'), "Les chiffres de contrôle de l'IBAN sont faux : vérifiez la saisie.");
  await page.reload();
  await expect(page.getByRole('region', { name: 'Coordonnées bancaires' }).getByLabel('IBAN')).toHaveValue(before);
});

test('a RIB whose key does not match is refused next to « Clé RIB »; a right one fills the IBAN', async ({ page }) => {
  await openFirstFamily(page);
  const bank = page.getByRole('region', { name: 'Coordonnées bancaires' });
  const before = await bank.getByLabel('IBAN').inputValue();
  await bank.getByRole('button', { name: 'Saisir un RIB' }).click();
  await bank.getByLabel('Code banque').fill('30006');
  await bank.getByLabel('Code guichet').fill('00001');
  await bank.getByLabel('N° de compte').fill('12345678901');
  await bank.getByLabel('Clé RIB').fill('42');
  await bank.getByRole('button', { name: 'Calculer l’IBAN' }).click();
  await expectFieldError(bank.getByLabel('Clé RIB'), /La clé RIB ne correspond pas/);
  await expect(bank.getByLabel('IBAN')).toHaveValue(before);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Coordonnées bancaires' }).getByLabel('IBAN')).toHaveValue(before);

  const again = page.getByRole('region', { name: 'Coordonnées bancaires' });
  await again.getByRole('button', { name: 'Saisir un RIB' }).click();
  await again.getByLabel('Code banque').fill('30006');
  await again.getByLabel('Code guichet').fill('00001');
  await again.getByLabel('N° de compte').fill('12345678901');
  await again.getByLabel('Clé RIB').fill('89');
  await again.getByLabel('Clé RIB').press('Enter');
  await expect(again.getByLabel('IBAN')).toHaveValue('FR76 3000 6000 0112 3456 7890 189');
});

test('a birth date in the future is refused and not saved', async ({ page }) => {
  await openFirstFamily(page);
  const r1 = page.getByRole('region', { name: 'Responsable 1' });
  const before = await r1.getByLabel('Date de naissance').inputValue();
  const nextYear = new Date().getFullYear() + 1;
  await r1.getByLabel('Date de naissance').fill(`${nextYear}-01-15`);
  await r1.getByRole('button', { name: 'Enregistrer' }).click();
  await expectFieldError(r1.getByLabel('Date de naissance'), 'La date de naissance ne peut pas être dans le futur.');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Responsable 1' }).getByLabel('Date de naissance')).toHaveValue(before);
});

test('an allocataire number of 6 digits is refused and not saved', async ({ page }) => {
  await openFirstFamily(page);
  const caf = page.getByRole('region', { name: 'CAF / MSA' });
  const before = await caf.getByLabel('N° allocataire').inputValue();
  await caf.getByLabel('N° allocataire').fill('123456');
  await caf.getByLabel('N° allocataire').press('Enter');
  await expectFieldError(caf.getByLabel('N° allocataire'), "Le numéro d'allocataire compte 7 chiffres.");
  await page.reload();
  await expect(page.getByRole('region', { name: 'CAF / MSA' }).getByLabel('N° allocataire')).toHaveValue(before);
});

test('an empty name is refused and not saved', async ({ page }) => {
  await openFirstFamily(page);
  const r1 = page.getByRole('region', { name: 'Responsable 1' });
  const before = await r1.getByLabel('Nom', { exact: true }).inputValue();
  await r1.getByLabel('Nom', { exact: true }).fill('');
  await r1.getByRole('button', { name: 'Enregistrer' }).click();
  await expectFieldError(r1.getByLabel('Nom', { exact: true }), 'Le nom est obligatoire.');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Responsable 1' }).getByLabel('Nom', { exact: true })).toHaveValue(before);
});

test('tax parts go by quarters, the RFR is typed in euros with a comma and kept in cents', async ({ page }) => {
  await openFirstFamily(page);
  const fiscal = page.getByRole('region', { name: 'Données fiscales' });
  await fiscal.getByLabel('Nombre de parts').fill('2,3');
  await fiscal.getByRole('button', { name: 'Enregistrer' }).click();
  await expectFieldError(fiscal.getByLabel('Nombre de parts'), 'Le nombre de parts va par quarts (ex. 2,5).');
  await fiscal.getByLabel('Nombre de parts').fill('2,5');
  await fiscal.getByLabel('Revenu fiscal de référence (€)').fill('32 450,5');
  await fiscal.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(fiscal.getByText('Modifications enregistrées.')).toBeVisible();
  await page.reload();
  const reloaded = page.getByRole('region', { name: 'Données fiscales' });
  await expect(reloaded.getByLabel('Revenu fiscal de référence (€)')).toHaveValue('32\u00a0450,50');
  await expect(reloaded.getByLabel('Nombre de parts')).toHaveValue('2,5');
});
