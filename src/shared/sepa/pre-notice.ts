import { addDays } from '../calendar/days.js';

/**
 * Whether an invoice may be debited on a collection date given the pre-notifications the family received (DOMAIN.md
 * « SEPA »: amount, date, RUM and ICS at least preNotificationDays before the debit). A notice counts when it was given
 * under the mandate that will debit, for exactly the amount debited (a partial payment since changes what is due: a new
 * notice), announcing a date on or before the collection date, given preNotificationDays or more before it, and newer
 * than every notice a rejected debit of the invoice used (the family was told of a debit that failed; the next one is
 * announced anew).
 */

export interface NoticeFact {
  /** Notices are numbered in the order they were given. */
  id: number;
  mandateId: number;
  amountCents: number;
  /** The debit date announced. */
  debitDate: string;
  /** The day the family was told. */
  notifiedOn: string;
}

export type NoticeVerdict =
  /** `noticeId`: the notice the debit is made under (the one allowing the earliest date). */
  | { ok: true; noticeId: number }
  /** Curable by sending a new « avis de prélèvement »: none, another amount, or used by a rejected debit. */
  | { ok: false; kind: 'none' | 'amount' | 'rejected'; why: string }
  /** Curable by waiting: the right notice was given, too recently or for a later date. */
  | { ok: false; kind: 'wait'; why: string; notBefore: string };

export const NOT_NOTIFIED = 'non pré-notifiée : envoyez un avis de prélèvement';
export const REJECTED_NEEDS_NOTICE = 'rejetée : nouvel avis de prélèvement nécessaire';

export function noticeVerdict(
  notices: readonly NoticeFact[],
  debit: { mandateId: number; amountCents: number; collectionDate: string; usedUpTo: number | null },
  preNotificationDays: number,
  dayFr: (day: string) => string,
  eurosFr: (cents: number) => string,
): NoticeVerdict {
  const mine = notices.filter((notice) => notice.mandateId === debit.mandateId);
  if (mine.length === 0) return { ok: false, kind: 'none', why: NOT_NOTIFIED };
  const fresh = mine.filter((notice) => debit.usedUpTo === null || notice.id > debit.usedUpTo);
  if (fresh.length === 0) return { ok: false, kind: 'rejected', why: REJECTED_NEEDS_NOTICE };
  const sameAmount = fresh.filter((notice) => notice.amountCents === debit.amountCents);
  if (sameAmount.length === 0) {
    const newest = fresh.at(-1)!;
    return {
      ok: false,
      kind: 'amount',
      why: `montant différent de la pré-notification (${eurosFr(newest.amountCents)} annoncés, ${eurosFr(debit.amountCents)} dus) : envoyez un avis de prélèvement`,
    };
  }
  // The earliest day any of them allows: its announced date and its delay both passed.
  const allowed = sameAmount
    .map((notice) => ({ notice, from: [notice.debitDate, addDays(notice.notifiedOn, preNotificationDays)].sort().at(-1)! }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.notice.id - b.notice.id)[0]!;
  if (allowed.from > debit.collectionDate) {
    return { ok: false, kind: 'wait', why: `pré-notification trop récente : prélevable à partir du ${dayFr(allowed.from)}`, notBefore: allowed.from };
  }
  return { ok: true, noticeId: allowed.notice.id };
}
