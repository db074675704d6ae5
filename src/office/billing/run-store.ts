import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DraftRow, InvoiceRunSummary, InvoiceRunView } from '../../shared/api/billing.js';
import type { DraftLine, DraftProblem, FlaggedFamily } from '../../shared/billing/drafts.js';
import { monthLabelFr, ofMonthFr } from '../../shared/calendar/format.js';
import { ApiFailure, invalid, notFound } from '../api/handler.js';
import { officeQuery } from '../db/office-query.js';
import { readJson } from './store.js';
import type { InvoiceLineTable, OfficeDatabase } from '../db/schema.js';

/** Reading the stored runs and drafts (invoice_runs, invoice_drafts) into the API's views. */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;


/**
 * A month the office may bill: 'YYYY-MM', and already begun on the office's today (a month is billed from its first
 * day on, so the end-of-month run can be prepared on its last days; what is still ahead is billed as booked).
 */
export function checkRunMonth(month: string, today: string): void {
  if (!MONTH.test(month)) throw invalid({ month: 'Le mois s’écrit AAAA-MM (par exemple 2026-11).' });
  if (`${month}-01` > today) {
    const message = `La facturation ${ofMonthFr(month)} ne peut pas être calculée avant le début du mois.`;
    throw invalid({ month: message }, message);
  }
}

export function alreadyIssued(month: string): ApiFailure {
  return new ApiFailure({
    code: 'conflict',
    message: `La facturation ${ofMonthFr(month)} est déjà émise : corrigez par avoir ou facture complémentaire.`,
  });
}

export const runByMonth = officeQuery((db, month: string) => db.selectFrom('invoice_runs').selectAll().where('month', '=', month));
const draftsOfRun = officeQuery((db, runId: number) =>
  db.selectFrom('invoice_drafts').selectAll().where('run_id', '=', runId).orderBy('family_name').orderBy('family_id'),
);
export const draftOfFamily = officeQuery((db, runId: number, familyId: number) =>
  db.selectFrom('invoice_drafts').selectAll().where('run_id', '=', runId).where('family_id', '=', familyId),
);
const serviceNames = officeQuery((db) => db.selectFrom('services').select(['id', 'name']).orderBy('sort_order').orderBy('id'));
const runNumbers = officeQuery((db, runId: number) =>
  db
    .selectFrom('invoices')
    .select((eb) => [eb.fn.min('number').as('first'), eb.fn.max('number').as('last')])
    .where('run_id', '=', runId)
    .where('kind', '=', 'invoice'),
);

/** A flagged family as stored with the run: its name kept beside the shared FlaggedFamily. */
export type StoredFlagged = FlaggedFamily & { familyName: string };

export async function runView(db: Db, month: string): Promise<InvoiceRunView> {
  const run = await runByMonth.first(db, month);
  if (!run) throw notFound(`Aucun brouillon pour ${monthLabelFr(month)} : lancez le calcul de la facturation.`);
  const [drafts, services] = [await draftsOfRun.all(db, run.id), await serviceNames.all(db)];
  const rows: DraftRow[] = drafts.map((draft) => {
    const byService: Record<number, number> = {};
    for (const line of readJson<DraftLine[]>(draft.lines, `draft of family ${draft.family_id}`)) {
      byService[line.serviceId] = (byService[line.serviceId] ?? 0) + line.amountCents;
    }
    return { familyId: draft.family_id, familyName: draft.family_name, totalCents: draft.total_cents, qfFlagged: draft.qf_flagged === 1, byService };
  });
  let numbers: InvoiceRunView['numbers'] = null;
  if (run.status === 'issued') {
    const range = await runNumbers.first(db, run.id);
    if (range?.first && range.last) numbers = { first: String(range.first), last: String(range.last) };
  }
  return {
    month: run.month,
    status: run.status,
    generatedAt: run.generated_at,
    issuedAt: run.issued_at,
    families: rows.length,
    totalCents: rows.reduce((sum, row) => sum + row.totalCents, 0),
    flagged: readJson<StoredFlagged[]>(run.flagged, `flagged families of run ${run.month}`).length,
    services,
    drafts: rows,
    problems: readJson<DraftProblem[]>(run.problems, `problems of run ${run.month}`),
    flaggedFamilies: readJson<StoredFlagged[]>(run.flagged, `flagged families of run ${run.month}`),
    numbers,
  };
}

/** Every run, the latest month first, with its totals. */
export async function listRuns(db: Db): Promise<InvoiceRunSummary[]> {
  const rows = await db
    .selectFrom('invoice_runs as r')
    .leftJoin('invoice_drafts as d', 'd.run_id', 'r.id')
    .select((eb) => [
      'r.month',
      'r.status',
      'r.generated_at',
      'r.issued_at',
      'r.problems',
      'r.flagged',
      eb.fn.count<number>('d.family_id').as('families'),
      eb.fn.coalesce(eb.fn.sum<number>('d.total_cents'), eb.val(0)).as('total'),
    ])
    .groupBy('r.id')
    .orderBy('r.month', 'desc')
    .execute();
  return rows.map((row) => ({
    month: row.month,
    status: row.status,
    generatedAt: row.generated_at,
    issuedAt: row.issued_at,
    families: Number(row.families),
    totalCents: Number(row.total),
    flagged: readJson<unknown[]>(row.flagged, `flagged families of run ${row.month}`).length,
    problems: readJson<unknown[]>(row.problems, `problems of run ${row.month}`).length,
  }));
}

/** The row of invoice_lines for line `position` of an invoice (issued from a draft, or a correction). */
export function invoiceLineRow(
  invoiceId: number,
  position: number,
  line: Pick<DraftLine, 'label' | 'unitCents' | 'quantity' | 'amountCents'> & { childId: number | null; serviceId: number | null; kind: string },
): Insertable<InvoiceLineTable> {
  return {
    invoice_id: invoiceId,
    position,
    child_id: line.childId,
    service_id: line.serviceId,
    kind: line.kind,
    label: line.label,
    unit_cents: line.unitCents,
    quantity: line.quantity,
    amount_cents: line.amountCents,
  };
}
