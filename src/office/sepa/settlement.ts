import type { Clock } from '../../shared/clock.js';
import { addDays } from '../../shared/calendar/days.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { loadFamilyAccounts } from '../accounts/ledger.js';
import { settleFamilies } from '../accounts/payments.js';
import { ApiFailure } from '../api/handler.js';
import { AuditBatch } from '../audit/write.js';
import { markFamiliesDirty } from '../billing/run-numbering.js';
import { immediateTransaction } from '../billing/run-transaction.js';
import type { OfficeDb } from '../db/open.js';
import type { Logger } from '../log.js';

/**
 * Debits become payments at their collection date (issue #12): each pending debit of a sent batch whose collection
 * date has come is written on the payment ledger as a payment « Prélèvement » of its amount, dated the collection
 * date, referenced by its end-to-end id and put on its invoice (anything beyond what is still open on it, say after a
 * payment at the counter, is a credit spread by settleFamilies like any overpayment). The debit is marked collected,
 * the mandate's last collection moved (its 36 months start again), the batch settled when none of its debits is left
 * pending. Run before the régie reads accounts or batches and once when the office starts; idempotent: the debits are
 * read and marked collected inside one immediate transaction, so two runs never write the same payment twice.
 *
 * The ledger's rule that movements are dated after the last closed cash day: a debit whose collection date was closed
 * before the office settled it (the régisseur closed the day on another machine, or the office was not opened that
 * day) is dated the first open day after the last closed one, with its collection date in its note; when even today
 * is closed, it waits for the next open day.
 */

/**
 * The last settlement that failed, per office database, until one succeeds: the batches page shows « Règlement en
 * échec » and why on each batch it left unsettled, so the agent is not left with a batch « Transmis » long after its
 * date and nothing on the accounts. Kept in memory, not in the database: the usual failure is the database refusing a
 * write (locked by another office past its wait, a closed cash day's rule), which would refuse this record too. Every
 * read of the batches tries again.
 */
export interface SettlementFailure {
  /** The office's today when it failed: batches due by then were the ones left unsettled. */
  day: string;
  at: string;
  /** In French, for the régie. */
  reason: string;
}

const failures = new WeakMap<OfficeDb, SettlementFailure>();

export function settlementFailure(db: unknown): SettlementFailure | null {
  return failures.get(db as OfficeDb) ?? null;
}

function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/SQLITE_BUSY|database is locked/i.test(message)) return 'la base était occupée par un autre poste';
  // An ApiFailure carries its French message; anything else is technical: said as it is, the log has the details.
  return error instanceof ApiFailure ? error.error.message : `erreur technique (${message})`;
}

/** Payments written; 0 when nothing was due (one small query, the common case). */
export async function settleDueDebits(db: OfficeDb, clock: Clock): Promise<number> {
  const now = clock();
  try {
    const written = await settleDue(db, now);
    failures.delete(db);
    return written;
  } catch (error) {
    failures.set(db, { day: parisDay(now), at: now.toISOString(), reason: failureReason(error) });
    throw error;
  }
}

