import { dayToUtcMs, isoWeekday } from './days.js';

/** Index 1 = lundi, like isoWeekday. */
export const WEEKDAYS_FR = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;

const MONTHS_FR = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin',
  'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
] as const;

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
export function formatDayFr(day: string): string {
  const date = new Date(dayToUtcMs(day));
  const dayOfMonth = date.getUTCDate();
  return `${weekdayNameFr(isoWeekday(day))} ${dayOfMonth === 1 ? '1er' : dayOfMonth} ${MONTHS_FR[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** '07/12/2026', the short form of the office's lists and audit labels. */
export function formatDayShortFr(day: string): string {
  dayToUtcMs(day);
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}
