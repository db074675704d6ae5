import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces.js';
import { keepParsedFonts, type Fontkit } from './pdf-fonts.js';

/** The parts of pdfmake 0.3's Node singleton we use (its typings leave out `virtualfs`). */
interface PdfMakeNode {
  virtualfs: { writeFileSync(name: string, content: Buffer): void; existsSync(name: string): boolean };
  setFonts(fonts: TFontDictionary): void;
  setUrlAccessPolicy(callback: (url: string) => boolean): void;
  setLocalAccessPolicy(callback: (path: string) => boolean): void;
  setProgressCallback(callback: ((fraction: number) => void) | undefined): void;
  createPdf(doc: TDocumentDefinitions): { getBuffer(): Promise<Buffer> };
}

// pdfmake is CommonJS exporting one instance: require it so ESM interop cannot hand us a wrapper.
const require = createRequire(import.meta.url);

const ROBOTO_FILES = {
  normal: 'Roboto-Regular.ttf',
  bold: 'Roboto-Medium.ttf',
  italics: 'Roboto-Italic.ttf',
  bolditalics: 'Roboto-MediumItalic.ttf',
} as const;

let ready: PdfMakeNode | null = null;

/**
 * pdfmake, set up once per process: Roboto read from the package into its virtual file system, and every URL or local
 * path refused, so a document can only use fonts we loaded and images given as data URLs (no fetch, no file read).
 */
export function pdfMake(): PdfMakeNode {
  if (ready) return ready;
  const pdfmake = require('pdfmake') as PdfMakeNode;
  const fontDir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  const files = Object.fromEntries(Object.values(ROBOTO_FILES).map((file) => [file, fs.readFileSync(path.join(fontDir, file))]));
  // The same fontkit as pdfkit's (one copy in node_modules, one in the bundles).
  const tokens = keepParsedFonts(require('fontkit') as Fontkit, files);
  for (const [file, content] of Object.entries(tokens)) pdfmake.virtualfs.writeFileSync(file, content);
  pdfmake.setFonts({ Roboto: { ...ROBOTO_FILES } });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  ready = pdfmake;
  return pdfmake;
}

/** `onProgress` hears the share of the document drawn so far (0 to 1), item by item, once the layout is done. */
export async function renderPdf(doc: TDocumentDefinitions, onProgress?: (fraction: number) => void): Promise<Buffer> {
  const pdfmake = pdfMake();
  // pdfmake keeps one callback for the process and copies it into the document as createPdf starts, synchronously:
  // set for this document only, so two documents rendered at once never report into each other.
  pdfmake.setProgressCallback(onProgress);
  let pdf: ReturnType<PdfMakeNode['createPdf']>;
  try {
    pdf = pdfmake.createPdf(doc);
  } finally {
    pdfmake.setProgressCallback(undefined);
  }
  return pdf.getBuffer();
}
