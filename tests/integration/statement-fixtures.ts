import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FileContent } from '../../src/shared/api/contract.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import type { TestOffice } from '../helpers/office.js';

/**
 * What the statements and cash journal tests share: an issued invoice written as the run freezes it (the run's own
 * path is tested in billing-run.test.ts, as accounts-payments.test.ts does), and PDFs read back with pdftotext.
 */

/** An issued invoice of `totalCents` for the family (tests/helpers/invoice.ts), numbered next in the file's sequence. */
export function issued(office: TestOffice, familyId: number, issueDate: string, dueDate: string, totalCents: number): { id: number; number: string } {
  return insertIssuedInvoice(office.sqlite, { familyId, issueDate, dueDate, totalCents });
}

export async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** Writes the PDF returned by the office into the office's temp folder; returns its path. */
export function pdfOf(office: TestOffice, file: FileContent): string {
  const out = path.join(office.dir, file.fileName);
  fs.writeFileSync(out, Buffer.from(file.base64, 'base64'));
  return out;
}

/** Text as a reader sees it: spaces (no-break ones too) and line breaks made single spaces. */
export function flat(pdf: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('pdftotext', [...range, pdf, '-'], { encoding: 'utf8' }).replace(/[\s\u00a0\u202f]+/g, ' ');
}

/** Text laid out as printed: a table row stays on one line. */
export function layout(pdf: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('pdftotext', ['-layout', ...range, pdf, '-'], { encoding: 'utf8' }).replace(/[\u00a0\u202f]/g, ' ');
}

export function pages(pdf: string): number {
  return Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
}

/** A printed table row: its cells in order on one line. */
export function row(...cells: string[]): RegExp {
  return new RegExp(cells.map((cell) => cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('\\s+.*?'));
}
