import { describe, expect, it } from 'vitest';
import { dayRange } from '../../src/shared/calendar/days.js';
import { formatDayFr, formatInstantLongFr } from '../../src/shared/calendar/format.js';
import { computeDeadline, deadlineFor, describeDeadline } from '../../src/shared/planning/deadlines.js';
import type { DeadlineRule } from '../../src/shared/planning/rules.js';

/**
 * deadlineFor keeps each answer (issue 14: a planning page asks the same deadlines for every cell of every family);
 * what it keeps must be what the rule computes, for every rule kind and every day of two school years, whatever was
 * asked before (the memo is shared by every service and rule of the process, and dropped when full).
 */
const RULES: DeadlineRule[] = [
  { kind: 'weekday_of_previous_week', weekday: 3, time: '12:00' },
  { kind: 'weekday_of_previous_week', weekday: 5, time: '09:30' },
  { kind: 'weekday_of_previous_week', weekday: 7, time: '23:59' },
  { kind: 'days_before', days: 0, time: '08:00' },
  { kind: 'days_before', days: 2, time: '02:30' },
  { kind: 'working_days_before', days: 1, time: '10:00' },
  { kind: 'working_days_before', days: 3, time: '18:00' },
  { kind: 'day_of_previous_month', day: 20, time: '12:00' },
  { kind: 'day_of_previous_month', day: 31, time: '00:00' },
  { kind: 'none' },
];
// Two school years, summers and the clock changes of March and October included.
const DAYS = dayRange('2026-09-01', '2028-08-31');

describe('the memoised deadlines', () => {
  it('equal the rule computed afresh for every rule kind and every day of two school years, asked twice and interleaved', () => {
    for (const rule of RULES) {
      for (const day of DAYS) {
        const expected = computeDeadline(rule, day);
        expect(deadlineFor(rule, day)).toBe(expected);
        // From the memo now, and after another rule's answer for the same day was kept.
        deadlineFor(RULES[0]!, day);
        expect(deadlineFor(rule, day)).toBe(expected);
      }
    }
  });

  it('keep a rule apart from another that differs in one field only', () => {
    expect(deadlineFor({ kind: 'days_before', days: 2, time: '12:00' }, '2027-03-10')).not.toBe(deadlineFor({ kind: 'days_before', days: 2, time: '12:01' }, '2027-03-10'));
    expect(deadlineFor({ kind: 'days_before', days: 2, time: '12:00' }, '2027-03-10')).toBe('2027-03-08T11:00:00.000Z');
    expect(deadlineFor({ kind: 'days_before', days: 3, time: '12:00' }, '2027-03-10')).toBe('2027-03-05T11:00:00.000Z');
  });

  it('equal the rule for a frozen rule (whose key is kept with the object, as the portal’s cached settings hand it) and for the same rule unfrozen', () => {
    for (const rule of RULES) {
      const frozen = Object.freeze({ ...rule });
      for (const day of DAYS) {
        const expected = computeDeadline(rule, day);
        expect(deadlineFor(frozen, day)).toBe(expected);
        expect(deadlineFor({ ...rule }, day)).toBe(expected);
      }
    }
  });

  it('never keep the key of a rule changed after its first use (an unfrozen object is keyed afresh each time)', () => {
    const rule: { kind: 'days_before'; days: number; time: string } = { kind: 'days_before', days: 2, time: '12:00' };
    expect(deadlineFor(rule, '2027-03-10')).toBe('2027-03-08T11:00:00.000Z');
    rule.days = 3;
    expect(deadlineFor(rule, '2027-03-10')).toBe('2027-03-05T11:00:00.000Z');
  });
});

describe('the memoised French dates', () => {
  it('say every day of two school years and every deadline instant as the functions computed afresh do', () => {
    for (const day of DAYS) {
      const expected = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`)).replace(/^(\S+) 1 /, '$1 1er ');
      expect(formatDayFr(day)).toBe(expected);
      expect(formatDayFr(day)).toBe(expected);
      for (const rule of RULES.slice(0, 4)) {
        const deadline = computeDeadline(rule, day);
        if (deadline === '') continue;
        expect(describeDeadline(deadline)).toBe(formatInstantLongFr(deadline));
        expect(describeDeadline(deadline)).toBe(formatInstantLongFr(deadline));
      }
    }
  });
});
