import { countrySpecs } from 'ibantools';
import type { ReadField, RibField, ScanBox } from '../../../shared/api/sepa.js';
import { bicProblem, checkRib, ibanProblem, type RibParts } from '../../../shared/validation/bank.js';

/**
 * The RIB's fields found in the words of a page, whether they come from a PDF's own text or from OCR: pure, so every
 * rule here is unit-tested without pdfjs or tesseract (tests/unit/sepa-rib-fields.test.ts).
 *
 * OCR misreads a few characters in predictable ways (O for 0, I or l for 1, S for 5, B for 8 …). They are repaired only
 * where the IBAN's structure for its country (ibantools' BBAN pattern) says a digit stands, and among the readings an
 * ambiguous character allows, the one whose checks pass (mod 97, the French RIB key) is preferred: a digit the page
 * really shows wrong stays wrong, so the checks still catch a typo on the document.
 */

export interface ScanWord {
  text: string;
  /** Page index, from 0. */
  page: number;
  /** As fractions of the page image (0 to 1), top-left origin. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** 0 to 100. */
  confidence: number;
  /** The OCR's own line, when it gave one (a skewed scan's lines are not horizontal): words sharing it form a row. */
  line?: string;
}

/** A run of words on one row with no wide gap: a label and its value, or one cell of a table. */
interface Segment {
  row: number;
  page: number;
  words: ScanWord[];
  text: string;
  /** For each character of `text`, the word it belongs to (-1 for the joining spaces) and its index in that word. */
  chars: { word: number; at: number }[];
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export type RibReading = Partial<Record<RibField, ReadField>>;

const DIGIT_FOR: Record<string, string> = {
  O: '0', o: '0', Q: '0', D: '0', U: '0',
  I: '1', l: '1', i: '1', '|': '1', '!': '1', J: '1',
  Z: '2', z: '2',
  S: '5', s: '5',
  G: '6', b: '6',
  T: '7',
  B: '8',
  g: '9', q: '9',
};
const LETTER_FOR: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '5': 'S', '6': 'G', '8': 'B' };

const LABELS = [
  /titulaire(\s+du\s+compte)?/i,
  /intitul[ée]\s+du\s+compte/i,
  /domiciliation(\s+bancaire)?/i,
  /code\s+banque/i,
  /code\s+guichet/i,
  /num[ée]ro\s+de\s+compte/i,
  /cl[ée]\s+rib/i,
  /\bIBAN\b/,
  /\bBIC\b/,
];
const HOLDER_LABEL = /\b(titulaire(\s+du\s+compte)?|intitul[ée]\s+du\s+compte|nom\s+du\s+titulaire|account\s+(holder|owner))\b\s*(\([^)]*\))?\s*:?/i;
const BANK_LABEL = /\bdomiciliation(\s+bancaire)?\b\s*(\([^)]*\))?\s*:?/i;
const BIC_LABEL = /\b(BIC|SWIFT)\b(\s*\([^)]*\))?\s*(code)?\s*:?/i;

// ---------------------------------------------------------------------------------------------------------------
// Rows and segments

/** Rows of words in reading order, each cut where a gap is wider than about two letters' height (table cells, columns). */
export function segmentsOf(words: readonly ScanWord[]): Segment[] {
  const rows = rowsOf(words.filter((word) => word.text.trim() !== ''));
  const segments: Segment[] = [];
  rows.forEach((row, rowIndex) => {
    const sorted = [...row].sort((a, b) => a.x - b.x);
    const height = median(sorted.map((word) => word.height));
    let current: ScanWord[] = [];
    for (const word of sorted) {
      const last = current[current.length - 1];
      if (last && word.x - (last.x + last.width) > height * 1.8) {
        segments.push(segmentOf(rowIndex, current));
        current = [];
      }
      current.push(word);
    }
    if (current.length > 0) segments.push(segmentOf(rowIndex, current));
  });
  return segments;
}

