import { createHash } from 'node:crypto';

/**
 * Merging and splitting the PDFs pdfkit writes (pdfmake's output), without a dependency: the month's invoices are
 * printed as one PDF assembled from each invoice's own PDF, rendered once and kept (pdfmake costs tens of milliseconds
 * of CPU per invoice, the assembly well under one).
 *
 * What this reads is pdfkit's own output and nothing wider, checked as it goes: a classic cross-reference table (no
 * object streams, no incremental update), uncompressed object headers, every stream's /Length a direct number, page
 * attributes on the pages themselves (none inherited from the page tree). Anything else is refused with an error, never
 * guessed at. Objects are copied as they are, their `n g R` references renumbered outside stream data and strings;
 * only the objects the chosen pages reach are copied (not each input's catalog, info or name tree), objects with the
 * same content (what they reach included) once, and one new page tree and catalog hold every page in order.
 */

export interface PdfObject {
  /** The object's value before any stream (latin1 text: PDF syntax is bytes). */
  value: string;
  /** The stream's raw bytes (still filtered, e.g. deflated), or null. */
  stream: Buffer | null;
}

export interface PdfFile {
  /** « 1.3 » */
  version: string;
  objects: Map<number, PdfObject>;
  /** The page objects' numbers, in page order. */
  pages: number[];
  /** The page tree's own nodes (/Type /Pages): never copied, a page's /Parent points to the new tree instead. */
  pageTreeNodes: Set<number>;
}

export interface PdfInfo {
  title?: string;
  author?: string;
  creator?: string;
}

class PdfSyntaxError extends Error {
  constructor(message: string) {
    super(`PDF not read (pdfkit output expected): ${message}`);
  }
}

const WHITESPACE = new Set([' ', '\n', '\r', '\t', '\f', '\0']);
const DELIMITERS = new Set(['(', ')', '<', '>', '[', ']', '{', '}', '/', '%']);
const isRegular = (c: string | undefined) => c !== undefined && !WHITESPACE.has(c) && !DELIMITERS.has(c);

/** The index just past the literal string opened at `start` (balanced parentheses, backslash escapes). */
function skipLiteralString(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  throw new PdfSyntaxError('unterminated string');
}

function skipTo(text: string, start: number, end: string): number {
  const at = text.indexOf(end, start);
  if (at < 0) throw new PdfSyntaxError(`missing « ${end} »`);
  return at + end.length;
}

const REFERENCE = /(\d+)\s+(\d+)\s+R(?![^\s()<>[\]{}/%])/y;

/**
 * Walks PDF syntax from `start`, skipping strings and comments, calling `onReference` for each `n g R` (with its span)
 * and stopping at the first keyword in `stops` (returning its index), or at the end of the text (returning -1).
 */
function walk(
  text: string,
  start: number,
  onReference: (number: number, from: number, to: number) => void,
  stops: readonly string[] = [],
): number {
  let i = start;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '(') i = skipLiteralString(text, i);
    else if (c === '<' || c === '>') i += text[i + 1] === c ? 2 : c === '<' ? skipTo(text, i, '>') - i : 1;
    else if (c === '%') {
      const eol = text.slice(i).search(/[\r\n]/);
      i = eol < 0 ? text.length : i + eol;
    } else if (isRegular(c) && !isRegular(text[i - 1])) {
      REFERENCE.lastIndex = i;
      const reference = REFERENCE.exec(text);
      if (reference) {
        onReference(Number(reference[1]), i, REFERENCE.lastIndex);
        i = REFERENCE.lastIndex;
        continue;
      }
      let end = i;
      while (isRegular(text[end])) end++;
      if (stops.includes(text.slice(i, end))) return i;
      i = end;
    } else i++;
  }
  return -1;
}

function references(value: string): number[] {
  const found: number[] = [];
  walk(value, 0, (number) => found.push(number));
  return found;
}

/** A reference in an object's value: the object it points to and where it is written. */
interface Reference {
  number: number;
  from: number;
  to: number;
}

/**
 * The references of an object's value, found once per object: a batch cut into a hundred PDFs copies its fonts into
 * each, and walking their long width arrays again for each piece was most of the cost of cutting.
 */
