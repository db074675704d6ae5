import type { Page } from '@playwright/test';
import { formatEuros } from '../../src/shared/money.js';
import { seriousViolations } from './axe.js';
import { pdfText, plainSpaces } from './pdf-text.js';
import { usePortalServer } from './portal-server.js';
import { officeApi } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';

/**
 * Issue 11's acceptance, end to end through both real servers: in the office (dev bridge, demo commune, its clock on
 * Saturday 28 November 2026) the régisseur issues October from « Facturation », records in a family's file a cheque
 * paying part of its invoice, prints the family's statement (the balance left read back with pdftotext), closes the
 * day in « Régie › Journal de caisse » and prints the journal with its deposit slip; the sync publishes the account to
 * a real portal (same clock), where the family sees at 360 px the invoice with what was paid and what is left, the
 * payment and the balance, and the amount due on its home page.
 */

const bridge = useOfficeBridge();
const MONTH = '2026-10';
const SECRET = 'secret-de-recette-portail-0123456789abcdef';
const PASSWORD = 'un mot de passe solide';
const CHEQUE = '4455667';

const portalServer = usePortalServer(SECRET);

const euros = (cents: number) => plainSpaces(formatEuros(cents));

async function downloaded(page: Page, click: () => Promise<void>): Promise<string> {
  const download = page.waitForEvent('download');
  await click();
  return pdfText(await download);
}

