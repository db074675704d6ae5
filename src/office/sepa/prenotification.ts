import type { Kysely, Transaction } from 'kysely';
import type { InvoiceDirectDebit } from '../../shared/billing/invoice.js';
import { plannedCollectionDate } from '../../shared/sepa/collection-date.js';
import { mandateStatusOn } from '../../shared/sepa/mandate.js';
import type { OfficeDatabase } from '../db/schema.js';
import { loadSepaSettings } from './settings.js';

/**
 * The pre-notification an invoice carries (DOMAIN.md « SEPA »: the family is told the amount and the date at least
 * `preNotificationDays` before the debit): when an invoice or a complementary invoice is issued for a family whose
 * mandate is active that day, its frozen document says when it will be debited, from which account (masked), under
 * which mandate and creditor. Read in bulk for a whole run: a handful of queries whatever the number of families.
 */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

export type DirectDebitNotice = Omit<InvoiceDirectDebit, 'amountCents'>;

/** Per family with an active mandate on `issueDate`: the notice, without the amount (each invoice adds its own). */
export async function directDebitNotices(db: Db, familyIds: readonly number[], issueDate: string): Promise<Map<number, DirectDebitNotice>> {
  const notices = new Map<number, DirectDebitNotice>();
  const unique = [...new Set(familyIds)];
  if (unique.length === 0) return notices;
  const mandates: { id: number; family_id: number; rum: string; status: 'a_signer' | 'actif' | 'suspendu' | 'revoque' | 'caduc'; signed_on: string | null; last_collection_on: string | null }[] = [];
  for (let i = 0; i < unique.length; i += 500) {
    mandates.push(
      ...(await db
        .selectFrom('sepa_mandates')
        .select(['id', 'family_id', 'rum', 'status', 'signed_on', 'last_collection_on'])
        .where('status', '=', 'actif')
        .where('family_id', 'in', unique.slice(i, i + 500))
        .execute()),
    );
  }
  const active = mandates.filter((m) => mandateStatusOn(m.status, m.signed_on, m.last_collection_on, issueDate) === 'actif');
  if (active.length === 0) return notices;
  const settings = await loadSepaSettings(db);
  const debitDate = plannedCollectionDate(issueDate, settings.preNotificationDays, settings.collectionDay);
  const accounts = await newestAccounts(db, active.map((m) => m.id));
  for (const mandate of active) {
    const account = accounts.get(mandate.id);
    if (!account) continue;
    notices.set(mandate.family_id, {
      debitDate,
      mandateReference: mandate.rum,
      creditorId: settings.ics,
      ibanMasked: account.iban_masked,
      creditorName: settings.creditorName,
    });
  }
  return notices;
}

/** The account in force of each mandate: its newest row (migration 0008). */
export async function newestAccounts(
  db: Db,
  mandateIds: readonly number[],
): Promise<Map<number, { id: number; holder: string; iban_cipher: string; iban_masked: string; bic: string }>> {
  const out = new Map<number, { id: number; holder: string; iban_cipher: string; iban_masked: string; bic: string }>();
  const unique = [...new Set(mandateIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('sepa_mandate_accounts')
      .select(['id', 'mandate_id', 'holder', 'iban_cipher', 'iban_masked', 'bic'])
      .where('mandate_id', 'in', unique.slice(i, i + 500))
      .orderBy('id')
      .execute();
    for (const row of rows) out.set(row.mandate_id, row);
  }
  return out;
}

/** The invoice document's pre-notification for an invoice of `totalCents`: only something to debit is announced. */
export function noticeFor(notice: DirectDebitNotice | undefined, totalCents: number): InvoiceDirectDebit | null {
  return notice && totalCents > 0 ? { ...notice, amountCents: totalCents } : null;
}

/** An invoice just issued and the pre-notification its document carries (null: none). */
export interface IssuedNotice {
  invoiceId: number;
  familyId: number;
  notifiedOn: string;
  directDebit: InvoiceDirectDebit | null;
}

/**
 * Records the pre-notification of each invoice whose document carries one (migration 0009): what eligibility reads,
 * rather than the document, so that an avis de prélèvement sent later counts the same way. In the issuing transaction.
 */
export async function recordIssuedNotices(db: Db, issued: readonly IssuedNotice[], at: string, userId: number | null): Promise<void> {
  const told = issued.filter((row) => row.directDebit !== null && (row.directDebit.amountCents ?? 0) > 0);
  if (told.length === 0) return;
  const rums = [...new Set(told.map((row) => row.directDebit!.mandateReference))];
  const mandates = new Map<string, number>();
  for (let i = 0; i < rums.length; i += 500) {
    const rows = await db.selectFrom('sepa_mandates').select(['id', 'rum']).where('rum', 'in', rums.slice(i, i + 500)).execute();
    for (const row of rows) mandates.set(row.rum, row.id);
  }
  const rows = told.map((row) => {
    const notice = row.directDebit!;
    const mandateId = mandates.get(notice.mandateReference);
    // directDebitNotices read the mandate in this same transaction: a RUM not found is a bug, never a silent skip.
    if (mandateId === undefined) throw new Error(`pre-notification of invoice ${row.invoiceId}: no mandate ${notice.mandateReference}`);
    return {
      invoice_id: row.invoiceId,
      family_id: row.familyId,
      mandate_id: mandateId,
      rum: notice.mandateReference,
      amount_cents: notice.amountCents!,
      debit_date: notice.debitDate,
      notified_on: row.notifiedOn,
      source: 'invoice' as const,
      created_at: at,
      created_by: userId,
    };
  });
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('sepa_notices').values(rows.slice(i, i + 500)).execute();
}
