import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallProgress } from '../../src/shared/api/progress.js';
import type { ScanReading, ScanSource } from '../../src/shared/api/sepa.js';
import { ibanProblem } from '../../src/shared/validation/bank.js';
import { closeOcr } from '../../src/office/sepa/scan/ocr.js';
import { NO_IBAN_NOTICE } from '../../src/office/sepa/scan/read-scan.js';
import { SCAN_MAX_BYTES, SCAN_REFUSALS } from '../../src/office/sepa/scan-handlers.js';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import {
  drawRibScan,
  EXAMPLE_RIB,
  imageOnlyPdf,
  letterPdf,
  POSTAL_RIB,
  ribTextPdf,
  withAlteredDigit,
  type SampleRib,
  type ScanLook,
} from '../helpers/rib-scan.js';

/**
 * 'sepa.readScan' through the real office core on RIBs the test draws (tests/helpers/rib-scan.ts): images at 150 and
 * 300 dpi, straight, askew, blurred and speckled, an image-only PDF and a text PDF. Each must give the exact IBAN and
 * BIC. One tesseract worker serves the whole file (it is kept between reads, as in the office).
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

async function read(source: ScanSource, progress: CallProgress[] = []): Promise<ScanReading> {
  const result = await office.core.call(office.session, 'sepa.readScan', { familyId, source }, (step) => progress.push(step));
  if (!result.ok) throw new Error(`sepa.readScan refused: ${JSON.stringify(result.error)}`);
  return result.value as ScanReading;
}

async function refusal(source: ScanSource, forFamily = familyId) {
  const result = await office.call('sepa.readScan', { familyId: forFamily, source });
  if (result.ok) throw new Error('sepa.readScan should have refused');
  return result.error;
}

function expectBoxesInside(reading: ScanReading): void {
  for (const field of Object.values(reading.fields)) {
    expect(field.boxes.length).toBeGreaterThan(0);
    for (const box of field.boxes) {
      expect(box.page).toBeLessThan(reading.pages.length);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.width).toBeGreaterThan(0);
      expect(box.x + box.width).toBeLessThanOrEqual(1.0001);
      expect(box.y + box.height).toBeLessThanOrEqual(1.0001);
    }
  }
}

function expectAccount(reading: ScanReading, sample: SampleRib, { parts = true } = {}): void {
  expect(reading.fields.iban?.value).toBe(sample.iban);
  expect(reading.fields.bic?.value).toBe(sample.bic);
  expect(ibanProblem(reading.fields.iban!.value)).toBeNull();
  if (parts) {
    const { banque, guichet, compte, cle } = reading.fields;
    expect({ banque: banque?.value, guichet: guichet?.value, compte: compte?.value, cle: cle?.value }).toEqual(sample.rib);
  }
  expect(reading.notice).toBeNull();
  expectBoxesInside(reading);
}

describe('a scanned RIB image', () => {
  it('straight at 300 dpi: every field, the boxes on the IBAN, the page shown as given, and the progress in French', async () => {
    const png = drawRibScan(EXAMPLE_RIB, { dpi: 300 });
    const progress: CallProgress[] = [];
    const reading = await read(file(png, 'rib.png', 'image/png'), progress);
    expect(reading.method).toBe('ocr');
    expectAccount(reading, EXAMPLE_RIB);
    expect(reading.fields.holder?.value).toBe(EXAMPLE_RIB.holder);
    expect(reading.fields.bankName?.value).toBe(EXAMPLE_RIB.bankName);
    expect(reading.pages).toEqual([{ imageBase64: png.toString('base64'), width: 2126, height: 1181 }]);
    // Drawn at x 90 px, baseline 900 px of 2126 x 1181, 50 px letters: the box must sit there, give or take a letter.
    const box = reading.fields.iban!.boxes[0]!;
    expect(box.x * 2126).toBeGreaterThan(60);
    expect(box.x * 2126).toBeLessThan(130);
    expect(box.y * 1181).toBeGreaterThan(840);
    expect((box.y + box.height) * 1181).toBeLessThan(930);
    expect(reading.fields.iban!.confidence).toBeGreaterThan(50);
    expect(progress.map((step) => step.label)).toEqual(expect.arrayContaining(['Lecture du document…', 'Reconnaissance du texte…']));
    expect(progress.at(-1)).toEqual({ done: 100, total: 100, label: 'Lecture terminée' });
    expect(reading.elapsedMs).toBeGreaterThan(0);
  });

  const looks: [string, SampleRib, ScanLook][] = [
    ['straight at 150 dpi, as JPEG', EXAMPLE_RIB, { dpi: 150, format: 'jpeg' }],
    ['turned by 2.5 degrees at 300 dpi', EXAMPLE_RIB, { dpi: 300, rotate: 2.5 }],
    ['turned by -3 degrees at 150 dpi', POSTAL_RIB, { dpi: 150, rotate: -3 }],
    ['blurred and speckled at 300 dpi', POSTAL_RIB, { dpi: 300, blur: 2, noise: 0.03 }],
    ['blurred and speckled at 150 dpi', EXAMPLE_RIB, { dpi: 150, blur: 1.5, noise: 0.03 }],
  ];
  for (const [name, sample, look] of looks) {
    it(`${name}: the exact IBAN and BIC`, async () => {
      // The kept worker stopped (as after two idle minutes): the next read starts another one.
      if (look.format === 'jpeg') await closeOcr();
      const image = drawRibScan(sample, look);
      const reading = await read(file(image, `rib.${look.format ?? 'png'}`, `image/${look.format ?? 'png'}`));
      expectAccount(reading, sample, { parts: false });
      if (look.format === 'jpeg') expect(reading.pages[0]?.mime).toBe('image/jpeg');
    });
  }

  it('a digit wrong on the document is read as printed, and the checks catch it', async () => {
    const typo = withAlteredDigit(EXAMPLE_RIB);
    expect(typo.iban).not.toBe(EXAMPLE_RIB.iban);
    const reading = await read(file(drawRibScan(typo, { dpi: 300 }), 'rib.png', 'image/png'));
    expect(reading.fields.iban?.value).toBe(typo.iban);
    expect(ibanProblem(reading.fields.iban!.value)).toMatch(/IBAN|RIB/);
    expect(reading.notice).toBeNull();
  });
});

describe('a RIB as PDF', () => {
  it('an image-only PDF (a scanner\'s) is read by OCR', async () => {
    const pdf = await imageOnlyPdf(drawRibScan(POSTAL_RIB, { dpi: 300 }));
    // pdftotext finds no text in it: only the OCR can read it.
    const dir = fs.mkdtempSync(path.join(office.dir, 'pdf-'));
    fs.writeFileSync(path.join(dir, 'scan.pdf'), pdf);
    expect(execFileSync('pdftotext', [path.join(dir, 'scan.pdf'), '-'], { encoding: 'utf8' }).trim()).toBe('');
    const reading = await read(file(pdf, 'scan.pdf', 'application/pdf'));
    expect(reading.method).toBe('ocr');
    expectAccount(reading, POSTAL_RIB);
    expect(reading.pages).toHaveLength(1);
    expect(reading.pages[0]?.mime).toBeUndefined();
    expect(Buffer.from(reading.pages[0]!.imageBase64, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('a text PDF is read from its own text, every field exactly', async () => {
    const pdf = await ribTextPdf(EXAMPLE_RIB);
    const progress: CallProgress[] = [];
    const reading = await read(file(pdf, 'rib.pdf', 'application/pdf'), progress);
    expect(reading.method).toBe('pdf_text');
    expectAccount(reading, EXAMPLE_RIB);
    expect(reading.fields.holder?.value).toBe(EXAMPLE_RIB.holder);
    expect(reading.fields.bankName?.value).toBe(EXAMPLE_RIB.bankName);
    expect(reading.fields.iban?.confidence).toBe(100);
    expect(progress.map((step) => step.label)).not.toContain('Reconnaissance du texte…');
    // A4 at 110 dpi.
    expect(reading.pages[0]).toMatchObject({ width: 910, height: 1287 });
  });

  it('a PDF that is not a RIB: said so, and no field', async () => {
    const reading = await read(file(await letterPdf(), 'courrier.pdf', 'application/pdf'));
    expect(reading.notice).toBe(NO_IBAN_NOTICE);
    expect(reading.fields).toEqual({});
    expect(reading.pages).toHaveLength(1);
  });
});

describe('what is refused', () => {
  it('a file that is neither a PDF nor an image, whatever its name says', async () => {
    const text = await refusal(file(Buffer.from('FR76 3000 6000 0112 3456 7890 189\n'), 'rib.pdf', 'application/pdf'));
    expect(text).toMatchObject({ code: 'validation', fields: { file: SCAN_REFUSALS.notScan } });
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]);
    expect(await refusal(file(zip, 'rib.png', 'image/png'))).toMatchObject({ fields: { file: SCAN_REFUSALS.notScan } });
    expect(await refusal(file(Buffer.alloc(0), 'vide.pdf', 'application/pdf'))).toMatchObject({ fields: { file: SCAN_REFUSALS.empty } });
  });

  it('a damaged PDF and a file over the documents\' 10 Mo', async () => {
    expect(await refusal(file(Buffer.from('%PDF-1.7\nnothing else'), 'rib.pdf', 'application/pdf'))).toMatchObject({
      fields: { file: SCAN_REFUSALS.unreadable },
    });
    const big = Buffer.alloc(SCAN_MAX_BYTES + 1, 0x20);
    big.write('%PDF-1.4\n');
    expect(await refusal(file(big, 'rib.pdf', 'application/pdf'))).toMatchObject({ fields: { file: SCAN_REFUSALS.tooBig } });
  });
});

describe('a document already attached to the family', () => {
  it('is read; one of another family or archived is not found', async () => {
    const pdf = await ribTextPdf(POSTAL_RIB);
    const added = await office.value('documents.add', {
      familyId,
      kind: 'rib',
      label: 'RIB',
      documentDate: '2026-11-20',
      fileName: 'rib.pdf',
      mime: 'application/pdf',
      base64: pdf.toString('base64'),
    });
    const reading = await read({ kind: 'document', documentId: added.id });
    expectAccount(reading, POSTAL_RIB);

    const otherFamily = (await office.value('families.create', { data: sampleFamilyInput({ responsable1: { ...sampleFamilyInput().responsable1, nom: 'Bernard' } }) })).id;
    expect(await refusal({ kind: 'document', documentId: added.id }, otherFamily)).toMatchObject({ code: 'not_found' });
    await office.value('documents.archive', { id: added.id });
    expect(await refusal({ kind: 'document', documentId: added.id })).toMatchObject({ code: 'not_found', message: 'Document introuvable.' });
    expect(await refusal({ kind: 'document', documentId: added.id }, 999_999)).toMatchObject({ code: 'not_found', message: 'Famille introuvable.' });
  });
});
