import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from 'pdfmake/interfaces.js';
import type { ScanReading, ScanSource } from '../../src/shared/api/sepa.js';
import { DOCUMENT_MAX_BYTES, SCAN_TOO_MANY_PIXELS_MESSAGE, unreadPagesWarning } from '../../src/shared/files/limits.js';
import { DOCUMENT_MAX_BYTES as OFFICE_DOCUMENT_MAX_BYTES } from '../../src/office/families/documents.js';
import { closeOcr } from '../../src/office/sepa/scan/ocr.js';
import { openPdf } from '../../src/office/sepa/scan/pdf-pages.js';
import { SCAN_MAX_BYTES, SCAN_REFUSALS } from '../../src/office/sepa/scan-handlers.js';
import { renderPdf } from '../../src/server/pdfmake.js';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { drawRibScan, EXAMPLE_RIB, groupsOfFour, POSTAL_RIB, type SampleRib } from '../helpers/rib-scan.js';
import { jpegBomb, pdfWithImageBomb, pngBomb } from '../helpers/scan-bombs.js';

/**
 * The limits of 'sepa.readScan' (review of issue #12): images declaring too many pixels refused from their header,
 * PDF pages drawn to a bounded raster, one size limit for reading a scan and storing it, the pages past the third said
 * rather than skipped, and a PDF with a text header over a RIB pasted as an image read by OCR. Real office core, real
 * pdfjs and tesseract runs (two OCR'd images only: they are slow).
 */

let office: TestOffice;
let familyId: number;

beforeAll(async () => {
  office = await makeTestOffice({ role: 'agent' });
  familyId = (await office.value('families.create', { data: sampleFamilyInput() })).id;
});

afterAll(async () => {
  await closeOcr();
  await office.close();
});

const file = (bytes: Buffer, fileName: string, mime: string): ScanSource => ({ kind: 'file', fileName, mime, base64: bytes.toString('base64') });

async function read(source: ScanSource): Promise<ScanReading> {
  const result = await office.call('sepa.readScan', { familyId, source });
  if (!result.ok) throw new Error(`sepa.readScan refused: ${JSON.stringify(result.error)}`);
  return result.value as ScanReading;
}

async function refusal(source: ScanSource) {
  const result = await office.call('sepa.readScan', { familyId, source });
  if (result.ok) throw new Error('sepa.readScan should have refused');
  return result.error;
}

/** The RIB as pdfmake text, page `n` of a document (the first page of a bank's letter). */
function ribText(sample: SampleRib): Content[] {
  return [
    { text: "Relevé d'identité bancaire", bold: true, fontSize: 18 },
    { text: 'Titulaire du compte', bold: true },
    sample.holder,
    { text: 'Domiciliation', bold: true },
    sample.bankName,
    { text: 'IBAN (International Bank Account Number)', bold: true },
    { text: groupsOfFour(sample.iban), fontSize: 14 },
    { text: 'BIC (Bank Identifier Code)', bold: true },
    { text: sample.bic, fontSize: 14 },
  ];
}

describe('decompression bombs', () => {
  it('a PNG and a JPEG declaring 30000 x 30000 pixels are refused from their header, at once, in French', async () => {
    const png = await pngBomb();
    const jpeg = jpegBomb();
    expect(png.length + jpeg.length).toBeLessThan(1024 * 1024);
    // Refused with the pixels' message, from the header: decoding either would take 3.6 GB (no speed is measured here).
    expect(await refusal(file(png, 'rib.png', 'image/png'))).toMatchObject({ code: 'validation', fields: { file: SCAN_TOO_MANY_PIXELS_MESSAGE } });
    expect(await refusal(file(jpeg, 'rib.jpg', 'image/jpeg'))).toMatchObject({ code: 'validation', fields: { file: SCAN_REFUSALS.tooManyPixels } });
    expect(SCAN_REFUSALS.tooManyPixels).toMatch(/trop grande/);
  });

  it('just over the cap (7000 x 6000 = 42 Mpx) is refused too; an image without a frame header is unreadable', async () => {
    expect(await refusal(file(await pngBomb(7000, 6000), 'rib.png', 'image/png'))).toMatchObject({ fields: { file: SCAN_TOO_MANY_PIXELS_MESSAGE } });
    expect(await refusal(file(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 8, 1, 2, 3, 4, 5, 6]), 'rib.jpg', 'image/jpeg'))).toMatchObject({
      fields: { file: SCAN_REFUSALS.unreadable },
    });
  });
});

