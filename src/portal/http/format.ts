import { formatDayFr, formatDayShortFr } from '../../shared/calendar/format.js';

/** '12,50 €' (integer cents in, French decimal comma, non-breaking space before the euro sign). */
export function euros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}\u00a0€`;
}

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
