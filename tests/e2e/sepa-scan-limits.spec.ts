import type { Locator } from '@playwright/test';
import type { Content } from 'pdfmake/interfaces.js';
import { renderPdf } from '../../src/server/pdfmake.js';
import { DOCUMENT_MAX_BYTES, SCAN_TOO_BIG_MESSAGE, unreadPagesWarning } from '../../src/shared/files/limits.js';
import { officeApi } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { testRib } from './sepa-rib.js';

/**
 * The set-up dialog and the scan's limits (review of issue #12): a PDF of five pages is read, and the dialog says that
 * only the first three were; a file over the documents' 10 Mo is refused at the drop zone with the office's own
 * message, before anything is sent.
 */

const bridge = useOfficeBridge();

async function drop(zone: Locator, name: string, mime: string, buffer: Buffer): Promise<void> {
  const dataTransfer = await zone.page().evaluateHandle(({ base64, name, mime }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))], name, { type: mime }));
    return transfer;
  }, { base64: buffer.toString('base64'), name, mime });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

test('a five-page PDF: read, and the unread pages said; a file over 10 Mo refused at the drop zone', async ({ page, consoleProblems }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  const admin = await officeApi(bridge, 'admin');
  const family = (await admin('families.search', { query: '', includeArchived: false, limit: 1 }))[0]!;
  await login(page, bridge, 'regie');
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${family.id}`);
  const section = page.getByRole('region', { name: 'Prélèvement SEPA' });
  await section.getByRole('button', { name: 'Mettre en place le prélèvement' }).click();
  const dialog = page.getByRole('dialog', { name: 'Mettre en place le prélèvement' });

  // Too big: refused at once, under the drop zone, with the office's message; the form untouched.
  const big = Buffer.alloc(DOCUMENT_MAX_BYTES + 1, 0x20);
  big.write('%PDF-1.4\n');
  await drop(dialog.getByTestId('scan-drop'), 'rib.pdf', 'application/pdf', big);
  await expect(dialog.getByRole('alert')).toHaveText(SCAN_TOO_BIG_MESSAGE);
  await expect(dialog.getByLabel('IBAN', { exact: true })).toHaveValue('');

  // Five pages, the RIB on the first: read, and the warning shown above the form.
  const rib = testRib('MME CLAIRE FAVRE');
  const content: Content[] = [
    { text: "Relevé d'identité bancaire", bold: true, fontSize: 18 },
    { text: 'Titulaire du compte', bold: true },
    rib.holder,
    { text: 'IBAN', bold: true },
    rib.iban.replace(/(.{4})(?=.)/g, '$1 '),
    { text: 'BIC', bold: true },
    rib.bic,
  ];
  for (let n = 2; n <= 5; n += 1) content.push({ text: `Conditions générales, page ${n} sur 5.`, pageBreak: 'before' });
  await drop(dialog.getByTestId('scan-drop'), 'rib.pdf', 'application/pdf', await renderPdf({ content }));
  await expect(dialog.getByLabel('IBAN', { exact: true })).toHaveValue(/FR76/, { timeout: 60_000 });
  await expect(dialog.getByRole('status').filter({ hasText: unreadPagesWarning(5) })).toBeVisible();
  expect(consoleProblems).toEqual([]);
});
