import { createCanvas } from '@napi-rs/canvas';
import type * as PdfjsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import { SCAN_MAX_PDF_PAGES, SCAN_MAX_PIXELS } from '../../../shared/files/limits.js';
import { pdfjsDataDirs } from './assets.js';
import { boundedScale } from '../../../shared/files/dimensions.js';
import type { ScanWord } from './rib-fields.js';

/**
 * A PDF read with pdfjs-dist (its legacy build, the one meant for Node): the text it carries, word by word with where
 * each word stands on its page, and its pages drawn to PNG with @napi-rs/canvas, to show beside the form and to give
 * the OCR an image-only PDF's pages. pdfjs runs in this thread (Node has no web worker; the office core is already off
 * the window's thread) and never fetches anything: fonts, character maps and decoders come from the package's folders.
 */

type Pdfjs = typeof PdfjsModule;
type PdfDocument = Awaited<Pdfjs['getDocument'] extends (...args: never[]) => { promise: infer P } ? P : never>;

let pdfjs: Promise<Pdfjs> | null = null;

/** Loaded on first use: a real import() so that the bundled office worker loads the package's ES module as it is. */
function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

/** A PDF with more pages than this is not a RIB: only its first pages are read, and the reading says so. */
export const MAX_PDF_PAGES = SCAN_MAX_PDF_PAGES;

/** No raster side over this: the canvas's own limit is 32767, and no RIB needs more. */
const MAX_RASTER_SIDE = 12_000;

export interface PdfPage {
  /** The page's size in PDF points (1/72 inch), as displayed (rotation applied). */
  width: number;
  height: number;
}

export interface OpenedPdf {
  /** The pages read: at most MAX_PDF_PAGES. */
  pages: number;
  /** The document's own page count (more than `pages` when pages were left unread). */
  pageCount: number;
  pageSize(index: number): Promise<PdfPage>;
  /** The page's own text as words, boxes as fractions of the page. */
  words(index: number): Promise<ScanWord[]>;
  /** Whether the page paints an image (a scan, or a RIB pasted as a picture under a text header). */
  hasImages(index: number): Promise<boolean>;
  /** The page drawn at `dpi`, or less when that would exceed `maxPixels`: PNG bytes and their size in pixels. */
  render(index: number, dpi: number, maxPixels: number): Promise<{ png: Buffer; width: number; height: number }>;
  close(): Promise<void>;
}

export async function openPdf(bytes: Uint8Array): Promise<OpenedPdf> {
  const lib = await loadPdfjs();
  // pdfjs takes the buffer over (it transfers it): hand it a copy.
  const task = lib.getDocument({
    data: new Uint8Array(bytes),
    ...pdfjsDataDirs(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    // An image inside the PDF declaring more pixels than a scan may have is not decoded (pdfjs leaves it out).
    maxImageSize: SCAN_MAX_PIXELS,
  });
  const doc: PdfDocument = await task.promise;
  const page = (index: number) => doc.getPage(index + 1);
  return {
    pages: Math.min(doc.numPages, MAX_PDF_PAGES),
    pageCount: doc.numPages,
    async pageSize(index) {
      const viewport = (await page(index)).getViewport({ scale: 1 });
      return { width: viewport.width, height: viewport.height };
    },
    async words(index) {
      const current = await page(index);
      const viewport = current.getViewport({ scale: 1 });
      const content = await current.getTextContent();
      const words: ScanWord[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        const [, , c, d, e, f] = lib.Util.transform(viewport.transform, item.transform) as number[];
        const fontHeight = Math.hypot(c as number, d as number);
        const left = e as number;
        const top = (f as number) - fontHeight;
        const width = item.width * viewport.scale;
        const share = width / Math.max(1, item.str.length);
        // One item is often a whole line: cut it into words, each with its share of the item's width.
        for (const match of item.str.matchAll(/\S+/g)) {
          words.push({
            text: match[0],
            page: index,
            x: (left + share * match.index) / viewport.width,
            y: top / viewport.height,
            width: (share * match[0].length) / viewport.width,
            height: fontHeight / viewport.height,
            confidence: 100,
          });
        }
      }
      return words;
    },
    async hasImages(index) {
      const painted = new Set<number>([
        lib.OPS.paintImageXObject,
        lib.OPS.paintInlineImageXObject,
        lib.OPS.paintImageXObjectRepeat,
        lib.OPS.paintInlineImageXObjectGroup,
        lib.OPS.paintImageMaskXObject,
        lib.OPS.paintImageMaskXObjectGroup,
        lib.OPS.paintImageMaskXObjectRepeat,
      ]);
      const operators = await (await page(index)).getOperatorList();
      return operators.fnArray.some((fn) => painted.has(fn));
    },
    async render(index, dpi, maxPixels) {
      const current = await page(index);
      const size = current.getViewport({ scale: 1 });
      const viewport = current.getViewport({ scale: boundedScale(size.width, size.height, dpi, maxPixels, MAX_RASTER_SIDE) });
      // Rounded up (the bound holds within a row and a column of pixels); at least one pixel for a degenerate page.
      const width = Math.max(1, Math.ceil(viewport.width));
      const height = Math.max(1, Math.ceil(viewport.height));
      const canvas = createCanvas(width, height);
      const context = canvas.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      // @napi-rs/canvas is the canvas pdfjs itself uses under Node: its context is the one render() expects.
      await current.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
      current.cleanup();
      return { png: await canvas.encode('png'), width, height };
    },
    async close() {
      await doc.destroy();
    },
  };
}
