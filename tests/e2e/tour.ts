import type { Locator, Page } from '@playwright/test';
import { officeApi } from './api.js';
import { DEMO_PASSWORD, expect, type Bridge } from './bridge.js';

/**
 * A walk through the office's screens as an agent would make it, shared by the layout and the role specs: the same
 * screens are photographed and checked at 1366×768, and listed for their actions role by role.
 */

/** A school day far enough after the office's today (28 November 2026) for a family's request to be on time, when the canteen is open and demo children are booked. */
export const TOUR_DAY = '2027-01-11';
/** The same day as an agent types it in a day field (jj/mm/aaaa), so the screenshots show it the French way. */
export const TOUR_DAY_TYPED = '11/01/2027';
/** A month computed but not issued: the run page with its drafts and the régisseur's « Émettre les factures ». */
export const DRAFT_MONTH = '2026-10';
/** A month issued, so the family file lists invoices and the régisseur may correct one. */
export const ISSUED_MONTH = '2026-09';

export interface TourData {
  origin: string;
  serviceId: number;
  familyId: number;
  childId: number;
  childName: string;
  /** A family with an invoice issued for ISSUED_MONTH, and a signed direct debit mandate. */
  invoicedFamilyId: number;
  invoiceNumber: string;
}

/** The family's bank account of the tour's mandate (a valid French IBAN and its bank's BIC). */
const TOUR_ACCOUNT = { holder: 'Titulaire de la visite', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP', bankName: 'Crédit Agricole', rib: null, scan: null };

/** The data every tour needs, made once per office through the office's own methods. */
export async function prepareTour(bridge: Bridge): Promise<TourData> {
  const agent = await officeApi(bridge, 'accueil');
  const regie = await officeApi(bridge, 'regie');
  const canteen = (await agent('services.list', {})).find((service) => service.name === 'Restauration scolaire');
  if (!canteen) throw new Error('no canteen in the demo commune');
  const list = await agent('planning.day', { serviceId: canteen.id, day: TOUR_DAY });
  const booked = list.children.filter((child) => child.state === 'booked');
  const child = booked[0];
  if (!child || !booked[1]) throw new Error(`no child booked at the canteen on ${TOUR_DAY}`);
  // A request waiting in the queue: the family of another booked child asks for an absence on the tour's day.
  const other = booked[1];
  await agent('requests.create', {
    familyId: other.familyId,
    kind: 'absence',
    items: [{ childId: other.childId, serviceId: canteen.id, day: TOUR_DAY }],
    reason: 'MEDICAL',
    comment: 'Fièvre, certificat à suivre',
    certificate: null,
    changes: [],
    photo: null,
  });
  await regie('invoiceRuns.generate', { month: ISSUED_MONTH });
  const issued = await regie('invoiceRuns.issue', { month: ISSUED_MONTH });
  await agent('invoiceRuns.generate', { month: DRAFT_MONTH });
  const invoices = await regie('invoices.list', { familyId: null, month: ISSUED_MONTH });
  // Another family than the tour's child's, so the child's family stays without a mandate (« Mettre en place »).
  const invoice = invoices.find((candidate) => candidate.familyId !== child.familyId);
  if (!invoice) throw new Error(`no invoice issued for ${ISSUED_MONTH} (${issued.status})`);
  // A signed mandate, so the family file shows its direct debit and the régie's batches have a family to debit.
  const mandate = await agent('mandates.create', { familyId: invoice.familyId, account: TOUR_ACCOUNT });
  await agent('mandates.sign', { mandateId: mandate.id, signedOn: '2026-11-28' });
  return {
    origin: new URL(bridge.url).origin,
    serviceId: canteen.id,
    familyId: child.familyId,
    childId: child.childId,
    childName: `${child.prenom} ${child.nom}`,
    invoicedFamilyId: invoice.familyId,
    invoiceNumber: invoice.number,
  };
}

export async function loginAs(page: Page, bridge: Bridge, username: string): Promise<void> {
  await page.goto(bridge.url);
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toBeVisible();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page.getByLabel('Identifiant')).toBeVisible();
}

/** Called at each screen with a file-friendly name: photograph it, check its layout, list its actions... */
export type Visit = (name: string) => Promise<void>;

