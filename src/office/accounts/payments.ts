import type { Insertable, Kysely } from 'kysely';
import type { AccountMovement, FamilyAccount, PaymentOutcome } from '../../shared/api/accounts.js';
import {
  awaitingBankDebit,
  bankDebitNote,
  cancelInputSchema,
  methodText,
  paymentInputSchema,
  PAYMENT_METHODS,
  refundInputSchema,
  type CancelInput,
  type PaymentInput,
  type RefundInput,
} from '../../shared/billing/account.js';
import { allocate, settle, type FreeCredit, type OpenDebt } from '../../shared/billing/allocation.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { ApiFailure, invalid, notFound, parseOrFail, type StaffContext } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { markFamiliesDirty } from '../billing/run-numbering.js';
import { immediateTransaction } from '../billing/run-transaction.js';
import type { AllocationTable, OfficeDatabase } from '../db/schema.js';
import { loadFamilyAccount, loadFamilyAccounts } from './ledger.js';

/**
 * Money received and paid back at the régie: payments allocated to invoices (src/shared/billing/allocation.ts), refunds
 * of a credit, cancellations by counter-entry, and the credits used by the next invoices (settleFamilies). Every write
 * is one immediate transaction that reads the account, checks, writes the movement, its allocations and the audit, and
 * marks the family for the portal: all or nothing.
 */

export const REGISSEUR_ONLY_PAYMENTS = 'Seul le régisseur peut enregistrer des règlements.';

type Trx = Kysely<OfficeDatabase>;

function regisseurOnly(ctx: StaffContext): void {
  if (ctx.user.role !== 'regisseur') throw new ApiFailure({ code: 'forbidden', message: REGISSEUR_ONLY_PAYMENTS });
}

async function accountOf(trx: Trx, familyId: number, today: string): Promise<FamilyAccount> {
  const account = await loadFamilyAccount(trx, familyId, today);
  if (!account) throw notFound('Famille introuvable.');
  return account;
}

/**
 * The régie's day a movement may be dated: today at the latest (the cash journal counts what was received, and a day
 * in the future could not be closed before it comes), and after the last closed day (a closed day and the days before
 * it are final: their journal was printed and the cash deposited). Refused with the field to correct.
 */
export async function openDay(trx: Trx, day: string, today: string): Promise<void> {
  const refuse = (message: string) => {
    throw invalid({ day: message }, message);
  };
  if (day > today) refuse(`Un mouvement ne peut pas être daté d’un jour à venir (le ${shortDayFr(day)}) : la caisse enregistre ce qui est reçu ou rendu.`);
  const closed = await trx.selectFrom('cash_days').select('day').where('day', '>=', day).orderBy('day', 'desc').executeTakeFirst();
  if (closed) {
    refuse(
      closed.day === day
        ? `La journée de caisse du ${shortDayFr(day)} est clôturée : elle ne peut plus être modifiée.`
        : `La caisse est clôturée jusqu’au ${shortDayFr(closed.day)} : datez le mouvement d’un jour suivant.`,
    );
  }
}

/** What payments and credits may settle: the open invoices, but not those the bank is collecting (awaitingBankDebit). */
function openDebts(account: FamilyAccount): OpenDebt[] {
  return account.invoices
    .filter((invoice) => invoice.openCents > 0 && !awaitingBankDebit(invoice))
    .map((invoice) => ({ id: invoice.id, order: `${invoice.issueDate} ${invoice.number}`, openCents: invoice.openCents }));
}

function freeCredits(account: FamilyAccount): FreeCredit[] {
  return [
    ...account.invoices
      .filter((invoice) => invoice.totalCents < 0 && -invoice.totalCents - invoice.settledCents > 0)
      .map((invoice) => ({ key: `invoice:${invoice.id}`, order: `${invoice.issueDate} ${invoice.number}`, freeCents: -invoice.totalCents - invoice.settledCents })),
    ...account.movements
      .filter((movement) => movement.freeCents > 0)
      .map((movement) => ({ key: `movement:${movement.id}`, order: `${movement.day} ${String(movement.id).padStart(12, '0')}`, freeCents: movement.freeCents })),
  ];
}

