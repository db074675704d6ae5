import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { shortDayFr } from '../../src/shared/calendar/format.js';
import { formatEuros } from '../../src/shared/money.js';
import { seriousViolations } from './axe.js';
import { officeApi } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { LAPTOP, layoutProblems, screenshot } from './layout.js';

/*
 * The régie's screens on the demo commune, its clock on 28 November 2026: October issued (through the office's own
 * methods, the screens of that are billing-ui.spec.ts), the régisseur records a cheque paying part of a family's
 * invoice in its file (refused first without the cheque's number, nothing saved), reads what is left, cancels it by a
 * counter-entry; the « Comptes » grid lists the family and exports every row.
 */

const bridge = useOfficeBridge();
const MONTH = '2026-10';
const TODAY = '28/11/2026';

/** The « Compte » card of the family file. */
const accountCard = (page: Page) => page.getByRole('region', { name: 'Compte', exact: true });

/** At the town hall's laptop size: photographed for a person to look at (screenshots/, ignored by git), and nothing cut. */
async function fits(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await layoutProblems(page), name).toEqual([]);
}

test.use({ viewport: LAPTOP });

test('the régisseur records a cheque in the family file, cancels it, and finds the family in « Comptes » and its CSV', async ({ page, consoleProblems }) => {
  test.setTimeout(240_000);
  const regie = await officeApi(bridge, 'regie');
  const agent = await officeApi(bridge, 'accueil');
  await regie('invoiceRuns.generate', { month: MONTH });
  const issued = await regie('invoiceRuns.issue', { month: MONTH });
  expect(issued.status).toBe('issued');

  // The family first in the « Comptes » grid by name (so on its first screen), with its October invoice.
  const due = await agent('accounts.grid', { filter: 'due' });
  expect(due.length).toBeGreaterThan(1);
  const family = due[0]!;
  const invoices = await agent('invoices.list', { familyId: family.familyId, month: MONTH });
  expect(invoices).toHaveLength(1);
  const invoice = invoices[0]!;
  expect(family.balanceCents).toBe(invoice.totalCents);
  expect(invoice.totalCents).toBeGreaterThan(200);
  const part = Math.floor(invoice.totalCents / 2);
  const left = invoice.totalCents - part;

  await login(page, bridge, 'regie');
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${family.familyId}`);
  const card = accountCard(page);
  await expect(card.getByTestId('account-balance')).toHaveText(`${formatEuros(invoice.totalCents)} à payer`);
  const invoiceRow = page.getByRole('region', { name: 'Factures' }).getByRole('row', { name: new RegExp(`^${invoice.number} `) });
  await expect(invoiceRow).toContainText('Non échue');
  await expect(invoiceRow.getByRole('button', { name: `PDF facture ${invoice.number}` })).toBeVisible();

  // A cheque without its number: refused under the field, nothing saved.
  await card.getByRole('button', { name: 'Enregistrer un règlement' }).click();
  const dialog = page.getByRole('dialog', { name: `Enregistrer un règlement — ${family.familyName}` });
  await dialog.getByLabel('Mode de règlement').selectOption('cheque');
  await expect(dialog.getByLabel('Jour de caisse')).toHaveValue(TODAY);
  await dialog.getByLabel('Montant (€)').fill(formatEuros(part).replace(/\s*€$/, ''));
  await dialog.getByLabel('Banque').fill('Crédit Agricole');
  await dialog.getByLabel('Tireur (titulaire du compte)').fill(family.familyName);
  await dialog.getByRole('button', { name: 'Enregistrer le règlement' }).click();
  await expect(dialog.getByText('Le numéro du chèque est obligatoire.')).toBeVisible();
  await expect(dialog.getByLabel('N° du chèque')).toHaveAttribute('aria-invalid', 'true');
  expect((await agent('accounts.get', { familyId: family.familyId })).movements).toEqual([]);
  // An amount that cannot be read is refused in French under its field too.
  await dialog.getByLabel('Montant (€)').fill('12,345');
  await dialog.getByRole('button', { name: 'Enregistrer le règlement' }).click();
  await expect(dialog.getByText('Deux décimales au plus (centimes).')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await fits(page, 'dialogue-reglement');

  await dialog.getByLabel('Montant (€)').fill(formatEuros(part).replace(/\s*€$/, ''));
  await dialog.getByLabel('N° du chèque').fill('1234567');
  await dialog.getByRole('button', { name: 'Enregistrer le règlement' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(card.getByTestId('account-balance')).toHaveText(`${formatEuros(left)} à payer`);
  const paymentRow = card.getByRole('row').filter({ hasText: 'Règlement — Chèque n° 1234567' });
  await expect(paymentRow).toContainText(formatEuros(part));
  await expect(paymentRow).toContainText('Régie (démo), le 28/11/2026');
  await expect(invoiceRow).toContainText(formatEuros(left));
  await card.scrollIntoViewIfNeeded();
  await fits(page, 'famille-compte');
  await page.getByRole('region', { name: 'Factures' }).scrollIntoViewIfNeeded();
  await fits(page, 'famille-compte-factures');
  const paid = await agent('accounts.get', { familyId: family.familyId });
  expect(paid.movements).toHaveLength(1);
  expect(paid.movements[0]).toMatchObject({ method: 'cheque', amountCents: part, details: { chequeNumber: '1234567', chequeBank: 'Crédit Agricole' } });
  expect(paid.balanceCents).toBe(left);

  // More than is due, without saying what to do with the rest: the office refuses beside the choice; leaving asks first.
  await card.getByRole('button', { name: 'Enregistrer un règlement' }).click();
  await dialog.getByLabel('Montant (€)').fill(formatEuros(left + 1_000).replace(/\s*€$/, ''));
  await expect(dialog.getByRole('group', { name: /trop-perçu/ })).toBeVisible();
  await dialog.getByRole('button', { name: 'Enregistrer le règlement' }).click();
  await expect(dialog.getByText(/^Le montant dépasse de 10,00\s€ ce qui reste dû/).first()).toBeVisible();
  await fits(page, 'dialogue-reglement-trop-percu');
  expect((await agent('accounts.get', { familyId: family.familyId })).movements).toHaveLength(1);
  let asked = '';
  page.once('dialog', (question) => {
    asked = question.message();
    void question.accept();
  });
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  await expect(dialog).toHaveCount(0);
  expect(asked).toBe('Abandonner les modifications ?');

  // Cancelled by a counter-entry, with its reason: the invoice is due again, the payment still in the ledger.
  await paymentRow.getByRole('button', { name: /^Annuler/ }).click();
  const cancel = page.getByRole('dialog', { name: 'Annuler le règlement du 28/11/2026' });
  await cancel.getByRole('button', { name: 'Confirmer l’annulation' }).click();
  await expect(cancel.getByText('Indiquez le motif de l’annulation.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await fits(page, 'dialogue-annulation-reglement');
  await cancel.getByLabel('Motif de l’annulation (obligatoire)').fill('Chèque saisi sur la mauvaise famille');
  await cancel.getByRole('button', { name: 'Confirmer l’annulation' }).click();
  await expect(cancel).toHaveCount(0);
  await expect(card.getByTestId('account-balance')).toHaveText(`${formatEuros(invoice.totalCents)} à payer`);
  await expect(paymentRow).toContainText('(annulé)');
  await expect(card.getByRole('row').filter({ hasText: 'Annulation du règlement du 28/11/2026' })).toContainText('Motif : Chèque saisi sur la mauvaise famille');
  await expect(paymentRow.getByRole('button', { name: /^Annuler/ })).toHaveCount(0);
  const cancelled = await agent('accounts.get', { familyId: family.familyId });
  expect(cancelled.movements.map((m) => [m.kind, m.amountCents])).toEqual([
    ['payment', part],
    ['cancellation', part],
  ]);
  expect(cancelled.balanceCents).toBe(invoice.totalCents);

  // « Comptes »: the family first among those owing, linked to its file; the CSV holds every row of the filter.
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Régie' }).click();
  await expect(page.getByRole('heading', { name: 'Comptes des familles' })).toBeVisible();
  await expect(page.getByLabel('Solde à payer')).toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: 'familles' })).toContainText(`${new Intl.NumberFormat('fr-FR').format(due.length)} familles`);
  const gridRow = page.locator('.accounts-grid .ag-row').filter({ hasText: family.familyName }).first();
  await expect(gridRow).toContainText(formatEuros(invoice.totalCents));
  expect(await seriousViolations(page)).toEqual([]);
  await fits(page, 'regie-comptes');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Exporter en CSV' }).click();
  const csv = fs.readFileSync((await (await download).path())!, 'utf8');
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n').filter((line) => line !== '');
  expect(lines).toHaveLength(due.length + 1);
  const amount = formatEuros(invoice.totalCents).replace(/[\s\u00a0]/g, '').replace('€', '');
  expect(lines[1]).toBe(`${family.familyId};${family.familyName};${amount};${amount};0,00;${shortDayFr(invoice.dueDate)};;;0,00;;Non`);

  // Every family, with the filter « Toutes les familles »: every row exported too.
  const all = await agent('accounts.grid', { filter: 'all' });
  await page.getByLabel('Toutes les familles').check();
  await expect(page.getByRole('status').filter({ hasText: 'familles' })).toContainText(`${new Intl.NumberFormat('fr-FR').format(all.length)} familles`);
  const everyRow = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Exporter en CSV' }).click();
  const allCsv = fs.readFileSync((await (await everyRow).path())!, 'utf8');
  expect(allCsv.split('\r\n').filter((line) => line !== '')).toHaveLength(all.length + 1);

  // A row opens the family's file.
  await page.getByLabel('Solde à payer').check();
  await page.locator('.accounts-grid .ag-row').filter({ hasText: family.familyName }).first().locator('.ag-cell[col-id="balance"]').dblclick();
  await expect(page.getByRole('heading', { level: 1, name: `Famille ${family.familyName}` })).toBeVisible();

  // Paid 5,00 € too much, kept as a credit; then the credit refunded by cheque (refused by the office first without
  // the cheque's number, under the field).
  await card.getByRole('button', { name: 'Enregistrer un règlement' }).click();
  await dialog.getByLabel('Mode de règlement').selectOption('virement');
  await dialog.getByLabel('Montant (€)').fill(formatEuros(invoice.totalCents + 500).replace(/\s*€$/, ''));
  await dialog.getByLabel('Référence du virement').fill('VIR-2026-11-28');
  await dialog.getByLabel('Garder en crédit sur le compte (déduit des prochaines factures)').check();
  await dialog.getByRole('button', { name: 'Enregistrer le règlement' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(card.getByTestId('account-balance')).toHaveText(`${formatEuros(500)} en faveur de la famille`);
  await expect(invoiceRow).toContainText('Réglée');
  await card.getByRole('button', { name: 'Rembourser le crédit' }).click();
  const refund = page.getByRole('dialog', { name: `Rembourser le crédit — ${family.familyName}` });
  await expect(refund.getByLabel('Montant remboursé (€)')).toHaveValue('5,00');
  await refund.getByLabel('Mode de remboursement').selectOption('cheque');
  await refund.getByRole('button', { name: 'Enregistrer le remboursement' }).click();
  await expect(refund.getByText('Le numéro du chèque de remboursement est obligatoire.')).toBeVisible();
  await expect(refund.getByLabel('N° du chèque de remboursement')).toHaveAttribute('aria-invalid', 'true');
  expect((await agent('accounts.get', { familyId: family.familyId })).movements.filter((m) => m.kind === 'refund')).toEqual([]);
  await fits(page, 'dialogue-remboursement');
  await refund.getByLabel('N° du chèque de remboursement').fill('7654321');
  await refund.getByRole('button', { name: 'Enregistrer le remboursement' }).click();
  await expect(refund).toHaveCount(0);
  await expect(card.getByTestId('account-balance')).toHaveText(`${formatEuros(0)} (à jour)`);
  await expect(card.getByRole('row').filter({ hasText: 'Remboursement — Chèque n° 7654321' })).toContainText(formatEuros(500));
  const settled = await agent('accounts.get', { familyId: family.familyId });
  expect([settled.balanceCents, settled.creditCents, settled.dueCents]).toEqual([0, 0, 0]);

  // An agent reads the account but is offered no payment.
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await login(page, bridge, 'accueil');
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${family.familyId}`);
  await expect(accountCard(page).getByTestId('account-balance')).toHaveText(`${formatEuros(0)} (à jour)`);
  await expect(page.getByRole('button', { name: 'Enregistrer un règlement' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Annuler :/ })).toHaveCount(0);
  expect(consoleProblems).toEqual([]);
});
