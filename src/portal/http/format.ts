import { formatDayFr, formatInstantFr, shortDayFr } from '../../shared/calendar/format.js';

/** '1 234,50 €' on the portal's pages: the one money format of src/shared/money.ts. */
export { formatEuros as euros } from '../../shared/money.js';

export const shortDay = shortDayFr;

export function longDay(day: string): string {
  try {
    return formatDayFr(day);
  } catch {
    return day;
  }
}

/** An instant shown in Paris time: '28/11/2026 à 15h04'. */
export const instantFr = formatInstantFr;
