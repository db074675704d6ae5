import { expectNoViolation } from './axe.js';
import { expect, test } from '@playwright/test';
import { publishedInvoice, sampleInvoiceDocument } from '../helpers/invoice.js';
import { ACTIVATION_CODE, insertPublication, makePublication, startTestPortal, type TestPortal } from '../helpers/portal.js';

/**
 * « Relevé de compte » with the régie's accounts on a phone (360 px): the amount due on the home page and its link,
 * each invoice with what is paid and left, the payments and a refund, the balance, and the PayFiP references of what
 * is left to pay; axe-core (WCAG 2.1 A and AA) on both pages. The publication is the office's shape (see
 * tests/integration/accounts-portal-flow.test.ts for the same through the real office and sync).
 */
const EMAIL = 'famille1@example.test';
const PASSWORD = 'un mot de passe solide';

let portal: TestPortal;

test.use({ viewport: { width: 360, height: 740 } });

test.beforeAll(async () => {
  portal = await startTestPortal({ listen: true });
  const paid = { ...publishedInvoice(sampleInvoiceDocument({ number: '2026-000041', issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: 4000 })), paidCents: 4000 };
  const partly = { ...publishedInvoice(sampleInvoiceDocument({ number: '2026-000042' })), paidCents: 1000 };
  await insertPublication(
    portal.db,
    makePublication(1, {
      invoices: [paid, partly],
      payments: [
        { date: '2026-11-20', amountCents: 5000, method: 'Chèque', kind: 'payment' },
        { date: '2026-11-25', amountCents: 1000, method: 'Virement', kind: 'refund' },
      ],
      balanceCents: 640,
    }),
  );
});

test.afterAll(async () => {
  await portal.close();
});


test('a family sees what it owes on its phone, its statement with payments and how to pay online, each page passing axe', async ({ page }) => {
  await page.goto(`${portal.url}/activation`);
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByLabel('Code d’activation').fill(ACTIVATION_CODE);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();

  const due = page.getByRole('region', { name: 'À payer' });
  await expect(due).toContainText('Montant dû : 6,40 €');
  await expectNoViolation(page, 'accueil');
  await due.getByRole('link', { name: 'Voir le relevé de compte et payer en ligne' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Relevé de compte' })).toBeVisible();
  await expect(page.getByText('Solde : 6,40 € restant à payer')).toBeVisible();
  const invoices = page.getByRole('table', { name: 'Factures et avoirs' });
  await expect(invoices.getByRole('row', { name: /2026-000041/ })).toContainText(/40,00\s€\s*40,00\s€\s*0,00\s€/);
  await expect(invoices.getByRole('row', { name: /2026-000042/ })).toContainText(/16,40\s€\s*10,00\s€\s*6,40\s€/);
  const payments = page.getByRole('table', { name: 'Paiements et remboursements' });
  await expect(payments.getByRole('row')).toHaveCount(3);
  await expect(payments.getByRole('row').nth(1)).toContainText(/20\/11\/2026\s*Paiement\s*Chèque\s*50,00\s€/);
  await expect(payments.getByRole('row').nth(2)).toContainText(/25\/11\/2026\s*Remboursement\s*Virement\s*-10,00\s€/);

  const payfip = page.getByRole('region', { name: 'Payer en ligne avec PayFiP' });
  await expect(payfip.getByRole('link', { name: 'www.tipi.budget.gouv.fr' })).toHaveAttribute('href', 'https://www.tipi.budget.gouv.fr/');
  await expect(payfip).toContainText('l’identifiant de la collectivité 012345');
  const references = payfip.getByRole('list', { name: 'Références à saisir sur PayFiP' }).getByRole('listitem');
  await expect(references).toHaveCount(1);
  await expect(references).toHaveText('Facture n°\u00a02026-000042 : référence 2026-000042, montant 6,40\u00a0€ (échéance le 31/12/2026)');
  // The invoices table stays the one place whose rows name an invoice.
  await expect(page.getByRole('row').filter({ hasText: '2026-000042' })).toHaveCount(1);
  await expectNoViolation(page, 'relevé de compte');
  // Nothing wider than the phone: wide tables scroll inside their own region.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});
