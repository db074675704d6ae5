import { describe, expect, it } from 'vitest';
import { shortDayFr } from '../../src/shared/calendar/format.js';
import { formatEuros } from '../../src/shared/money.js';
import { REJECT_CODES } from '../../src/shared/sepa/reject-reasons.js';
import { NOT_NOTIFIED, noticeVerdict, REJECTED_NEEDS_NOTICE, type NoticeFact } from '../../src/shared/sepa/pre-notice.js';
import { SUSPENDING_AT_ONCE, suspendsMandate, suspensionNote } from '../../src/shared/sepa/suspension.js';

const notice = (overrides: Partial<NoticeFact> = {}): NoticeFact => ({
  mandateId: 1,
  amountCents: 4_650,
  debitDate: '2027-01-11',
  notifiedOn: '2026-12-02',
  createdAt: '2026-12-02T09:00:00.000Z',
  ...overrides,
});
const judge = (notices: NoticeFact[], debit: Partial<{ mandateId: number; amountCents: number; collectionDate: string; lastRejectedAt: string | null }> = {}) =>
  noticeVerdict(notices, { mandateId: 1, amountCents: 4_650, collectionDate: '2027-01-11', lastRejectedAt: null, ...debit }, 14, shortDayFr, formatEuros);

describe('the pre-notification rule', () => {
  it('takes a notice of this mandate, this amount, announcing the date or earlier, given 14 days before', () => {
    expect(judge([notice()])).toEqual({ ok: true });
    expect(judge([notice({ debitDate: '2026-12-20' })], { collectionDate: '2026-12-21' })).toEqual({ ok: true });
  });

  it('refuses an invoice without a notice, or with one under another mandate, as curable by an avis', () => {
    expect(judge([])).toEqual({ ok: false, kind: 'none', why: NOT_NOTIFIED });
    expect(judge([notice({ mandateId: 2 })])).toEqual({ ok: false, kind: 'none', why: NOT_NOTIFIED });
  });

  it('refuses another amount: a partial payment since needs a new notice', () => {
    const verdict = judge([notice()], { amountCents: 3_650 });
    expect(verdict).toMatchObject({ ok: false, kind: 'amount' });
    expect(verdict.ok ? '' : verdict.why).toBe('montant différent de la pré-notification (46,50\u00a0€ annoncés, 36,50\u00a0€ dus) : envoyez un avis de prélèvement');
    expect(judge([notice(), notice({ amountCents: 3_650, createdAt: '2026-12-20T09:00:00.000Z', notifiedOn: '2026-12-20', debitDate: '2027-01-04' })], { amountCents: 3_650 })).toEqual({ ok: true });
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

  it('counts a notice given before the last rejected debit as used', () => {
    expect(judge([notice()], { lastRejectedAt: '2027-01-14T10:00:00.000Z', collectionDate: '2027-02-10' })).toEqual({ ok: false, kind: 'rejected', why: REJECTED_NEEDS_NOTICE });
    expect(judge([notice(), notice({ createdAt: '2027-01-15T08:00:00.000Z', notifiedOn: '2027-01-15', debitDate: '2027-02-10' })], { lastRejectedAt: '2027-01-14T10:00:00.000Z', collectionDate: '2027-02-10' })).toEqual({ ok: true });
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