async function go(page: Page, data: TourData, hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${data.origin}/${hash}`);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

/** Each tab of the page's tab list in turn, named `prefix-label`. */
async function eachTab(page: Page, tabs: Locator, prefix: string, visit: Visit, ready: (page: Page) => Promise<void> = async () => undefined): Promise<void> {
  const labels = await tabs.getByRole('tab').allTextContents();
  for (const label of labels) {
    await tabs.getByRole('tab', { name: label, exact: true }).click();
    await expect(tabs.getByRole('tab', { name: label, exact: true })).toHaveAttribute('aria-selected', 'true');
    await ready(page);
    await page.waitForLoadState('networkidle');
    await visit(`${prefix}-${slug(label)}`);
  }
}

export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  // ag-grid's own live region repeats its overlay's text for screen readers, long after the rows came: not a page loading.
  // « Chargement… », « Chargement du brouillon… », « Chargement de l’historique… »: every section's own loading line.
  const loading = page.getByText(/^Chargement.*…$/).and(page.locator(':not(.ag-aria-description-container)'));
  await expect(loading.filter({ visible: true })).toHaveCount(0, { timeout: 20_000 });
}

/** Every main screen the session can open, the settings' tabs included when the role has them. */
export async function mainScreens(page: Page, data: TourData, visit: Visit): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });

  await go(page, data, '#/familles', 'Familles');
  await expect(page.locator('.ag-row').first()).toBeVisible();
  await visit('familles');
  await go(page, data, `#/familles/${data.familyId}`, /^Famille /);
  await settled(page);
  await eachTab(page, page.getByRole('tablist').first(), 'famille', visit, settled);
  await go(page, data, '#/familles/nouvelle', 'Nouvelle famille');
  await visit('famille-nouvelle');
  await go(page, data, '#/familles/qf-a-mettre-a-jour', 'QF à mettre à jour');
  await settled(page);
  await visit('qf-a-mettre-a-jour');

  await go(page, data, '#/enfants', 'Enfants');
  await expect(page.locator('.ag-row').first()).toBeVisible();
  await visit('enfants');
  await go(page, data, `#/enfants/${data.childId}`, data.childName);
  await settled(page);
  await eachTab(page, page.getByRole('tablist').first(), 'enfant', visit, async () => {
    const goTo = page.getByRole('region', { name: 'Planning' }).getByLabel('Aller au');
    if (await goTo.count()) {
      await goTo.fill(TOUR_DAY_TYPED);
      await expect(page.locator('.planning-grid .ag-row').first()).toBeVisible();
    }
    await settled(page);
  });
  await go(page, data, `#/familles/${data.familyId}/nouvel-enfant`, 'Ajouter un enfant');
  await visit('enfant-nouveau');

  await nav.getByRole('link', { name: 'Journée' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Journée' })).toBeVisible();
  await page.getByLabel('Service').selectOption({ label: 'Restauration scolaire' });
  await page.getByLabel('Jour', { exact: true }).fill(TOUR_DAY_TYPED);
  await expect(page.getByRole('heading', { level: 2, name: /^Restauration scolaire — / })).toContainText('11 janvier 2027');
  await expect(page.locator('.day-grid .ag-row').first()).toBeVisible();
  await settled(page);
  await visit('journee');

  await nav.getByRole('link', { name: /Demandes/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Demandes en attente' })).toBeVisible();
  await expect(page.locator('.ag-row').first()).toBeVisible();
  await visit('demandes');

  await go(page, data, `#/facturation/${DRAFT_MONTH}`, 'Facturation');
  await expect(page.locator('.billing-review .ag-row').first()).toBeVisible();
  await visit('facturation-brouillons');
  await go(page, data, `#/facturation/${ISSUED_MONTH}`, 'Facturation');
  await expect(page.getByRole('heading', { name: 'Factures émises' })).toBeVisible();
  await settled(page);
  await visit('facturation-emises');
  await go(page, data, `#/facturation/${DRAFT_MONTH}/famille/${data.invoicedFamilyId}`, /^Brouillon /);
  await settled(page);
  await visit('facturation-brouillon-famille');
  await go(page, data, `#/familles/${data.invoicedFamilyId}`, /^Famille /);
  const invoices = page.getByRole('region', { name: 'Factures' });
  await expect(invoices.getByText(data.invoiceNumber)).toBeVisible();
  await invoices.scrollIntoViewIfNeeded();
  await visit('famille-factures');
  const directDebit = page.getByRole('region', { name: 'Prélèvement SEPA' });
  await expect(directDebit.getByText(/^GRE-F/).first()).toBeVisible();
  await directDebit.scrollIntoViewIfNeeded();
  await visit('famille-prelevement');

  await nav.getByRole('link', { name: 'Régie' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Régie' })).toBeVisible();
  await eachTab(page, page.getByRole('tablist').first(), 'regie', visit, settled);

  if (await nav.getByRole('link', { name: 'Paramètres' }).count()) {
    await nav.getByRole('link', { name: 'Paramètres' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Paramètres' })).toBeVisible();
    await eachTab(page, page.getByRole('tablist').first(), 'parametres', visit, settled);
  }
}

/** The canteen's cell for a day in the child's planning grid (rows are keyed by service). */
async function canteenCell(page: Page, day: string): Promise<Locator> {
  const grid = page.locator('.planning-grid');
  const row = grid.locator('.ag-row').filter({ has: page.locator('.ag-cell[col-id="service"]', { hasText: 'Restauration scolaire' }) });
  const rowId = await row.first().getAttribute('row-id');
  return grid.locator(`.ag-row[row-id="${rowId}"] .ag-cell[col-id="${day}"]`);
}

async function openPlanningMenu(page: Page): Promise<Locator> {
  const cell = await canteenCell(page, TOUR_DAY);
  await cell.click();
  await expect(cell).toHaveClass(/cell-selected/);
  await page.keyboard.press('Shift+F10');
  const menu = page.getByRole('menu', { name: /^Actions sur/ });
  await expect(menu).toBeVisible();
  return menu;
}

/** The dialogs of the desk (agent or administrator): password, planning menu, absence, family request, refusal. */
export async function deskDialogs(page: Page, data: TourData, visit: Visit): Promise<void> {
  await page.getByRole('button', { name: 'Mon mot de passe' }).click();
  const password = page.getByRole('dialog', { name: 'Mon mot de passe' });
  await expect(password).toBeVisible();
  await visit('dialogue-mot-de-passe');
  await password.getByRole('button', { name: 'Fermer' }).click();
  await expect(password).toBeHidden();

  await go(page, data, `#/enfants/${data.childId}`, data.childName);
  await page.getByRole('tab', { name: 'Planning' }).click();
  await page.getByRole('region', { name: 'Planning' }).getByLabel('Aller au').fill(TOUR_DAY_TYPED);
  await expect(page.locator('.planning-grid .ag-row').first()).toBeVisible();
  let menu = await openPlanningMenu(page);
  await visit('menu-planning');
  await menu.getByRole('menuitem', { name: 'Absent (motif…)' }).click();
  const absence = page.getByRole('dialog', { name: /^Absence \(/ });
  await expect(absence).toBeVisible();
  await visit('dialogue-absence');
  await absence.getByRole('button', { name: 'Annuler' }).click();
  await expect(absence).toBeHidden();
  menu = await openPlanningMenu(page);
  await menu.getByRole('menuitem', { name: 'Demande de la famille…' }).click();
  const request = page.getByRole('dialog', { name: /^Demande de la famille/ });
  await expect(request).toBeVisible();
  await visit('dialogue-demande-famille');
  await request.getByRole('button', { name: 'Annuler' }).click();
  await expect(request).toBeHidden();

  await go(page, data, `#/familles/${data.familyId}`, /^Famille /);
  await page.getByRole('button', { name: 'Mettre en place le prélèvement' }).click();
  const setUp = page.getByRole('dialog', { name: 'Mettre en place le prélèvement' });
  await expect(setUp).toBeVisible();
  await visit('dialogue-prelevement');
  await setUp.getByRole('button', { name: 'Annuler' }).click();
  await expect(setUp).toBeHidden();

  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: /Demandes/ }).click();
  await page.getByRole('button', { name: /^Refuser : / }).first().click();
  const refuse = page.getByRole('dialog', { name: 'Refuser la demande' });
  await expect(refuse).toBeVisible();
  await visit('dialogue-refus');
  await refuse.getByRole('button', { name: 'Annuler' }).click();
  await expect(refuse).toBeHidden();
}

/** The régisseur's dialogs: issuing a month, correcting an invoice, a direct debit batch's preview. */
export async function regieDialogs(page: Page, data: TourData, visit: Visit): Promise<void> {
  await go(page, data, `#/facturation/${DRAFT_MONTH}`, 'Facturation');
  await page.getByRole('button', { name: 'Émettre les factures' }).click();
  const issue = page.getByRole('dialog', { name: /^Émettre les factures/ });
  await expect(issue).toBeVisible();
  await visit('dialogue-emission');
  await issue.getByRole('button', { name: 'Annuler' }).click();
  await expect(issue).toBeHidden();

  await go(page, data, `#/familles/${data.invoicedFamilyId}`, /^Famille /);
  await page.getByRole('button', { name: `Avoir / facture complémentaire sur ${data.invoiceNumber}` }).click();
  const correction = page.getByRole('dialog', { name: `Avoir / facture complémentaire sur ${data.invoiceNumber}` });
  await expect(correction).toBeVisible();
  await visit('dialogue-avoir');
  await correction.getByRole('button', { name: 'Annuler' }).click();
  await expect(correction).toBeHidden();

  await go(page, data, '#/regie/prelevements', 'Régie');
  await page.getByRole('button', { name: 'Nouveau lot' }).click();
  const batch = page.getByRole('region', { name: 'Nouveau lot de prélèvements' });
  await batch.getByLabel('Date de prélèvement').fill('15/12/2026');
  await batch.getByRole('button', { name: 'Voir l’aperçu' }).click();
  await expect(batch.getByText(data.invoiceNumber).first()).toBeVisible();
  await settled(page);
  await visit('prelevements-apercu');
}