describe('a big image under the cap', () => {
  it('an A4 page scanned at 600 dpi (34.8 Mpx) is read at a bounded resolution: the exact IBAN and BIC', async () => {
    // The RIB card drawn at 600 dpi (the helper's look says 150 or 300; any resolution draws the same card), laid on
    // an A4 page of 4960 x 7016 pixels at 200 px from its corner.
    const card = await loadImage(drawRibScan(EXAMPLE_RIB, { dpi: 600 as 300 }));
    const sheet = createCanvas(4960, 7016);
    const context = sheet.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, 4960, 7016);
    context.drawImage(card, 200, 200);
    const png = sheet.toBuffer('image/png');
    const reading = await read(file(png, 'scan.png', 'image/png'));
    expect(reading.fields.iban?.value).toBe(EXAMPLE_RIB.iban);
    expect(reading.fields.bic?.value).toBe(EXAMPLE_RIB.bic);
    // Shown as given, with its own size; the boxes, fractions, fit it: the IBAN at x 380 px, baseline 2000 px.
    expect(reading.pages).toEqual([{ imageBase64: png.toString('base64'), width: 4960, height: 7016 }]);
    const box = reading.fields.iban!.boxes[0]!;
    expect(box.x * 4960).toBeGreaterThan(320);
    expect(box.x * 4960).toBeLessThan(440);
    expect(box.y * 7016).toBeGreaterThan(1880);
    expect((box.y + box.height) * 7016).toBeLessThan(2060);
  }, 180_000);
});

describe('a huge PDF page', () => {
  const posterPdf = () => renderPdf({ pageSize: { width: 14_400, height: 14_400 }, pageMargins: 400, defaultStyle: { fontSize: 200 }, content: ribText(EXAMPLE_RIB) });

  it('is shown and OCR-drawn at a bounded raster, not at 300 dpi (60000 x 60000 pixels)', async () => {
    const pdf = await openPdf(await posterPdf());
    try {
      const drawn = await pdf.render(0, 300, 12_000_000);
      expect(drawn.width * drawn.height).toBeLessThanOrEqual(12_000_000 + drawn.width + drawn.height + 1);
      expect(drawn.width).toBeGreaterThan(3000);
      expect(drawn.png.subarray(1, 4).toString('ascii')).toBe('PNG');
    } finally {
      await pdf.close();
    }
  });

  it('is read through the office with a small page shown beside the form', async () => {
    const reading = await read(file(await posterPdf(), 'rib.pdf', 'application/pdf'));
    expect(reading.method).toBe('pdf_text');
    expect(reading.fields.iban?.value).toBe(EXAMPLE_RIB.iban);
    expect(reading.fields.bic?.value).toBe(EXAMPLE_RIB.bic);
    const page = reading.pages[0]!;
    expect(page.width * page.height).toBeLessThanOrEqual(2_000_000 + page.width + page.height + 1);
  });
});

describe('a PDF painting an image that declares 900 Mpx', () => {
  it('is not decoded: the page is drawn without it, and the reading ends saying no IBAN was found', async () => {
    const pdf = await pdfWithImageBomb();
    expect(pdf.length).toBeLessThan(1024 * 1024);
    const dir = fs.mkdtempSync(path.join(office.dir, 'bomb-'));
    fs.writeFileSync(path.join(dir, 'bomb.pdf'), pdf);
    // A well-formed PDF with that image in it (poppler lists it), not a damaged file.
    expect(execFileSync('pdfimages', ['-list', path.join(dir, 'bomb.pdf')], { encoding: 'utf8' })).toMatch(/image\s+30000\s+30000\s+gray/);
    const reading = await read(file(pdf, 'rib.pdf', 'application/pdf'));
    expect(reading.fields).toEqual({});
    expect(reading.notice).toMatch(/Aucun IBAN/);
  });
});

