import type { RequestKind, RequestView } from '../../shared/api/contract.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import { ABSENCE_REASONS, type AbsenceReason } from '../../shared/planning/reasons.js';

export const REQUEST_KINDS: Record<RequestKind, string> = {
  book: 'Réservation',
  cancel: 'Annulation',
  absence: 'Absence',
  data_change: 'Modification de données',
  photo: 'Photo',
};

export const ITEM_STATUS: Record<RequestView['items'][number]['status'], { symbol: string; label: string }> = {
  pending: { symbol: '🚧', label: 'En attente' },
  accepted: { symbol: '✔', label: 'Acceptée' },
  refused: { symbol: '⛔', label: 'Refusée' },
};

export function reasonLabel(reason: AbsenceReason | null): string {
  return reason ? ABSENCE_REASONS[reason] : '';
}

/** 'lundi 11 janvier 2027', or '' for items without a day (data changes, photos). */
export function longDay(day: string | null): string {
  return day ? formatDayFr(day) : '';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count > 1 ? 's' : ''}`;
}

/** '2 acceptées, 1 refusée' */
export function outcomeText(accepted: number, refused: number): string {
  const parts: string[] = [];
  if (accepted > 0) parts.push(plural(accepted, 'acceptée'));
  if (refused > 0) parts.push(plural(refused, 'refusée'));
  return parts.length > 0 ? parts.join(', ') : 'Aucune demande traitée';
}
