import type { Locator } from '@playwright/test';
import { officeApi } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';

/**
 * Issue 12's refusals as the office shows them (dev bridge, demo commune, clock on Saturday 28 November 2026), nothing
 * saved: a file that is neither a PDF nor an image, a PDF that is not a RIB (no IBAN: said so, the form empty and
 * editable), an ICS whose check digits are wrong in Paramètres, a collection date in the past and a date for which no
 * invoice can be collected.
 */

const bridge = useOfficeBridge();

/** A one-page PDF whose only text is `text` (Helvetica), its cross-reference table computed. */
function textPdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

async function drop(zone: Locator, name: string, mime: string, buffer: Buffer): Promise<void> {
  const dataTransfer = await zone.page().evaluateHandle(({ base64, name, mime }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))], name, { type: mime }));
    return transfer;
  }, { base64: buffer.toString('base64'), name, mime });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

test('a scan refused or without IBAN, a wrong ICS, a collection date in the past or with nothing to collect', async ({ page, consoleProblems }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  const admin = await officeApi(bridge, 'admin');
  const family = (await admin('families.search', { query: '', includeArchived: false, limit: 1 }))[0]!;
  await login(page, bridge, 'regie');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });

  // A text file is neither a PDF nor an image: refused in French under the drop zone, the form untouched.
  await page.goto(`${new URL(bridge.url).origin}/#/familles/${family.id}`);
  const section = page.getByRole('region', { name: 'Prélèvement SEPA' });
  await section.getByRole('button', { name: 'Mettre en place le prélèvement' }).click();
  const dialog = page.getByRole('dialog', { name: 'Mettre en place le prélèvement' });
  await drop(dialog.getByTestId('scan-drop'), 'notes.txt', 'text/plain', Buffer.from('IBAN FR76 3000 6000 0112 3456 7890 189\n'));
  await expect(dialog.getByRole('alert')).toContainText(/PDF|image/);
  await expect(dialog.getByLabel('IBAN', { exact: true })).toHaveValue('');

  // A PDF that is not a RIB: read, no IBAN found, said so; the form stays empty and can be typed in.
  await drop(dialog.getByTestId('scan-drop'), 'attestation.pdf', 'application/pdf', textPdf('Attestation de domicile - Mairie'));
  await expect(dialog.getByRole('status').filter({ hasText: /IBAN/ })).toBeVisible({ timeout: 60_000 });
  const iban = dialog.getByLabel('IBAN', { exact: true });
  await expect(iban).toHaveValue('');
  await expect(iban).toBeEditable();
  await iban.fill('FR76 3000 6000 0112 3456 7890 188');
  // One digit wrong: refused next to the field as it is typed.
  await expect(iban).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.locator('#f-iban-error')).toContainText('IBAN');
  // Nothing saved: the dialog closed (after confirming the discard), no mandate.
  page.once('dialog', (question) => void question.accept());
  await dialog.getByRole('button', { name: 'Annuler' }).click();
  await expect(dialog).toHaveCount(0);
  expect((await admin('mandates.forFamily', { familyId: family.id })).mandates).toEqual([]);

  // Paramètres › Prélèvement: an ICS with a wrong check key is refused next to the field, nothing saved.
  const before = await admin('sepa.settings', {});
  await nav.getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Prélèvement' }).click();
  const ics = page.getByLabel('Identifiant créancier SEPA (ICS)');
  const wrong = `${before.ics.slice(0, 2)}${String((Number(before.ics.slice(2, 4)) + 1) % 100).padStart(2, '0')}${before.ics.slice(4)}`;
  await ics.fill(wrong);
  await expect(page.getByText('Les chiffres de contrôle de l’ICS sont faux')).toBeVisible();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(ics).toHaveAttribute('aria-invalid', 'true');
  expect((await admin('sepa.settings', {})).ics).toBe(before.ics);
  await page.getByRole('button', { name: 'Annuler', exact: true }).click();

  // « Régie › Prélèvements »: a date in the past, then a date with no invoice to collect (none issued yet).
  await nav.getByRole('link', { name: 'Régie' }).click();
  await page.getByRole('tab', { name: 'Prélèvements' }).click();
  await page.getByRole('button', { name: 'Nouveau lot' }).click();
  const newBatch = page.getByRole('region', { name: 'Nouveau lot de prélèvements' });
  const date = newBatch.getByLabel('Date de prélèvement');
  await date.fill('20/11/2026');
  await newBatch.getByRole('button', { name: 'Voir l’aperçu' }).click();
  await expect(newBatch.getByText('La date de prélèvement doit être dans le futur.')).toBeVisible();
  await date.fill('14/12/2026');
  await newBatch.getByRole('button', { name: 'Voir l’aperçu' }).click();
  await expect(newBatch.getByText('Aucune facture ne peut être prélevée à cette date.')).toBeVisible();
  await expect(newBatch.getByRole('button', { name: /^Préparer le lot/ })).toHaveCount(0);
  // The office refuses it too, and keeps no batch.
  const regie = await officeApi(bridge, 'regie');
  await expect(regie('sepa.prepare', { collectionDate: '2026-12-14' })).rejects.toThrow(/facture/);
  expect(await regie('sepa.batches', {})).toEqual([]);
  expect(consoleProblems.filter((problem) => !problem.includes('status of 404'))).toEqual([]);
});
