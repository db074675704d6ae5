import type { ScanReading } from '../../../shared/api/sepa.js';
import { documentMime } from '../../../shared/files/sniff.js';
import { SCAN_MAX_PIXELS, SCAN_TOO_MANY_PIXELS_MESSAGE, unreadPagesWarning } from '../../../shared/files/limits.js';
import { invalid, type ProgressReporter } from '../../api/handler.js';
import { declaredImageSize } from '../../../shared/files/dimensions.js';
import { decodeImage, medianFiltered, toPng, type DecodedImage } from './image.js';
import { recognizeWords } from './ocr.js';
import { openPdf, type OpenedPdf } from './pdf-pages.js';
import { extractRibFields, type RibReading, type ScanWord } from './rib-fields.js';
import { ibanProblem } from '../../../shared/validation/bank.js';

/**
 * A scanned RIB read into the form's fields, locally: a PDF through its own text (pdfjs), an image or an image-only
 * PDF through OCR (./ocr.ts). The pages come back as images for the screen, and every field with the boxes it was read
 * from, as fractions of its page's image.
 *
 * An image is read twice at most: first cleaned of specks (./image.ts), which most scans need and clean images do not
 * mind, then as given when the first reading found no valid IBAN; the reading with a valid IBAN (else the one with more
 * fields) wins.
 */

export const NO_IBAN_NOTICE = "Aucun IBAN n'a été trouvé dans ce document : saisissez les coordonnées.";

/** Pages shown beside the form: enough to read a RIB, small enough to travel to the window quickly. */
const DISPLAY_DPI = 110;
/** A shown page's raster at most (A4 at 110 dpi is 1.2 Mpx): a huge page is shown at a lower resolution. */
const DISPLAY_MAX_PIXELS = 2_000_000;
/** PDF pages given to the OCR: the resolution tesseract is trained for. */
const OCR_DPI = 300;
/**
 * An OCR'd page's or image's raster at most: A4 at 300 dpi (8.7 Mpx) fits; a bigger PDF page is drawn, and a bigger
 * image scaled, to this.
 */
const OCR_MAX_PIXELS = 12_000_000;
/** A PDF page with fewer words of its own than this is a scan (at most a stamp or a page number in text). */
const TEXT_PAGE_MIN_WORDS = 5;

export type ScanKind = 'application/pdf' | 'image/jpeg' | 'image/png';

/** The file's kind from its first bytes (a name or a declared type can lie); null when it is neither a PDF nor an image. */
export function scanKind(bytes: Uint8Array): ScanKind | null {
  return documentMime(bytes);
}

/** The file's signature promised a PDF or an image that cannot be opened (damaged, truncated, encrypted). */
export class UnreadableScan extends Error {
  constructor() {
    super('scan unreadable');
  }
}

const hasValidIban = (fields: RibReading) => fields.iban !== undefined && ibanProblem(fields.iban.value) === null;

/** The better of two readings: a valid IBAN first, then the most fields. */
function better(a: RibReading, b: RibReading): RibReading {
  if (hasValidIban(a) !== hasValidIban(b)) return hasValidIban(a) ? a : b;
  return Object.keys(b).length > Object.keys(a).length ? b : a;
}

/** Progress in hundredths: reading the file, then the OCR's own progress over its share. */
class Steps {
  constructor(private readonly report: ProgressReporter) {}
  reading(): void {
    this.report(2, 100, 'Lecture du document…');
  }
  recognizing(from: number, to: number): (fraction: number) => void {
    this.report(from, 100, 'Reconnaissance du texte…');
    return (fraction) => this.report(from + (to - from) * fraction, 100, 'Reconnaissance du texte…');
  }
  done(): void {
    this.report(100, 100, 'Lecture terminée');
  }
}

async function ocrImage(image: DecodedImage, page: number, original: Buffer | null, onProgress: (fraction: number) => void): Promise<RibReading> {
  const size = { width: image.width, height: image.height, page };
  const cleaned = await recognizeWords(toPng(medianFiltered(image)), size, (fraction) => onProgress(fraction * 0.5));
  const first = extractRibFields(cleaned.words);
  if (hasValidIban(first)) return first;
  const asGiven = await recognizeWords(original ?? toPng(image), size, (fraction) => onProgress(0.5 + fraction * 0.5));
  return better(first, extractRibFields(asGiven.words));
}

