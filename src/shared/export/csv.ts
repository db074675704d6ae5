import { shortDayFr } from '../calendar/format.js';
import { formatCents } from '../money.js';

/**
 * CSV that Excel opens correctly in French: UTF-8 with a BOM (else accents break), ';' separator (',' is the decimal
 * mark), CRLF line ends, comma decimals and dd/mm/yyyy dates. Pure, so the office and the renderer share it.
 */

export type CsvKind = 'text' | 'number' | 'cents' | 'day' | 'boolean';

export interface CsvColumn<Row> {
  header: string;
  value(row: Row): string | number | boolean | null | undefined;
  /** How to write the value; 'text' by default. 'cents' writes 1234 as "12,34"; 'day' writes an ISO day as dd/mm/yyyy. */
  kind?: CsvKind;
}

export const CSV_BOM = '\uFEFF';
const SEPARATOR = ';';
const LINE_END = '\r\n';

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(value).replace('.', ',') : '';
}

// Spreadsheets read '1234,56' as a number but '1 234,56' as text: no thousands separator here.
function csvCents(cents: number): string {
  return Number.isFinite(cents) ? formatCents(Math.round(cents), { grouping: false }) : '';
}


/** A text cell that Excel would run as a formula (=, @, +x, -x) gets a leading apostrophe (CSV injection). */
function defuse(text: string): string {
  if (/^[=@\t\r]/.test(text) || /^[+-][^\d\s]/.test(text)) return `'${text}`;
  return text;
}

function cell(raw: string | number | boolean | null | undefined, kind: CsvKind): string {
  if (raw === null || raw === undefined) return '';
  let text: string;
  if (typeof raw === 'boolean') text = raw ? 'Oui' : 'Non';
  else if (kind === 'cents' && typeof raw === 'number') text = csvCents(raw);
  else if (typeof raw === 'number') text = formatNumber(raw);
  else if (kind === 'day') text = shortDayFr(raw);
  else text = defuse(raw);
  return /[";\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((column) => cell(column.header, 'text')).join(SEPARATOR)];
  for (const row of rows) {
    lines.push(columns.map((column) => cell(column.value(row), column.kind ?? 'text')).join(SEPARATOR));
  }
  return CSV_BOM + lines.join(LINE_END) + LINE_END;
}
