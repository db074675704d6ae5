import { formatDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';

const parisTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });

/** "lundi 28 décembre 2026 à 15h13", in Paris time whatever the computer's zone. */
export function expiryFr(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${formatDayFr(parisDay(date))} à ${parisTime.format(date).replace(':', 'h')}`;
}