describe('one size limit for a scan, read or stored', () => {
  it('the scan reader, the documents and the window share 10 Mo; a 12 Mo scan is refused when read, as when stored', async () => {
    expect(SCAN_MAX_BYTES).toBe(DOCUMENT_MAX_BYTES);
    expect(OFFICE_DOCUMENT_MAX_BYTES).toBe(DOCUMENT_MAX_BYTES);
    expect(DOCUMENT_MAX_BYTES).toBe(10 * 1024 * 1024);
    expect(SCAN_REFUSALS.tooBig).toMatch(/^Le fichier dépasse 10 Mo/);
    // The window's drop zone checks the same constant (src/renderer/sepa/MandateDialog.tsx imports it).
    const dialog = fs.readFileSync(path.join(import.meta.dirname, '../../src/renderer/sepa/MandateDialog.tsx'), 'utf8');
    expect(dialog).toMatch(/file\.size > DOCUMENT_MAX_BYTES/);

    for (const size of [12 * 1024 * 1024, DOCUMENT_MAX_BYTES + 1]) {
      const big = Buffer.alloc(size, 0x20);
      big.write('%PDF-1.4\n');
      expect(await refusal(file(big, 'rib.pdf', 'application/pdf'))).toMatchObject({ code: 'validation', fields: { file: SCAN_REFUSALS.tooBig } });
      const stored = await office.call('documents.add', {
        familyId,
        kind: 'rib',
        label: 'RIB',
        documentDate: '2026-11-20',
        fileName: 'rib.pdf',
        mime: 'application/pdf',
        base64: big.toString('base64'),
      });
      expect(stored).toMatchObject({ ok: false, error: { fields: { file: 'Le fichier dépasse 10 Mo.' } } });
    }
  });
});

describe('a PDF of more pages than are read', () => {
  it('five pages: the first three read and shown, and the reading says the others were not read', async () => {
    const pages: Content[] = [ribText(POSTAL_RIB)];
    for (let n = 2; n <= 5; n += 1) pages.push({ text: `Conditions générales, page ${n} sur 5.`, pageBreak: 'before' });
    const reading = await read(file(await renderPdf({ content: pages }), 'rib.pdf', 'application/pdf'));
    expect(reading.fields.iban?.value).toBe(POSTAL_RIB.iban);
    expect(reading.pages).toHaveLength(3);
    expect(reading.warnings).toEqual([unreadPagesWarning(5)]);
    expect(reading.warnings[0]).toBe(
      'Ce PDF a 5 pages : seules les 3 premières ont été lues. Si le RIB est plus loin, numérisez sa page seule.',
    );
  });

  it('three pages or fewer: no warning', async () => {
    const reading = await read(file(await renderPdf({ content: ribText(EXAMPLE_RIB) }), 'rib.pdf', 'application/pdf'));
    expect(reading.fields.iban?.value).toBe(EXAMPLE_RIB.iban);
    expect(reading.warnings).toEqual([]);
  });
});

describe('a mixed PDF: a text header over the RIB pasted as an image', () => {
  it('its text gives no IBAN, so the page is OCR\'d: the exact IBAN and BIC', async () => {
    const png = drawRibScan(EXAMPLE_RIB, { dpi: 300 });
    const pdf = await renderPdf({
      pageSize: 'A4',
      content: [
        { text: 'Crédit Agricole des Savoie — agence d’Annecy', bold: true, fontSize: 14 },
        { text: 'Votre relevé d’identité bancaire, édité le 20 novembre 2026 à votre demande.', margin: [0, 0, 0, 12] },
        { image: `data:image/png;base64,${png.toString('base64')}`, width: 510 },
        { text: 'Document à conserver. Page 1 sur 1.', margin: [0, 12, 0, 0], fontSize: 9 },
      ],
    });
    // A real text layer (the header, well over the words that made a page count as text before), and no IBAN in it.
    const dir = fs.mkdtempSync(path.join(office.dir, 'mixed-'));
    fs.writeFileSync(path.join(dir, 'rib.pdf'), pdf);
    const text = execFileSync('pdftotext', [path.join(dir, 'rib.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Votre relevé d’identité bancaire');
    expect(text.replace(/\s+/g, '')).not.toContain(EXAMPLE_RIB.iban.slice(0, 10));

    const reading = await read(file(pdf, 'rib.pdf', 'application/pdf'));
    expect(reading.method).toBe('ocr');
    expect(reading.fields.iban?.value).toBe(EXAMPLE_RIB.iban);
    expect(reading.fields.bic?.value).toBe(EXAMPLE_RIB.bic);
    expect(reading.notice).toBeNull();
    expect(reading.warnings).toEqual([]);
    expect(reading.pages).toHaveLength(1);
  }, 120_000);
});
