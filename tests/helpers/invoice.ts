import type BetterSqlite3 from 'better-sqlite3';
import type { InvoiceDocument } from '../../src/shared/billing/invoice.js';
import { DEFAULT_BILLING_SETTINGS } from '../../src/shared/billing/settings.js';
import type { FamilyPublication } from '../../src/shared/sync/contract.js';

/**
 * A hand-written issued invoice, as the office freezes it at issue (src/shared/billing/invoice.ts), until the invoice
 * run's issuing exists to make real ones: November 2026 at the canteen, 4 meals at 3,85 € and one late booking.
 */
export function sampleInvoiceDocument(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const days = ['2026-11-02', '2026-11-03', '2026-11-05', '2026-11-06'];
  return {
    kind: 'invoice',
    number: '2026-000042',
    issueDate: '2026-12-01',
    dueDate: '2026-12-31',
    month: '2026-11',
    issuer: { ...DEFAULT_BILLING_SETTINGS.issuer },
    family: { id: 1, name: 'Mme Claire MARTIN', address: ['3 rue des Prés', '74370 Epagny Metz-Tessy'] },
    lines: [
      {
        childId: 11,
        childName: 'Léo Martin',
        serviceId: 1,
        serviceName: 'Restauration scolaire',
        kind: 'unit',
        label: 'Restauration scolaire — repas',
        basis: 'Tranche 2 (QF de 801 à 1 200) : 3,85 € par repas, tarif résident.',
        unitCents: 385,
        quantity: 4,
        amountCents: 1540,
        days,
      },
      {
        childId: 11,
        childName: 'Léo Martin',
        serviceId: 1,
        serviceName: 'Restauration scolaire',
        kind: 'late_booking',
        label: 'Restauration scolaire — majoration pour réservation hors délai',
        basis: 'Majoration de 1,00 € par repas réservé hors délai.',
        unitCents: 100,
        quantity: 1,
        amountCents: 100,
        days: ['2026-11-06'],
      },
    ],
    totalCents: 1640,
    qf: [{ from: '2026-11-01', to: '2026-11-30', qf: 812, source: 'caf', flagged: false, why: 'QF 812 : quotient CAF 812 valable jusqu’au 31/12/2026.' }],
    days: days.map((day) => ({ childId: 11, serviceId: 1, day, billed: true, code: 'present' as const, why: 'Facturé : réservé et présent.' })),
    corrects: null,
    reason: '',
    directDebit: null,
    ...overrides,
  };
}

/** The invoice as the office publishes it to the family (paid nothing yet). */
export function publishedInvoice(document: InvoiceDocument): FamilyPublication['invoices'][number] {
  return {
    number: document.number,
    date: document.issueDate,
    dueDate: document.dueDate,
    amountCents: document.totalCents,
    paidCents: 0,
    kind: document.kind,
    month: document.month,
    document,
    directDebit: null,
  };
}

/**
 * Writes an issued invoice of `totalCents` for the family straight into an office file, as issuing stores it (its row,
 * one line, its frozen document, the year's sequence moved on): for the tests of what comes after issuing (payments,
 * statements, reminders, the portal's account); the run's own path is tested in billing-run.test.ts. Numbered next in
 * the file's 2026 sequence.
 */
export function insertIssuedInvoice(
  sqlite: BetterSqlite3.Database,
  invoice: { familyId: number; issueDate: string; dueDate: string; totalCents: number; month?: string },
): { id: number; number: string } {
  const seq = (sqlite
    .prepare('INSERT INTO invoice_sequences (year, last_number) VALUES (2026, 1) ON CONFLICT (year) DO UPDATE SET last_number = last_number + 1 RETURNING last_number')
    .pluck()
    .get() as number);
  const number = `2026-${String(seq).padStart(6, '0')}`;
  const month = invoice.month ?? invoice.issueDate.slice(0, 7);
  const { totalCents } = invoice;
  const document = sampleInvoiceDocument({
    number,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    month,
    family: { id: invoice.familyId, name: 'Famille', address: [] },
    lines: [{ childId: null, childName: '', serviceId: null, serviceName: '', kind: 'correction', label: 'Repas', basis: '', unitCents: totalCents, quantity: 1, amountCents: totalCents, days: [] }],
    totalCents,
    qf: [],
    days: [],
  });
  const id = Number(
    sqlite
      .prepare(
        `INSERT INTO invoices (number, year, seq, kind, family_id, month, issue_date, due_date, total_cents, issued_at, document)
         VALUES (?, 2026, ?, 'invoice', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(number, seq, invoice.familyId, month, invoice.issueDate, invoice.dueDate, totalCents, `${invoice.issueDate}T08:00:00.000Z`, JSON.stringify(document)).lastInsertRowid,
  );
  sqlite
    .prepare(`INSERT INTO invoice_lines (invoice_id, position, kind, label, unit_cents, quantity, amount_cents) VALUES (?, 0, 'correction', 'Repas', ?, 1, ?)`)
    .run(id, totalCents, totalCents);
  return { id, number };
}
