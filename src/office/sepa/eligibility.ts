import type { Kysely, Transaction } from 'kysely';
import type { DebitLine, IneligibleInvoice } from '../../shared/api/sepa.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { mandateStatusOn, type MandateStatus } from '../../shared/sepa/mandate.js';
import { noticeVerdict, type NoticeFact } from '../../shared/sepa/pre-notice.js';
import { loadFamilyAccounts } from '../accounts/ledger.js';
import type { OfficeDatabase } from '../db/schema.js';
import type { IbanVault } from './iban-vault.js';
import { newestAccounts } from './prenotification.js';
import { loadSepaSettings } from './settings.js';
import type { Amendment, SequenceType } from './pain008.js';

/**
 * Which issued invoices a batch for `collectionDate` takes (issue #12, DOMAIN.md « SEPA »): an invoice or a
 * complementary invoice with an amount still due (read on the ledger, in bulk), of a family whose newest mandate is
 * active on the office's today and on the collection date, not already in a live debit, and pre-notified: a notice
 * recorded (migration 0009: the invoice document at issue, or an « avis de prélèvement » sent since) under this
 * mandate, for the amount to debit, in time and not used by a rejected debit (the rule: src/shared/sepa/pre-notice.ts).
 * An invoice issued before the mandate was signed carries no pre-notification and is never debited silently. Every
 * other open invoice of a family with a mandate is listed with why, in French; those a new avis would cure, in
 * `toNotify` too.
 */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

export interface Candidate extends DebitLine {
  mandateId: number;
  accountId: number;
  signedOn: string;
  /** The pre-notification it is made under (sepa_debits.notice_id). */
  noticeId: number;
}

/** An open invoice a new « avis de prélèvement » would make collectable (none, another amount, rejected since). */
export interface NoticeCandidate {
  invoiceId: number;
  invoiceNumber: string;
  familyId: number;
  familyName: string;
  /** The open amount: what the notice announces and the debit will take. */
  amountCents: number;
  mandateId: number;
  rum: string;
  holder: string;
  ibanMasked: string;
}

export interface Judgement {
  debits: Candidate[];
  ineligible: IneligibleInvoice[];
  toNotify: NoticeCandidate[];
}

interface MandateRow {
  id: number;
  family_id: number;
  rum: string;
  status: MandateStatus;
  signed_on: string | null;
  last_collection_on: string | null;
}

const IDS = 500;

async function chunked<T>(ids: readonly number[], query: (ids: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IDS) out.push(...(await query(ids.slice(i, i + IDS))));
  return out;
}

/** Each family's newest mandate (a family has at most one live one; a revoked or lapsed one stays on file). */
async function newestMandates(db: Db): Promise<Map<number, MandateRow>> {
  const rows = await db.selectFrom('sepa_mandates').select(['id', 'family_id', 'rum', 'status', 'signed_on', 'last_collection_on']).orderBy('id').execute();
  return new Map(rows.map((row) => [row.family_id, row]));
}

