import { expectNoViolation } from './axe.js';
import { expect, test } from '@playwright/test';
import type { FamilyPublication } from '../../src/shared/sync/contract.js';
import { publishedInvoice, sampleInvoiceDocument } from '../helpers/invoice.js';
import { ACTIVATION_CODE, insertPublication, makePublication, startTestPortal, type TestPortal } from '../helpers/portal.js';

/**
 * Direct debits on « Relevé de compte », on a phone (360 px): an invoice collected, one the bank will collect on
 * 10 December (not offered on PayFiP, not counted as to pay online), one rejected (unpaid again, on PayFiP again, the
 * reason in French, its fee invoice); each state in words, not colour only; axe-core (WCAG 2.1 A and AA) on the home
 * page and the statement. The publication is the office's shape (tests/integration/sepa-portal-flow.test.ts makes the
 * same states through the real office, the real sync and the real portal). The portal's day: 30 November 2026.
 */
const EMAIL = 'famille1@example.test';
const PASSWORD = 'un mot de passe solide';
const RUM = 'GRN-000001-01';

let portal: TestPortal;

test.use({ viewport: { width: 360, height: 740 } });

type Debit = NonNullable<FamilyPublication['invoices'][number]['directDebit']>;
const debit = (over: Partial<Debit>): Debit => ({
  status: 'en_cours',
  collectionDate: '2026-12-10',
  mandateReference: RUM,
  rejectCode: null,
  rejectReason: null,
  rejectDay: null,
  feeInvoiceNumber: null,
  ...over,
});

test.beforeAll(async () => {
  portal = await startTestPortal({ listen: true });
  const collected = {
    ...publishedInvoice(sampleInvoiceDocument({ number: '2026-000040', month: '2026-10', issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: 4000 })),
    paidCents: 4000,
    directDebit: debit({ status: 'preleve', collectionDate: '2026-11-10' }),
  };
  const rejected = {
    ...publishedInvoice(sampleInvoiceDocument({ number: '2026-000041', month: '2026-10', issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: 2500 })),
    directDebit: debit({ status: 'rejete', collectionDate: '2026-11-10', rejectCode: 'AM04', rejectReason: 'Provision insuffisante', rejectDay: '2026-11-16', feeInvoiceNumber: '2026-000043' }),
  };
  const pending = { ...publishedInvoice(sampleInvoiceDocument({ number: '2026-000042' })), directDebit: debit({}) };
  const fee = publishedInvoice(
    sampleInvoiceDocument({ kind: 'complementary', number: '2026-000043', issueDate: '2026-11-16', dueDate: '2026-12-16', totalCents: 500, reason: 'Frais de rejet de prélèvement' }),
  );
  await insertPublication(
    portal.db,
    makePublication(1, {
      invoices: [collected, rejected, pending, fee],
      payments: [{ date: '2026-11-10', amountCents: 4000, method: 'Prélèvement', kind: 'payment' }],
      balanceCents: 4640,
    }),
  );
});

test.afterAll(async () => {
  await portal.close();
});


test('a family on its phone sees each invoice’s direct debit in words, and PayFiP offers only what the bank will not collect', async ({ page }) => {
  await page.goto(`${portal.url}/activation`);
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByLabel('Code d’activation').fill(ACTIVATION_CODE);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();

  const due = page.getByRole('region', { name: 'À payer' });
  await expect(due).toContainText('Montant dû : 46,40 €');
  await expect(due).toContainText('Dont 16,40 € en cours de prélèvement automatique sur votre compte : vous n’avez rien à faire pour ce montant.');
  await expectNoViolation(page, 'accueil');
  await due.getByRole('link', { name: 'Voir le relevé de compte et payer en ligne' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Relevé de compte' })).toBeVisible();
  const invoices = page.getByRole('table', { name: 'Factures et avoirs' });
  await expect(invoices.getByRole('columnheader', { name: 'Prélèvement' })).toBeVisible();
  await expect(invoices.getByRole('row', { name: /2026-000040/ })).toContainText(/40,00\s€\s*40,00\s€\s*0,00\s€\s*Prélevée le 10 nov\. 2026/);
  await expect(invoices.getByRole('row', { name: /2026-000041/ })).toContainText(
    /25,00\s€\s*0,00\s€\s*25,00\s€\s*Prélèvement le 16 nov\. 2026 rejeté \(Provision insuffisante\) : frais de rejet sur la facture complémentaire n°\s2026-000043/,
  );
  await expect(invoices.getByRole('row', { name: /2026-000042/ })).toContainText(/16,40\s€\s*0,00\s€\s*16,40\s€\s*Prélèvement prévu le 10 déc\. 2026/);
  await expect(invoices.locator('time[datetime="2026-12-10"]')).toHaveText('10 déc. 2026');
  await expect(page.getByText('Dont 16,40 € en cours de prélèvement automatique')).toBeVisible();

  // PayFiP: the rejected invoice and its fee, never the invoice the bank is about to collect.
  const payfip = page.getByRole('region', { name: 'Payer en ligne avec PayFiP' });
  const references = payfip.getByRole('list', { name: 'Références à saisir sur PayFiP' }).getByRole('listitem');
  await expect(references).toHaveText([
    'Facture n°\u00a02026-000041 : référence 2026-000041, montant 25,00\u00a0€ (échéance le 02/12/2026)',
    'Facture complémentaire n°\u00a02026-000043 : référence 2026-000043, montant 5,00\u00a0€ (échéance le 16/12/2026)',
  ]);
  await expect(payfip).not.toContainText('2026-000042');
  await expectNoViolation(page, 'relevé de compte');
  // Nothing wider than the phone: the table, one column wider, scrolls inside its own region.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});
