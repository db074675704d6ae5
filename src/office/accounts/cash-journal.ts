import type { Kysely } from 'kysely';
import type { CashJournal, CashJournalMethod, CashJournalMovement, DepositCheque } from '../../shared/api/cash-journal.js';
import { methodText, movementSide, PAYMENT_METHOD_CODES, PAYMENT_METHODS, type MovementKind } from '../../shared/billing/account.js';
import { isIsoDay } from '../../shared/calendar/days.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { ApiFailure, invalid, type StaffContext } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { immediateTransaction } from '../billing/run-transaction.js';
import type { OfficeDatabase } from '../db/schema.js';
import { movementDetails } from './ledger.js';

/**
 * The régie's cash journal: the movements of one day (account_movements.day, the régie's day a payment counts in)
 * grouped by method, payments, refunds and cancellations summed apart, the net per method and overall; the cheques
 * received that day for the bank deposit slip; and the closing of the day by the régisseur, after which nothing dated
 * that day can be written (payments.ts openDay, and the trigger of migrations/office/0007_accounts.sql).
 */

type Db = Kysely<OfficeDatabase>;

export const REGISSEUR_ONLY_CLOSING = 'Seul le régisseur peut clôturer une journée de caisse.';

/** The day asked, checked: a real calendar day. */
export function checkedDay(day: string): string {
  if (!isIsoDay(day)) throw invalid({ day: 'Date invalide (attendue : JJ/MM/AAAA).' }, 'Date invalide (attendue : JJ/MM/AAAA).');
  return day;
}

/** The day's journal, read whole (a régie's day is at most a few hundred movements). */
export async function loadCashJournal(db: Db, day: string, today: string): Promise<CashJournal> {
  const rows = await db
    .selectFrom('account_movements as m')
    .leftJoin('account_movements as c', 'c.id', 'm.cancels_id')
    .leftJoin('responsables as r', (join) => join.onRef('r.family_id', '=', 'm.family_id').on('r.rank', '=', 1))
    .leftJoin('staff_users as u', 'u.id', 'm.recorded_by')
    .select([
      'm.id',
      'm.kind',
      'm.method',
      'm.family_id',
      'm.amount_cents',
      'm.cheque_number',
      'm.cheque_bank',
      'm.cheque_drawer',
      'm.cesu_count',
      'm.cesu_unit_cents',
      'm.reference',
      'm.recorded_at',
      'c.kind as cancelled_kind',
      'c.day as cancelled_day',
      'r.nom',
      'r.prenom',
      'u.display_name',
    ])
    .where('m.day', '=', day)
    .orderBy('m.id')
    .execute();
  // A cheque cancelled the same day (entered by mistake, given back) is not deposited.
  const cancelledToday = new Set(rows.filter((row) => row.kind === 'cancellation').map((row) => row.id));
  const cancelledIds = new Set<number>();
  if (cancelledToday.size > 0) {
    const cancels = await db.selectFrom('account_movements').select('cancels_id').where('id', 'in', [...cancelledToday]).execute();
    for (const row of cancels) if (row.cancels_id !== null) cancelledIds.add(row.cancels_id);
  }

  const byMethod = new Map<string, CashJournalMethod>();
  const cheques: DepositCheque[] = [];
  for (const row of rows) {
    const familyName = row.nom === null ? `Famille n° ${row.family_id}` : `${row.nom} ${row.prenom ?? ''}`.trim();
    const cancels = row.kind === 'cancellation' && row.cancelled_kind !== null ? { kind: row.cancelled_kind as MovementKind, day: row.cancelled_day as string } : null;
    const side = movementSide(row.kind, cancels?.kind ?? null);
    // Cash in is what the family pays (a credit on its account); cash out what the régie pays back.
    const signedCents = side === 'credit' ? row.amount_cents : -row.amount_cents;
    const movement: CashJournalMovement = {
      id: row.id,
      kind: row.kind,
      cancels,
      familyId: row.family_id,
      familyName,
      amountCents: row.amount_cents,
      signedCents,
      text: methodText(row.method, movementDetails(row)),
      recordedAt: row.recorded_at,
      recordedBy: row.display_name ?? '',
    };
    let method = byMethod.get(row.method);
    if (!method) {
      method = { method: row.method, label: PAYMENT_METHODS[row.method], paymentsCents: 0, refundsCents: 0, cancellationsCents: 0, netCents: 0, movements: [] };
      byMethod.set(row.method, method);
    }
    method.movements.push(movement);
    if (row.kind === 'payment') method.paymentsCents += row.amount_cents;
    else if (row.kind === 'refund') method.refundsCents += row.amount_cents;
    else method.cancellationsCents += signedCents;
    method.netCents += signedCents;
    if (row.kind === 'payment' && row.method === 'cheque' && !cancelledIds.has(row.id)) {
      cheques.push({
        movementId: row.id,
        number: row.cheque_number,
        bank: row.cheque_bank,
        drawer: row.cheque_drawer,
        amountCents: row.amount_cents,
        familyId: row.family_id,
        familyName,
      });
    }
  }
  const methods = PAYMENT_METHOD_CODES.flatMap((code) => byMethod.get(code) ?? []);
  const sum = (pick: (m: CashJournalMethod) => number) => methods.reduce((total, m) => total + pick(m), 0);
  const closed = await db
    .selectFrom('cash_days as d')
    .leftJoin('staff_users as u', 'u.id', 'd.closed_by')
    .select(['d.closed_at', 'u.display_name'])
    .where('d.day', '=', day)
    .executeTakeFirst();
  return {
    day,
    methods,
    totals: {
      paymentsCents: sum((m) => m.paymentsCents),
      refundsCents: sum((m) => m.refundsCents),
      cancellationsCents: sum((m) => m.cancellationsCents),
      netCents: sum((m) => m.netCents),
      count: rows.length,
    },
    cheques,
    chequesTotalCents: cheques.reduce((total, cheque) => total + cheque.amountCents, 0),
    closed: closed ? { at: closed.closed_at, by: closed.display_name ?? '' } : null,
    today,
  };
}

