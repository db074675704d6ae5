import { describe, expect, it } from 'vitest';
import {
  deadlineFor,
  describeDeadline,
  describeRule,
  isWorkingDay,
  judgeChange,
  parisInstant,
} from '../../src/shared/planning/deadlines.js';
import type { DeadlineRule } from '../../src/shared/planning/rules.js';
import { DEFAULT_DEADLINE_RULE } from '../../src/shared/planning/rules.js';

const wednesdayNoon = DEFAULT_DEADLINE_RULE;
const jMinus = (days: number, time: string): DeadlineRule => ({ kind: 'days_before', days, time });
const workingDays = (days: number, time: string): DeadlineRule => ({ kind: 'working_days_before', days, time });
const previousMonth = (day: number, time: string): DeadlineRule => ({ kind: 'day_of_previous_month', day, time });

describe('default deadline: Wednesday 12:00 of the week before', () => {
  it('gives Wednesday 2 Dec 2026 12:00 Paris (11:00Z) for every day of the week of Monday 7 Dec', () => {
    for (const day of ['2026-12-07', '2026-12-08', '2026-12-10', '2026-12-11', '2026-12-13']) {
      expect(deadlineFor(wednesdayNoon, day)).toBe('2026-12-02T11:00:00.000Z');
    }
    expect(deadlineFor(wednesdayNoon, '2026-12-14')).toBe('2026-12-09T11:00:00.000Z');
    expect(describeDeadline('2026-12-02T11:00:00.000Z')).toBe('mercredi 2 décembre 2026 à 12h00');
  });

  it('is on time at 11:59:59.999 Paris and late from 12:00:00.000 on', () => {
    const judge = (instant: string) => judgeChange(wednesdayNoon, '2026-12-07', new Date(instant));
    expect(judge('2026-12-02T10:59:59.000Z')).toEqual({ onTime: true, deadline: '2026-12-02T11:00:00.000Z' });
    expect(judge('2026-12-02T10:59:59.999Z').onTime).toBe(true);
    expect(judge('2026-12-02T11:00:00.000Z').onTime).toBe(false);
    expect(judge('2026-12-02T11:00:00.001Z').onTime).toBe(false);
    // 11:30 UTC is 12:30 in Paris in winter: a test reading UTC as Paris time would call this on time.
    expect(judge('2026-12-02T11:30:00.000Z').onTime).toBe(false);
    expect(judge('2026-11-25T11:00:00.000Z').onTime).toBe(true);
  });

  it('follows both daylight-saving switches', () => {
    // Summer time starts Sunday 29 March 2026: the next Wednesday noon is 10:00Z.
    expect(deadlineFor(wednesdayNoon, '2026-04-06')).toBe('2026-04-01T10:00:00.000Z');
    expect(deadlineFor(wednesdayNoon, '2026-03-30')).toBe('2026-03-25T11:00:00.000Z');
    // Winter time is back on Sunday 25 October 2026: noon is 11:00Z again.
    expect(deadlineFor(wednesdayNoon, '2026-10-26')).toBe('2026-10-21T10:00:00.000Z');
    expect(deadlineFor(wednesdayNoon, '2026-11-02')).toBe('2026-10-28T11:00:00.000Z');
    const summer = (instant: string) => judgeChange(wednesdayNoon, '2026-04-06', new Date(instant)).onTime;
    expect(summer('2026-04-01T09:59:59.999Z')).toBe(true);
    expect(summer('2026-04-01T10:00:00.000Z')).toBe(false);
    expect(describeDeadline('2026-04-01T10:00:00.000Z')).toBe('mercredi 1er avril 2026 à 12h00');
    expect(describeDeadline('2026-10-28T11:00:00.000Z')).toBe('mercredi 28 octobre 2026 à 12h00');
  });

  it('moves back to Tuesday when the Wednesday is a public holiday (11 Nov 2026)', () => {
    expect(deadlineFor(wednesdayNoon, '2026-11-16')).toBe('2026-11-10T11:00:00.000Z');
    expect(describeDeadline(deadlineFor(wednesdayNoon, '2026-11-16'))).toBe('mardi 10 novembre 2026 à 12h00');
    expect(judgeChange(wednesdayNoon, '2026-11-16', new Date('2026-11-10T12:00:00.000Z')).onTime).toBe(false);
  });

  it('stays in the school holidays, where the office works (week of 2 Nov 2026 → Wednesday 28 Oct)', () => {
    expect(deadlineFor(wednesdayNoon, '2026-11-02')).toBe('2026-10-28T11:00:00.000Z');
    expect(deadlineFor(wednesdayNoon, '2026-12-28')).toBe('2026-12-23T11:00:00.000Z');
  });

  it('crosses New Year: the week of Monday 4 Jan 2027 closes on Wednesday 30 Dec 2026', () => {
    expect(deadlineFor(wednesdayNoon, '2027-01-04')).toBe('2026-12-30T11:00:00.000Z');
    expect(describeDeadline('2026-12-30T11:00:00.000Z')).toBe('mercredi 30 décembre 2026 à 12h00');
  });

  it('gives the Ascension week the Wednesday before it, 6 May 2026', () => {
    expect(deadlineFor(wednesdayNoon, '2026-05-14')).toBe('2026-05-06T10:00:00.000Z');
    expect(deadlineFor(wednesdayNoon, '2026-05-15')).toBe('2026-05-06T10:00:00.000Z');
  });

  it('honours another weekday and time: Monday 18:00 of the previous week', () => {
    const monday: DeadlineRule = { kind: 'weekday_of_previous_week', weekday: 1, time: '18:00' };
    expect(deadlineFor(monday, '2026-12-10')).toBe('2026-11-30T17:00:00.000Z');
    // Whit Monday 25 May 2026 is a public holiday: back to Friday 22 May.
    expect(deadlineFor(monday, '2026-06-03')).toBe('2026-05-22T16:00:00.000Z');
  });
});