function source(key: string): { source_movement_id: number | null; source_invoice_id: number | null } {
  const id = Number(key.slice(key.indexOf(':') + 1));
  return key.startsWith('movement:') ? { source_movement_id: id, source_invoice_id: null } : { source_movement_id: null, source_invoice_id: id };
}

/**
 * Puts the free credits of each family (overpayments, credit notes) on its open invoices, oldest first: after a run
 * or a complementary invoice is issued, after a credit note, after a cancellation. A credit note goes first to the
 * invoice it corrects. Families without any credit are skipped after one query.
 */
/**
 * Per family, the part of a new invoice its free credit will pay when settleFamilies runs after the issue: the credit
 * left once the older open debts have taken theirs (settle pays the oldest first, and a new invoice is the newest).
 * Read before issuing, so that the pre-notification an invoice carries announces what the bank will really take.
 */
export async function creditForNewInvoices(trx: Trx, familyIds: readonly number[], today: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (familyIds.length === 0) return out;
  const accounts = await loadFamilyAccounts(trx, [...new Set(familyIds)], today);
  for (const account of accounts.values()) {
    const free = freeCredits(account).reduce((sum, credit) => sum + credit.freeCents, 0);
    const owed = openDebts(account).reduce((sum, debt) => sum + debt.openCents, 0);
    if (free > owed) out.set(account.familyId, free - owed);
  }
  return out;
}