/** Rejected debits per mandate. */
export async function rejectCounts(db: Db, mandateIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await chunked(mandateIds, (ids) =>
    db
      .selectFrom('sepa_debits')
      .select(['mandate_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'rejected')
      .where('mandate_id', 'in', ids)
      .groupBy('mandate_id')
      .execute(),
  );
  return new Map(rows.map((row) => [row.mandate_id, Number(row.n)]));
}

function mandateWhy(status: MandateStatus, rejects: number): string {
  switch (status) {
    case 'a_signer':
      return 'mandat à signer';
    case 'suspendu':
      return `mandat suspendu (${rejects} rejet${rejects > 1 ? 's' : ''})`;
    case 'revoque':
      return 'mandat révoqué';
    case 'caduc':
      return 'mandat caduc (36 mois sans prélèvement)';
    default:
      return '';
  }
}

/**
 * Per mandate, the account its bank last saw: the account of its newest debit in a batch sent to the bank (before
 * `beforeBatchId` when given), else the account signed (its first row). A debit from another account is an amendment.
 */
export async function referenceAccounts(db: Db, mandateIds: readonly number[], beforeBatchId: number | null): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const firsts = await chunked(mandateIds, (ids) =>
    db
      .selectFrom('sepa_mandate_accounts')
      .select(['mandate_id', (eb) => eb.fn.min<number>('id').as('id')])
      .where('mandate_id', 'in', ids)
      .groupBy('mandate_id')
      .execute(),
  );
  for (const row of firsts) out.set(row.mandate_id, row.id);
  const sent = await chunked(mandateIds, (ids) =>
    db
      .selectFrom('sepa_debits as d')
      .innerJoin('sepa_batches as b', 'b.id', 'd.batch_id')
      .select(['d.mandate_id', 'd.account_id'])
      .where('b.status', '=', 'sent')
      .where('d.status', '<>', 'cancelled')
      .where('d.mandate_id', 'in', ids)
      .$if(beforeBatchId !== null, (q) => q.where('b.id', '<', beforeBatchId ?? 0))
      .orderBy('d.id')
      .execute(),
  );
  for (const row of sent) out.set(row.mandate_id, row.account_id);
  return out;
}

/** The bank of an account: for a French IBAN its bank code, else the BIC's first eight characters. */
function bankOf(iban: string, bic: string): string {
  return iban.startsWith('FR') ? `FR${iban.slice(4, 9)}` : bic.slice(0, 8).toUpperCase();
}

/** The amendment of a debit from `accountId` when its mandate's bank last saw `referenceId`; null when the same. */
export async function amendmentOf(db: Db, vault: IbanVault, accountId: number, referenceId: number | undefined): Promise<Amendment | null> {
  if (referenceId === undefined || referenceId === accountId) return null;
  const rows = await db.selectFrom('sepa_mandate_accounts').select(['id', 'iban_cipher', 'bic']).where('id', 'in', [accountId, referenceId]).execute();
  const now = rows.find((row) => row.id === accountId);
  const before = rows.find((row) => row.id === referenceId);
  if (!now || !before) return null;
  const ibanNow = vault.open(now.iban_cipher);
  const ibanBefore = vault.open(before.iban_cipher);
  if (ibanNow === ibanBefore) return null;
  return bankOf(ibanNow, now.bic) === bankOf(ibanBefore, before.bic) ? { kind: 'account', originalIban: ibanBefore } : { kind: 'agent' };
}

/** `vault` opens the IBANs of a mandate whose account changed (the vault belongs to the database, not a transaction). */
export async function judgeInvoices(db: Db, vault: IbanVault, collectionDate: string, today: string): Promise<Judgement> {
  const mandates = await newestMandates(db);
  const familyIds = [...mandates.keys()];
  if (familyIds.length === 0) return { debits: [], ineligible: [], toNotify: [] };
  const settings = await loadSepaSettings(db);
  const accounts = await loadFamilyAccounts(db, familyIds, today);
  const open = [...accounts.values()].flatMap((account) =>
    account.invoices
      .filter((invoice) => invoice.openCents > 0 && (invoice.kind === 'invoice' || invoice.kind === 'complementary'))
      .map((invoice) => ({ account, invoice })),
  );
  if (open.length === 0) return { debits: [], ineligible: [], toNotify: [] };
  const openIds = open.map((o) => o.invoice.id);

  const live = await chunked(openIds, (ids) =>
    db
      .selectFrom('sepa_debits as d')
      .innerJoin('sepa_batches as b', 'b.id', 'd.batch_id')
      .select(['d.invoice_id', 'd.status', 'b.message_id', 'b.collection_date'])
      .where('d.status', 'in', ['pending', 'collected'])
      .where('d.invoice_id', 'in', ids)
      .execute(),
  );
  const liveByInvoice = new Map(live.map((row) => [row.invoice_id, row]));
  // The pre-notifications given (migration 0009) and each invoice's last rejected debit, in bulk.
  const notices = await chunked(openIds, (ids) =>
    db
      .selectFrom('sepa_notices')
      .select(['id', 'invoice_id', 'mandate_id', 'amount_cents', 'debit_date', 'notified_on', 'created_at'])
      .where('invoice_id', 'in', ids)
      .orderBy('id')
      .execute(),
  );
  const noticesByInvoice = new Map<number, NoticeFact[]>();
  for (const row of notices) {
    const list = noticesByInvoice.get(row.invoice_id) ?? [];
    list.push({ id: row.id, mandateId: row.mandate_id, amountCents: row.amount_cents, debitDate: row.debit_date, notifiedOn: row.notified_on });
    noticesByInvoice.set(row.invoice_id, list);
  }
  // The newest notice a rejected debit of each invoice used: its own, or for a debit prepared before 0009 recorded
  // which one, every notice given before its reject.
  const rejected = await chunked(openIds, (ids) =>
    db.selectFrom('sepa_debits').select(['invoice_id', 'notice_id', 'rejected_at']).where('status', '=', 'rejected').where('invoice_id', 'in', ids).execute(),
  );
  const usedUpTo = new Map<number, number>();
  for (const row of rejected) {
    const used =
      row.notice_id ??
      Math.max(0, ...notices.filter((notice) => notice.invoice_id === row.invoice_id && notice.created_at <= (row.rejected_at ?? '')).map((notice) => notice.id));
    usedUpTo.set(row.invoice_id, Math.max(used, usedUpTo.get(row.invoice_id) ?? 0));
  }

  const mandateIds = [...mandates.values()].map((m) => m.id);
  const inForce = await newestAccounts(db, mandateIds);
  const rejects = await rejectCounts(db, mandateIds);
  const collected = new Set(
    (
      await chunked(mandateIds, (ids) =>
        db
          .selectFrom('sepa_debits as d')
          .innerJoin('sepa_batches as b', 'b.id', 'd.batch_id')
          .select('d.mandate_id')
          .where('b.status', '=', 'sent')
          .where('d.status', 'in', ['pending', 'collected'])
          .where('d.mandate_id', 'in', ids)
          .execute(),
      )
    ).map((row) => row.mandate_id),
  );
  const references = await referenceAccounts(db, mandateIds, null);
  const sequence = new Map<number, SequenceType>();

  const debits: Candidate[] = [];
  const ineligible: IneligibleInvoice[] = [];
  const toNotify: NoticeCandidate[] = [];
  for (const { account, invoice } of open) {
    const mandate = mandates.get(account.familyId)!;
    const refuse = (why: string, needsNotice = false) =>
      ineligible.push({ invoiceId: invoice.id, invoiceNumber: invoice.number, familyName: account.familyName, amountCents: invoice.openCents, why, needsNotice });
    const status = mandateStatusOn(mandate.status, mandate.signed_on, mandate.last_collection_on, today);
    if (status !== 'actif') {
      refuse(mandateWhy(status, rejects.get(mandate.id) ?? 0));
      continue;
    }
    if (mandateStatusOn(mandate.status, mandate.signed_on, mandate.last_collection_on, collectionDate) !== 'actif') {
      refuse(`mandat caduc avant le ${shortDayFr(collectionDate)} (36 mois sans prélèvement)`);
      continue;
    }
    const debit = liveByInvoice.get(invoice.id);
    if (debit) {
      refuse(
        debit.status === 'pending'
          ? `déjà en cours de prélèvement (lot ${debit.message_id} du ${shortDayFr(debit.collection_date)})`
          : `déjà prélevée le ${shortDayFr(debit.collection_date)}`,
      );
      continue;
    }
    const inUse = inForce.get(mandate.id);
    if (!inUse || mandate.signed_on === null) {
      refuse('mandat sans compte');
      continue;
    }
    const verdict = noticeVerdict(
      noticesByInvoice.get(invoice.id) ?? [],
      { mandateId: mandate.id, amountCents: invoice.openCents, collectionDate, usedUpTo: usedUpTo.get(invoice.id) ?? null },
      settings.preNotificationDays,
      shortDayFr,
      formatEuros,
    );
    if (!verdict.ok) {
      refuse(verdict.why, verdict.kind !== 'wait');
      if (verdict.kind !== 'wait') {
        toNotify.push({
          invoiceId: invoice.id,
          invoiceNumber: invoice.number,
          familyId: account.familyId,
          familyName: account.familyName,
          amountCents: invoice.openCents,
          mandateId: mandate.id,
          rum: mandate.rum,
          holder: inUse.holder,
          ibanMasked: inUse.iban_masked,
        });
      }
      continue;
    }
    // One sequence type per mandate and batch, on purpose (review of issue #12 checked it): a mandate never collected
    // has each of its debits of this collection date marked FRST, not the first FRST and the others RCUR. A RCUR
    // presupposes a FRST the debtor's bank has already processed; debits of one file for one date reach it together,
    // so a RCUR beside its FRST could arrive as the first of the series and be rejected. FRST on all of them is what
    // the EPC rulebook allows for several first collections presented at once, and since November 2016 FRST is
    // optional anyway (DOMAIN.md: every collection at D-1), so the bank accepts either; the next batch is RCUR.
    if (!sequence.has(mandate.id)) {
      const neverCollected = mandate.last_collection_on === null && !collected.has(mandate.id);
      const amendment = await amendmentOf(db, vault, inUse.id, references.get(mandate.id));
      sequence.set(mandate.id, neverCollected || amendment?.kind === 'agent' ? 'FRST' : 'RCUR');
    }
    debits.push({
      id: null,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      familyId: account.familyId,
      familyName: account.familyName,
      holder: inUse.holder,
      ibanMasked: inUse.iban_masked,
      rum: mandate.rum,
      amountCents: invoice.openCents,
      sequenceType: sequence.get(mandate.id)!,
      status: 'pending',
      rejectCode: null,
      rejectLabel: null,
      mandateId: mandate.id,
      accountId: inUse.id,
      signedOn: mandate.signed_on,
      noticeId: verdict.noticeId,
    });
  }
  const order = (a: { familyName: string; invoiceNumber: string }, b: { familyName: string; invoiceNumber: string }) =>
    a.familyName.localeCompare(b.familyName, 'fr') || a.invoiceNumber.localeCompare(b.invoiceNumber);
  return { debits: debits.sort(order), ineligible: ineligible.sort(order), toNotify: toNotify.sort(order) };
}
