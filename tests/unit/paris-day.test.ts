import { describe, expect, it } from 'vitest';
import { parisDay, parisDayUncached } from '../../src/shared/calendar/format.js';

/**
 * parisDay keeps the day of the last UTC hour asked (issue 14: every portal page asks for today): what it answers
 * must be Intl's day in Europe/Paris for every instant, at every clock change, and before 1911 (when Paris was not a
 * whole number of hours from UTC), whatever was asked just before.
 */
const QUARTER = 15 * 60_000;

describe('parisDay', () => {
  it('equals Intl every quarter of an hour over three years (the clock changes included), asked in order and interleaved', () => {
    const other = new Date('2001-06-15T12:00:00Z');
    for (let ms = Date.UTC(2025, 11, 31); ms < Date.UTC(2028, 11, 31); ms += QUARTER) {
      const instant = new Date(ms);
      expect(parisDay(instant)).toBe(parisDayUncached(instant));
      // The last millisecond of the hour, after another hour was asked.
      parisDay(other);
      const last = new Date(Math.floor(ms / 3_600_000) * 3_600_000 + 3_599_999);
      expect(parisDay(last)).toBe(parisDayUncached(last));
    }
  });

  it('equals Intl at Paris midnight and around every change of offset, to the millisecond', () => {
    // Midnight in Paris in winter (23:00 UTC) and summer (22:00 UTC), the March and October changes, 1940s double time.
    const edges = ['2026-12-01T23:00:00Z', '2026-07-01T22:00:00Z', '2027-03-28T01:00:00Z', '2027-10-31T01:00:00Z', '1945-04-02T01:00:00Z', '1911-03-11T00:00:00Z', '1911-03-10T23:50:39Z'];
    for (const edge of edges) {
      const at = Date.parse(edge);
      for (const delta of [-3_600_001, -3_600_000, -1, 0, 1, 59_999, 3_599_999, 3_600_000]) {
        const instant = new Date(at + delta);
        expect(parisDay(instant)).toBe(parisDayUncached(instant));
      }
    }
  });

  it('equals Intl on instants drawn over two centuries, and before 1911', () => {
    let seed = 74370;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i += 1) {
      const instant = new Date(Date.UTC(1850, 0, 1) + Math.floor(next() * 250 * 365.25 * 86_400_000));
      expect(parisDay(instant)).toBe(parisDayUncached(instant));
    }
  });

  it('refuses an invalid date as Intl does', () => {
    expect(() => parisDay(new Date(Number.NaN))).toThrow(RangeError);
  });
});
