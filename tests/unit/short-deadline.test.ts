import { describe, expect, it } from 'vitest';
import { shortDeadline } from '../../src/portal/planning/page.js';

/** The week grid's visible hint « jusqu’au mer. 2/12 12h00 »: the Paris day and time of the deadline, written short. */
describe('the short deadline of a planning cell', () => {
  it('writes the Paris day, month and time', () => {
    expect(shortDeadline('2026-12-02T11:00:00.000Z')).toBe('mer. 2/12 12h00');
    expect(shortDeadline('2027-07-01T10:00:00.000Z')).toBe('jeu. 1/07 12h00');
  });

  it('takes the month of the Paris day, not of the UTC instant, at midnight on the first of a month', () => {
    // 31 December 23:00 UTC is Friday 1 January 2027, 00h00 in Paris.
    expect(shortDeadline('2026-12-31T23:00:00.000Z')).toBe('ven. 1/01 00h00');
    expect(shortDeadline('2027-03-31T22:30:00.000Z')).toBe('jeu. 1/04 00h30');
  });
});
