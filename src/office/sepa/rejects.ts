import { z } from 'zod';
import type { RejectInput, RejectOutcome } from '../../shared/api/sepa.js';
import { isIsoDay } from '../../shared/calendar/days.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { REJECT_CODES, rejectLabel } from '../../shared/sepa/reject-reasons.js';
import { suspendsMandate, suspensionNote } from '../../shared/sepa/suspension.js';
import { cancelMovementIn } from '../accounts/payments.js';
import { ApiFailure, invalid, notFound, parseOrFail, type StaffContext } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { insertCorrection } from '../billing/invoice-corrections.js';
import { markFamiliesDirty } from '../billing/run-numbering.js';
import { immediateTransaction } from '../billing/run-transaction.js';
import { batchView } from './batches.js';
import { rejectCounts } from './eligibility.js';

/**
 * A debit the bank rejected or returned (issue #12), recorded by the régisseur with the ISO reason code, the day the
 * bank reported it and an optional fee. Collected already: its payment is cancelled on the ledger by a counter-entry
 * dated the reject day (payments.ts' cancellation, with its rules on closed days), so the invoice is open again; not
 * yet collected: the debit is marked rejected and will never be settled. The fee is a complementary invoice on the
 * rejected invoice. The family is flagged; the mandate's rejects are counted, and it is suspended until the office
 * reactivates it (mandates.reactivate) at REJECTS_BEFORE_SUSPENSION, or at the first reject whose code says the
 * account or the mandate is gone (src/shared/sepa/suspension.ts: the one rule). The invoice needs a new « avis de
 * prélèvement » before it is debited again (its notice was used by the rejected debit: shared/sepa/pre-notice.ts). A mandate reactivated and rejected again is
 * suspended again at once: its count is never reset, the office having been told twice already. One transaction.
 */

export const rejectInputSchema = z.strictObject({
  debitId: z.number('Prélèvement manquant.').int('Prélèvement inconnu.').positive('Prélèvement inconnu.'),
  code: z.enum(REJECT_CODES, 'Choisissez le motif du rejet donné par la banque.'),
  day: z.string('Indiquez le jour du rejet.').refine(isIsoDay, 'Jour du rejet invalide.'),
  feeCents: z
    .number('Indiquez les frais de rejet (0 pour aucun).')
    .int('Les frais de rejet sont en centimes.')
    .min(0, 'Les frais de rejet ne sont pas négatifs.')
    .max(10_000, 'Les frais de rejet sont de 100,00 € au plus.'),
}) satisfies z.ZodType<RejectInput>;

