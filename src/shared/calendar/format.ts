import { memoizeByString } from '../memo.js';
import { dayToUtcMs, isIsoDay, isoWeekday } from './days.js';

/**
 * French dates and the office's time zone, once for the office, its renderer and the portal. Rules are judged and
 * instants shown in the office's wall-clock time, whatever zone the computer, the server or the family's browser is in.
 */
export const OFFICE_TIME_ZONE = 'Europe/Paris';

const zonedDay = new Intl.DateTimeFormat('en-CA', { timeZone: OFFICE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const zonedTime = new Intl.DateTimeFormat('en-GB', { timeZone: OFFICE_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/**
 * Paris has been a whole number of hours from UTC since 11 March 1911 (and every change of offset since falls on a
 * whole UTC hour), so from then on its calendar day is the same for every instant of one UTC hour: the day is kept
 * for the last hour asked (every page asks for today, a few times), instead of an Intl formatting per call.
 */
const WHOLE_HOURS_SINCE_MS = Date.UTC(1911, 2, 11);
const HOUR_MS = 3_600_000;
let lastHour = Number.NaN;
let lastDay = '';

/** The calendar day (YYYY-MM-DD) that it is at the office at the given instant. */
export function parisDay(instant: Date): string {
  const ms = instant.getTime();
  if (!(ms >= WHOLE_HOURS_SINCE_MS)) return zonedDay.format(instant);
  const hour = Math.floor(ms / HOUR_MS);
  if (hour !== lastHour) {
    lastDay = zonedDay.format(instant);
    lastHour = hour;
  }
  return lastDay;
}

/** parisDay without its kept hour: Intl's answer every time (a test holds the two equal). */
export function parisDayUncached(instant: Date): string {
  return zonedDay.format(instant);
}

/** The office's wall-clock time at the given instant, '15h04' as French writes it. */
const zonedSeconds = new Intl.DateTimeFormat('en-GB', { timeZone: OFFICE_TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** '2026-12-01T10:15:00': the office's wall clock as ISO without offset (a pain.008 file's creation time). */
export function parisDateTimeIso(instant: Date): string {
  return `${parisDay(instant)}T${zonedSeconds.format(instant)}`;
}

export function parisTimeFr(instant: Date): string {
  return zonedTime.format(instant).replace(':', 'h');
}

/** Index 1 = lundi, like isoWeekday. */
export const WEEKDAYS_FR = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;

/** Index 0 = janvier. */
export const MONTHS_FR = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin',
  'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
] as const;

/** 'décembre' for an ISO day of December. */
export function monthNameFr(day: string): string {
  return MONTHS_FR[Number(day.slice(5, 7)) - 1] ?? '';
}

/** Index 0 = janv., the abbreviations of French typography (mars, mai, juin, août are never cut). */
export const MONTHS_SHORT_FR = [
  'janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin',
  'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.',
] as const;

/** 'novembre 2026' for the month '2026-11' (an invoice's period, a run's title). */
export function monthLabelFr(month: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const name = match ? MONTHS_FR[Number(match[2]) - 1] : undefined;
  if (!match || !name) throw new Error(`Not a month YYYY-MM: ${month}`);
  return `${name} ${match[1]}`;
}

/** « de novembre 2026 », « d’octobre 2026 »: French elides « de » before a vowel (avril, août, octobre). */
export function ofMonthFr(month: string): string {
  const label = monthLabelFr(month);
  return /^[aeiouàâéèêîïôû]/i.test(label) ? `d’${label}` : `de ${label}`;
}

/**
 * A list of days as an invoice line prints them: '1er, 3, 4, 6, 10 nov.' — the days of each month followed by the
 * month once, months separated by ' ; ', the year only when the days span two years ('30, 31 déc. 2026 ; 4 janv. 2027').
 * Days are sorted and a repeated day is written once; empty for no day.
 */
export function compactDaysFr(days: readonly string[]): string {
  const sorted = [...new Set(days)].sort();
  for (const day of sorted) dayToUtcMs(day);
  const withYear = sorted.length > 0 && sorted[0]!.slice(0, 4) !== sorted[sorted.length - 1]!.slice(0, 4);
  const groups: string[] = [];
  let month = '';
  let numbers: string[] = [];
  const close = (): void => {
    if (numbers.length === 0) return;
    const name = MONTHS_SHORT_FR[Number(month.slice(5, 7)) - 1];
    groups.push(`${numbers.join(', ')} ${name}${withYear ? ` ${month.slice(0, 4)}` : ''}`);
  };
  for (const day of sorted) {
    if (day.slice(0, 7) !== month) {
      close();
      month = day.slice(0, 7);
      numbers = [];
    }
    const dayOfMonth = Number(day.slice(8, 10));
    numbers.push(dayOfMonth === 1 ? '1er' : String(dayOfMonth));
  }
  close();
  return groups.join(' ; ');
}

/** 'lundi' for 1 ... 'dimanche' for 7. */
export function weekdayNameFr(isoWeekdayNumber: number): string {
  const name = WEEKDAYS_FR[isoWeekdayNumber];
  if (!name) throw new Error(`Not an ISO weekday: ${isoWeekdayNumber}`);
  return name;
}

/**
 * 'mercredi 2 décembre 2026'. Written out rather than left to Intl so the text never depends on the ICU data
 * shipped with the runtime, and so the first of the month reads '1er' as French typography wants.
 */
export const formatDayFr: (day: string) => string = memoizeByString(dayFr);

function dayFr(day: string): string {
  const date = new Date(dayToUtcMs(day));
  const dayOfMonth = date.getUTCDate();
  return `${weekdayNameFr(isoWeekday(day))} ${dayOfMonth === 1 ? '1er' : dayOfMonth} ${MONTHS_FR[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** '07/12/2026', the short form of the office's lists and audit labels. */
export function formatDayShortFr(day: string): string {
  dayToUtcMs(day);
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/**
 * An ISO day as '07/12/2026' for lists, tables and forms; empty for no day. Text that does not start with an ISO day is
 * shown as it is rather than hidden (an instant 'YYYY-MM-DDT…' shows its day).
 */
export function shortDayFr(day: string | null | undefined): string {
  if (!day) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : day;
}

/**
 * A day typed the French way, '31/12/2027' (also '1/2/2027', '31.12.2027', '31-12-2027', '31 12 2027'), or already ISO,
 * rewritten as 'YYYY-MM-DD' without checking that the day exists; null when the text does not have that shape.
 */
export function dayShapeFr(text: string): string | null {
  const trimmed = text.trim();
  const french = /^(\d{1,2})[/.\s-](\d{1,2})[/.\s-](\d{4})$/.exec(trimmed);
  if (french) return `${french[3]}-${french[2]!.padStart(2, '0')}-${french[1]!.padStart(2, '0')}`;
  return /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? trimmed : null;
}

/** A day typed the French way (see dayShapeFr) as an ISO day; null when it is not a real calendar day (31/02, 2027-13-01 …). */
export function parseDayFr(text: string): string | null {
  const iso = dayShapeFr(text);
  return iso !== null && isIsoDay(iso) ? iso : null;
}

/**
 * What a date field holds for the text typed in it: the ISO day, '' when left blank, or else the text itself (trimmed),
 * so that a typo such as 31/02/2026 is refused by the form's check with its message next to the field. Never '' for a
 * typo: an unreadable date must not become "no date" and erase the saved one.
 */
export function typedDay(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return parseDayFr(trimmed) ?? trimmed;
}

function asInstant(instant: Date | string): Date | null {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return Number.isNaN(date.getTime()) ? null : date;
}

/** '28/11/2026 à 15h04', the office's time; an unreadable instant is shown as given. */
export function formatInstantFr(instant: Date | string): string {
  const date = asInstant(instant);
  return date ? `${shortDayFr(parisDay(date))} à ${parisTimeFr(date)}` : String(instant);
}

/** 'mercredi 2 décembre 2026 à 12h00', the office's time; an unreadable instant is shown as given. */
export function formatInstantLongFr(instant: Date | string): string {
  const date = asInstant(instant);
  return date ? `${formatDayFr(parisDay(date))} à ${parisTimeFr(date)}` : String(instant);
}
