/** The part of fontkit (pdfkit's font parser) we use: its list of font formats, tried in turn on each font file. */
export interface Fontkit {
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
export function keepParsedFonts(fontkit: Fontkit, files: Record<string, Buffer>): Record<string, Buffer> {
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
