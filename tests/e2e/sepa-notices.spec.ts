import type { Download, Page } from '@playwright/test';
import { formatEuros } from '../../src/shared/money.js';
import { officeApi } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { pdfText } from './pdf-text.js';

/**
 * The review of issue #12 in the browser (dev bridge, demo commune, clock on Saturday 28 November 2026): October is
 * issued before the family's mandate is signed, so its invoice carries no pre-notification and the batch page leaves
 * it out, saying why; « Préparer les avis de prélèvement » records the avis and gives the PDF to post (amount, date,
 * RUM, ICS); the invoice is then collectable on the date announced.
 */

const bridge = useOfficeBridge();
const MONTH = '2026-10';
const IBAN = 'FR7630006000011234567890189';

async function download(page: Page, click: () => Promise<void>): Promise<Download> {
  const waiting = page.waitForEvent('download');
  await click();
  return waiting;
}

test('an invoice issued before its mandate is pre-notified by an avis from the batch page, then collectable', async ({ page, consoleProblems }) => {
  test.setTimeout(240_000);
  const regie = await officeApi(bridge, 'regie');
  await regie('invoiceRuns.generate', { month: MONTH });
  await regie('invoiceRuns.issue', { month: MONTH });
  const family = (await regie('accounts.grid', { filter: 'due' }))[0]!;
  const invoice = (await regie('invoices.list', { familyId: family.familyId, month: MONTH }))[0]!;
  // The mandate signed after the invoice was issued: nothing told the family when it would be debited.
  const holder = (await regie('families.get', { id: family.familyId })).data.responsable1;
  const mandate = await regie('mandates.create', {
    familyId: family.familyId,
    account: { holder: `${holder.prenom} ${holder.nom}`, iban: IBAN, bic: 'AGRIFRPP', bankName: '', rib: null, scan: null },
  });
  await regie('mandates.sign', { mandateId: mandate.id, signedOn: '2026-11-28' });
  const { ics } = await regie('sepa.settings', {});

  await login(page, bridge, 'regie');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await nav.getByRole('link', { name: 'Régie' }).click();
  await page.getByRole('tab', { name: 'Prélèvements' }).click();
  await page.getByRole('button', { name: 'Nouveau lot' }).click();
  const newBatch = page.getByRole('region', { name: 'Nouveau lot de prélèvements' });
  // Monday 14 December: the first bank business day 14 days after today.
  const date = newBatch.getByLabel('Date de prélèvement');
  // The form starts over once Paramètres › Prélèvement are read (its proposed date): typed after that.
  await expect(date).not.toHaveValue('');
  await date.fill('14/12/2026');
  await newBatch.getByRole('button', { name: 'Voir l’aperçu' }).click();
  await expect(newBatch.getByRole('heading', { name: /Aperçu du lot du 14\/12\/2026/ })).toBeVisible();
  const left = newBatch.getByRole('table', { name: 'Factures écartées du lot et pourquoi' });
  const row = left.getByRole('row').filter({ hasText: invoice.number });
  await expect(row).toContainText('non pré-notifiée : envoyez un avis de prélèvement');

  const pdf = await pdfText(await download(page, () => newBatch.getByRole('button', { name: /^Préparer les avis de prélèvement/ }).click()));
  expect(pdf).toContain('Avis de prélèvement');
  expect(pdf).toContain(mandate.rum);
  expect(pdf).toContain(ics);
  expect(pdf).toContain(formatEuros(invoice.totalCents).replace(/[\u00a0\u202f]/g, ' '));
  expect(pdf).toContain('lundi 14 décembre 2026');
  expect(pdf).not.toContain(IBAN);
  await expect(newBatch.getByRole('status').filter({ hasText: 'avis de prélèvement' })).toContainText('à partir du 14/12/2026');

  // Told 14 days before: now in the batch.
  const debits = newBatch.getByRole('table', { name: 'Prélèvements du lot du 14/12/2026' });
  await expect(debits.getByRole('row').filter({ hasText: invoice.number })).toBeVisible();
  await expect(newBatch.getByRole('button', { name: /^Préparer le lot/ })).toBeVisible();
  expect(consoleProblems.filter((problem) => !problem.includes('status of 404'))).toEqual([]);
});