function rowsOf(words: readonly ScanWord[]): ScanWord[][] {
  if (words.length > 0 && words.every((word) => word.line !== undefined)) {
    const byLine = new Map<string, ScanWord[]>();
    for (const word of words) {
      const key = `${word.page}:${word.line}`;
      byLine.set(key, [...(byLine.get(key) ?? []), word]);
    }
    return [...byLine.values()].sort(byPosition);
  }
  // No line from the source (a PDF's text): words whose vertical middles fall within a row's height share it.
  const sorted = [...words].sort((a, b) => a.page - b.page || a.y + a.height / 2 - (b.y + b.height / 2));
  const rows: ScanWord[][] = [];
  for (const word of sorted) {
    const middle = word.y + word.height / 2;
    const row = rows.find((candidate) => {
      const first = candidate[0] as ScanWord;
      const top = Math.min(...candidate.map((one) => one.y));
      const bottom = Math.max(...candidate.map((one) => one.y + one.height));
      return first.page === word.page && middle >= top && middle <= bottom;
    });
    if (row) row.push(word);
    else rows.push([word]);
  }
  return rows.sort(byPosition);
}

function byPosition(a: ScanWord[], b: ScanWord[]): number {
  const pageA = (a[0] as ScanWord).page;
  const pageB = (b[0] as ScanWord).page;
  return pageA - pageB || Math.min(...a.map((word) => word.y)) - Math.min(...b.map((word) => word.y));
}