test('a month issued, a cheque paying part of an invoice, the statement, the closed day and its journal, the account on the portal', async ({ page, consoleProblems }) => {
  test.setTimeout(300_000);
  const admin = await officeApi(bridge, 'admin');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });

  // 1. The régisseur issues October from « Facturation ».
  await login(page, bridge, 'regie');
  await nav.getByRole('link', { name: 'Facturation' }).click();
  await page.getByLabel('Mois facturé').selectOption(MONTH);
  const compute = page.getByRole('button', { name: 'Calculer les brouillons' });
  if (await compute.isVisible()) await compute.click();
  await expect(page.getByRole('button', { name: 'Émettre les factures' })).toBeVisible({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Émettre les factures' }).click();
  await page.getByRole('dialog', { name: 'Émettre les factures d’octobre 2026' }).getByRole('button', { name: /^Émettre \d+/ }).click();
  await expect(page.getByRole('heading', { name: 'Factures émises' })).toBeVisible({ timeout: 120_000 });

  // A family with an e-mail whose October invoice is big enough to pay half of.
  const issued = await admin('invoices.list', { familyId: null, month: MONTH });
  let chosen: { familyId: number; number: string; totalCents: number; email: string } | null = null;
  for (const invoice of issued.filter((candidate) => candidate.kind === 'invoice' && candidate.totalCents >= 2_000)) {
    const email = (await admin('families.get', { id: invoice.familyId })).data.responsable1.email;
    if (email !== '') {
      chosen = { familyId: invoice.familyId, number: invoice.number, totalCents: invoice.totalCents, email };
      break;
    }
  }
  expect(chosen, 'a demo family billed in October with an e-mail').not.toBeNull();
  const family = chosen!;
  const paid = Math.floor(family.totalCents / 2);
  const left = family.totalCents - paid;

  // 2. In its file, a cheque paying part of the invoice.
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${family.familyId}`);
  const account = page.getByRole('region', { name: 'Compte', exact: true });
  await expect(account.getByTestId('account-balance')).toHaveText(`${formatEuros(family.totalCents)} à payer`);
  await account.getByRole('button', { name: 'Enregistrer un règlement' }).click();
  const dialog = page.getByRole('dialog', { name: /^Enregistrer un règlement — / });
  await dialog.getByLabel('Mode de règlement').selectOption('cheque');
  await dialog.getByLabel('Montant (€)').fill(formatEuros(paid).replace(/\s*€$/, ''));
  await dialog.getByLabel('N° du chèque').fill(CHEQUE);
  await dialog.getByLabel('Banque').fill('Banque Populaire');
  await dialog.getByLabel('Tireur (titulaire du compte)').fill('M. Famille');
  await dialog.getByRole('button', { name: 'Enregistrer le règlement' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(account.getByTestId('account-balance')).toHaveText(`${formatEuros(left)} à payer`);
  expect(await seriousViolations(page)).toEqual([]);

  // 3. Its statement from October to today: the invoice, the cheque, what is left.
  await account.getByRole('button', { name: 'Relevé de compte' }).click();
  const statementForm = page.getByRole('form', { name: 'Relevé de compte' });
  await statementForm.getByLabel('Du').fill('01/10/2026');
  await statementForm.getByLabel('Au').fill('28/11/2026');
  const statement = await downloaded(page, () => statementForm.getByRole('button', { name: 'Imprimer le relevé' }).click());
  expect(statement).toContain(family.number);
  expect(statement).toContain(CHEQUE);
  expect(statement).toContain(euros(paid));
  expect(statement).toContain(`Reste à payer : ${euros(left)}`);

  // 4. « Régie › Journal de caisse »: the cheque in the day's journal; the day closed, then the journal printed.
  await nav.getByRole('link', { name: 'Régie' }).click();
  await page.getByRole('tab', { name: 'Journal de caisse' }).click();
  const journal = page.getByRole('region', { name: /^Journal de caisse du/ });
  await expect(journal.getByRole('cell', { name: CHEQUE, exact: true })).toBeVisible();
  await journal.getByRole('button', { name: 'Clôturer la journée' }).click();
  await page.getByRole('dialog', { name: 'Clôturer la journée du 28/11/2026' }).getByRole('button', { name: 'Clôturer définitivement' }).click();
  await expect(journal.getByText('Journée du 28/11/2026 clôturée.')).toBeVisible();
  const printed = await downloaded(page, () => journal.getByRole('button', { name: 'Imprimer le journal et le bordereau' }).click());
  expect(printed).toContain('Bordereau de remise de chèques');
  expect(printed).toContain(CHEQUE);
  expect(printed).toContain(euros(paid));
  expect(await seriousViolations(page)).toEqual([]);
  // Closed means closed: nothing more is recorded on that day.
  const regie = await officeApi(bridge, 'regie');
  await expect(regie('payments.record', { familyId: family.familyId, method: 'especes', day: '2026-11-28', amountCents: 100 })).rejects.toThrow(/clôturée/);

  // 5. The sync publishes the account; the family, on a phone, sees the invoice, the payment and the balance.
  await admin('sync.configure', { portalUrl: portalServer.url, secret: SECRET });
  const { code } = await admin('portal.issueActivation', { familyId: family.familyId, rank: 1 });
  expect((await admin('sync.now', {})).lastError).toBeNull();
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${portalServer.url}/activation`);
  await page.getByLabel('Adresse e-mail').fill(family.email);
  await page.getByLabel('Code d’activation').fill(code);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Bonjour/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'À payer' })).toContainText(`Montant dû : ${formatEuros(left)}`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Relevé de compte' }).click();
  await expect(page.getByText(`Solde : ${formatEuros(left)} restant à payer`)).toBeVisible();
  const invoiceRow = page.getByRole('table', { name: 'Factures et avoirs' }).getByRole('row', { name: new RegExp(family.number) });
  await expect(invoiceRow).toContainText(formatEuros(family.totalCents));
  await expect(invoiceRow).toContainText(formatEuros(paid));
  await expect(invoiceRow).toContainText(formatEuros(left));
  const payments = page.getByRole('table', { name: 'Paiements et remboursements' });
  await expect(payments.getByRole('row').nth(1)).toContainText(/28\/11\/2026\s*Paiement\s*Chèque/);
  await expect(payments.getByRole('row').nth(1)).toContainText(formatEuros(paid));
  expect(await seriousViolations(page)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  expect(consoleProblems.filter((problem) => !problem.includes('status of 404'))).toEqual([]);
});
