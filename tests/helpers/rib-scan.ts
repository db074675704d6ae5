import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { renderPdf } from '../../src/server/pdfmake.js';
import { ibanFromRib, ribKey, type RibParts } from '../../src/shared/validation/bank.js';

/**
 * French RIBs drawn by the tests themselves (and the OCR benchmark): a « Relevé d'identité bancaire » as a bank prints
 * it (title, holder and address, domiciliation, the banque / guichet / compte / clé table, the IBAN in groups of four
 * and the BIC), rasterised with @napi-rs/canvas at a chosen resolution, optionally turned by a few degrees, blurred and
 * sprinkled with noise as a cheap scanner would, or laid out as a text PDF with pdfmake. The fonts are pdfmake's
 * Roboto, so every machine draws the same pixels.
 */

const require = createRequire(import.meta.url);
const robotoDir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
GlobalFonts.registerFromPath(path.join(robotoDir, 'Roboto-Regular.ttf'), 'RibRoboto');
GlobalFonts.registerFromPath(path.join(robotoDir, 'Roboto-Medium.ttf'), 'RibRobotoMedium');

export interface SampleRib {
  holder: string;
  address: string[];
  bankName: string;
  rib: RibParts;
  iban: string;
  bic: string;
}

function ribOf(banque: string, guichet: string, compte: string): RibParts {
  return { banque, guichet, compte, cle: ribKey(banque, guichet, compte) };
}

/** The public example account of the French banking federation (FR76 3000 6000 0112 3456 7890 189, AGRIFRPP). */
export const EXAMPLE_RIB: SampleRib = (() => {
  const rib = ribOf('30006', '00001', '12345678901');
  return {
    holder: 'M. OU MME JÉRÔME ET HÉLÈNE LEFÈVRE-DUPRÉ',
    address: ['12 CHEMIN DES GRANGES', '74370 ÉPAGNY METZ-TESSY'],
    bankName: 'CREDIT AGRICOLE DES SAVOIE ANNECY',
    rib,
    iban: ibanFromRib(rib),
    bic: 'AGRIFRPP',
  };
})();

/** Another valid account, at La Banque Postale (an 11-character account with a letter, as theirs often are). */
export const POSTAL_RIB: SampleRib = (() => {
  const rib = ribOf('20041', '01007', '0421563K038');
  return {
    holder: 'MME FRANÇOISE GÉRARD',
    address: ['3 RUE DES ÉCOLES', '74960 CRAN-GEVRIER'],
    bankName: 'LA BANQUE POSTALE CENTRE FINANCIER DE LYON',
    rib,
    iban: ibanFromRib(rib),
    bic: 'PSSTFRPPLYO',
  };
})();

/** The IBAN with one digit of the account changed (its check digits left as they were): a typo the checks must catch. */
export function withAlteredDigit(sample: SampleRib): SampleRib {
  const at = 15;
  const digit = sample.iban[at] as string;
  const altered = `${sample.iban.slice(0, at)}${(Number(digit) + 1) % 10}${sample.iban.slice(at + 1)}`;
  const compte = altered.slice(14, 25);
  return { ...sample, iban: altered, rib: { ...sample.rib, compte } };
}

export const groupsOfFour = (value: string): string => value.replace(/(.{4})(?=.)/g, '$1 ');

export interface ScanLook {
  dpi: 150 | 300;
  /** Degrees, clockwise; a page put askew on the scanner. */
  rotate?: number;
  /** Gaussian blur radius in pixels at 300 dpi (scaled with the resolution). */
  blur?: number;
  /** Share of pixels turned to random grey dots. */
  noise?: number;
  format?: 'png' | 'jpeg';
}

/** A RIB card of 18 x 10 cm on white paper, drawn at `look.dpi`: PNG (or JPEG) bytes. */
export function drawRibScan(sample: SampleRib, look: ScanLook): Buffer {
  const scale = look.dpi / 300;
  const width = Math.round(2126 * scale);
  const height = Math.round(1181 * scale);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.save();
  if (look.rotate) {
    ctx.translate(width / 2, height / 2);
    ctx.rotate((look.rotate * Math.PI) / 180);
    ctx.translate(-width / 2, -height / 2);
  }
  if (look.blur) ctx.filter = `blur(${look.blur * scale}px)`;
  ctx.scale(scale, scale);
  drawCard(ctx, sample);
  ctx.restore();
  if (look.noise) sprinkle(ctx, width, height, look.noise);
  return look.format === 'jpeg' ? canvas.toBuffer('image/jpeg', 85) : canvas.toBuffer('image/png');
}