function segmentOf(row: number, words: ScanWord[]): Segment {
  const chars: Segment['chars'] = [];
  const parts: string[] = [];
  words.forEach((word, index) => {
    if (index > 0) {
      parts.push(' ');
      chars.push({ word: -1, at: 0 });
    }
    parts.push(word.text);
    for (let at = 0; at < word.text.length; at += 1) chars.push({ word: index, at });
  });
  return {
    row,
    page: (words[0] as ScanWord).page,
    words,
    text: parts.join(''),
    chars,
    left: Math.min(...words.map((word) => word.x)),
    right: Math.max(...words.map((word) => word.x + word.width)),
    top: Math.min(...words.map((word) => word.y)),
    bottom: Math.max(...words.map((word) => word.y + word.height)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Where a value was read

/** A piece of a segment's text, [start, end) in its characters, and what was read there. */
interface Span {
  segment: Segment;
  start: number;
  end: number;
}

/** The boxes of the characters [start, end) of a segment: one per word touched, cut in proportion to its letters. */
function boxesOf(spans: readonly Span[]): ScanBox[] {
  const boxes: ScanBox[] = [];
  for (const { segment, start, end } of spans) {
    const perWord = new Map<number, { from: number; to: number }>();
    for (const char of segment.chars.slice(start, end)) {
      if (char.word < 0) continue;
      const seen = perWord.get(char.word);
      perWord.set(char.word, { from: Math.min(seen?.from ?? char.at, char.at), to: Math.max(seen?.to ?? char.at, char.at + 1) });
    }
    const pieces = [...perWord.entries()].map(([index, { from, to }]) => {
      const word = segment.words[index] as ScanWord;
      const share = word.width / Math.max(1, word.text.length);
      return { x: word.x + share * from, right: word.x + share * to, y: word.y, bottom: word.y + word.height };
    });
    if (pieces.length === 0) continue;
    const x = Math.min(...pieces.map((piece) => piece.x));
    const y = Math.min(...pieces.map((piece) => piece.y));
    boxes.push({
      page: segment.page,
      x: round(x),
      y: round(y),
      width: round(Math.max(...pieces.map((piece) => piece.right)) - x),
      height: round(Math.max(...pieces.map((piece) => piece.bottom)) - y),
    });
  }
  return boxes;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

function confidenceOf(spans: readonly Span[]): number {
  const values: number[] = [];
  for (const { segment, start, end } of spans) {
    const words = new Set(segment.chars.slice(start, end).map((char) => char.word).filter((word) => word >= 0));
    for (const index of words) values.push((segment.words[index] as ScanWord).confidence);
  }
  if (values.length === 0) return 0;
  return Math.round(Math.min(...values));
}

function fieldOf(value: string, spans: readonly Span[]): ReadField {
  return { value, boxes: boxesOf(spans), confidence: confidenceOf(spans) };
}

// ---------------------------------------------------------------------------------------------------------------
// IBAN

type CharClass = 'digit' | 'letter' | 'alnum';

/** The character class of each position of a country's IBAN, from ibantools' BBAN pattern (^[0-9]{10}[A-Z0-9]{11}…$). */
export function ibanShape(country: string): CharClass[] | null {
  const spec = (countrySpecs as Record<string, { chars?: number; bban_regexp?: string; SEPA?: boolean } | undefined>)[country];
  if (!spec?.chars || !spec.bban_regexp) return null;
  const shape: CharClass[] = ['letter', 'letter', 'digit', 'digit'];
  for (const [, set, count] of spec.bban_regexp.matchAll(/\[([^\]]+)\]\{(\d+)\}/g)) {
    const kind: CharClass = set === '0-9' ? 'digit' : set === 'A-Z' ? 'letter' : 'alnum';
    for (let n = 0; n < Number(count); n += 1) shape.push(kind);
  }
  return shape.length === spec.chars ? shape : null;
}

/**
 * The readings of `raw` (characters as printed) for `shape`: letters OCR takes for digits become digits where a digit
 * must stand; where a letter or a digit may stand, both readings of an ambiguous letter are tried, the printed one
 * first. null when a position cannot hold what was read.
 */
export function repairedReadings(raw: string, shape: readonly CharClass[], limit = 256): string[] | null {
  let readings = [''];
  for (const [index, kind] of shape.entries()) {
    const char = raw[index];
    if (char === undefined) return null;
    const upper = char.toUpperCase();
    let options: string[];
    if (kind === 'digit') {
      const digit = /\d/.test(char) ? char : DIGIT_FOR[char];
      if (digit === undefined) return null;
      options = [digit];
    } else if (kind === 'letter') {
      const letter = /[A-Z]/i.test(char) ? upper : LETTER_FOR[char];
      if (letter === undefined) return null;
      options = [letter];
    } else if (/\d/.test(char)) {
      options = [char];
    } else if (/[A-Z]/i.test(char)) {
      const digit = DIGIT_FOR[char];
      options = digit === undefined ? [upper] : [upper, digit];
    } else {
      const digit = DIGIT_FOR[char];
      if (digit === undefined) return null;
      options = [digit];
    }
    readings = readings.length * options.length > limit ? readings.map((reading) => reading + options[0]) : readings.flatMap((reading) => options.map((option) => reading + option));
  }
  return readings;
}

interface IbanCandidate {
  value: string;
  valid: boolean;
  spans: Span[];
}

const IBAN_CHAR = /[A-Za-z0-9|!]/;

function ibanCandidates(segments: readonly Segment[]): IbanCandidate[] {
  const found: IbanCandidate[] = [];
  for (const segment of segments) {
    const text = segment.text;
    for (let start = 0; start + 4 < text.length; start += 1) {
      const country = text.slice(start, start + 2).toUpperCase();
      const shape = /^[A-Z]{2}$/.test(country) ? ibanShape(country) : null;
      if (!shape) continue;
      // At a word's start, or glued to its label (« IBAN:FR76 », « IBANFR76 »).
      const before = text.slice(0, start);
      if (start > 0 && /[A-Za-z0-9]$/.test(before) && !/IBAN$/i.test(before)) continue;
      const raw: string[] = [];
      let end = start;
      while (end < text.length && raw.length < shape.length) {
        const char = text[end] as string;
        if (IBAN_CHAR.test(char)) raw.push(char);
        else if (!/[\s.\-_]/.test(char)) break;
        end += 1;
      }
      if (raw.length < shape.length) continue;
      // The IBAN must end there: a longer run of characters is something else (or a misread too far gone to trust).
      if (end < text.length && /[A-Za-z0-9]/.test(text[end] as string)) continue;
      const readings = repairedReadings(raw.join(''), shape);
      if (!readings) continue;
      const valid = readings.find((reading) => ibanProblem(reading) === null);
      found.push({ value: valid ?? (readings[0] as string), valid: valid !== undefined, spans: [{ segment, start, end }] });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Labelled values: holder, bank, BIC

/** Where another label starts on the same segment after `from`, to cut a value before it (« Titulaire du compte Domiciliation »). */
function nextLabelAt(text: string, from: number): number {
  let at = text.length;
  for (const label of LABELS) {
    const match = new RegExp(label.source, label.flags.includes('g') ? label.flags : `${label.flags}g`);
    match.lastIndex = from;
    const found = match.exec(text);
    if (found && found.index >= from && found.index < at) at = found.index;
  }
  return at;
}

/** The span of `segment` from `start` to its end or the next label, trimmed of spaces and separators. */
function trimmedSpan(segment: Segment, start: number, end: number): Span | null {
  let from = start;
  let to = end;
  while (from < to && /[\s:;,.\-–—]/.test(segment.text[from] as string)) from += 1;
  while (to > from && /[\s:;,]/.test(segment.text[to - 1] as string)) to -= 1;
  return to > from ? { segment, start: from, end: to } : null;
}

/** The segment right under `label` in the same column: the first one below whose start lies within the label's column. */
function segmentBelow(segments: readonly Segment[], label: Segment): Segment | null {
  const columnRight = segments
    .filter((other) => other.row === label.row && other.left > label.left && other !== label)
    .reduce((right, other) => Math.min(right, other.left), 1.01);
  const height = label.bottom - label.top;
  // Compared by their middles: on a skewed scan a long line's box rises or falls along its length.
  const middle = (segment: Segment) => (segment.top + segment.bottom) / 2;
  const below = segments.filter(
    (other) =>
      other.page === label.page &&
      middle(other) > middle(label) + height * 0.6 &&
      other.top < label.bottom + height * 4 &&
      other.left < columnRight - height &&
      other.right > label.left - height * 2,
  );
  below.sort((a, b) => middle(a) - middle(b) || a.left - b.left);
  return below[0] ?? null;
}

/** The text of a segment that is not another label, kept in the label's column. */
function valueSegment(segment: Segment): Span | null {
  if (LABELS.some((label) => new RegExp(`^\\s*${label.source}`, label.flags).test(segment.text))) return null;
  return trimmedSpan(segment, 0, nextLabelAt(segment.text, 0));
}

/** The value after a label: on the label's own segment, else the segment under it. */
function labelledValue(segments: readonly Segment[], label: RegExp, lines = 1): Span[] | null {
  for (const segment of segments) {
    const match = label.exec(segment.text);
    if (!match) continue;
    const after = match.index + match[0].length;
    const inline = trimmedSpan(segment, after, nextLabelAt(segment.text, after));
    if (inline) return [inline];
    const spans: Span[] = [];
    let above = segment;
    for (let n = 0; n < lines || (n < 4 && spanText(spans[spans.length - 1] as Span).endsWith('-')); n += 1) {
      const below = segmentBelow(segments, above);
      const span = below ? valueSegment(below) : null;
      if (!below || !span) break;
      // A following line belongs to the value when the line before ends cut at a hyphen (a name wrapped), or when it
      // follows closely and holds no number (not an address).
      const wrapped = n > 0 && spanText(spans[spans.length - 1] as Span).endsWith('-');
      if (n > 0 && !wrapped && (/\d/.test(span.segment.text) || below.top - above.bottom > (above.bottom - above.top) * 0.9)) break;
      spans.push(span);
      above = below;
    }
    if (spans.length > 0) return spans;
  }
  return null;
}

function spanText(span: Span): string {
  return span.segment.text.slice(span.start, span.end);
}

/** Lines of one value joined: with a space, or glued where a line ended with a hyphen. */
function joined(spans: readonly Span[]): string {
  return spans.map(spanText).reduce((text, line) => (text === '' ? line : text.endsWith('-') ? `${text}${line}` : `${text} ${line}`), '');
}

/** A BIC read as 8 or 11 characters: its first six positions are letters, OCR digits there are taken back to letters. */
export function repairedBic(raw: string): string | null {
  const compact = raw.replace(/[\s.-]/g, '').toUpperCase();
  if (compact.length !== 8 && compact.length !== 11) return null;
  const fixed = [...compact].map((char, index) => (index < 6 && /\d/.test(char) ? (LETTER_FOR[char] ?? char) : char)).join('');
  return bicProblem(fixed) === null ? fixed : null;
}

function bicCandidates(segments: readonly Segment[]): { value: string; spans: Span[]; labelled: boolean }[] {
  const found: { value: string; spans: Span[]; labelled: boolean }[] = [];
  const tryWords = (segment: Segment, from: number, labelled: boolean) => {
    // The BIC is one word, sometimes printed in its parts (« AGRI FR PP »): up to three words after `from`.
    const starts: number[] = [];
    for (let at = from; at < segment.text.length; at += 1) {
      if (/[A-Za-z0-9]/.test(segment.text[at] as string) && (at === from || !/[A-Za-z0-9]/.test(segment.text[at - 1] as string))) starts.push(at);
    }
    for (const start of starts.slice(0, labelled ? 1 : starts.length)) {
      let end = start;
      let best: { value: string; end: number } | null = null;
      for (let words = 0; words < 4; words += 1) {
        while (end < segment.text.length && /[A-Za-z0-9]/.test(segment.text[end] as string)) end += 1;
        const value = repairedBic(segment.text.slice(start, end));
        // The longest: a branch code printed apart (« BNPA FR PP XXX ») belongs to the BIC.
        if (value) best = { value, end };
        if (end >= segment.text.length || !/\s/.test(segment.text[end] as string)) break;
        end += 1;
      }
      if (best) found.push({ value: best.value, spans: [{ segment, start, end: best.end }], labelled });
    }
  };
  for (const segment of segments) {
    const match = BIC_LABEL.exec(segment.text);
    if (match) {
      const after = match.index + match[0].length;
      if (/[A-Za-z0-9]/.test(segment.text.slice(after))) tryWords(segment, after, true);
      else {
        const below = segmentBelow(segments, segment);
        if (below) tryWords(below, 0, true);
      }
    } else {
      tryWords(segment, 0, false);
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// The RIB's four parts

const RIB_SHAPE: { part: keyof RibParts; length: number; kind: CharClass }[] = [
  { part: 'banque', length: 5, kind: 'digit' },
  { part: 'guichet', length: 5, kind: 'digit' },
  { part: 'compte', length: 11, kind: 'alnum' },
  { part: 'cle', length: 2, kind: 'digit' },
];

interface RibCandidate {
  rib: RibParts;
  valid: boolean;
  spans: Record<keyof RibParts, Span>;
}

/** Four tokens in a row (cells of one table row, or one line) shaped 5 digits, 5 digits, 11 characters, 2 digits. */
function ribCandidates(segments: readonly Segment[]): RibCandidate[] {
  const tokens = new Map<number, { text: string; span: Span }[]>();
  for (const segment of segments) {
    for (const match of segment.text.matchAll(/[A-Za-z0-9|!]+/g)) {
      const list = tokens.get(segment.row) ?? [];
      list.push({ text: match[0], span: { segment, start: match.index, end: match.index + match[0].length } });
      tokens.set(segment.row, list);
    }
  }
  const found: RibCandidate[] = [];
  for (const row of tokens.values()) {
    for (let first = 0; first + 4 <= row.length; first += 1) {
      const parts = row.slice(first, first + 4);
      const readings = parts.map((token, index) => {
        const shape = RIB_SHAPE[index] as (typeof RIB_SHAPE)[number];
        if (token.text.length !== shape.length) return null;
        // The account must look like one: mostly digits even where letters are allowed.
        if (shape.kind === 'alnum' && (token.text.match(/\d/g) ?? []).length < 6) return null;
        return repairedReadings(token.text, Array.from({ length: shape.length }, () => shape.kind), 16);
      });
      if (readings.some((reading) => reading === null)) continue;
      const [banques, guichets, comptes, cles] = readings as string[][];
      const all = (comptes as string[]).map((compte) => ({ banque: banques?.[0] ?? '', guichet: guichets?.[0] ?? '', compte, cle: cles?.[0] ?? '' }));
      const valid = all.find((rib) => Object.keys(checkRib(rib)).length === 0);
      const spans = Object.fromEntries(RIB_SHAPE.map((shape, index) => [shape.part, (parts[index] as { span: Span }).span])) as Record<keyof RibParts, Span>;
      found.push({ rib: valid ?? (all[0] as RibParts), valid: valid !== undefined, spans });
    }
  }
  return found;
}

/** The RIB's parts inside a French IBAN, located on the IBAN's own characters. */
function ribFromIban(iban: IbanCandidate): RibCandidate | null {
  if (!iban.valid || !iban.value.startsWith('FR')) return null;
  const span = iban.spans[0] as Span;
  // Character offsets within the segment for each of the IBAN's 27 characters (spaces skipped).
  const offsets: number[] = [];
  for (let at = span.start; at < span.end; at += 1) if (IBAN_CHAR.test(span.segment.text[at] as string)) offsets.push(at);
  const piece = (from: number, to: number): Span => ({ segment: span.segment, start: offsets[from] as number, end: (offsets[to - 1] as number) + 1 });
  const value = iban.value;
  return {
    rib: { banque: value.slice(4, 9), guichet: value.slice(9, 14), compte: value.slice(14, 25), cle: value.slice(25, 27) },
    valid: true,
    spans: { banque: piece(4, 9), guichet: piece(9, 14), compte: piece(14, 25), cle: piece(25, 27) },
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** Every field found in the words; a field not found is absent. */
export function extractRibFields(words: readonly ScanWord[]): RibReading {
  const segments = segmentsOf(words);
  const fields: RibReading = {};

  const ibans = ibanCandidates(segments);
  const iban = ibans.find((candidate) => candidate.valid) ?? ibans[0];
  if (iban) fields.iban = fieldOf(iban.value, iban.spans);
  const country = iban?.value.slice(0, 2);

  const bics = bicCandidates(segments);
  const bic =
    bics.find((candidate) => candidate.labelled && candidate.value.slice(4, 6) === country) ??
    bics.find((candidate) => candidate.labelled) ??
    // Without its label, a word that merely looks like a BIC must at least name the IBAN's country.
    bics.find((candidate) => country !== undefined && candidate.value.slice(4, 6) === country);
  if (bic) fields.bic = fieldOf(bic.value, bic.spans);

  const holder = labelledValue(segments, HOLDER_LABEL);
  if (holder) fields.holder = fieldOf(joined(holder), holder);
  const bank = labelledValue(segments, BANK_LABEL, 2);
  if (bank) fields.bankName = fieldOf(joined(bank), bank);

  const ribs = ribCandidates(segments);
  const consistent = (candidate: RibCandidate) => iban?.valid !== true || iban.value.slice(4) === `${candidate.rib.banque}${candidate.rib.guichet}${candidate.rib.compte}${candidate.rib.cle}`;
  // A table read right wins; a table misread while the IBAN was read right gives way to the parts inside the IBAN;
  // otherwise the table as read, so that the checks show what is wrong.
  const rib = ribs.find((candidate) => candidate.valid && consistent(candidate)) ?? (iban ? ribFromIban(iban) : null) ?? ribs.find((candidate) => candidate.valid) ?? ribs[0];
  if (rib) {
    for (const part of ['banque', 'guichet', 'compte', 'cle'] as const) fields[part] = fieldOf(rib.rib[part], [rib.spans[part]]);
  }
  return fields;
}
