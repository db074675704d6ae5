import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FileContent } from '../../src/shared/api/contract.js';
import { DEFAULT_BILLING_SETTINGS } from '../../src/shared/billing/settings.js';
import type { TestOffice } from '../helpers/office.js';

/**
 * What the statements and cash journal tests share: an issued invoice written as the run freezes it (the run's own
 * path is tested in billing-run.test.ts, as accounts-payments.test.ts does), and PDFs read back with pdftotext.
 */

let nextSeq = 1;

export function resetInvoiceNumbers(): void {
  nextSeq = 1;
}

/** An issued invoice of `totalCents` for the family, numbered 2026-00000N in the order of the calls. */
export function issued(office: TestOffice, familyId: number, issueDate: string, dueDate: string, totalCents: number): { id: number; number: string } {
  const seq = nextSeq++;
  const number = `2026-${String(seq).padStart(6, '0')}`;
  const document = {
    kind: 'invoice',
    number,
    issueDate,
    dueDate,
    month: issueDate.slice(0, 7),
    issuer: DEFAULT_BILLING_SETTINGS.issuer,
    family: { id: familyId, name: 'Famille', address: [] },
    lines: [{ childId: null, childName: '', serviceId: null, serviceName: '', kind: 'correction', label: 'Repas', basis: '', unitCents: totalCents, quantity: 1, amountCents: totalCents, days: [] }],
    totalCents,
    qf: [],
    days: [],
    corrects: null,
    reason: '',
    directDebit: null,
  };
  const id = office.sqlite
    .prepare(
      `INSERT INTO invoices (number, year, seq, kind, family_id, month, issue_date, due_date, total_cents, issued_at, document)
       VALUES (?, 2026, ?, 'invoice', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(number, seq, familyId, issueDate.slice(0, 7), issueDate, dueDate, totalCents, `${issueDate}T08:00:00.000Z`, JSON.stringify(document)).lastInsertRowid;
  office.sqlite
    .prepare(`INSERT INTO invoice_lines (invoice_id, position, kind, label, unit_cents, quantity, amount_cents) VALUES (?, 0, 'correction', 'Repas', ?, 1, ?)`)
    .run(id, totalCents, totalCents);
  office.sqlite.prepare('INSERT INTO invoice_sequences (year, last_number) VALUES (2026, ?) ON CONFLICT (year) DO UPDATE SET last_number = excluded.last_number').run(seq);
  return { id: Number(id), number };
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
