import type { PaymentInput } from '../../src/shared/billing/account.js';
import { seriousViolations } from './axe.js';
import { pdfText } from './pdf-text.js';
import { officeApi } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';

/*
 * The régie's « Journal de caisse » on the demo commune, its clock on 28 November 2026: October 2026 is issued, a
 * family pays part of its invoice by cheque and another in cash (through the office's API, as the payment form
 * would), then the régisseur prints the statements of every family with a balance due, reads the day's journal,
 * prints it with the bordereau de remise de chèques, and closes the day; nothing dated that day is accepted after.
 */

const bridge = useOfficeBridge();
const DAY = '2026-11-28';
const MONTH = '2026-10';

test('the régisseur prints the statements, reads, prints and closes the day’s cash journal', async ({ page, consoleProblems }) => {
  test.setTimeout(300_000);
  const regie = await officeApi(bridge, 'regie');
  await regie('invoiceRuns.generate', { month: MONTH });
  await regie('invoiceRuns.issue', { month: MONTH });
  const invoices = (await regie('invoices.list', { familyId: null, month: MONTH })).filter((invoice) => invoice.kind === 'invoice' && invoice.totalCents > 2_000);
  const [first, second] = invoices;
  if (!first || !second) throw new Error('the demo month should bill at least two families');
  const chequeCents = Math.floor(first.totalCents / 2);
  const pay = (input: Partial<PaymentInput>) => regie('payments.record', { day: DAY, ...input } as PaymentInput);
  await pay({ familyId: first.familyId, method: 'cheque', amountCents: chequeCents, chequeNumber: '8811223', chequeBank: 'Crédit Mutuel', chequeDrawer: first.familyName });
  await pay({ familyId: second.familyId, method: 'especes', amountCents: 1_250 });
  const euros = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')} €`;

  await login(page, bridge, 'regie');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Régie' }).click();
  await page.getByRole('tab', { name: 'Journal de caisse' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Journal de caisse du samedi 28 novembre 2026' })).toBeVisible();

  // The statements of every family with a balance due at the end of the period, as one PDF.
  const batch = page.getByRole('region', { name: 'Relevés de compte' });
  await batch.getByLabel('Du').fill('01/10/2026');
  await batch.getByLabel('Au').fill('28/11/2026');
  const statements = page.waitForEvent('download');
  await batch.getByRole('button', { name: 'Imprimer les relevés des familles ayant un solde dû' }).click();
  const statementsPdf = await statements;
  expect(statementsPdf.suggestedFilename()).toBe('releves-compte-2026-10-01-2026-11-28.pdf');
  const statementsText = await pdfText(statementsPdf);
  expect(statementsText).toContain(`Reste à payer : ${euros(first.totalCents - chequeCents)}`);
  expect(statementsText).toContain('Chèque n° 8811223');

  // The day: the cheque and the cash, each method with its net, the cheque listed for the bank.
  const journal = page.getByRole('region', { name: /^Journal de caisse du/ });
  await expect(journal.getByRole('row', { name: /Total Chèque/ })).toContainText(`Net ${euros(chequeCents)}`);
  await expect(journal.getByRole('row', { name: /Total Espèces/ })).toContainText('Net 12,50 €');
  await expect(journal.getByRole('row', { name: /Total de la journée/ })).toContainText(`Net ${euros(chequeCents + 1_250)}`);
  await expect(journal.getByRole('heading', { name: `Chèques à remettre en banque : 1 pour ${euros(chequeCents)}` })).toBeVisible();
  await expect(journal.getByRole('cell', { name: '8811223', exact: true })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  const printed = page.waitForEvent('download');
  await journal.getByRole('button', { name: 'Imprimer le journal et le bordereau' }).click();
  const journalPdf = await printed;
  expect(journalPdf.suggestedFilename()).toBe(`journal-caisse-${DAY}.pdf`);
  const journalText = await pdfText(journalPdf);
  expect(journalText).toContain('Journée non clôturée');
  expect(journalText).toContain('Bordereau de remise de chèques');
  expect(journalText).toContain('Nombre de chèques : 1');
  expect(journalText).toContain('8811223 Crédit Mutuel');

  // Closing: a confirmation saying it is final, then the day is closed and no longer offers to close.
  await journal.getByRole('button', { name: 'Clôturer la journée' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clôturer la journée du 28/11/2026' });
  await expect(dialog).toContainText('La clôture est définitive');
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Clôturer définitivement' }).click();
  await expect(dialog).toBeHidden();
  await expect(journal.getByText('Journée du 28/11/2026 clôturée.')).toBeVisible();
  await expect(journal.getByText(/^Journée clôturée le 28\/11\/2026 à .* par Régie \(démo\) : ses mouvements sont définitifs\.$/)).toBeVisible();
  await expect(journal.getByRole('button', { name: 'Clôturer la journée' })).toHaveCount(0);
  await expect(pay({ familyId: second.familyId, method: 'especes', amountCents: 100 })).rejects.toThrow('La journée de caisse du 28/11/2026 est clôturée : elle ne peut plus être modifiée.');

  // The closed day's journal says so in print.
  const again = page.waitForEvent('download');
  await journal.getByRole('button', { name: 'Imprimer le journal et le bordereau' }).click();
  expect(await pdfText(await again)).toContain('Journée clôturée le 28/11/2026');

  // Another day from the date field: nothing recorded, still open.
  await journal.getByLabel('Journée').fill('27/11/2026');
  await journal.getByRole('button', { name: 'Afficher' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Journal de caisse du vendredi 27 novembre 2026' })).toBeVisible();
  await expect(page.getByText('Aucun mouvement enregistré ce jour.')).toBeVisible();
  expect(consoleProblems).toEqual([]);
});

test('an agent does not see the cash journal, and its closing is refused to the admin', async ({ page }) => {
  const admin = await officeApi(bridge, 'admin');
  await expect(admin('cashJournal.close', { day: DAY })).rejects.toThrow('Seul le régisseur peut clôturer une journée de caisse.');
  await login(page, bridge, 'accueil');
  await page.evaluate(() => {
    window.location.hash = '#/regie/caisse';
  });
  await expect(page.getByText('Le journal de caisse est réservé au régisseur et à l’administrateur.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Imprimer les relevés des familles ayant un solde dû' })).toHaveCount(0);
});
