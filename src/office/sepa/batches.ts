import type { Kysely, Transaction } from 'kysely';
import type { BatchPreview, BatchSummary, BatchView, DebitLine, Pain008Version } from '../../shared/api/sepa.js';
import type { Role } from '../../shared/auth/roles.js';
import { isIsoDay } from '../../shared/calendar/days.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { collectionDateProblem } from '../../shared/sepa/collection-date.js';
import { rejectLabel, type RejectCode } from '../../shared/sepa/reject-reasons.js';
import { ApiFailure, invalid, notFound, type StaffContext } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { markFamiliesDirty } from '../billing/run-numbering.js';
import { immediateTransaction } from '../billing/run-transaction.js';
import type { OfficeDatabase } from '../db/schema.js';
import { judgeInvoices } from './eligibility.js';
import { settlementFailure } from './settlement.js';
import { ibanVault } from './iban-vault.js';
import type { OfficeDb } from '../db/open.js';

/**
 * Collection batches (issue #12): previewed for a collection date (the debits, their count and control sum, and the
 * invoices left out with why), prepared in one transaction (the régisseur's), exported as pain.008 (pain008-export.ts:
 * the first export freezes the batch as sent), cancelled only while prepared. The régie's work: the régisseur and the
 * administrator read batches, only the régisseur acts on them (like the cash journal).
 */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

export const BATCH_READERS: readonly Role[] = ['regisseur', 'admin'];
export const BATCH_WRITERS: readonly Role[] = ['regisseur'];
export const REGISSEUR_ONLY_BATCHES = 'Seul le régisseur prépare, transmet, annule les lots de prélèvement et enregistre les rejets.';
export const BATCH_READERS_REFUSAL = 'Seuls le régisseur et l’administrateur consultent les lots de prélèvement.';

export const NO_ELIGIBLE_INVOICE = 'Aucune facture à prélever à cette date.';

/** The collection date typed, checked against the banks' calendar and today; the refusal is under the field. */
export function checkedCollectionDate(date: string, today: string): string {
  const problem = !isIsoDay(date) ? 'Date de prélèvement invalide.' : collectionDateProblem(date, today);
  if (problem) throw invalid({ collectionDate: problem }, problem);
  return date;
}

export async function previewBatch(db: OfficeDb, collectionDate: string, today: string): Promise<BatchPreview> {
  const date = checkedCollectionDate(collectionDate, today);
  const { debits, ineligible } = await judgeInvoices(db, ibanVault(db), date, today);
  return {
    collectionDate: date,
    debits: debits.map(toLine),
    count: debits.length,
    controlSumCents: debits.reduce((sum, debit) => sum + debit.amountCents, 0),
    ineligible,
  };
}

function toLine(line: DebitLine): DebitLine {
  const { id, invoiceId, invoiceNumber, familyId, familyName, holder, ibanMasked, rum, amountCents, sequenceType, status, rejectCode, rejectLabel: label } = line;
  return { id, invoiceId, invoiceNumber, familyId, familyName, holder, ibanMasked, rum, amountCents, sequenceType, status, rejectCode, rejectLabel: label };
}

/** The batch's message id: unique for the creditor (the batch's own id), and readable (its collection date). */
export function messageIdFor(collectionDate: string, batchId: number): string {
  return `GRENETTE-${collectionDate.replaceAll('-', '')}-${String(batchId).padStart(6, '0')}`;
}

/** A debit's end-to-end id, returned by the bank with a reject: the invoice's number and the debit's own id. */
export function endToEndIdFor(invoiceNumber: string, debitId: number): string {
  return `GRE-${invoiceNumber}-${String(debitId).padStart(6, '0')}`;
}

