import type { Page } from '@playwright/test';
import type { TariffRecord } from '../../src/shared/api/billing.js';
import { validateTariffSet } from '../../src/shared/billing/tariffs.js';
import { formatEuros } from '../../src/shared/money.js';
import { seriousViolations } from './axe.js';
import { pdfText, plainSpaces } from './pdf-text.js';
import { officeApi } from './api.js';
import { DEMO_PASSWORD, expect, login, test, useOfficeBridge, type Bridge } from './bridge.js';

/*
 * The office's « Facturation » screens on the demo commune, its clock on 28 November 2026: the default month is
 * October 2026, the last ended one, whose booked days the demo's inscriptions hold. An agent computes the drafts and
 * reads why each day is billed; the régisseur issues; the family file lists the invoices and takes a credit note.
 */

const bridge = useOfficeBridge();
const MONTH = '2026-10';
const UNPRICED = 'mercredi_apres_midi';

/**
 * The demo's tariffs priced every service but « Mercredi après-midi », whose 2026-2027 tariff is removed in
 * Paramètres' own method, so that the run has problems to list; then put back, as an agent of the régie would.
 */
async function removeUnpricedTariff(office: Bridge): Promise<TariffRecord> {
  const admin = await officeApi(office, 'admin');
  const service = (await admin('services.list', {})).find((candidate) => candidate.code === UNPRICED)!;
  const tariff = (await admin('tariffs.list', { serviceId: service.id })).find((candidate) => candidate.validFrom <= `${MONTH}-01` && `${MONTH}-31` <= candidate.validTo)!;
  await admin('tariffs.remove', { id: tariff.id });
  return tariff;
}

async function restoreTariff(office: Bridge, removed: TariffRecord): Promise<void> {
  const admin = await officeApi(office, 'admin');
  const { id: _id, schoolYearId, updatedAt: _at, updatedBy: _by, ...tariff } = removed;
  const check = validateTariffSet([tariff]);
  expect(check).toEqual({ ok: true });
  await admin('tariffs.save', { id: null, schoolYearId, tariff });
}

async function logout(page: Page) {
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page.getByLabel('Identifiant')).toBeVisible();
}

async function loginAs(page: Page, username: string) {
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toBeVisible();
}

