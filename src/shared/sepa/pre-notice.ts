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
  // The family's last word is the newest notice: it replaces the older ones (an avis for 36,50 € after an invoice of
  // 46,50 € stands even if the payment that made the difference is cancelled since).
  const newest = fresh.reduce((a, b) => (b.id > a.id ? b : a));
  if (newest.amountCents !== debit.amountCents) {
    return {
      ok: false,
      kind: 'amount',
      why: `montant différent de la pré-notification (${eurosFr(newest.amountCents)} annoncés, ${eurosFr(debit.amountCents)} dus) : envoyez un avis de prélèvement`,
    };
  }
  // Its announced date and its delay both passed.
  const from = [newest.debitDate, addDays(newest.notifiedOn, preNotificationDays)].sort().at(-1)!;
  if (from > debit.collectionDate) return { ok: false, kind: 'wait', why: `pré-notification trop récente : prélevable à partir du ${dayFr(from)}`, notBefore: from };
  return { ok: true, noticeId: newest.id };
}
