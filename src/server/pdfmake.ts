import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces.js';

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

/** The part of fontkit (pdfkit's font parser) we use: its list of font formats, tried in turn on each font file. */
interface Fontkit {
  registerFormat(format: unknown): void;
  create(buffer: Uint8Array): object;
}

/** What the virtual file system holds instead of a font's bytes: this prefix, then the font's file name. */
const PARSED_FONT = 'grenette-parsed-font:';

/**
 * Each font parsed once per thread, not once per PDF. pdfkit hands every new PDF's fonts to fontkit.create, which
 * parses the file afresh and, on first use, decodes its substitution and positioning tables (GSUB, GPOS): some 200 ms
 * of CPU per PDF, as much as laying ten invoices out. A fontkit font only reads its file (each PDF subsets and embeds
 * it on its own), so one is shared: the virtual file system holds a short token per font, and a font format
 * registered with fontkit (tried after the real ones, which all refuse the token) answers the font parsed once. The
 * PDFs are the same bytes as with the file read every time.
 */
function keepParsedFonts(fontkit: Fontkit, files: Record<string, Buffer>): Record<string, Buffer> {
  const parsed = new Map<string, object>();
  const nameOf = (buffer: Uint8Array): string | null => {
    const text = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('latin1');
    return text.startsWith(PARSED_FONT) ? text.slice(PARSED_FONT.length) : null;
  };
  class ParsedFont {
    static probe(buffer: Uint8Array): boolean {
      const name = nameOf(buffer);
      return name !== null && name in files;
    }

    // fontkit builds a font with `new format(stream)`: the constructor answers the shared font instead of itself.
    constructor(stream: { buffer: Uint8Array }) {
      const name = nameOf(stream.buffer) as string;
      let font = parsed.get(name);
      if (!font) parsed.set(name, (font = fontkit.create(files[name] as Buffer)));
      return font as ParsedFont;
    }
  }
  fontkit.registerFormat(ParsedFont);
  return Object.fromEntries(Object.keys(files).map((name) => [name, Buffer.from(`${PARSED_FONT}${name}`, 'latin1')]));
}

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