/**
 * Closes the day: final for every movement dated that day. Refused for a day after today (its movements are not all
 * in yet) and for a day already closed. The totals at closing are kept with the day (cash_days.summary) and audited.
 */
export async function closeCashDay(ctx: StaffContext, rawDay: string): Promise<CashJournal> {
  if (ctx.user.role !== 'regisseur') throw new ApiFailure({ code: 'forbidden', message: REGISSEUR_ONLY_CLOSING });
  const day = checkedDay(rawDay);
  const now = ctx.clock();
  const at = now.toISOString();
  const today = parisDay(now);
  if (day > today) {
    const message = `Le ${shortDayFr(day)} n’est pas encore passé : seule une journée écoulée ou celle d’aujourd’hui peut être clôturée.`;
    throw invalid({ day: message }, message);
  }
  await immediateTransaction(ctx.db, async (trx) => {
    const already = await trx.selectFrom('cash_days').select('closed_at').where('day', '=', day).executeTakeFirst();
    if (already) throw new ApiFailure({ code: 'conflict', message: `La journée de caisse du ${shortDayFr(day)} est déjà clôturée.` });
    const journal = await loadCashJournal(trx, day, today);
    const summary = {
      totals: journal.totals,
      methods: journal.methods.map((m) => ({ method: m.method, paymentsCents: m.paymentsCents, refundsCents: m.refundsCents, cancellationsCents: m.cancellationsCents, netCents: m.netCents, count: m.movements.length })),
      cheques: { count: journal.cheques.length, totalCents: journal.chequesTotalCents },
    };
    await trx.insertInto('cash_days').values({ day, closed_at: at, closed_by: ctx.user.id, summary: JSON.stringify(summary) }).execute();
    await writeAudit(trx, { at, userId: ctx.user.id, entity: 'cash_day', entityId: null, action: 'close' }, [
      {
        field: `Journée de caisse du ${shortDayFr(day)}`,
        oldValue: null,
        newValue:
          `clôturée : ${journal.totals.count} mouvement(s), net ${formatEuros(journal.totals.netCents)}` +
          (journal.methods.length > 0 ? ` (${journal.methods.map((m) => `${m.label} ${formatEuros(m.netCents)}`).join(', ')})` : '') +
          `, ${journal.cheques.length} chèque(s) à remettre pour ${formatEuros(journal.chequesTotalCents)}`,
      },
    ]);
  });
  return loadCashJournal(ctx.db, day, today);
}