export async function recordReject(ctx: StaffContext, raw: RejectInput): Promise<RejectOutcome> {
  const input = parseOrFail(rejectInputSchema, raw);
  const now = ctx.clock();
  const today = parisDay(now);
  const at = now.toISOString();
  const label = rejectLabel(input.code);
  const outcome = await immediateTransaction(ctx.db, async (trx) => {
    const debit = await trx
      .selectFrom('sepa_debits as d')
      .innerJoin('sepa_batches as b', 'b.id', 'd.batch_id')
      .innerJoin('invoices as i', 'i.id', 'd.invoice_id')
      .select(['d.id', 'd.batch_id', 'd.invoice_id', 'd.family_id', 'd.mandate_id', 'd.amount_cents', 'd.status', 'd.payment_movement_id', 'd.end_to_end_id'])
      .select(['b.status as batch_status', 'b.sent_at', 'b.collection_date', 'b.message_id', 'i.number'])
      .where('d.id', '=', input.debitId)
      .executeTakeFirst();
    if (!debit) throw notFound('Prélèvement introuvable.');
    if (debit.batch_status !== 'sent') {
      throw new ApiFailure({ code: 'conflict', message: 'Ce lot n’a pas été transmis à la banque : annulez-le plutôt que d’enregistrer un rejet.' });
    }
    if (debit.status === 'rejected') throw new ApiFailure({ code: 'conflict', message: 'Ce prélèvement est déjà enregistré comme rejeté.' });
    const sentDay = parisDay(new Date(debit.sent_at ?? at));
    if (input.day > today) throw invalid({ day: 'Le rejet ne peut pas être daté d’un jour à venir.' }, 'Le rejet ne peut pas être daté d’un jour à venir.');
    if (input.day < sentDay) {
      const message = `Le rejet ne peut pas précéder la transmission du lot (le ${shortDayFr(sentDay)}).`;
      throw invalid({ day: message }, message);
    }

    let movementId: number | null = null;
    if (debit.status === 'collected' && debit.payment_movement_id !== null) {
      // The ledger's own counter-entry: refused on a closed day or before the payment, with the field to correct.
      movementId = await cancelMovementIn(
        trx,
        ctx.user.id,
        { movementId: debit.payment_movement_id, day: input.day, reason: `Prélèvement rejeté : ${label}` },
        today,
        at,
      );
    }
    await trx
      .updateTable('sepa_debits')
      .set({
        status: 'rejected',
        reject_code: input.code,
        reject_day: input.day,
        reject_movement_id: movementId,
        rejected_at: at,
        rejected_by: ctx.user.id,
      })
      .where('id', '=', debit.id)
      .execute();
    const reason = `Prélèvement rejeté le ${shortDayFr(input.day)} : ${label} (facture ${debit.number})`;
    await trx
      .insertInto('sepa_family_flags')
      .values({ family_id: debit.family_id, since: input.day, reason })
      .onConflict((oc) => oc.column('family_id').doUpdateSet({ reason }))
      .execute();

    const rejects = (await rejectCounts(trx, [debit.mandate_id])).get(debit.mandate_id) ?? 0;
    const mandate = await trx.selectFrom('sepa_mandates').select(['status', 'rum']).where('id', '=', debit.mandate_id).executeTakeFirstOrThrow();
    const suspend = suspendsMandate(input.code, rejects) && mandate.status === 'actif';
    if (suspend) {
      await trx
        .updateTable('sepa_mandates')
        .set({ status: 'suspendu', status_note: suspensionNote(input.code, rejects, label, shortDayFr(input.day)) })
        .where('id', '=', debit.mandate_id)
        .execute();
    }
    // The fee after the suspension: a suspended mandate does not pre-notify the fee invoice as a coming debit.
    let fee: { id: number; number: string } | null = null;
    if (input.feeCents > 0) {
      fee = await insertCorrection(
        trx,
        ctx.user.id,
        {
          invoiceId: debit.invoice_id,
          kind: 'complementary',
          reason: `Frais de rejet de prélèvement (${label})`,
          lines: [{ childId: null, serviceId: null, label: `Frais de rejet du prélèvement du ${shortDayFr(debit.collection_date)}`, amountCents: input.feeCents }],
        },
        now,
      );
      await trx.updateTable('sepa_debits').set({ reject_fee_invoice_id: fee.id }).where('id', '=', debit.id).execute();
    }
    await writeAudit(trx, { at, userId: ctx.user.id, entity: 'sepa_debit', entityId: debit.id, action: 'reject', familyId: debit.family_id }, [
      {
        field: `Prélèvement ${debit.end_to_end_id} du ${shortDayFr(debit.collection_date)}`,
        oldValue: `${formatEuros(debit.amount_cents)} sur ${debit.number}${debit.status === 'collected' ? ', encaissé' : ''}`,
        newValue: `rejeté le ${shortDayFr(input.day)} : ${label}${fee ? ` ; frais ${formatEuros(input.feeCents)} (facture ${fee.number})` : ''}`,
      },
      ...(suspend ? [{ field: `Mandat ${mandate.rum}`, oldValue: 'Actif', newValue: `Suspendu (${rejects} rejet${rejects > 1 ? 's' : ''}, ${input.code})` }] : []),
    ]);
    await markFamiliesDirty(trx, [debit.family_id]);
    return { batchId: debit.batch_id, mandateSuspended: suspend, feeInvoiceNumber: fee?.number ?? null };
  });
  return { batch: await batchView(ctx.db, outcome.batchId, ctx.user.role), mandateSuspended: outcome.mandateSuspended, feeInvoiceNumber: outcome.feeInvoiceNumber };
}

export async function clearFlag(ctx: StaffContext, familyId: number): Promise<null> {
  const at = ctx.clock().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const flag = await trx.selectFrom('sepa_family_flags').selectAll().where('family_id', '=', familyId).executeTakeFirst();
    if (!flag) throw new ApiFailure({ code: 'conflict', message: 'Cette famille n’est pas signalée pour un rejet de prélèvement.' });
    await trx.deleteFrom('sepa_family_flags').where('family_id', '=', familyId).execute();
    await writeAudit(trx, { at, userId: ctx.user.id, entity: 'sepa_family_flag', entityId: familyId, action: 'clear', familyId }, [
      { field: 'Signalement prélèvement rejeté', oldValue: flag.reason, newValue: null },
    ]);
  });
  return null;
}