const referencesOf = new WeakMap<PdfObject, Reference[]>();

function objectReferences(object: PdfObject): Reference[] {
  let found = referencesOf.get(object);
  if (!found) {
    const list: Reference[] = [];
    walk(object.value, 0, (number, from, to) => list.push({ number, from, to }));
    referencesOf.set(object, (found = list));
  }
  return found;
}

/** The content key of each object of a file (see writePdf), found once per file. */
const keysOf = new WeakMap<PdfFile, Map<number, string | null>>();

/** The object's value with each reference renumbered by `renumber`. */
function renumbered(object: PdfObject, renumber: (number: number) => number): string {
  const { value } = object;
  let out = '';
  let last = 0;
  for (const { number, from, to } of objectReferences(object)) {
    out += `${value.slice(last, from)}${renumber(number)} 0 R`;
    last = to;
  }
  return out + value.slice(last);
}

/** A direct entry of the object's top dictionary, e.g. `/Type /Page` → « /Page »; pdfkit writes one entry a line. */
function entry(value: string, key: string): string | undefined {
  const match = new RegExp(`^/${key}(?![^\\s()<>[\\]{}/%])\\s*(.*)$`, 'm').exec(value);
  return match?.[1]?.trim();
}

function referenceIn(value: string, key: string): number {
  const text = entry(value, key);
  const match = text === undefined ? null : /^(\d+) \d+ R$/.exec(text);
  if (!match) throw new PdfSyntaxError(`/${key} is not a reference`);
  return Number(match[1]);
}

function readObject(text: string, bytes: Buffer, number: number, offset: number): PdfObject {
  const header = /^(\d+) (\d+) obj\b/.exec(text.slice(offset, offset + 40));
  if (!header || Number(header[1]) !== number) throw new PdfSyntaxError(`object ${number} is not at offset ${offset}`);
  const start = offset + header[0].length;
  const stop = walk(text, start, () => undefined, ['stream', 'endobj']);
  if (stop < 0) throw new PdfSyntaxError(`object ${number} has no endobj`);
  const value = text.slice(start, stop).trim();
  if (text.startsWith('endobj', stop)) return { value, stream: null };
  const length = entry(value, 'Length');
  if (length === undefined || !/^\d+$/.test(length)) throw new PdfSyntaxError(`object ${number}: the stream /Length is not a direct number`);
  let data = stop + 'stream'.length;
  if (text[data] === '\r') data++;
  if (text[data] !== '\n') throw new PdfSyntaxError(`object ${number}: no end of line after « stream »`);
  data++;
  const end = data + Number(length);
  if (!/^\s*endstream\s+endobj/.test(text.slice(end, end + 30))) throw new PdfSyntaxError(`object ${number}: the stream is not /Length bytes long`);
  return { value, stream: bytes.subarray(data, end) };
}

