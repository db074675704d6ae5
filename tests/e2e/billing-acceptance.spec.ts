import type { Page } from '@playwright/test';
import { formatEuros } from '../../src/shared/money.js';
import { seriousViolations } from './axe.js';
import { pdfText, plainSpaces } from './pdf-text.js';
import { usePortalServer } from './portal-server.js';
import { officeApi } from './api.js';
import { DEMO_PASSWORD, expect, login, test, useOfficeBridge } from './bridge.js';

/**
 * Issue 9's acceptance, end to end through both real servers: in the office (dev bridge, demo commune, its clock on
 * Saturday 28 November 2026) an administrator sets the canteen's QF grid in Paramètres › Tarifs, the October run is
 * computed, a family's draft says why each day is billed or not, the régisseur issues, the invoice's PDF is read back
 * with pdftotext; the sync publishes it to a real portal (on the same clock), where the family finds it on « Relevé de
 * compte » at 360 px and downloads the same PDF.
 */

const bridge = useOfficeBridge();
const MONTH = '2026-10';
const SECRET = 'secret-de-recette-portail-0123456789abcdef';
const PASSWORD = 'un mot de passe solide';
/** The canteen's new grid: resident prices per bracket, one non-resident price, all written by hand. */
const RESIDENT = ['1,11', '2,22', '3,33', '4,44'];
const RESIDENT_CENTS = [111, 222, 333, 444];
const NON_RESIDENT = '5,55';

const portalServer = usePortalServer(SECRET);

async function switchUser(page: Page, username: string): Promise<void> {
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toBeVisible();
}

