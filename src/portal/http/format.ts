import { formatDayFr, formatDayShortFr } from '../../shared/calendar/format.js';

/** '1 234,50 €' on the portal's pages: the one money format of src/shared/money.ts. */
export { formatEuros as euros } from '../../shared/money.js';

export function shortDay(day: string | null): string {
  if (!day) return '';
  try {
    return formatDayShortFr(day);
  } catch {
    return day;
  }
}

export function longDay(day: string): string {
  try {
    return formatDayFr(day);
  } catch {
    return day;
  }
}

/** An instant shown in Paris time: '28/11/2026 à 15h04'. */
export function instantFr(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false,
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} à ${get('hour')}h${get('minute')}`;
}