describe('J-n at hh:mm', () => {
  it('J-1 at 18:00 for Monday 30 Mar 2026 falls on Sunday 29 Mar, moved back to Friday 27 Mar 18:00 (17:00Z, still winter time)', () => {
    expect(deadlineFor(jMinus(1, '18:00'), '2026-03-30')).toBe('2026-03-27T17:00:00.000Z');
  });

  it('J-1 at 18:00 for Tuesday 31 Mar 2026 is Monday 30 Mar 18:00 summer time (16:00Z)', () => {
    expect(deadlineFor(jMinus(1, '18:00'), '2026-03-31')).toBe('2026-03-30T16:00:00.000Z');
    expect(deadlineFor(jMinus(1, '18:00'), '2026-10-27')).toBe('2026-10-26T17:00:00.000Z');
  });

  it('J-2 for Monday 4 Jan 2027 is Saturday 2 Jan, moved back past New Year to Thursday 31 Dec 2026', () => {
    expect(deadlineFor(jMinus(2, '18:00'), '2027-01-04')).toBe('2026-12-31T17:00:00.000Z');
    expect(describeDeadline('2026-12-31T17:00:00.000Z')).toBe('jeudi 31 décembre 2026 à 18h00');
  });

  it('J-n on an ordinary weekday is unchanged, and J-0 means the same day', () => {
    expect(deadlineFor(jMinus(2, '10:00'), '2026-12-10')).toBe('2026-12-08T09:00:00.000Z');
    expect(deadlineFor(jMinus(0, '09:30'), '2026-12-10')).toBe('2026-12-10T08:30:00.000Z');
  });
});

describe('n working days before', () => {
  it('skips New Year: 2 working days before Monday 4 Jan 2027 is Wednesday 30 Dec 2026', () => {
    expect(deadlineFor(workingDays(2, '12:00'), '2027-01-04')).toBe('2026-12-30T11:00:00.000Z');
    expect(deadlineFor(workingDays(1, '12:00'), '2027-01-04')).toBe('2026-12-31T11:00:00.000Z');
  });

  it('skips the Ascension Thursday but not the bridge Friday, a working day for the office', () => {
    expect(deadlineFor(workingDays(1, '17:00'), '2026-05-18')).toBe('2026-05-15T15:00:00.000Z');
    expect(deadlineFor(workingDays(2, '17:00'), '2026-05-18')).toBe('2026-05-13T15:00:00.000Z');
  });

  it('counts whole weekends out', () => {
    expect(deadlineFor(workingDays(3, '08:00'), '2026-12-09')).toBe('2026-12-04T07:00:00.000Z');
    expect(isWorkingDay('2026-12-05')).toBe(false);
    expect(isWorkingDay('2026-12-21')).toBe(true);
    expect(isWorkingDay('2026-12-25')).toBe(false);
  });
});

