/**
 * Calendar days as ISO 'YYYY-MM-DD' strings. Arithmetic runs on UTC midnights, where every day lasts 24 hours,
 * so daylight saving never shifts a day; wall-clock instants are Temporal's business (deadlines.ts).
 */

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds of the UTC midnight starting `day`; throws on anything that is not a real calendar day. */
export function dayToUtcMs(day: string): number {
  const match = ISO_DAY.exec(day);
  if (!match) throw new Error(`Not an ISO day: ${day}`);
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  // Date.UTC silently rolls 31 February over to March: a round trip catches it.
  if (utcMsToDay(ms) !== day) throw new Error(`Not an ISO day: ${day}`);
  return ms;
}

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function utcMsToDay(ms: number): string {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  // Four times faster than toISOString, which a month grid calls for every day; other years keep its ±YYYYYY form.
  if (year >= 1000 && year <= 9999) return `${year}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}`;
  return date.toISOString().slice(0, 10);
}

export function isIsoDay(value: string): boolean {
  try {
    dayToUtcMs(value);
    return true;
  } catch {
    return false;
  }
}

export function addDays(day: string, n: number): string {
  return utcMsToDay(dayToUtcMs(day) + n * DAY_MS);
}

// A month grid asks the weekday of the same few hundred days for every service and every call, and the checked
// parse costs more than the rest of a cell: each answer is kept, within a bound (a few years of days).
const WEEKDAYS_KEPT = 5_000;
const weekdays = new Map<string, number>();

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(day: string): number {
  const known = weekdays.get(day);
  if (known !== undefined) return known;
  const sunday0 = new Date(dayToUtcMs(day)).getUTCDay();
  const weekday = sunday0 === 0 ? 7 : sunday0;
  if (weekdays.size >= WEEKDAYS_KEPT) weekdays.clear();
  weekdays.set(day, weekday);
  return weekday;
}

/** Every day from `from` to `to`, both included; empty when `to` is before `from`. */
export function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  const end = dayToUtcMs(to);
  for (let ms = dayToUtcMs(from); ms <= end; ms += DAY_MS) days.push(utcMsToDay(ms));
  return days;
}

/** The Monday of the ISO week holding `day`. */
export function mondayOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

export function isWeekend(day: string): boolean {
  return isoWeekday(day) >= 6;
}

/** Number of days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayToUtcMs(to) - dayToUtcMs(from)) / DAY_MS);
}
