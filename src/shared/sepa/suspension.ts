import { REJECTS_BEFORE_SUSPENSION } from './mandate.js';
import type { RejectCode } from './reject-reasons.js';

/**
 * When a rejected debit suspends its mandate (issue #12): the rule, said once. Most rejects say nothing about the
 * mandate itself (not enough money, the debtor refused this one debit, a technical fault): the mandate is suspended
 * after REJECTS_BEFORE_SUSPENSION of them, the office having been told. Some say the mandate or the account it debits
 * is gone or unusable as recorded; the next debit would be rejected the same way (and cost the family another fee), so
 * the first one suspends it until the office acts (a new RIB: amendment; a new mandate; or reactivation after checking):
 * - AC01 IBAN incorrect, AC04 account closed, AC06 account blocked, AG01 debits forbidden on the account, RC01 BIC
 *   incorrect: the account as recorded cannot be debited again;
 * - MD01 no or invalid mandate, MD02 mandate data missing or incorrect: the debtor's bank does not hold the mandate as
 *   sent, every later debit under it fails alike;
 * - MD07 debtor deceased.
 * Counted, not suspending at once: AM04 (money may be there next time), MS02 / MS03 (a refusal of this debit, not of
 * the mandate), MD06 (a refund the debtor is entitled to within 8 weeks: the mandate stands), AM05 (a duplicate),
 * and the creditor's or bank's own faults (AG02, BE05, FF01, RR01-RR04, SL01), which a new notice does not cure either
 * but which say nothing about the family's account.
 */
export const SUSPENDING_AT_ONCE: ReadonlySet<RejectCode> = new Set<RejectCode>(['AC01', 'AC04', 'AC06', 'AG01', 'RC01', 'MD01', 'MD02', 'MD07']);

/** Whether a mandate with `rejects` rejected debits (this one included), the last with `code`, is to be suspended. */
export function suspendsMandate(code: RejectCode, rejects: number): boolean {
  return SUSPENDING_AT_ONCE.has(code) || rejects >= REJECTS_BEFORE_SUSPENSION;
}

/** The mandate's status note when suspended, in French. */
export function suspensionNote(code: RejectCode, rejects: number, label: string, dayFr: string): string {
  const why = SUSPENDING_AT_ONCE.has(code) && rejects < REJECTS_BEFORE_SUSPENSION ? `Suspendu dès le premier rejet (le ${dayFr} : ${label})` : `Suspendu après ${rejects} rejets (dernier le ${dayFr} : ${label})`;
  return `${why} : à réactiver, modifier ou remplacer par la régie une fois la famille contactée.`;
}