/** The card at 300 dpi coordinates (1 mm = 11.81 px). */
function drawCard(ctx: SKRSContext2D, sample: SampleRib): void {
  const text = (value: string, x: number, y: number, size: number, bold = false, color = '#111111') => {
    ctx.font = `${size}px ${bold ? 'RibRobotoMedium' : 'RibRoboto'}`;
    ctx.fillStyle = color;
    ctx.fillText(value, x, y);
  };
  ctx.strokeStyle = '#555555';
  ctx.lineWidth = 3;
  ctx.strokeRect(40, 40, 2046, 1101);
  text("RELEVÉ D'IDENTITÉ BANCAIRE", 90, 140, 62, true);
  text('Ce relevé est destiné à être remis à vos créanciers ou débiteurs.', 90, 200, 34, false, '#444444');

  text('Titulaire du compte', 90, 300, 36, true);
  text(sample.holder, 90, 360, 42);
  sample.address.forEach((line, index) => text(line, 90, 412 + index * 50, 38));

  text('Domiciliation', 1250, 300, 36, true);
  text(sample.bankName.length > 28 ? sample.bankName.slice(0, 28).replace(/\s+\S*$/, '') : sample.bankName, 1250, 360, 38);
  if (sample.bankName.length > 28) text(sample.bankName.slice(sample.bankName.slice(0, 28).replace(/\s+\S*$/, '').length).trim(), 1250, 410, 38);

  const columns = [
    { label: 'Code banque', value: sample.rib.banque, x: 90 },
    { label: 'Code guichet', value: sample.rib.guichet, x: 440 },
    { label: 'Numéro de compte', value: sample.rib.compte, x: 790 },
    { label: 'Clé RIB', value: sample.rib.cle, x: 1350 },
  ];
  ctx.lineWidth = 2;
  ctx.strokeRect(70, 560, 1460, 170);
  ctx.beginPath();
  ctx.moveTo(70, 630);
  ctx.lineTo(1530, 630);
  ctx.stroke();
  for (const column of columns) {
    text(column.label, column.x, 612, 34, true);
    text(column.value, column.x, 700, 46);
  }

  text('IBAN (International Bank Account Number)', 90, 830, 34, true);
  text(groupsOfFour(sample.iban), 90, 900, 50);
  text('BIC (Bank Identifier Code)', 90, 1000, 34, true);
  text(sample.bic, 90, 1065, 50);
}

/** Grey dots: a dusty glass. A fixed seed, so a failure is the same on every run. */
function sprinkle(ctx: SKRSContext2D, width: number, height: number, share: number): void {
  const image = ctx.getImageData(0, 0, width, height);
  let state = 12345;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const pixels = width * height;
  for (let n = Math.round(pixels * share); n > 0; n -= 1) {
    const at = Math.floor(random() * pixels) * 4;
    const grey = Math.floor(random() * 256);
    image.data[at] = grey;
    image.data[at + 1] = grey;
    image.data[at + 2] = grey;
  }
  ctx.putImageData(image, 0, 0);
}

/** The same RIB as a text PDF (its own text, no image), as a bank's website hands it out. */
export function ribTextPdf(sample: SampleRib): Promise<Buffer> {
  const doc: TDocumentDefinitions = {
    pageSize: 'A4',
    content: [
      { text: "Relevé d'identité bancaire", style: 'title' },
      { text: 'Ce relevé est destiné à être remis à vos créanciers ou débiteurs.', margin: [0, 0, 0, 16] },
      {
        columns: [
          { stack: [{ text: 'Titulaire du compte', bold: true }, sample.holder, ...sample.address] },
          { stack: [{ text: 'Domiciliation', bold: true }, sample.bankName] },
        ],
        margin: [0, 0, 0, 16],
      },
      {
        table: {
          widths: [90, 90, 150, 60],
          body: [
            [{ text: 'Code banque', bold: true }, { text: 'Code guichet', bold: true }, { text: 'Numéro de compte', bold: true }, { text: 'Clé RIB', bold: true }],
            [sample.rib.banque, sample.rib.guichet, sample.rib.compte, sample.rib.cle],
          ],
        },
        margin: [0, 0, 0, 16],
      },
      { text: 'IBAN (International Bank Account Number)', bold: true },
      { text: groupsOfFour(sample.iban), fontSize: 14, margin: [0, 0, 0, 8] },
      { text: 'BIC (Bank Identifier Code)', bold: true },
      { text: sample.bic, fontSize: 14 },
    ],
    styles: { title: { fontSize: 18, bold: true, margin: [0, 0, 0, 6] } },
  };
  return renderPdf(doc);
}

/** A PDF holding only `png` as a picture (a scanner's PDF): no text for pdfjs to find. */
export function imageOnlyPdf(png: Buffer, widthPt = 510): Promise<Buffer> {
  return renderPdf({
    pageSize: 'A4',
    content: [{ image: `data:image/png;base64,${png.toString('base64')}`, width: widthPt }],
  });
}

/** A text PDF that is not a RIB (a letter): no IBAN anywhere. */
export function letterPdf(): Promise<Buffer> {
  return renderPdf({
    content: [
      { text: 'Mairie d’Épagny Metz-Tessy', bold: true },
      'Objet : inscription à la restauration scolaire',
      'Madame, Monsieur, nous vous confirmons l’inscription de votre enfant pour l’année 2026-2027.',
    ],
  });
}
