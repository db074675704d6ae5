import type { Kysely, Transaction } from 'kysely';
import type { AccountInvoice, AccountMovement, FamilyAccount } from '../../shared/api/accounts.js';
import {
  balanceOf,
  byDay,
  invoiceEntryLabel,
  movementEntryLabel,
  movementSide,
  overdueAge,
  type LedgerEntry,
  type MovementDetails,
  type MovementKind,
} from '../../shared/billing/account.js';
import { monthLabelFr } from '../../shared/calendar/format.js';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * Families' accounts read in bulk: every issued invoice, movement and allocation of the families asked, in a handful
 * of queries whatever their number, then each account built in memory (the family file asks one, the « Comptes » grid,
 * the statements batch and the reminders all of them). What is settled and what is free is always the sum of the
 * allocations (migrations/office/0007_accounts.sql), never a stored total that could drift.
 */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/** Ids per `IN (...)` list, well under SQLite's bound-parameter limit. */
const IDS_PER_QUERY = 500;

export type FamilyScope = readonly number[] | 'all';

async function inScope<T>(scope: FamilyScope, query: (ids: number[] | null) => Promise<T[]>): Promise<T[]> {
  if (scope === 'all') return query(null);
  const out: T[] = [];
  for (let i = 0; i < scope.length; i += IDS_PER_QUERY) out.push(...(await query(scope.slice(i, i + IDS_PER_QUERY))));
  return out;
}

/** A movement's details as its row stores them. */
export function movementDetails(row: {
  cheque_number: string;
  cheque_bank: string;
  cheque_drawer: string;
  cesu_count: number | null;
  cesu_unit_cents: number | null;
  reference: string;
}): MovementDetails {
  return {
    chequeNumber: row.cheque_number,
    chequeBank: row.cheque_bank,
    chequeDrawer: row.cheque_drawer,
    cesuCount: row.cesu_count,
    cesuUnitCents: row.cesu_unit_cents,
    reference: row.reference,
  };
}

/**
 * Where an invoice stands with direct debit (issue #12): in a batch prepared or sent and not yet collected, collected,
 * or rejected by the debtor's bank (its ISO reason code; the fee invoice when the régisseur charged one).
 */
export type InvoiceDebitState = {
  familyId: number;
  collectionDate: string;
  /** The mandate's reference (RUM) the debit was made under. */
  rum: string;
} & (
  | { status: 'prepared' | 'sent' | 'collected' }
  | { status: 'rejected'; rejectCode: string; rejectDay: string | null; feeInvoiceNumber: string | null }
);

/**
 * Each invoice's direct debit state, for the families in `scope`, keyed by invoice id; an invoice never debited (or
 * only in batches cancelled before they were sent) is absent. The one reading of sepa_debits the office's accounts and
 * the portal's publication share. An invoice has at most one live debit (pending or collected: 0008's unique index),
 * which is its state; without one, its latest rejected debit is (a rejected invoice debited again is pending again).
 * A cancelled debit never reached the bank and says nothing. `which`: 'pending' reads only the debits not yet
 * collected (the « Comptes » grid reads every family: the years of collected debits are not its business); 'all' the
 * whole history.
 */
export async function loadInvoiceDebits(db: Db, scope: FamilyScope, which: 'pending' | 'all'): Promise<Map<number, InvoiceDebitState>> {
  const rows = await inScope(scope, (ids) =>
    db
      .selectFrom('sepa_debits as d')
      .innerJoin('sepa_batches as b', 'b.id', 'd.batch_id')
      .innerJoin('sepa_mandates as m', 'm.id', 'd.mandate_id')
      .leftJoin('invoices as fee', 'fee.id', 'd.reject_fee_invoice_id')
      .select(['d.id', 'd.invoice_id', 'd.family_id', 'd.status', 'd.reject_code', 'd.reject_day', 'b.status as batch_status', 'b.collection_date', 'm.rum', 'fee.number as fee_number'])
      .$if(which === 'pending', (q) => q.where('d.status', '=', 'pending'))
      .$if(which === 'all', (q) => q.where('d.status', 'in', ['pending', 'collected', 'rejected']))
      .$if(ids !== null, (q) => q.where('d.family_id', 'in', ids ?? []))
      .orderBy('d.id')
      .execute(),
  );
  const states = new Map<number, InvoiceDebitState>();
  for (const row of rows) {
    const base = { familyId: row.family_id, collectionDate: row.collection_date, rum: row.rum };
    if (row.status === 'rejected') {
      const current = states.get(row.invoice_id);
      // A live debit outranks any reject; of two rejects, the later one (rows come oldest first).
      if (current && current.status !== 'rejected') continue;
      states.set(row.invoice_id, { ...base, status: 'rejected', rejectCode: row.reject_code ?? '', rejectDay: row.reject_day, feeInvoiceNumber: row.fee_number });
    } else if (row.status === 'collected') {
      states.set(row.invoice_id, { ...base, status: 'collected' });
    } else if (row.status === 'pending' && (row.batch_status === 'prepared' || row.batch_status === 'sent')) {
      states.set(row.invoice_id, { ...base, status: row.batch_status });
    }
  }
  return states;
}