export async function prepareBatch(ctx: StaffContext, collectionDate: string): Promise<BatchView> {
  const now = ctx.clock();
  const today = parisDay(now);
  const at = now.toISOString();
  const date = checkedCollectionDate(collectionDate, today);
  const batchId = await immediateTransaction(ctx.db, async (trx) => {
    const { debits } = await judgeInvoices(trx, ibanVault(ctx.db), date, today);
    if (debits.length === 0) throw invalid({ collectionDate: NO_ELIGIBLE_INVOICE }, NO_ELIGIBLE_INVOICE);
    const controlSum = debits.reduce((sum, debit) => sum + debit.amountCents, 0);
    // Ids taken inside the write lock: batches and debits are never deleted (0008's triggers), so max + 1 is new.
    const lastBatch = await trx.selectFrom('sepa_batches').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    const id = Number(lastBatch?.id ?? 0) + 1;
    const messageId = messageIdFor(date, id);
    await trx
      .insertInto('sepa_batches')
      .values({ id, message_id: messageId, collection_date: date, status: 'prepared', debit_count: debits.length, control_sum_cents: controlSum, created_at: at, created_by: ctx.user.id })
      .execute();
    const lastDebit = await trx.selectFrom('sepa_debits').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    let debitId = Number(lastDebit?.id ?? 0);
    const rows = debits.map((debit) => {
      debitId += 1;
      return {
        id: debitId,
        batch_id: id,
        invoice_id: debit.invoiceId,
        family_id: debit.familyId,
        mandate_id: debit.mandateId,
        account_id: debit.accountId,
        amount_cents: debit.amountCents,
        end_to_end_id: endToEndIdFor(debit.invoiceNumber, debitId),
        sequence_type: debit.sequenceType,
        status: 'pending' as const,
        notice_id: debit.noticeId,
      };
    });
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('sepa_debits').values(rows.slice(i, i + 200)).execute();
    await writeAudit(trx, { at, userId: ctx.user.id, entity: 'sepa_batch', entityId: id, action: 'create' }, [
      {
        field: `Lot de prélèvement du ${shortDayFr(date)}`,
        oldValue: null,
        newValue: `${messageId} : ${debits.length} prélèvement${debits.length > 1 ? 's' : ''}, ${formatEuros(controlSum)}`,
      },
    ]);
    // The families' invoices now read « en cours de prélèvement » on the portal too.
    await markFamiliesDirty(trx, debits.map((debit) => debit.familyId));
    return id;
  });
  return batchView(ctx.db, batchId, ctx.user.role);
}

function statusLabel(row: { status: 'prepared' | 'sent' | 'cancelled'; settled_at: string | null; collection_date: string }): string {
  if (row.status === 'prepared') return 'Préparé';
  if (row.status === 'cancelled') return 'Annulé';
  return row.settled_at ? `Encaissé le ${shortDayFr(row.collection_date)}` : 'Transmis';
}

async function summaries(db: Db, batchId: number | null): Promise<BatchSummary[]> {
  const rows = await db
    .selectFrom('sepa_batches as b')
    .select(['b.id', 'b.message_id', 'b.collection_date', 'b.status', 'b.debit_count', 'b.control_sum_cents', 'b.created_at', 'b.sent_version', 'b.settled_at'])
    .select((eb) =>
      eb
        .selectFrom('sepa_debits as d')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('d.batch_id', '=', 'b.id')
        .where('d.status', '=', 'rejected')
        .as('rejected'),
    )
    .$if(batchId !== null, (q) => q.where('b.id', '=', batchId ?? 0))
    .orderBy('b.collection_date', 'desc')
    .orderBy('b.id', 'desc')
    .execute();
  const failure = settlementFailure(db);
  return rows.map((row) => {
    const failed = failure !== null && row.status === 'sent' && row.settled_at === null && row.collection_date <= failure.day;
    return {
      id: row.id,
      messageId: row.message_id,
      collectionDate: row.collection_date,
      status: row.status,
      statusLabel: failed ? 'Règlement en échec' : statusLabel(row),
      count: row.debit_count,
      controlSumCents: row.control_sum_cents,
      rejectedCount: Number(row.rejected ?? 0),
      createdAt: row.created_at,
      sentVersion: row.sent_version,
      settlementProblem: failed ? `Les prélèvements de ce lot n’ont pas pu être portés sur les comptes le ${shortDayFr(failure.day)} : ${failure.reason}. Nouvel essai à chaque ouverture des prélèvements ; si l’échec persiste, prévenez l’administrateur.` : null,
    };
  });
}