/** Reads a PDF written by pdfkit: its objects and its pages in order. */
export function readPdf(bytes: Buffer): PdfFile {
  const text = bytes.toString('latin1');
  const version = /^%PDF-(\d\.\d)/.exec(text)?.[1];
  if (!version) throw new PdfSyntaxError('no %PDF header');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text.slice(-64));
  if (!startxref) throw new PdfSyntaxError('no startxref at the end');
  const xrefAt = Number(startxref[1]);
  if (!text.startsWith('xref', xrefAt)) throw new PdfSyntaxError('no classic xref table (object streams are not read)');
  const trailerAt = text.indexOf('trailer', xrefAt);
  if (trailerAt < 0) throw new PdfSyntaxError('no trailer');
  const trailer = text.slice(trailerAt + 'trailer'.length, text.lastIndexOf('startxref'));
  if (entry(trailer, 'Prev') !== undefined) throw new PdfSyntaxError('an incrementally updated PDF is not read');
  if (entry(trailer, 'Encrypt') !== undefined) throw new PdfSyntaxError('an encrypted PDF is not read');

  const objects = new Map<number, PdfObject>();
  const rows = text.slice(xrefAt + 'xref'.length, trailerAt).trim().split(/\r?\n|\r/);
  for (let row = 0; row < rows.length; ) {
    const section = /^(\d+) (\d+)$/.exec((rows[row] as string).trim());
    if (!section) throw new PdfSyntaxError(`bad xref subsection « ${rows[row]} »`);
    const first = Number(section[1]);
    const count = Number(section[2]);
    for (let k = 0; k < count; k++) {
      const line = /^(\d{10}) (\d{5}) ([nf])/.exec((rows[row + 1 + k] ?? '').trim());
      if (!line) throw new PdfSyntaxError(`bad xref entry for object ${first + k}`);
      if (line[3] === 'n') objects.set(first + k, readObject(text, bytes, first + k, Number(line[1])));
    }
    row += 1 + count;
  }

  const object = (number: number): PdfObject => {
    const found = objects.get(number);
    if (!found) throw new PdfSyntaxError(`object ${number} is referenced but absent`);
    return found;
  };
  const catalog = object(referenceIn(trailer, 'Root'));
  const pages: number[] = [];
  const pageTreeNodes = new Set<number>();
  const visit = (number: number): void => {
    const node = object(number);
    const type = entry(node.value, 'Type');
    if (type === '/Page') {
      pages.push(number);
      return;
    }
    if (type !== '/Pages') throw new PdfSyntaxError(`object ${number} in the page tree is ${type ?? 'untyped'}`);
    if (pageTreeNodes.has(number)) throw new PdfSyntaxError('the page tree loops');
    for (const inherited of ['Resources', 'MediaBox', 'CropBox', 'Rotate']) {
      if (entry(node.value, inherited) !== undefined) throw new PdfSyntaxError(`page tree node ${number} passes /${inherited} down to its pages`);
    }
    pageTreeNodes.add(number);
    const kids = /^\[(.*)\]$/s.exec(entry(node.value, 'Kids') ?? '');
    if (!kids) throw new PdfSyntaxError(`page tree node ${number} has no /Kids array on its line`);
    for (const kid of references(`[${kids[1] as string}]`)) visit(kid);
  };
  visit(referenceIn(catalog.value, 'Pages'));
  return { version, objects, pages, pageTreeNodes };
}