/** The total pinned at the bottom of the review grid (one accessible row over the pinned and scrolled parts). */
function totalRow(page: Page) {
  return page.locator('.billing-review').getByRole('row', { name: /^Total \(/ });
}

/** A family's row of the review grid, by its name (the first cell, pinned left). */
function familyRow(page: Page, familyName: string) {
  return page.locator('.billing-review').getByRole('row', { name: familyName }).first();
}

test('an agent computes the month and reads why days are billed; the régisseur issues; the family file lists and corrects', async ({ page, consoleProblems }) => {
  test.setTimeout(240_000);
  const agent = await officeApi(bridge, 'accueil');
  const removed = await removeUnpricedTariff(bridge);

  await login(page, bridge);
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await nav.getByRole('link', { name: 'Facturation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Facturation' })).toBeVisible();
  // The last ended month at the office (28 November 2026), written the French way.
  await expect(page.getByLabel('Mois facturé')).toHaveValue(MONTH);
  await expect(page.getByLabel('Mois facturé').locator('option:checked')).toHaveText('octobre 2026');
  await expect(page.getByText('Aucun brouillon pour octobre 2026')).toBeVisible();

  await page.getByRole('button', { name: 'Calculer les brouillons' }).click();
  await expect(page.getByRole('button', { name: 'Recalculer' })).toBeVisible({ timeout: 60_000 });
  const view = await agent('invoiceRuns.get', { month: MONTH });
  expect(view.status).toBe('draft');
  expect(view.drafts.length).toBeGreaterThan(0);

  // The run is listed with its status and total; the grid has one row per family and the total pinned at the bottom.
  const runRow = page.locator('.billing-runs tbody tr').filter({ hasText: 'octobre 2026' });
  await expect(runRow).toContainText('Brouillon');
  await expect(runRow).toContainText(formatEuros(view.totalCents));
  await expect(totalRow(page)).toContainText(`Total (${view.drafts.length} famille${view.drafts.length > 1 ? 's' : ''})`);
  await expect(totalRow(page)).toContainText(formatEuros(view.totalCents));
  for (const service of view.services) await expect(page.locator('.billing-review .ag-header')).toContainText(service.name);
  // Every problem is shown, never cut: the count, then each message (the days of the service without a tariff).
  expect(view.problems.length).toBeGreaterThan(0);
  await expect(page.locator('.billing-problems')).toContainText(`${view.problems.length} problème`);
  const problems = page.locator('.billing-problems li');
  await expect(problems).toHaveCount(view.problems.length);
  await expect(problems.first()).toContainText(view.problems[0]!.message);
  await expect(problems.last()).toContainText(view.problems.at(-1)!.message);
  await expect(runRow.locator('td').nth(5)).toHaveText(String(view.problems.length));
  // The agent prepares; issuing is the régisseur's.
  await expect(page.getByRole('button', { name: 'Émettre les factures' })).toHaveCount(0);
  await expect(page.getByText('l’émission des factures est faite par le régisseur')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // The QF filter keeps exactly the flagged families with a draft.
  const flaggedWithDraft = view.drafts.filter((draft) => draft.qfFlagged).length;
  await page.getByLabel('Seulement les familles au QF à mettre à jour').check();
  await expect(totalRow(page)).toContainText(`Total (${flaggedWithDraft} famille`);
  await page.getByLabel('Seulement les familles au QF à mettre à jour').uncheck();

  // A family's draft, opened by double-click: its lines, its QF, and every day with why it is billed or not.
  const family = view.drafts[0]!;
  const draft = await agent('invoiceRuns.draft', { month: MONTH, familyId: family.familyId });
  await familyRow(page, family.familyName).locator('.ag-cell[col-id="family"]').dblclick();
  await expect(page.getByRole('heading', { level: 1, name: `Brouillon d’octobre 2026 — ${family.familyName}` })).toBeVisible();
  await expect(page.getByRole('heading', { name: `Lignes · total ${formatEuros(draft.totalCents)}` })).toBeVisible();
  await expect(page.locator('.billing-lines tbody tr')).toHaveCount(draft.lines.length);
  await expect(page.locator('.billing-lines tbody tr').first()).toContainText(draft.lines[0]!.label);
  const dayRows = page.locator('.billing-day-table tbody tr');
  await expect(dayRows).toHaveCount(draft.days.length);
  const billed = draft.days.filter((day) => day.billed);
  await page.getByLabel('Facturés', { exact: true }).check();
  await expect(dayRows).toHaveCount(billed.length);
  if (billed.length > 0) {
    await expect(dayRows.first()).toContainText('Facturé');
    await expect(dayRows.first()).toContainText(billed[0]!.why);
  }
  await page.getByLabel('Non facturés').check();
  await expect(dayRows).toHaveCount(draft.days.length - billed.length);
  if (draft.days.length > billed.length) await expect(dayRows.first()).toContainText('Non facturé');
  expect(await seriousViolations(page)).toEqual([]);

  // The régisseur issues, after a confirmation that states the count and the total.
  await logout(page);
  await loginAs(page, 'regie');
  await nav.getByRole('link', { name: 'Facturation' }).click();
  await page.getByLabel('Mois facturé').selectOption(MONTH);
  await page.getByRole('button', { name: 'Émettre les factures' }).click();
  const dialog = page.getByRole('dialog', { name: 'Émettre les factures d’octobre 2026' });
  await expect(dialog).toContainText(`${view.drafts.length} facture`);
  await expect(dialog).toContainText(formatEuros(view.totalCents));
  await expect(dialog).toContainText(`${view.problems.length} problèmes`);
  expect(await seriousViolations(page)).toEqual([]);
  // Days left without a price: the office refuses, in French, in the dialog; nothing is issued.
  await dialog.getByRole('button', { name: /^Émettre \d+/ }).click();
  await expect(dialog.getByRole('alert')).toContainText(`${view.problems.length} jours à facturer restent sans prix`);
  expect((await agent('invoiceRuns.get', { month: MONTH })).status).toBe('draft');
  await dialog.getByRole('button', { name: 'Annuler' }).click();

  // The missing tariff set, the month recomputed: no problem left, and the confirmation states the new count and total.
  await restoreTariff(bridge, removed);
  await page.getByRole('button', { name: 'Recalculer' }).click();
  await expect(page.getByText(/^Brouillons calculés/)).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.billing-problems')).toHaveCount(0);
  const priced = await agent('invoiceRuns.get', { month: MONTH });
  expect(priced.problems).toEqual([]);
  expect(priced.totalCents).toBeGreaterThan(view.totalCents);
  await page.getByRole('button', { name: 'Émettre les factures' }).click();
  await expect(dialog).toContainText(`${priced.drafts.length} facture`);
  await expect(dialog).toContainText(formatEuros(priced.totalCents));
  await dialog.getByRole('button', { name: /^Émettre \d+/ }).click();
  await expect(page.getByRole('heading', { name: 'Factures émises' })).toBeVisible({ timeout: 60_000 });
  const issued = await agent('invoiceRuns.get', { month: MONTH });
  expect(issued.status).toBe('issued');
  expect(issued.numbers).not.toBeNull();
  await expect(page.locator('.billing-issued')).toContainText(`factures n° ${issued.numbers!.first}`);
  await expect(page.getByRole('button', { name: 'Émettre les factures' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Recalculer' })).toHaveCount(0);
  const invoices = await agent('invoices.list', { familyId: null, month: MONTH });
  expect(invoices.length).toBe(priced.drafts.length);
  await expect(page.locator('.billing-issued')).toContainText(`${invoices.length} pièce`);
  await expect(page.locator('.billing-runs tbody tr').filter({ hasText: 'octobre 2026' })).toContainText('Émise');
  // The month as one PDF, for printing and posting: every invoice's number in it.
  const monthDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Imprimer le mois (PDF)' }).click();
  const monthText = await pdfText(await monthDownload);
  expect(monthText).toContain(issued.numbers!.first);
  expect(monthText).toContain(issued.numbers!.last);
  expect(await seriousViolations(page)).toEqual([]);

  // The family file lists its invoice; the régisseur corrects it with a credit note, errors shown under their fields.
  const invoice = invoices.find((candidate) => candidate.familyId === family.familyId)!;
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${family.familyId}`);
  const section = page.getByRole('region', { name: 'Factures' });
  await expect(section.locator('tbody tr').filter({ hasText: invoice.number })).toContainText(formatEuros(invoice.totalCents));
  const invoiceDownload = page.waitForEvent('download');
  await section.getByRole('button', { name: `PDF facture ${invoice.number}` }).click();
  const invoiceText = await pdfText(await invoiceDownload);
  expect(invoiceText).toContain(invoice.number);
  expect(invoiceText).toContain(`Total à payer ${plainSpaces(formatEuros(invoice.totalCents))}`);
  await section.getByRole('button', { name: `Avoir / facture complémentaire sur ${invoice.number}` }).click();
  const correction = page.getByRole('dialog', { name: `Avoir / facture complémentaire sur ${invoice.number}` });
  // An amount that cannot be read is refused in the window; the office's own refusals land under their fields.
  await correction.getByLabel('Montant (€)').fill('1,234');
  await correction.getByRole('button', { name: 'Émettre l’avoir' }).click();
  await expect(correction.getByText('Deux décimales au plus (centimes).')).toBeVisible();
  await correction.getByLabel('Montant (€)').fill(formatEuros(invoice.totalCents + 100).replace(/\s*€$/, ''));
  await correction.getByRole('button', { name: 'Émettre l’avoir' }).click();
  await expect(correction.getByText('Le motif de la correction est obligatoire.')).toBeVisible();
  await expect(correction.getByText('Le libellé de la ligne est obligatoire.')).toBeVisible();
  await expect(correction.getByLabel('Libellé (ligne 1)')).toHaveAttribute('aria-invalid', 'true');
  await correction.getByLabel('Motif (obligatoire, imprimé sur la pièce)').fill('Repas compté à tort');
  await correction.getByLabel('Libellé (ligne 1)').fill('Repas du 12/10 non pris');
  // A credit note larger than its invoice is refused, nothing issued.
  await correction.getByRole('button', { name: 'Émettre l’avoir' }).click();
  await expect(correction.getByText(/L'avoir \(.*\) dépasse le reste de la facture/)).toBeVisible();
  expect((await agent('invoices.list', { familyId: family.familyId, month: null })).length).toBe(1);
  expect(await seriousViolations(page)).toEqual([]);
  await correction.getByLabel('Montant (€)').fill('1,80');
  await correction.getByRole('button', { name: 'Émettre l’avoir' }).click();
  await expect(correction).toHaveCount(0);
  const after = await agent('invoices.list', { familyId: family.familyId, month: null });
  const credit = after.find((candidate) => candidate.kind === 'credit_note');
  expect(credit?.corrects).toBe(invoice.number);
  const creditRow = section.getByRole('row', { name: new RegExp(`^${credit!.number} `) });
  await expect(creditRow).toContainText('Avoir');
  await expect(creditRow).toContainText(`Corrige ${invoice.number}`);
  await expect(creditRow).toContainText(formatEuros(-180));

  // An agent sees the invoices but is offered no correction.
  await logout(page);
  await loginAs(page, 'accueil');
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${family.familyId}`);
  await expect(page.getByRole('region', { name: 'Factures' }).getByRole('row', { name: new RegExp(`^${invoice.number} `) })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Avoir \/ facture complémentaire/ })).toHaveCount(0);
  expect(consoleProblems).toEqual([]);
});

test('a family without a draft for the month is named by its name in the breadcrumb, never by its number', async ({ page }) => {
  const agent = await officeApi(bridge);
  const [family] = await agent('families.search', { query: '', includeArchived: false, limit: 1 });
  const file = await agent('families.get', { id: family!.id });
  const name = `${file.data.responsable1.nom} ${file.data.responsable1.prenom}`;
  await login(page, bridge);
  // January 2026: a month the demo never computed, so the office refuses the draft.
  await page.goto(`${new URL(bridge.url).origin}/#/facturation/2026-01/famille/${family!.id}`);
  await expect(page.getByRole('alert').or(page.locator('.banner-error')).first()).toBeVisible();
  const breadcrumb = page.getByRole('navigation', { name: 'Fil d’Ariane' });
  await expect(breadcrumb).toContainText(name);
  await expect(breadcrumb).not.toContainText(`Famille ${family!.id}`);
});