export function batchSummaries(db: Db): Promise<BatchSummary[]> {
  return summaries(db, null);
}

export async function batchView(db: Db, batchId: number, role: Role): Promise<BatchView> {
  const [summary] = await summaries(db, batchId);
  if (!summary) throw notFound('Lot de prélèvement introuvable.');
  const rows = await db
    .selectFrom('sepa_debits as d')
    .innerJoin('invoices as i', 'i.id', 'd.invoice_id')
    .innerJoin('sepa_mandates as m', 'm.id', 'd.mandate_id')
    .innerJoin('sepa_mandate_accounts as a', 'a.id', 'd.account_id')
    .leftJoin('responsables as r', (join) => join.onRef('r.family_id', '=', 'd.family_id').on('r.rank', '=', 1))
    .select(['d.id', 'd.invoice_id', 'i.number', 'd.family_id', 'r.nom', 'r.prenom', 'a.holder', 'a.iban_masked', 'm.rum', 'd.amount_cents', 'd.sequence_type', 'd.status', 'd.reject_code'])
    .where('d.batch_id', '=', batchId)
    .orderBy('d.id')
    .execute();
  const debits: DebitLine[] = rows.map((row) => ({
    id: row.id,
    invoiceId: row.invoice_id,
    invoiceNumber: row.number,
    familyId: row.family_id,
    familyName: row.nom === null ? `Famille n° ${row.family_id}` : `${row.nom} ${row.prenom ?? ''}`.trim(),
    holder: row.holder,
    ibanMasked: row.iban_masked,
    rum: row.rum,
    amountCents: row.amount_cents,
    sequenceType: row.sequence_type,
    status: row.status,
    rejectCode: row.reject_code as RejectCode | null,
    rejectLabel: row.reject_code === null ? null : rejectLabel(row.reject_code),
  }));
  const regisseur = role === 'regisseur';
  return {
    ...summary,
    debits,
    actions: {
      export: regisseur && summary.status !== 'cancelled',
      cancel: regisseur && summary.status === 'prepared',
      reject: regisseur && summary.status === 'sent' && debits.some((debit) => debit.status === 'pending' || debit.status === 'collected'),
    },
  };
}

export async function cancelBatch(ctx: StaffContext, batchId: number): Promise<BatchView> {
  const at = ctx.clock().toISOString();
  await immediateTransaction(ctx.db, async (trx) => {
    const batch = await trx.selectFrom('sepa_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
    if (!batch) throw notFound('Lot de prélèvement introuvable.');
    if (batch.status === 'cancelled') throw new ApiFailure({ code: 'conflict', message: 'Ce lot est déjà annulé.' });
    if (batch.status === 'sent') {
      throw new ApiFailure({
        code: 'conflict',
        message: 'Ce lot a été transmis à la banque : il ne peut plus être annulé. Un prélèvement refusé s’enregistre comme un rejet.',
      });
    }
    await trx.updateTable('sepa_batches').set({ status: 'cancelled', cancelled_at: at, cancelled_by: ctx.user.id }).where('id', '=', batchId).execute();
    await trx.updateTable('sepa_debits').set({ status: 'cancelled' }).where('batch_id', '=', batchId).execute();
    await writeAudit(trx, { at, userId: ctx.user.id, entity: 'sepa_batch', entityId: batchId, action: 'cancel' }, [
      { field: `Lot de prélèvement du ${shortDayFr(batch.collection_date)}`, oldValue: `${batch.message_id} : préparé`, newValue: 'annulé avant transmission' },
    ]);
    const families = await trx.selectFrom('sepa_debits').select('family_id').where('batch_id', '=', batchId).execute();
    await markFamiliesDirty(trx, families.map((row) => row.family_id));
  });
  return batchView(ctx.db, batchId, ctx.user.role);
}

export const PAIN008_VERSIONS: readonly Pain008Version[] = ['pain.008.001.02', 'pain.008.001.08'];