/** A PDF text string: literal when printable ASCII, else UTF-16BE with its byte order mark. */
function textString(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return `(${value.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const utf16 = Buffer.from(`\ufeff${value}`, 'utf16le').swap16();
  return `<${utf16.toString('hex')}>`;
}

export interface PdfPart {
  file: PdfFile;
  /** Indexes into file.pages (0-based), in the order to print; all the pages when left out. */
  pages?: readonly number[];
}

/**
 * One PDF holding the chosen pages of each part, in order, with what they reach (contents, resources, fonts) copied
 * once: once per part, and once in all when two parts hold the same content. Catalog is object 1, the page tree 2, the info 3.
 */
export function writePdf(parts: readonly PdfPart[], info: PdfInfo = {}): Buffer {
  const chunks: Buffer[] = [];
  let offset = 0;
  const offsets: number[] = [];
  const push = (chunk: Buffer | string) => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    chunks.push(buffer);
    offset += buffer.length;
  };
  const version = parts.reduce((max, part) => (part.file.version > max ? part.file.version : max), '1.3');
  push(`%PDF-${version}\n%\xff\xff\xff\xff\n`);

  const CATALOG = 1;
  const PAGE_TREE = 2;
  const INFO = 3;
  let next = 4;
  const kids: number[] = [];
  const bodies: { number: number; object: PdfObject; renumber: (n: number) => number }[] = [];
  /** Content key → the number of the copy already written. */
  const copied = new Map<string, number>();
  for (const part of parts) {
    const { file } = part;
    const numbers = new Map<number, number>();
    const renumber = (old: number): number => {
      if (file.pageTreeNodes.has(old)) return PAGE_TREE;
      const found = numbers.get(old);
      if (found === undefined) throw new PdfSyntaxError(`object ${old} is referenced but was not copied`);
      return found;
    };
    const object = (old: number): PdfObject => {
      const found = file.objects.get(old);
      if (!found) throw new PdfSyntaxError(`object ${old} is referenced but absent`);
      return found;
    };
    const pageSet = new Set(file.pages);
    // An object's content key: its bytes with each reference replaced by the key of what it points to, so that two
    // parts holding the same font (pieces cut from one rendered batch) share one copy. Pages are never shared (each
    // sits once in the page tree), nor anything that reaches back into a loop.
    // Per file, not per part: the pieces cut from one batch hash its fonts once.
    let keys = keysOf.get(file);
    if (!keys) keysOf.set(file, (keys = new Map()));
    const keyOf = (old: number): string | null => {
      if (file.pageTreeNodes.has(old)) return 'page tree';
      if (pageSet.has(old)) return null;
      if (keys.has(old)) return keys.get(old) as string | null;
      keys.set(old, null);
      const { value, stream } = object(old);
      const hash = createHash('sha256');
      let shareable = true;
      let last = 0;
      for (const { number, from, to } of objectReferences(object(old))) {
        const key = keyOf(number);
        if (key === null) shareable = false;
        hash.update(value.slice(last, from), 'latin1').update(`{${key}}`);
        last = to;
      }
      hash.update(value.slice(last), 'latin1');
      if (stream) hash.update('\0stream\0').update(stream);
      const key = shareable ? hash.digest('base64') : null;
      keys.set(old, key);
      return key;
    };
    const copy = (old: number): void => {
      if (numbers.has(old) || file.pageTreeNodes.has(old)) return;
      const key = keyOf(old);
      const shared = key === null ? undefined : copied.get(key);
      if (shared !== undefined) {
        numbers.set(old, shared);
        return;
      }
      numbers.set(old, next);
      if (key !== null) copied.set(key, next);
      bodies.push({ number: next++, object: object(old), renumber });
      for (const reference of objectReferences(object(old))) copy(reference.number);
    };
    const chosen = part.pages ?? file.pages.map((_, index) => index);
    for (const index of chosen) {
      const page = file.pages[index];
      if (page === undefined) throw new RangeError(`page ${index + 1} asked of a PDF of ${file.pages.length} pages`);
      copy(page);
      kids.push(numbers.get(page) as number);
    }
  }

  const write = (number: number, value: string, stream: Buffer | null = null): void => {
    offsets[number] = offset;
    push(`${number} 0 obj\n${value}\n`);
    if (stream) {
      push('stream\n');
      push(stream);
      push('\nendstream\n');
    }
    push('endobj\n');
  };
  write(CATALOG, `<<\n/Type /Catalog\n/Pages ${PAGE_TREE} 0 R\n>>`);
  write(PAGE_TREE, `<<\n/Type /Pages\n/Count ${kids.length}\n/Kids [${kids.map((kid) => `${kid} 0 R`).join(' ')}]\n>>`);
  const infoEntries = [
    info.title === undefined ? '' : `/Title ${textString(info.title)}\n`,
    info.author === undefined ? '' : `/Author ${textString(info.author)}\n`,
    info.creator === undefined ? '' : `/Creator ${textString(info.creator)}\n`,
  ].join('');
  write(INFO, `<<\n${infoEntries}>>`);
  for (const { number, object, renumber } of bodies) write(number, renumbered(object, renumber), object.stream);

  const xrefAt = offset;
  const rows = ['xref', `0 ${next}`, '0000000000 65535 f '];
  for (let number = 1; number < next; number++) rows.push(`${String(offsets[number]).padStart(10, '0')} 00000 n `);
  push(`${rows.join('\n')}\ntrailer\n<<\n/Size ${next}\n/Root ${CATALOG} 0 R\n/Info ${INFO} 0 R\n>>\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

/** The PDFs one after the other in one PDF. */
export function mergePdfs(pdfs: readonly Buffer[], info: PdfInfo = {}): Buffer {
  if (pdfs.length === 0) throw new RangeError('mergePdfs: no PDF to merge');
  return writePdf(pdfs.map((pdf) => ({ file: readPdf(pdf) })), info);
}

/** One PDF per group of pages (0-based indexes) of `pdf`, each carrying only what its pages use. */
export function splitPdf(pdf: Buffer, groups: readonly { pages: readonly number[]; info?: PdfInfo }[]): Buffer[] {
  const file = readPdf(pdf);
  return groups.map(({ pages, info }) => writePdf([{ file, pages }], info));
}
