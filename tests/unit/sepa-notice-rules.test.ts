import { describe, expect, it } from 'vitest';
import { shortDayFr } from '../../src/shared/calendar/format.js';
import { formatEuros } from '../../src/shared/money.js';
import { REJECT_CODES } from '../../src/shared/sepa/reject-reasons.js';
import { NOT_NOTIFIED, noticeVerdict, REJECTED_NEEDS_NOTICE, type NoticeFact } from '../../src/shared/sepa/pre-notice.js';
import { SUSPENDING_AT_ONCE, suspendsMandate, suspensionNote } from '../../src/shared/sepa/suspension.js';

const notice = (overrides: Partial<NoticeFact> = {}): NoticeFact => ({
  id: 1,
  mandateId: 1,
  amountCents: 4_650,
  debitDate: '2027-01-11',
  notifiedOn: '2026-12-02',
  ...overrides,
});
const judge = (notices: NoticeFact[], debit: Partial<{ mandateId: number; amountCents: number; collectionDate: string; usedUpTo: number | null }> = {}) =>
  noticeVerdict(notices, { mandateId: 1, amountCents: 4_650, collectionDate: '2027-01-11', usedUpTo: null, ...debit }, 14, shortDayFr, formatEuros);

describe('the pre-notification rule', () => {
  it('takes a notice of this mandate, this amount, announcing the date or earlier, given 14 days before', () => {
    expect(judge([notice()])).toEqual({ ok: true, noticeId: 1 });
    expect(judge([notice({ id: 7, debitDate: '2026-12-20' })], { collectionDate: '2026-12-21' })).toEqual({ ok: true, noticeId: 7 });
  });

  it('refuses an invoice without a notice, or with one under another mandate, as curable by an avis', () => {
    expect(judge([])).toEqual({ ok: false, kind: 'none', why: NOT_NOTIFIED });
    expect(judge([notice({ mandateId: 2 })])).toEqual({ ok: false, kind: 'none', why: NOT_NOTIFIED });
  });

  it('refuses another amount: a partial payment since needs a new notice', () => {
    const verdict = judge([notice()], { amountCents: 3_650 });
    expect(verdict).toMatchObject({ ok: false, kind: 'amount' });
    expect(verdict.ok ? '' : verdict.why).toBe('montant différent de la pré-notification (46,50\u00a0€ annoncés, 36,50\u00a0€ dus) : envoyez un avis de prélèvement');
    expect(judge([notice(), notice({ id: 2, amountCents: 3_650, notifiedOn: '2026-12-20', debitDate: '2027-01-04' })], { amountCents: 3_650 })).toEqual({ ok: true, noticeId: 2 });
  });

  it('waits for the later of the announced date and the delay', () => {
    expect(judge([notice()], { collectionDate: '2027-01-08' })).toEqual({
      ok: false,
      kind: 'wait',
      why: 'pré-notification trop récente : prélevable à partir du 11/01/2027',
      notBefore: '2027-01-11',
    });
    expect(judge([notice({ debitDate: '2026-12-10', notifiedOn: '2026-12-02' })], { collectionDate: '2026-12-15' })).toMatchObject({ kind: 'wait', notBefore: '2026-12-16' });
  });

  it('counts the notice a rejected debit used, and every older one, as used', () => {
    expect(judge([notice()], { usedUpTo: 1, collectionDate: '2027-02-10' })).toEqual({ ok: false, kind: 'rejected', why: REJECTED_NEEDS_NOTICE });
    const avis = notice({ id: 2, notifiedOn: '2027-01-15', debitDate: '2027-02-10' });
    expect(judge([notice(), avis], { usedUpTo: 1, collectionDate: '2027-02-10' })).toEqual({ ok: true, noticeId: 2 });
    expect(judge([notice(), avis], { usedUpTo: 2, collectionDate: '2027-02-10' })).toMatchObject({ ok: false, kind: 'rejected' });
  });

  it('takes the newest notice only: it replaces the older ones, whatever their amount or date', () => {
    const first = notice({ id: 1, debitDate: '2027-01-11' });
    const avis = notice({ id: 2, amountCents: 3_650, notifiedOn: '2026-12-10', debitDate: '2027-01-15' });
    // The payment that made 36,50 € was cancelled since: 46,50 € are due again, but the family was last told 36,50 €.
    expect(judge([first, avis], { collectionDate: '2027-01-11' })).toMatchObject({ ok: false, kind: 'amount' });
    expect(judge([first, avis], { amountCents: 3_650, collectionDate: '2027-01-11' })).toMatchObject({ ok: false, kind: 'wait', notBefore: '2027-01-15' });
    expect(judge([first, avis], { amountCents: 3_650, collectionDate: '2027-01-15' })).toEqual({ ok: true, noticeId: 2 });
  });
});

describe('the suspension rule', () => {
  it('suspends at the first reject when the account or the mandate is gone, after two otherwise', () => {
    for (const code of ['AC04', 'MD01', 'MD07', 'AC01', 'AC06'] as const) expect(suspendsMandate(code, 1)).toBe(true);
    for (const code of ['AM04', 'MS02', 'MD06', 'MS03'] as const) {
      expect(suspendsMandate(code, 1)).toBe(false);
      expect(suspendsMandate(code, 2)).toBe(true);
    }
    expect([...SUSPENDING_AT_ONCE].every((code) => REJECT_CODES.includes(code))).toBe(true);
  });

  it('says why in the mandate note', () => {
    expect(suspensionNote('AC04', 1, 'AC04 · Compte clôturé', '08/12/2026')).toBe(
      'Suspendu dès le premier rejet (le 08/12/2026 : AC04 · Compte clôturé) : à réactiver, modifier ou remplacer par la régie une fois la famille contactée.',
    );
    expect(suspensionNote('AM04', 2, 'AM04 · Provision insuffisante', '08/12/2026')).toMatch(/^Suspendu après 2 rejets/);
  });
});
