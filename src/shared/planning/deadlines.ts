import { Temporal } from 'temporal-polyfill';
import { addDays, daysInMonth, isWeekend, mondayOf } from '../calendar/days.js';
import { OFFICE_TIME_ZONE, WEEKDAYS_FR, formatInstantLongFr } from '../calendar/format.js';
import { publicHolidayOn } from '../calendar/holidays.js';
import { memoizeByString } from '../memo.js';
import type { DeadlineRule } from './rules.js';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A working day for the office: Monday to Friday and not a public holiday (school holidays are working days). */
export function isWorkingDay(day: string): boolean {
  return !isWeekend(day) && publicHolidayOn(day) === null;
}

/** The last working day on or before `day`. */
export function workingDayOnOrBefore(day: string): string {
  let candidate = day;
  while (!isWorkingDay(candidate)) candidate = addDays(candidate, -1);
  return candidate;
}

/**
 * The UTC instant (ISO, as Date.toISOString writes it) of a Paris wall-clock time. In the spring-forward gap
 * (02:00-03:00 on the last Sunday of March) the time moves forward by the gap; in the autumn overlap the first,
 * earlier occurrence is taken.
 */
export function parisInstant(day: string, time: string): string {
  const match = HH_MM.exec(time);
  if (!match) throw new Error(`Not a time hh:mm: ${time}`);
  const zoned = Temporal.PlainDateTime.from(`${day}T${time}:00`).toZonedDateTime(OFFICE_TIME_ZONE, { disambiguation: 'compatible' });
  return new Date(zoned.epochMilliseconds).toISOString();
}

/**
 * The office cannot process a change on a weekend or a public holiday, so a deadline computed onto one moves back
 * to the previous working day at the same time. Moving it earlier rather than later was chosen because the
 * family sees the deadline before it passes: an earlier, announced deadline never turns a request they made on
 * time into a late one after the fact, whereas a later one would let a request in after the office planned
 * the meals. School holidays do not move deadlines: the office works then.
 */
function onWorkingDay(day: string, time: string): string {
  return parisInstant(workingDayOnOrBefore(day), time);
}

function positiveCount(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer: ${value}`);
  return value;
}

// A publication, a month grid or a queue of thousands of items asks for the same few deadlines (a week's days share
// one) again and again, and the zone conversion is the slow part (about 40 µs with the Temporal polyfill): each answer
// is kept, within a bound (src/shared/memo.ts). A rule object's key is kept too: the portal keeps its parsed settings
// by version, so the same rule objects come back on every page and are not serialised per cell.
const deadlines = memoizeByString((key: string) => {
  const at = key.lastIndexOf('|');
  return computeDeadline(JSON.parse(key.slice(0, at)) as DeadlineRule, key.slice(at + 1));
});
const ruleKeys = new WeakMap<DeadlineRule, string>();

function ruleKey(rule: DeadlineRule): string {
  // Only a frozen rule's key may be kept: an object changed after its first use would keep its former key.
  if (!Object.isFrozen(rule)) return JSON.stringify(rule);
  let key = ruleKeys.get(rule);
  if (key === undefined) ruleKeys.set(rule, (key = JSON.stringify(rule)));
  return key;
}

/** The instant (ISO UTC) until which a change of `day` is on time; a change at that very instant is late. */
export function deadlineFor(rule: DeadlineRule, day: string): string {
  return deadlines(`${ruleKey(rule)}|${day}`);
}

/** The rule itself, computed every time: deadlineFor keeps its answers (a test holds the two equal). */
export function computeDeadline(rule: DeadlineRule, day: string): string {
  switch (rule.kind) {
    case 'weekday_of_previous_week': {
      if (!Number.isInteger(rule.weekday) || rule.weekday < 1 || rule.weekday > 7) throw new Error(`Not an ISO weekday: ${rule.weekday}`);
      return onWorkingDay(addDays(mondayOf(day), rule.weekday - 1 - 7), rule.time);
    }
    case 'days_before':
      return onWorkingDay(addDays(day, -positiveCount(rule.days, 'days')), rule.time);
    case 'working_days_before': {
      let remaining = positiveCount(rule.days, 'days');
      let candidate = day;
      while (remaining > 0) {
        candidate = addDays(candidate, -1);
        if (isWorkingDay(candidate)) remaining -= 1;
      }
      return parisInstant(candidate, rule.time);
    }
    case 'day_of_previous_month': {
      if (!Number.isInteger(rule.day) || rule.day < 1 || rule.day > 31) throw new Error(`Not a day of the month: ${rule.day}`);
      const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
      const [prevYear, prevMonth] = month === 1 ? [year - 1, 12] : [year, month - 1];
      const dayOfMonth = Math.min(rule.day, daysInMonth(prevYear, prevMonth));
      const target = `${String(prevYear).padStart(4, '0')}-${String(prevMonth).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
      return onWorkingDay(target, rule.time);
    }
    case 'none':
      return parisInstant(day, '00:00');
  }
}

export interface DeadlineJudgement {
  onTime: boolean;
  deadline: string;
}

/** Whether a change of `day` made at `at` (the injected clock's instant) is on time. */
export function judgeChange(rule: DeadlineRule, day: string, at: Date): DeadlineJudgement {
  const deadline = deadlineFor(rule, day);
  return { onTime: at.getTime() < Date.parse(deadline), deadline };
}

/** 'mercredi 2 décembre 2026 à 12h00', in Paris time. */
export const describeDeadline: (deadline: string) => string = memoizeByString((deadline: string) => formatInstantLongFr(deadline));

/** A French sentence for a rule, for the service settings screen. */
export function describeRule(rule: DeadlineRule): string {
  const at = (time: string) => time.replace(':', 'h');
  switch (rule.kind) {
    case 'weekday_of_previous_week': {
      return `Le ${WEEKDAYS_FR[rule.weekday] ?? '?'} de la semaine précédente avant ${at(rule.time)}`;
    }
    case 'days_before':
      return `J-${rule.days} avant ${at(rule.time)}`;
    case 'working_days_before':
      return `${rule.days} jour${rule.days > 1 ? 's' : ''} ouvré${rule.days > 1 ? 's' : ''} avant le jour, avant ${at(rule.time)}`;
    case 'day_of_previous_month':
      return `Le ${rule.day === 1 ? '1er' : rule.day} du mois précédent avant ${at(rule.time)}`;
    case 'none':
      return 'Jusqu’au jour même';
  }
}
