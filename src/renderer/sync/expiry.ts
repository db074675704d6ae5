import { formatInstantLongFr } from '../../shared/calendar/format.js';

/** "lundi 28 décembre 2026 à 15h13", in Paris time whatever the computer's zone. */
export function expiryFr(iso: string): string {
  return formatInstantLongFr(iso);
}
