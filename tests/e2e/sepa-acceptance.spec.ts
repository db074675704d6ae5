import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Download, Locator, Page } from '@playwright/test';
import { addDays } from '../../src/shared/calendar/days.js';
import { shortDayFr } from '../../src/shared/calendar/format.js';
import { formatEuros } from '../../src/shared/money.js';
import { seriousViolations } from './axe.js';
import { officeApi, type OfficeCall } from './api.js';
import { E2E_NOW, expect, login, startBridge, stopBridge, test, type Bridge } from './bridge.js';
import { layoutProblems, LAPTOP } from './layout.js';
import { pdfText } from './pdf-text.js';
import { renderRibPng, testRib } from './sepa-rib.js';

/**
 * Issue 12's acceptance, end to end in the office (dev bridge, demo commune, its clock on Saturday 28 November 2026):
 * the régisseur computes October's drafts, sets up direct debit for a billed family from a RIB image dropped on the
 * set-up dialog (the image drawn here; the office reads it by OCR and pre-fills the form), prints the mandate form
 * (ICS, RUM and IBAN read back with pdftotext), records the signature, issues October, prepares a batch for the date
 * the régie proposes (count and control sum shown before anything is saved) and exports it as pain.008.001.02, which
 * xmllint validates against the ISO schema. The office is then restarted on the same database with its clock the day
 * after the collection date, so the debit is settled; a reject (AM04, with a fee) is recorded, and the family's file
 * shows the invoice due again, the fee invoice, the balance and the reject flag.
 */

const MONTH = '2026-10';
const FEE_CENTS = 750;
// The ISO schemas sit beside the repository (../shared/sepa), one level higher for a git worktree under a folder.
const XSD = ['../../../shared/sepa', '../../../../shared/sepa']
  .map((folder) => path.resolve(import.meta.dirname, folder, 'pain.008.001.02.xsd'))
  .find((file) => fs.existsSync(file))!;

let bridge: Bridge = { url: '', dir: '', dbFile: '' };
let child: ChildProcess | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  ({ bridge, child } = await startBridge(E2E_NOW));
});

test.afterAll(async () => {
  if (child) await stopBridge(child);
  if (bridge.dir) fs.rmSync(bridge.dir, { recursive: true, force: true });
});

async function dropFile(zone: Locator, file: { name: string; mime: string; buffer: Buffer }): Promise<void> {
  // A real drop: a DataTransfer holding the file, as the browser builds it when a file is dragged from the desktop.
  const dataTransfer = await zone.page().evaluateHandle(({ base64, name, mime }) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type: mime }));
    return transfer;
  }, { base64: file.buffer.toString('base64'), name: file.name, mime: file.mime });
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

async function download(page: Page, click: () => Promise<void>): Promise<Download> {
  const waiting = page.waitForEvent('download');
  await click();
  return waiting;
}

const compact = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, '');

