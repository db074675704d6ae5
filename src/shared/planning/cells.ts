import type { AbsenceReason } from './reasons.js';

/** Every state a planning cell can show, with its symbol and the legend's words. */
export const CELL_STATES = {
  closed: { symbol: '·', label: 'Fermé' },
  open: { symbol: '', label: 'Ouvert, non réservé' },
  booked: { symbol: '✔', label: 'Réservé' },
  booking_requested: { symbol: '🚧', label: 'Réservation demandée' },
  cancel_requested: { symbol: '🚧', label: 'Annulation demandée' },
  absence_requested: { symbol: '🚧', label: 'Absence déclarée (en attente)' },
  cancelled: { symbol: '✖', label: 'Annulé' },
  absent: { symbol: 'A', label: 'Absent (motif connu)' },
  refused: { symbol: '⛔', label: 'Demande refusée' },
  present: { symbol: 'P', label: 'Présent' },
  absent_unnoticed: { symbol: '!', label: 'Absent sans prévenir' },
} as const;

export type CellState = keyof typeof CELL_STATES;

export interface PlanningCell {
  day: string;
  state: CellState;
  /** Why a closed cell is closed ('Jour férié : Armistice', 'Vacances de Noël 2026'). */
  closedWhy?: string;
  absenceReason?: AbsenceReason;
  /** The pending request item behind a 🚧 cell. */
  pendingItemId?: number;
  refusalReason?: string;
  /** Until when a family may still change this day (ISO instant), for open days. */
  changeableUntil?: string;
}