/** The accounts of the families in `scope` as of `today` (ISO), keyed by family id; families without any entry too. */
export async function loadFamilyAccounts(db: Db, scope: FamilyScope, today: string): Promise<Map<number, FamilyAccount>> {
  const families = await inScope(scope, (ids) =>
    db
      .selectFrom('families as f')
      .leftJoin('responsables as r', (join) => join.onRef('r.family_id', '=', 'f.id').on('r.rank', '=', 1))
      .select(['f.id', 'f.archived_at', 'r.nom', 'r.prenom'])
      .$if(ids !== null, (q) => q.where('f.id', 'in', ids ?? []))
      .execute(),
  );
  const invoices = await inScope(scope, (ids) =>
    db
      .selectFrom('invoices')
      .select(['id', 'number', 'kind', 'family_id', 'month', 'issue_date', 'due_date', 'total_cents', 'corrects_id'])
      .$if(ids !== null, (q) => q.where('family_id', 'in', ids ?? []))
      .orderBy('year')
      .orderBy('seq')
      .execute(),
  );
  const movements = await inScope(scope, (ids) =>
    db
      .selectFrom('account_movements as m')
      .leftJoin('staff_users as u', 'u.id', 'm.recorded_by')
      .leftJoin('cash_days as c', 'c.day', 'm.day')
      .selectAll('m')
      .select(['u.display_name', 'c.closed_at'])
      .$if(ids !== null, (q) => q.where('m.family_id', 'in', ids ?? []))
      .orderBy('m.id')
      .execute(),
  );
  const allocations = await inScope(scope, (ids) =>
    db
      .selectFrom('allocations')
      .select(['family_id', 'source_movement_id', 'source_invoice_id', 'target_invoice_id', 'target_movement_id', 'amount_cents'])
      .$if(ids !== null, (q) => q.where('family_id', 'in', ids ?? []))
      .orderBy('id')
      .execute(),
  );

  // Invoices in a direct debit not yet collected (« en cours de prélèvement »), issue #12: the one rule of loadInvoiceDebits.
  const debitOf = new Map<number, { status: 'prepared' | 'sent'; collectionDate: string }>();
  for (const [invoiceId, debit] of await loadInvoiceDebits(db, scope, 'pending')) {
    if (debit.status === 'prepared' || debit.status === 'sent') debitOf.set(invoiceId, { status: debit.status, collectionDate: debit.collectionDate });
  }

  const accounts = new Map<number, FamilyAccount>();
  for (const family of families) {
    accounts.set(family.id, {
      familyId: family.id,
      familyName: family.nom === null ? `Famille n° ${family.id}` : `${family.nom} ${family.prenom ?? ''}`.trim(),
      archived: family.archived_at !== null,
      day: today,
      balanceCents: 0,
      dueCents: 0,
      overdueCents: 0,
      creditCents: 0,
      invoices: [],
      movements: [],
      entries: [],
      hold: null,
    });
  }

  // Sums of allocations by source and by target.
  const toInvoice = new Map<number, number>();
  const fromInvoice = new Map<number, number>();
  const fromMovement = new Map<number, number>();
  const byMovement = new Map<number, { target: number; refund: boolean; cents: number }[]>();
  for (const a of allocations) {
    if (a.target_invoice_id !== null) toInvoice.set(a.target_invoice_id, (toInvoice.get(a.target_invoice_id) ?? 0) + a.amount_cents);
    if (a.source_invoice_id !== null) fromInvoice.set(a.source_invoice_id, (fromInvoice.get(a.source_invoice_id) ?? 0) + a.amount_cents);
    if (a.source_movement_id !== null) {
      fromMovement.set(a.source_movement_id, (fromMovement.get(a.source_movement_id) ?? 0) + a.amount_cents);
      const list = byMovement.get(a.source_movement_id) ?? [];
      const refund = a.target_movement_id !== null;
      const target = (a.target_invoice_id ?? a.target_movement_id) as number;
      const same = list.find((x) => x.target === target && x.refund === refund);
      if (same) same.cents += a.amount_cents;
      else list.push({ target, refund, cents: a.amount_cents });
      byMovement.set(a.source_movement_id, list);
    }
  }

  const numbers = new Map<number, string>();
  for (const row of invoices) {
    numbers.set(row.id, row.number);
    const account = accounts.get(row.family_id);
    if (!account) continue;
    const credit = row.total_cents < 0;
    const settledCents = credit ? fromInvoice.get(row.id) ?? 0 : toInvoice.get(row.id) ?? 0;
    const openCents = credit ? 0 : row.total_cents - settledCents;
    const invoice: AccountInvoice = {
      id: row.id,
      number: row.number,
      kind: row.kind,
      month: row.month,
      issueDate: row.issue_date,
      dueDate: row.due_date,
      totalCents: row.total_cents,
      settledCents,
      openCents,
      age: openCents > 0 ? overdueAge(row.due_date, today) : 'not_due',
      correctsId: row.corrects_id,
      directDebit: debitOf.get(row.id) ?? null,
    };
    account.invoices.push(invoice);
    if (credit) account.creditCents += -row.total_cents - settledCents;
    else {
      account.dueCents += openCents;
      if (invoice.age !== 'not_due') account.overdueCents += openCents;
    }
    account.entries.push({
      key: `invoice:${row.id}`,
      day: row.issue_date,
      kind: row.kind,
      label: invoiceEntryLabel(row.kind, row.number, monthLabelFr(row.month)),
      reference: row.number,
      debitCents: credit ? 0 : row.total_cents,
      creditCents: credit ? -row.total_cents : 0,
    });
  }

  const kinds = new Map<number, { kind: MovementKind; day: string }>(movements.map((m) => [m.id, { kind: m.kind, day: m.day }]));
  const cancelledBy = new Map<number, number>();
  for (const m of movements) if (m.cancels_id !== null) cancelledBy.set(m.cancels_id, m.id);
  for (const m of movements) {
    const account = accounts.get(m.family_id);
    if (!account) continue;
    const cancelled = m.cancels_id === null ? undefined : kinds.get(m.cancels_id);
    const d = movementDetails(m);
    const isCancelled = cancelledBy.has(m.id);
    const freeCents = m.kind === 'payment' && !isCancelled ? m.amount_cents - (fromMovement.get(m.id) ?? 0) : 0;
    const movement: AccountMovement = {
      id: m.id,
      kind: m.kind,
      method: m.method,
      day: m.day,
      amountCents: m.amount_cents,
      details: d,
      note: m.note,
      cancelsId: m.cancels_id,
      cancelledById: cancelledBy.get(m.id) ?? null,
      recordedAt: m.recorded_at,
      recordedBy: m.display_name ?? '',
      allocations: (byMovement.get(m.id) ?? [])
        .filter((a) => a.cents !== 0)
        .map((a) => ({ invoiceNumber: a.refund ? null : numbers.get(a.target) ?? null, refundId: a.refund ? a.target : null, cents: a.cents })),
      freeCents,
      dayClosed: m.closed_at !== null,
    };
    account.movements.push(movement);
    account.creditCents += freeCents;
    const side = movementSide(m.kind, cancelled?.kind ?? null);
    account.entries.push({
      key: `movement:${m.id}`,
      day: m.day,
      kind: m.kind,
      label: movementEntryLabel(m.kind, m.method, d, cancelled),
      reference: m.method === 'cheque' ? m.cheque_number : m.reference,
      debitCents: side === 'debit' ? m.amount_cents : 0,
      creditCents: side === 'credit' ? m.amount_cents : 0,
    });
  }

  const holds = await inScope(scope, (ids) =>
    db
      .selectFrom('reminder_holds as h')
      .leftJoin('staff_users as u', 'u.id', 'h.set_by')
      .select(['h.family_id', 'h.reason', 'h.note', 'h.since', 'u.display_name'])
      .$if(ids !== null, (q) => q.where('h.family_id', 'in', ids ?? []))
      .execute(),
  );
  for (const hold of holds) {
    const account = accounts.get(hold.family_id);
    if (account) account.hold = { reason: hold.reason, note: hold.note, since: hold.since, setBy: hold.display_name ?? '' };
  }

  for (const account of accounts.values()) {
    account.entries = byDay(account.entries) as LedgerEntry[];
    account.balanceCents = balanceOf(account.entries);
  }
  return accounts;
}

/** One family's account; undefined when no such family. */
export async function loadFamilyAccount(db: Db, familyId: number, today: string): Promise<FamilyAccount | undefined> {
  return (await loadFamilyAccounts(db, [familyId], today)).get(familyId);
}