async function openFile(page: Page, familyId: number): Promise<void> {
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${familyId}`);
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
}

test('a mandate from a dropped RIB scan, its form printed and signed, October collected, settled, then rejected', async ({ page, consoleProblems }) => {
  test.setTimeout(420_000);
  await page.setViewportSize(LAPTOP);
  let admin: OfficeCall = await officeApi(bridge, 'admin');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });

  // 1. The régisseur computes October's drafts; a family billed at least 20 € is the one set up for direct debit.
  await login(page, bridge, 'regie');
  await nav.getByRole('link', { name: 'Facturation' }).click();
  await page.getByLabel('Mois facturé').selectOption(MONTH);
  const compute = page.getByRole('button', { name: 'Calculer les brouillons' });
  if (await compute.isVisible()) await compute.click();
  await expect(page.getByRole('button', { name: 'Émettre les factures' })).toBeVisible({ timeout: 120_000 });
  const run = await admin('invoiceRuns.get', { month: MONTH });
  const draft = run.drafts.find((row) => row.totalCents >= 2_000);
  expect(draft, 'a demo family billed at least 20 € in October').toBeDefined();
  const familyId = draft!.familyId;
  const holder = (await admin('families.get', { id: familyId })).data.responsable1;
  const rib = testRib(`${holder.prenom} ${holder.nom}`.toUpperCase());

  // 2. In its file, « Mettre en place le prélèvement »: the RIB image dropped on the zone, read, the form pre-filled.
  await openFile(page, familyId);
  const section = page.getByRole('region', { name: 'Prélèvement SEPA' });
  await section.getByRole('button', { name: 'Mettre en place le prélèvement' }).click();
  const dialog = page.getByRole('dialog', { name: 'Mettre en place le prélèvement' });
  await dropFile(dialog.getByTestId('scan-drop'), { name: 'rib-scanne.png', mime: 'image/png', buffer: renderRibPng(rib) });
  const iban = dialog.getByLabel('IBAN', { exact: true });
  await expect(iban).not.toHaveValue('', { timeout: 120_000 });
  expect(compact(await iban.inputValue())).toBe(rib.iban);
  expect(compact(await dialog.getByLabel('BIC', { exact: true }).inputValue())).toBe(rib.bic);
  // The scan beside the form, with the places read boxed.
  await expect(dialog.getByRole('img', { name: 'Page 1 du RIB numérisé' })).toBeVisible();
  await expect(dialog.locator('.scan-box[data-field="iban"]').first()).toBeVisible();
  // Scan and form side by side on the laptop screen, nothing cut, and the save button in view.
  expect(await layoutProblems(page)).toEqual([]);
  await expect(dialog.getByRole('button', { name: 'Enregistrer le mandat' })).toBeInViewport();
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Enregistrer le mandat' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(section.getByTestId('mandate-status')).toContainText('À signer');
  const rum = (await section.getByTestId('mandate-rum').textContent())!.trim();
  expect(rum).not.toBe('');
  // Masked on screen: only the last characters of the IBAN are shown.
  await expect(section.getByTestId('mandate-iban')).not.toContainText(rib.iban.slice(4, 20));

  // 3. The mandate form printed for the family's signature: the creditor's ICS, the RUM and the account.
  const settings = await admin('sepa.settings', {});
  const mandateText = await pdfText(await download(page, () => section.getByRole('button', { name: 'Imprimer le mandat' }).click()));
  expect(compact(mandateText)).toContain(settings.ics);
  expect(compact(mandateText)).toContain(compact(rum));
  expect(compact(mandateText)).toContain(rib.iban);

  // 4. The signed form back: the signature recorded, the mandate active.
  await section.getByRole('button', { name: 'Enregistrer la signature' }).click();
  const sign = page.getByRole('dialog', { name: /^Enregistrer la signature/ });
  await sign.getByLabel('Date de signature').fill('28/11/2026');
  await sign.getByRole('button', { name: 'Enregistrer la signature' }).click();
  await expect(sign).toHaveCount(0);
  await expect(section.getByTestId('mandate-status')).toContainText('Actif');

  // 5. October issued from « Facturation ».
  await nav.getByRole('link', { name: 'Facturation' }).click();
  await page.getByLabel('Mois facturé').selectOption(MONTH);
  await page.getByRole('button', { name: 'Émettre les factures' }).click();
  await page.getByRole('dialog', { name: 'Émettre les factures d’octobre 2026' }).getByRole('button', { name: /^Émettre \d+/ }).click();
  await expect(page.getByRole('heading', { name: 'Factures émises' })).toBeVisible({ timeout: 120_000 });
  const invoice = (await admin('invoices.list', { familyId, month: MONTH })).find((candidate) => candidate.kind === 'invoice')!;
  expect(invoice.totalCents).toBe(draft!.totalCents);

  // 6. « Régie › Prélèvements »: a batch for the date proposed, previewed (count and control sum), prepared, exported.
  await nav.getByRole('link', { name: 'Régie' }).click();
  await page.getByRole('tab', { name: 'Prélèvements' }).click();
  await page.getByRole('button', { name: 'Nouveau lot' }).click();
  const newBatch = page.getByRole('region', { name: 'Nouveau lot de prélèvements' });
  // The form proposes the next possible date once it has loaded: read it only then (a slow machine shows it later).
  await expect(newBatch.getByLabel('Date de prélèvement')).toHaveValue(/^\d{2}\/\d{2}\/\d{4}$/);
  const collectionDate = await newBatch.getByLabel('Date de prélèvement').inputValue();
  const collectionDay = collectionDate.split('/').reverse().join('-');
  await newBatch.getByRole('button', { name: 'Voir l’aperçu' }).click();
  const expected = await (await officeApi(bridge, 'regie'))('sepa.preview', { collectionDate: collectionDay });
  expect(expected.debits.map((debit) => debit.invoiceNumber)).toContain(invoice.number);
  expect(expected.debits.find((debit) => debit.invoiceNumber === invoice.number)?.amountCents).toBe(invoice.totalCents);
  await expect(newBatch.getByTestId('batch-count')).toHaveText(String(expected.count));
  await expect(newBatch.getByTestId('batch-sum')).toHaveText(formatEuros(expected.controlSumCents));
  expect(expected.controlSumCents).toBe(expected.debits.reduce((sum, debit) => sum + debit.amountCents, 0));
  await expect(newBatch.getByRole('row', { name: new RegExp(invoice.number) })).toContainText(formatEuros(invoice.totalCents));
  await newBatch.getByRole('button', { name: /^Préparer le lot/ }).click();
  const batch = page.getByRole('region', { name: new RegExp(`^Lot du ${collectionDate}`) });
  await expect(batch.getByTestId('batch-count')).toHaveText(String(expected.count));
  const xmlFile = await (await download(page, () => batch.getByRole('button', { name: 'Exporter (pain.008.001.02)' }).click())).path();
  // Schema-valid (xmllint exits non-zero otherwise), with the batch's count and control sum.
  execFileSync('xmllint', ['--noout', '--schema', XSD, xmlFile], { stdio: 'pipe' });
  const xml = fs.readFileSync(xmlFile, 'utf8');
  expect(xml).toContain(`<NbOfTxs>${expected.count}</NbOfTxs>`);
  expect(xml).toContain(`<CtrlSum>${(expected.controlSumCents / 100).toFixed(2)}</CtrlSum>`);
  expect(xml).toContain(rum);
  await expect(batch.getByText('le lot est marqué transmis')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // In the family's file, the invoice is « en cours de prélèvement » until the collection date.
  await openFile(page, familyId);
  await expect(page.getByRole('table', { name: 'Factures de la famille' }).getByRole('row', { name: new RegExp(`^${invoice.number} `) })).toContainText(
    `En cours de prélèvement (le ${collectionDate})`,
  );

  // 7. The office restarted the day after the collection date: the debit is settled, the invoice paid.
  // The page leaves first: its periodic calls to the stopped office would fail in the console.
  await page.goto('about:blank');
  await stopBridge(child!);
  ({ bridge, child } = await startBridge(`${addDays(collectionDay, 1)}T09:00:00Z`, bridge));
  admin = await officeApi(bridge, 'admin');
  await expect.poll(async () => (await admin('accounts.get', { familyId })).invoices.find((row) => row.number === invoice.number)?.openCents).toBe(0);

  // 8. The bank reports a reject: AM04, with a fee.
  await login(page, bridge, 'regie');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Régie' }).click();
  await page.getByRole('tab', { name: 'Prélèvements' }).click();
  await page.getByRole('button', { name: `Ouvrir le lot du ${collectionDate}` }).click();
  const settled = page.getByRole('region', { name: new RegExp(`^Lot du ${collectionDate}`) });
  await settled.getByRole('button', { name: new RegExp(`^Enregistrer un rejet : .*facture ${invoice.number}$`) }).click();
  const reject = page.getByRole('dialog', { name: /^Enregistrer un rejet/ });
  await reject.getByLabel('Motif du rejet (code ISO)').selectOption('AM04');
  await expect(reject.getByLabel('Motif du rejet (code ISO)')).toContainText('Provision insuffisante');
  await reject.getByLabel('Date du rejet').fill(shortDayFr(addDays(collectionDay, 1)));
  await reject.getByLabel('Frais de rejet facturés (€)').fill('7,50');
  await reject.getByRole('button', { name: 'Enregistrer le rejet' }).click();
  await expect(reject).toHaveCount(0);
  await expect(settled.getByText(/Rejet enregistré/)).toBeVisible();
  await expect(settled.getByRole('row', { name: new RegExp(invoice.number) })).toContainText('Rejeté');

  // 9. The family's file: the invoice due again, the fee invoice, the balance and the flag.
  await openFile(page, familyId);
  const account = await admin('accounts.get', { familyId });
  expect(account.invoices.find((row) => row.number === invoice.number)?.openCents).toBe(invoice.totalCents);
  const fee = account.invoices.find((row) => row.number !== invoice.number && row.totalCents === FEE_CENTS);
  expect(fee, 'the reject fee invoiced').toBeDefined();
  await expect(page.getByTestId('account-balance')).toHaveText(`${formatEuros(invoice.totalCents + FEE_CENTS)} à payer`);
  const invoices = page.getByRole('table', { name: 'Factures de la famille' });
  // Each row named from its number (the fee, a complementary invoice, also names the invoice it adds to).
  await expect(invoices.getByRole('row', { name: new RegExp(`^${fee!.number} `) })).toContainText(formatEuros(FEE_CENTS));
  const due = invoices.getByRole('row', { name: new RegExp(`^${invoice.number} `) });
  await expect(due).toContainText(formatEuros(invoice.totalCents));
  await expect(due).not.toContainText('Réglée');
  const flag = page.getByRole('region', { name: 'Prélèvement SEPA' }).getByRole('alert');
  await expect(flag).toContainText('Famille signalée pour un rejet');
  await expect(flag).toContainText('AM04 · Provision insuffisante');
  await expect(flag.getByRole('button', { name: 'Lever l’alerte' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  expect(consoleProblems.filter((problem) => !problem.includes('status of 404'))).toEqual([]);
});
