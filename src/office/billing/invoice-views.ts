import type { Kysely, Transaction } from 'kysely';
import type { InvoiceSummary, InvoiceView } from '../../shared/api/billing.js';
import type { InvoiceDocument } from '../../shared/billing/invoice.js';
import { notFound } from '../api/handler.js';
import type { OfficeDatabase } from '../db/schema.js';
import { readJson } from './store.js';

/** Issued invoices, credit notes and complementary invoices as the office lists and opens them. */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

function summaries(db: Db) {
  return db
    .selectFrom('invoices as i')
    .leftJoin('invoices as c', 'c.id', 'i.corrects_id')
    .leftJoin('responsables as r', (join) => join.onRef('r.family_id', '=', 'i.family_id').on('r.rank', '=', 1))
    .select((eb) => [
      'i.id',
      'i.number',
      'i.kind',
      'i.family_id',
      'i.month',
      'i.issue_date',
      'i.due_date',
      'i.total_cents',
      'c.number as corrects',
      'r.nom',
      'r.prenom',
      eb
        .selectFrom('invoices as x')
        .select((inner) => inner.fn.coalesce(inner.fn.sum<number>('x.total_cents'), inner.val(0)).as('s'))
        .whereRef('x.corrects_id', '=', 'i.id')
        .where('x.kind', '=', 'credit_note')
        .as('credited'),
    ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaries>['execute']>>[number];

function toSummary(row: SummaryRow): InvoiceSummary {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    familyId: row.family_id,
    familyName: row.nom === null ? `Famille n° ${row.family_id}` : `${row.nom} ${row.prenom ?? ''}`.trim(),
    month: row.month,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    totalCents: row.total_cents,
    corrects: row.corrects,
    // Credit notes are stored negative: what they took off, positive.
    creditedCents: -Number(row.credited ?? 0),
  };
}

export async function listInvoices(db: Db, filter: { familyId: number | null; month: string | null }): Promise<InvoiceSummary[]> {
  const rows = await summaries(db)
    .$if(filter.familyId !== null, (query) => query.where('i.family_id', '=', filter.familyId ?? 0))
    .$if(filter.month !== null, (query) => query.where('i.month', '=', filter.month ?? ''))
    .orderBy('i.year', 'desc')
    .orderBy('i.seq', 'desc')
    .execute();
  return rows.map(toSummary);
}

export async function invoiceView(db: Db, id: number): Promise<InvoiceView> {
  const row = await summaries(db).where('i.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Facture introuvable.');
  const more = await db
    .selectFrom('invoices as i')
    .leftJoin('staff_users as u', 'u.id', 'i.issued_by')
    .select(['i.document', 'u.display_name'])
    .where('i.id', '=', id)
    .executeTakeFirstOrThrow();
  const corrections = await summaries(db).where('i.corrects_id', '=', id).orderBy('i.year').orderBy('i.seq').execute();
  return {
    ...toSummary(row),
    document: readJson<InvoiceDocument>(more.document, `invoice ${row.number}`),
    issuedBy: more.display_name ?? '',
    corrections: corrections.map(toSummary),
  };
}