/** Refuses an image declaring too many pixels, from its header, before anything decodes it. */
function checkDeclaredSize(bytes: Buffer, mime: 'image/jpeg' | 'image/png'): void {
  const size = declaredImageSize(bytes, mime);
  if (!size || size.width === 0 || size.height === 0) throw new UnreadableScan();
  if (size.width * size.height > SCAN_MAX_PIXELS) throw invalid({ file: SCAN_TOO_MANY_PIXELS_MESSAGE });
}

async function readImage(bytes: Buffer, mime: 'image/jpeg' | 'image/png', steps: Steps): Promise<Omit<ScanReading, 'elapsedMs'>> {
  checkDeclaredSize(bytes, mime);
  let image: DecodedImage;
  try {
    image = await decodeImage(bytes, OCR_MAX_PIXELS);
  } catch {
    throw new UnreadableScan();
  }
  // A scaled-down image is read as scaled (the boxes are fractions, the same on the original shown beside the form).
  const fields = await ocrImage(image, 0, image.scaledFrom ? null : bytes, steps.recognizing(5, 98));
  const shown = image.scaledFrom ?? image;
  return {
    method: 'ocr',
    pages: [{ imageBase64: bytes.toString('base64'), width: shown.width, height: shown.height, ...(mime === 'image/jpeg' ? { mime } : {}) }],
    fields,
    notice: null,
    warnings: [],
  };
}

async function readPdf(bytes: Buffer, steps: Steps): Promise<Omit<ScanReading, 'elapsedMs'>> {
  let pdf: OpenedPdf;
  try {
    pdf = await openPdf(bytes);
  } catch {
    throw new UnreadableScan();
  }
  try {
    const warnings = pdf.pageCount > pdf.pages ? [unreadPagesWarning(pdf.pageCount)] : [];
    const pages: ScanReading['pages'] = [];
    const words: ScanWord[][] = [];
    for (let index = 0; index < pdf.pages; index += 1) {
      words.push(await pdf.words(index));
      const shown = await pdf.render(index, DISPLAY_DPI, DISPLAY_MAX_PIXELS);
      pages.push({ imageBase64: shown.png.toString('base64'), width: shown.width, height: shown.height });
    }
    const fromText = extractRibFields(words.flat());
    if (hasValidIban(fromText)) return { method: 'pdf_text', pages, fields: fromText, notice: null, warnings };
    // The text gave no valid IBAN: the pages that may hold the RIB as a picture are drawn at 300 dpi and read by the
    // OCR, until one gives a valid IBAN. That is a scanner's PDF (no text, or a stamp), and a mixed one: a text header
    // (a bank's letterhead, a page number) over the RIB pasted as an image. A page of text alone is not OCR'd: what it
    // says, its text already said.
    const toOcr: number[] = [];
    for (let index = 0; index < pdf.pages; index += 1) {
      const ownWords = (words[index] ?? []).filter((word) => /[A-Za-z0-9]/.test(word.text)).length;
      if (ownWords < TEXT_PAGE_MIN_WORDS || (await pdf.hasImages(index))) toOcr.push(index);
    }
    if (toOcr.length === 0) return { method: 'pdf_text', pages, fields: fromText, notice: null, warnings };
    let fields: RibReading = {};
    const share = 90 / toOcr.length;
    for (const [n, index] of toOcr.entries()) {
      const drawn = await pdf.render(index, OCR_DPI, OCR_MAX_PIXELS);
      const image = await decodeImage(drawn.png);
      fields = better(fields, await ocrImage(image, index, drawn.png, steps.recognizing(8 + share * n, 8 + share * (n + 1))));
      if (hasValidIban(fields)) break;
    }
    // The PDF's own text keeps the win when the OCR found no more (a text RIB with a wrong digit stays as printed).
    return { method: 'ocr', pages, fields: better(fromText, fields), notice: null, warnings };
  } finally {
    await pdf.close();
  }
}

/** Reads a scan's bytes, `kind` from scanKind; throws UnreadableScan for a file that cannot be opened. */
export async function readScan(bytes: Buffer, kind: ScanKind, report: ProgressReporter = () => {}): Promise<ScanReading> {
  const started = performance.now();
  const steps = new Steps(report);
  steps.reading();
  let reading: Omit<ScanReading, 'elapsedMs'>;
  if (kind === 'application/pdf') reading = await readPdf(bytes, steps);
  else reading = await readImage(bytes, kind, steps);
  steps.done();
  return { ...reading, notice: reading.fields.iban ? null : NO_IBAN_NOTICE, elapsedMs: Math.round(performance.now() - started) };
}