describe('day n of the previous month', () => {
  it('takes day n of the month before at hh:mm', () => {
    expect(deadlineFor(previousMonth(20, '12:00'), '2026-12-07')).toBe('2026-11-20T11:00:00.000Z');
    expect(deadlineFor(previousMonth(20, '12:00'), '2027-01-15')).toBe('2026-12-18T11:00:00.000Z');
  });

  it('clamps to the month length: day 31 before March is 28 February (a Saturday in 2026, back to Friday 27)', () => {
    expect(deadlineFor(previousMonth(31, '12:00'), '2026-03-10')).toBe('2026-02-27T11:00:00.000Z');
    expect(deadlineFor(previousMonth(31, '12:00'), '2028-03-10')).toBe('2028-02-29T11:00:00.000Z');
    expect(deadlineFor(previousMonth(31, '12:00'), '2026-05-04')).toBe('2026-04-30T10:00:00.000Z');
  });

  it('moves off a public holiday: day 11 before December 2026 is Armistice, back to Tuesday 10 Nov', () => {
    expect(deadlineFor(previousMonth(11, '12:00'), '2026-12-01')).toBe('2026-11-10T11:00:00.000Z');
  });
});

describe('no deadline', () => {
  it('allows changes until the day starts in Paris', () => {
    const none: DeadlineRule = { kind: 'none' };
    expect(deadlineFor(none, '2026-12-07')).toBe('2026-12-06T23:00:00.000Z');
    expect(deadlineFor(none, '2026-07-06')).toBe('2026-07-05T22:00:00.000Z');
    expect(judgeChange(none, '2026-12-07', new Date('2026-12-06T22:59:59.999Z')).onTime).toBe(true);
    expect(judgeChange(none, '2026-12-07', new Date('2026-12-06T23:00:00.000Z')).onTime).toBe(false);
  });
});

describe('wall-clock edge cases and descriptions', () => {
  it('moves a time in the spring gap forward and takes the first of two autumn times', () => {
    expect(parisInstant('2026-03-29', '02:30')).toBe('2026-03-29T01:30:00.000Z');
    expect(parisInstant('2026-10-25', '02:30')).toBe('2026-10-25T00:30:00.000Z');
    expect(describeDeadline('2026-03-29T01:30:00.000Z')).toBe('dimanche 29 mars 2026 à 03h30');
  });

  it('describes deadlines near midnight on the right Paris day', () => {
    expect(describeDeadline('2026-12-06T23:00:00.000Z')).toBe('lundi 7 décembre 2026 à 00h00');
    expect(describeDeadline('2026-07-05T21:59:00.000Z')).toBe('dimanche 5 juillet 2026 à 23h59');
  });

  it('refuses malformed rules instead of guessing', () => {
    expect(() => deadlineFor({ kind: 'days_before', days: 2, time: '25:00' }, '2026-12-07')).toThrow();
    expect(() => deadlineFor({ kind: 'days_before', days: -1, time: '12:00' }, '2026-12-07')).toThrow();
    expect(() => deadlineFor({ kind: 'weekday_of_previous_week', weekday: 0, time: '12:00' }, '2026-12-07')).toThrow();
    expect(() => deadlineFor(wednesdayNoon, '2026-02-30')).toThrow();
  });

  it('describes rules in French for the settings screen', () => {
    expect(describeRule(wednesdayNoon)).toBe('Le mercredi de la semaine précédente avant 12h00');
    expect(describeRule(jMinus(2, '18:00'))).toBe('J-2 avant 18h00');
    expect(describeRule(workingDays(3, '12:00'))).toBe('3 jours ouvrés avant le jour, avant 12h00');
    expect(describeRule(previousMonth(1, '12:00'))).toBe('Le 1er du mois précédent avant 12h00');
    expect(describeRule({ kind: 'none' })).toBe('Jusqu’au jour même');
  });
});