export async function settleFamilies(trx: Trx, familyIds: readonly number[], at: string): Promise<void> {
  if (familyIds.length === 0) return;
  const withMoney = new Set<number>();
  const unique = [...new Set(familyIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const ids = unique.slice(i, i + 500);
    const rows = await trx
      .selectFrom('account_movements')
      .select('family_id')
      .where('family_id', 'in', ids)
      .union(trx.selectFrom('invoices').select('family_id').where('family_id', 'in', ids).where('kind', '=', 'credit_note'))
      .execute();
    for (const row of rows) withMoney.add(row.family_id);
  }
  if (withMoney.size === 0) return;
  const today = parisDay(new Date(at));
  const accounts = await loadFamilyAccounts(trx, [...withMoney], today);
  const rows: Insertable<AllocationTable>[] = [];
  for (const account of accounts.values()) {
    const debts = openDebts(account);
    const credits = freeCredits(account);
    if (debts.length === 0 || credits.length === 0) continue;
    // A credit note settles the invoice it corrects before any other.
    const corrects = new Map(account.invoices.map((invoice) => [invoice.id, invoice.correctsId]));
    for (const credit of credits) {
      const target = credit.key.startsWith('invoice:') ? corrects.get(Number(credit.key.slice(8))) : null;
      const debt = target === null || target === undefined ? undefined : debts.find((d) => d.id === target);
      if (!debt || debt.openCents === 0) continue;
      const cents = Math.min(debt.openCents, credit.freeCents);
      rows.push({ family_id: account.familyId, ...source(credit.key), target_invoice_id: debt.id, target_movement_id: null, amount_cents: cents, at });
      debt.openCents -= cents;
      credit.freeCents -= cents;
    }
    for (const s of settle(credits.filter((c) => c.freeCents > 0), debts.filter((d) => d.openCents > 0))) {
      rows.push({ family_id: account.familyId, ...source(s.key), target_invoice_id: s.debtId, target_movement_id: null, amount_cents: s.cents, at });
    }
  }
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('allocations').values(rows.slice(i, i + 500)).execute();
  if (rows.length > 0) await markFamiliesDirty(trx, [...new Set(rows.map((row) => row.family_id))]);
}

export async function recordPayment(ctx: StaffContext, raw: PaymentInput): Promise<PaymentOutcome> {
  regisseurOnly(ctx);
  const input = parseOrFail(paymentInputSchema, raw);
  const now = ctx.clock();
  const at = now.toISOString();
  const today = parisDay(now);
  const ids = await immediateTransaction(ctx.db, async (trx) => {
    const account = await accountOf(trx, input.familyId, today);
    if (account.archived) throw invalid({}, 'Cette famille est archivée : aucun règlement ne peut y être enregistré.');
    await openDay(trx, input.day, today);
    const debts = openDebts(account);
    const debited = account.invoices.filter((invoice) => input.invoiceIds.includes(invoice.id) && awaitingBankDebit(invoice));
    if (debited.length > 0) throw invalid({ invoiceIds: debited.map(bankDebitNote).join(' ') });
    const unknown = input.invoiceIds.filter((id) => !debts.some((debt) => debt.id === id));
    if (unknown.length > 0) throw invalid({ invoiceIds: 'Une facture choisie n’est pas de cette famille ou est déjà réglée.' });
    const { allocations, leftoverCents } = allocate(input.amountCents, debts, input.invoiceIds);
    if (leftoverCents > 0 && input.overpayment === 'none') {
      const payable = debts.reduce((sum, debt) => sum + debt.openCents, 0);
      const debitedCents = account.dueCents - payable;
      const due = debitedCents > 0 ? `${formatEuros(payable)} hors ${formatEuros(debitedCents)} en cours de prélèvement` : formatEuros(account.dueCents);
      const message = `Le montant dépasse de ${formatEuros(leftoverCents)} ce qui reste dû (${due}) : choisissez de garder le trop-perçu en crédit sur le compte ou de le rembourser.`;
      throw invalid({ amountCents: message, overpayment: message }, message);
    }
    const payment = await trx
      .insertInto('account_movements')
      .values({
        family_id: input.familyId,
        kind: 'payment',
        method: input.method,
        day: input.day,
        amount_cents: input.amountCents,
        cheque_number: input.method === 'cheque' ? input.chequeNumber : '',
        cheque_bank: input.method === 'cheque' ? input.chequeBank : '',
        cheque_drawer: input.method === 'cheque' ? input.chequeDrawer : '',
        cesu_count: input.method === 'cesu' ? input.cesuCount : null,
        cesu_unit_cents: input.method === 'cesu' ? input.cesuUnitCents : null,
        reference: input.reference,
        note: input.note,
        cancels_id: null,
        recorded_at: at,
        recorded_by: ctx.user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (allocations.length > 0) {
      await trx
        .insertInto('allocations')
        .values(allocations.map((a) => ({ family_id: input.familyId, source_movement_id: payment.id, source_invoice_id: null, target_invoice_id: a.debtId, target_movement_id: null, amount_cents: a.cents, at })))
        .execute();
    }
    const numbers = new Map(account.invoices.map((invoice) => [invoice.id, invoice.number]));
    const text = methodText(input.method, { ...input, cesuCount: input.cesuCount, cesuUnitCents: input.cesuUnitCents });
    const changes = [
      {
        field: `Règlement du ${shortDayFr(input.day)}`,
        oldValue: null,
        newValue: `${formatEuros(input.amountCents)} — ${text}${allocations.length > 0 ? ` ; sur ${allocations.map((a) => `${numbers.get(a.debtId)} (${formatEuros(a.cents)})`).join(', ')}` : ''}${leftoverCents > 0 ? ` ; trop-perçu ${formatEuros(leftoverCents)} ${input.overpayment === 'refund' ? 'remboursé' : 'gardé en crédit'}` : ''}`,
      },
    ];
    await writeAudit(trx, { at, userId: ctx.user.id, entity: 'payment', entityId: payment.id, action: 'create', familyId: input.familyId }, changes);
    let refundId: number | null = null;
    if (leftoverCents > 0 && input.overpayment === 'refund') {
      refundId = await insertRefund(ctx, trx, {
        familyId: input.familyId,
        method: input.refundMethod ?? 'especes',
        day: input.day,
        amountCents: leftoverCents,
        chequeNumber: '',
        reference: '',
        note: `Trop-perçu du règlement du ${shortDayFr(input.day)}`,
        sources: [{ key: `movement:${payment.id}`, cents: leftoverCents }],
        at,
      });
    }
    await markFamiliesDirty(trx, [input.familyId]);
    return { movementId: payment.id, refundId };
  });
  return { ...ids, account: (await loadFamilyAccount(ctx.db, input.familyId, today)) as FamilyAccount };
}

async function insertRefund(
  ctx: StaffContext,
  trx: Trx,
  refund: {
    familyId: number;
    method: 'especes' | 'cheque' | 'virement';
    day: string;
    amountCents: number;
    chequeNumber: string;
    reference: string;
    note: string;
    sources: { key: string; cents: number }[];
    at: string;
  },
): Promise<number> {
  const row = await trx
    .insertInto('account_movements')
    .values({
      family_id: refund.familyId,
      kind: 'refund',
      method: refund.method,
      day: refund.day,
      amount_cents: refund.amountCents,
      cheque_number: refund.chequeNumber,
      reference: refund.reference,
      note: refund.note,
      cancels_id: null,
      recorded_at: refund.at,
      recorded_by: ctx.user.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('allocations')
    .values(refund.sources.map((s) => ({ family_id: refund.familyId, ...source(s.key), target_invoice_id: null, target_movement_id: row.id, amount_cents: s.cents, at: refund.at })))
    .execute();
  await writeAudit(trx, { at: refund.at, userId: ctx.user.id, entity: 'payment', entityId: row.id, action: 'refund', familyId: refund.familyId }, [
    { field: `Remboursement du ${shortDayFr(refund.day)}`, oldValue: null, newValue: `${formatEuros(refund.amountCents)} — ${PAYMENT_METHODS[refund.method]}${refund.note ? ` — ${refund.note}` : ''}` },
  ]);
  return row.id;
}

/** Pays back (part of) a family's credit; refused beyond the credit. */
export async function recordRefund(ctx: StaffContext, raw: RefundInput): Promise<PaymentOutcome> {
  regisseurOnly(ctx);
  const input = parseOrFail(refundInputSchema, raw);
  if (input.method === 'cheque' && input.chequeNumber === '') throw invalid({ chequeNumber: 'Le numéro du chèque de remboursement est obligatoire.' });
  const now = ctx.clock();
  const at = now.toISOString();
  const today = parisDay(now);
  const refundId = await immediateTransaction(ctx.db, async (trx) => {
    const account = await accountOf(trx, input.familyId, today);
    await openDay(trx, input.day, today);
    if (input.amountCents > account.creditCents) {
      const message =
        account.creditCents === 0
          ? 'Cette famille n’a aucun crédit à rembourser.'
          : `Le remboursement dépasse le crédit de la famille (${formatEuros(account.creditCents)}).`;
      throw invalid({ amountCents: message }, message);
    }
    const credits = freeCredits(account).sort((a, b) => (a.order < b.order ? -1 : 1));
    const sources: { key: string; cents: number }[] = [];
    let left = input.amountCents;
    for (const credit of credits) {
      if (left === 0) break;
      const cents = Math.min(left, credit.freeCents);
      sources.push({ key: credit.key, cents });
      left -= cents;
    }
    const id = await insertRefund(ctx, trx, { ...input, sources, at });
    await markFamiliesDirty(trx, [input.familyId]);
    return id;
  });
  return { movementId: refundId, refundId, account: (await loadFamilyAccount(ctx.db, input.familyId, today)) as FamilyAccount };
}

/**
 * Cancels a payment or a refund by a counter-entry dated `day` (an open day): the same amount on the other side, and
 * the opposite of each of its allocations, so the invoices it settled are open again (then settled by any free credit).
 * A payment whose money was refunded is cancelled only after the refund is.
 */
export async function cancelMovement(ctx: StaffContext, raw: CancelInput): Promise<PaymentOutcome> {
  regisseurOnly(ctx);
  const input = parseOrFail(cancelInputSchema, raw);
  const now = ctx.clock();
  const at = now.toISOString();
  const today = parisDay(now);
  let familyId = 0;
  const id = await immediateTransaction(ctx.db, async (trx) => {
    const original = await trx.selectFrom('account_movements').select('family_id').where('id', '=', input.movementId).executeTakeFirst();
    if (!original) throw notFound('Règlement introuvable.');
    familyId = original.family_id;
    // A payment a direct debit wrote is undone by its reject (sepa.reject), which also marks the debit and counts it
    // against the mandate; cancelled here, the debit would stay « collected » with no payment behind it.
    const debit = await trx.selectFrom('sepa_debits').select('id').where('payment_movement_id', '=', input.movementId).executeTakeFirst();
    if (debit) throw invalid({}, 'Ce règlement vient d’un prélèvement SEPA : il ne s’annule pas ici. Ouvrez le lot dans Régie › Prélèvements et utilisez « Enregistrer un rejet ».');
    return cancelMovementIn(trx, ctx.user.id, input, today, at);
  });
  return { movementId: id, refundId: null, account: (await loadFamilyAccount(ctx.db, familyId, today)) as FamilyAccount };
}

/**
 * The counter-entry of cancelMovement inside the caller's immediate transaction (a rejected direct debit cancels its
 * payment with the reject's other writes): the same checks and writes, the movement's id returned.
 */
export async function cancelMovementIn(trx: Trx, userId: number | null, input: CancelInput, today: string, at: string): Promise<number> {
  const original = await trx.selectFrom('account_movements').selectAll().where('id', '=', input.movementId).executeTakeFirst();
  if (!original) throw notFound('Règlement introuvable.');
  if (original.kind === 'cancellation') throw invalid({}, 'Une annulation ne s’annule pas : enregistrez à nouveau le règlement.');
  const already = await trx.selectFrom('account_movements').select('id').where('cancels_id', '=', original.id).executeTakeFirst();
  if (already) throw invalid({}, 'Ce mouvement est déjà annulé.');
  await openDay(trx, input.day, today);
  if (input.day < original.day) {
    const message = `L’annulation ne peut pas précéder le mouvement qu’elle annule (du ${shortDayFr(original.day)}).`;
    throw invalid({ day: message }, message);
  }
  const account = await accountOf(trx, original.family_id, today);
  const movement = account.movements.find((m) => m.id === original.id) as AccountMovement;
  const fundedRefunds = movement.allocations.filter((a) => a.refundId !== null && a.cents > 0);
  const liveRefund = fundedRefunds.find((a) => account.movements.some((m) => m.id === a.refundId && m.cancelledById === null));
  if (liveRefund) throw invalid({}, 'Une partie de ce règlement a été remboursée : annulez d’abord le remboursement.');
  const row = await trx
    .insertInto('account_movements')
    .values({
      family_id: original.family_id,
      kind: 'cancellation',
      method: original.method,
      day: input.day,
      amount_cents: original.amount_cents,
      cheque_number: original.cheque_number,
      cheque_bank: original.cheque_bank,
      cheque_drawer: original.cheque_drawer,
      cesu_count: original.cesu_count,
      cesu_unit_cents: original.cesu_unit_cents,
      reference: original.reference,
      note: input.reason,
      cancels_id: original.id,
      recorded_at: at,
      recorded_by: userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // The opposite of the net allocations from (a payment) or to (a refund) the cancelled movement.
  const column = original.kind === 'payment' ? 'source_movement_id' : 'target_movement_id';
  const net = await trx
    .selectFrom('allocations')
    .select(['source_movement_id', 'source_invoice_id', 'target_invoice_id', 'target_movement_id'])
    .select((eb) => eb.fn.sum<number>('amount_cents').as('cents'))
    .where(column, '=', original.id)
    .groupBy(['source_movement_id', 'source_invoice_id', 'target_invoice_id', 'target_movement_id'])
    .execute();
  const reversals = net
    .filter((a) => Number(a.cents) !== 0)
    .map((a) => ({
      family_id: original.family_id,
      source_movement_id: a.source_movement_id,
      source_invoice_id: a.source_invoice_id,
      target_invoice_id: a.target_invoice_id,
      target_movement_id: a.target_movement_id,
      amount_cents: -Number(a.cents),
      at,
    }));
  if (reversals.length > 0) await trx.insertInto('allocations').values(reversals).execute();
  await writeAudit(trx, { at, userId, entity: 'payment', entityId: row.id, action: 'cancel', familyId: original.family_id }, [
    {
      field: `${original.kind === 'refund' ? 'Remboursement' : 'Règlement'} du ${shortDayFr(original.day)}`,
      oldValue: `${formatEuros(original.amount_cents)} — ${PAYMENT_METHODS[original.method]}`,
      newValue: `annulé le ${shortDayFr(input.day)} : ${input.reason}`,
    },
  ]);
  await settleFamilies(trx, [original.family_id], at);
  await markFamiliesDirty(trx, [original.family_id]);
  return row.id;
}