async function settleDue(db: OfficeDb, now: Date): Promise<number> {
  const today = parisDay(now);
  const due = await db
    .selectFrom('sepa_batches')
    .select('id')
    .where('status', '=', 'sent')
    .where('settled_at', 'is', null)
    .where('collection_date', '<=', today)
    .executeTakeFirst();
  if (!due) return 0;
  const at = now.toISOString();
  return immediateTransaction(db, async (trx) => {
    const batches = await trx
      .selectFrom('sepa_batches')
      .select(['id', 'message_id', 'collection_date', 'sent_by'])
      .where('status', '=', 'sent')
      .where('settled_at', 'is', null)
      .where('collection_date', '<=', today)
      .execute();
    const lastClosed = (await trx.selectFrom('cash_days').select((eb) => eb.fn.max('day').as('day')).executeTakeFirst())?.day ?? null;
    const debits = await trx
      .selectFrom('sepa_debits as d')
      .innerJoin('invoices as i', 'i.id', 'd.invoice_id')
      .select(['d.id', 'd.batch_id', 'd.invoice_id', 'd.family_id', 'd.mandate_id', 'd.amount_cents', 'd.end_to_end_id', 'i.number'])
      .where('d.status', '=', 'pending')
      .where(
        'd.batch_id',
        'in',
        batches.map((batch) => batch.id),
      )
      .orderBy('d.id')
      .execute();
    const accounts = await loadFamilyAccounts(trx, [...new Set(debits.map((debit) => debit.family_id))], today);
    const openCents = new Map<number, number>();
    for (const account of accounts.values()) for (const invoice of account.invoices) openCents.set(invoice.id, invoice.openCents);
    const byId = new Map(batches.map((batch) => [batch.id, batch]));
    const audit = new AuditBatch();
    const waiting = new Set<number>();
    const families = new Set<number>();
    let written = 0;
    for (const debit of debits) {
      const batch = byId.get(debit.batch_id)!;
      const day = lastClosed !== null && lastClosed >= batch.collection_date ? addDays(lastClosed, 1) : batch.collection_date;
      if (day > today) {
        waiting.add(batch.id);
        continue;
      }
      const shifted = day !== batch.collection_date;
      const note = `Prélèvement SEPA du ${shortDayFr(batch.collection_date)}, lot ${batch.message_id}${shifted ? ` (journée de caisse déjà clôturée : compté le ${shortDayFr(day)})` : ''}`;
      const payment = await trx
        .insertInto('account_movements')
        .values({
          family_id: debit.family_id,
          kind: 'payment',
          method: 'prelevement',
          day,
          amount_cents: debit.amount_cents,
          reference: debit.end_to_end_id,
          note,
          cancels_id: null,
          recorded_at: at,
          recorded_by: batch.sent_by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const onInvoice = Math.min(debit.amount_cents, openCents.get(debit.invoice_id) ?? 0);
      if (onInvoice > 0) {
        await trx
          .insertInto('allocations')
          .values({ family_id: debit.family_id, source_movement_id: payment.id, source_invoice_id: null, target_invoice_id: debit.invoice_id, target_movement_id: null, amount_cents: onInvoice, at })
          .execute();
        openCents.set(debit.invoice_id, (openCents.get(debit.invoice_id) ?? 0) - onInvoice);
      }
      await trx.updateTable('sepa_debits').set({ status: 'collected', payment_movement_id: payment.id }).where('id', '=', debit.id).execute();
      await trx
        .updateTable('sepa_mandates')
        .set({ last_collection_on: batch.collection_date })
        .where('id', '=', debit.mandate_id)
        .where((eb) => eb.or([eb('last_collection_on', 'is', null), eb('last_collection_on', '<', batch.collection_date)]))
        .execute();
      audit.add({ at, userId: batch.sent_by, entity: 'payment', entityId: payment.id, action: 'create', familyId: debit.family_id }, [
        {
          field: `Règlement du ${shortDayFr(day)}`,
          oldValue: null,
          newValue: `${formatEuros(debit.amount_cents)} — Prélèvement réf. ${debit.end_to_end_id} ; sur ${debit.number}`,
        },
      ]);
      families.add(debit.family_id);
      written += 1;
    }
    for (const batch of batches) {
      if (waiting.has(batch.id)) continue;
      await trx.updateTable('sepa_batches').set({ settled_at: at }).where('id', '=', batch.id).execute();
      audit.add({ at, userId: batch.sent_by, entity: 'sepa_batch', entityId: batch.id, action: 'settle' }, [
        { field: `Lot de prélèvement du ${shortDayFr(batch.collection_date)}`, oldValue: `${batch.message_id} : transmis`, newValue: 'encaissé sur les comptes des familles' },
      ]);
    }
    await audit.flush(trx);
    await settleFamilies(trx, [...families], at);
    await markFamiliesDirty(trx, [...families]);
    return written;
  });
}

/**
 * Before a read (an account, the grid, the journal, a batch) or at the office's start: settles what came due, but a
 * failure (another office holding the write lock past its wait, say) is logged and the read goes on; the next read
 * settles. Closing a cash day calls settleDueDebits itself, so a day is never closed without its debits.
 */
export async function settleDueDebitsBeforeReading(db: OfficeDb, clock: Clock, log: Logger): Promise<void> {
  try {
    const written = await settleDueDebits(db, clock);
    if (written > 0) log.info('direct debits settled', { written });
  } catch (error) {
    log.error('direct debits not settled', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