test('a tariff grid set, a month billed, a draft explained, issued, printed, synced and downloaded by the family', async ({ page, consoleProblems }) => {
  test.setTimeout(300_000);
  // Chromium asks every site for /favicon.ico, which the portal does not serve; any other missing resource counts.
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) missing.push(new URL(response.url()).pathname);
  });
  const admin = await officeApi(bridge, 'admin');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });

  // 1. Paramètres › Tarifs: the canteen's grid typed as a table.
  await login(page, bridge, 'admin');
  await nav.getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Tarifs' }).click();
  const services = await admin('services.list', {});
  const canteen = services.find((service) => service.code === 'cantine')!;
  await page.getByLabel('Service', { exact: true }).selectOption(String(canteen.id));
  const list = page.getByRole('region', { name: 'Tarifs', exact: true });
  await list.getByRole('button', { name: 'Modifier le tarif du 01/09/2026 au 02/07/2027' }).click();
  const form = page.getByRole('region', { name: 'Tarif Restauration scolaire du 01/09/2026 au 02/07/2027' });
  const grid = form.getByRole('group', { name: 'Grille par quotient familial' });
  for (const [index, price] of RESIDENT.entries()) {
    await grid.getByLabel(`Prix résident, tranche ${index + 1}`).fill(price);
    await grid.getByLabel(`Prix non-résident, tranche ${index + 1}`).fill(NON_RESIDENT);
  }
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Modifications enregistrées.')).toBeVisible();

  // 2. Facturation: October 2026 computed with a progress bar, every problem listed.
  await nav.getByRole('link', { name: 'Facturation' }).click();
  await expect(page.getByLabel('Mois facturé')).toHaveValue(MONTH);
  await page.getByRole('button', { name: 'Calculer les brouillons' }).click();
  await expect(page.getByRole('button', { name: 'Recalculer' })).toBeVisible({ timeout: 120_000 });
  const run = await admin('invoiceRuns.get', { month: MONTH });
  expect(run.problems).toEqual([]);
  expect(run.drafts.length).toBeGreaterThan(0);

  // The canteen's meals are priced by the new grid, whatever the family's bracket.
  let family: { id: number; name: string; email: string } | null = null;
  for (const row of run.drafts) {
    const draft = await admin('invoiceRuns.draft', { month: MONTH, familyId: row.familyId });
    for (const line of draft.lines.filter((candidate) => candidate.serviceId === canteen.id && candidate.kind === 'unit')) {
      expect([...RESIDENT_CENTS, 555]).toContain(line.unitCents);
    }
    const email = (await admin('families.get', { id: row.familyId })).data.responsable1.email;
    const meals = draft.days.filter((day) => day.serviceId === canteen.id && day.billed).length;
    if (!family && meals >= 2 && email !== '') family = { id: row.familyId, name: row.familyName, email };
  }
  expect(family, 'a demo family with canteen meals and an e-mail').not.toBeNull();
  const chosen = family!;

  // A strike at the school on one of its October days, entered on the planning: recomputed, that day is not billed.
  const before = await admin('invoiceRuns.draft', { month: MONTH, familyId: chosen.id });
  const strike = before.days.find((day) => day.serviceId === canteen.id && day.billed)!;
  const cell = { childId: strike.childId, serviceId: canteen.id, day: strike.day };
  await admin('planning.apply', { cells: [cell], action: { kind: 'clear_attendance' } });
  expect((await admin('planning.apply', { cells: [cell], action: { kind: 'absent', reason: 'STRIKE' } })).changed).toBe(1);
  await page.getByRole('button', { name: 'Recalculer' }).click();
  await expect(page.getByText(/^Brouillons calculés/)).toBeVisible({ timeout: 120_000 });

  // 3. Its draft, opened from the grid: why each day is billed or not.
  const draft = await admin('invoiceRuns.draft', { month: MONTH, familyId: chosen.id });
  await page.goto(`${new URL(bridge.url).origin}/#/facturation/${MONTH}/famille/${chosen.id}`);
  await expect(page.getByRole('heading', { level: 1, name: `Brouillon d’octobre 2026 — ${chosen.name}` })).toBeVisible();
  const dayRows = page.locator('.billing-day-table tbody tr');
  await expect(dayRows).toHaveCount(draft.days.length);
  const billed = draft.days.find((day) => day.billed)!;
  const unbilled = draft.days.find((day) => day.childId === strike.childId && day.serviceId === canteen.id && day.day === strike.day)!;
  expect(unbilled.billed).toBe(false);
  expect(draft.totalCents).toBeLessThan(before.totalCents);
  await expect(dayRows.filter({ hasText: billed.why }).first()).toBeVisible();
  await expect(dayRows.filter({ hasText: unbilled.why }).first()).toBeVisible();
  expect(billed.why).toMatch(/^Facturé/);
  expect(unbilled.why).toMatch(/^Non facturé/);
  expect(await seriousViolations(page)).toEqual([]);

  // 4. The régisseur issues the month.
  await switchUser(page, 'regie');
  await nav.getByRole('link', { name: 'Facturation' }).click();
  await page.getByLabel('Mois facturé').selectOption(MONTH);
  await page.getByRole('button', { name: 'Émettre les factures' }).click();
  const dialog = page.getByRole('dialog', { name: 'Émettre les factures d’octobre 2026' });
  await dialog.getByRole('button', { name: /^Émettre \d+/ }).click();
  await expect(page.getByRole('heading', { name: 'Factures émises' })).toBeVisible({ timeout: 120_000 });
  const [invoice] = await admin('invoices.list', { familyId: chosen.id, month: MONTH });
  expect(invoice!.totalCents).toBe(draft.totalCents);

  // 5. The invoice's PDF from the family file: its number, its lines and its total.
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${chosen.id}`);
  const section = page.getByRole('region', { name: 'Factures' });
  const download = page.waitForEvent('download');
  await section.getByRole('button', { name: `PDF facture ${invoice!.number}` }).click();
  const officePdf = await pdfText(await download);
  expect(officePdf).toContain(invoice!.number);
  for (const line of draft.lines) {
    expect(officePdf).toContain(plainSpaces(line.serviceName));
    expect(officePdf).toContain(plainSpaces(formatEuros(line.amountCents)));
  }
  expect(officePdf).toContain(`Total à payer ${plainSpaces(formatEuros(draft.totalCents))}`);

  // 6. The sync publishes it; the family activates its account on a phone and finds its invoice.
  await admin('sync.configure', { portalUrl: portalServer.url, secret: SECRET });
  const { code } = await admin('portal.issueActivation', { familyId: chosen.id, rank: 1 });
  expect((await admin('sync.now', {})).lastError).toBeNull();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${portalServer.url}/activation`);
  await page.getByLabel('Adresse e-mail').fill(chosen.email);
  await page.getByLabel('Code d’activation').fill(code);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Bonjour/ })).toBeVisible();
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Relevé de compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Relevé de compte' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: invoice!.number });
  await expect(row).toContainText('octobre 2026');
  await expect(row).toContainText(formatEuros(draft.totalCents));
  expect(await seriousViolations(page)).toEqual([]);
  const portalDownload = page.waitForEvent('download');
  await row.getByRole('link', { name: `Télécharger la facture n°\u00a0${invoice!.number} (PDF)` }).click();
  const portalPdf = await pdfText(await portalDownload);
  expect(portalPdf).toContain(invoice!.number);
  expect(portalPdf).toContain(`Total à payer ${plainSpaces(formatEuros(draft.totalCents))}`);
  expect(missing.filter((pathname) => pathname !== '/favicon.ico')).toEqual([]);
  // Chromium's favicon request is not reported as a page response; its 404 reaches the console only.
  expect(consoleProblems.filter((problem) => !problem.includes('status of 404'))).toEqual([]);
});
