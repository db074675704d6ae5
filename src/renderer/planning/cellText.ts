import { CELL_STATES, type CellState, type PlanningCell } from '../../shared/planning/cells.js';
import { ABSENCE_REASONS } from '../../shared/planning/reasons.js';
import { describeDeadline } from '../../shared/planning/deadlines.js';
import { formatDayFr } from '../../shared/calendar/format.js';

/** The CSS class that colours a state; the three pending states share one colour, as they share 🚧. */
export function stateClass(state: CellState): string {
  return `cell-${state.replace(/_/g, '-')}`;
}

/** Everything a cell says, as one French sentence list: the tooltip and the screen-reader text. */
export function describeCell(cell: PlanningCell): string {
  const parts: string[] = [CELL_STATES[cell.state].label];
  if (cell.absenceReason) parts.push(`Motif : ${ABSENCE_REASONS[cell.absenceReason]}`);
  if (cell.refusalReason) parts.push(`Refus : ${cell.refusalReason}`);
  if (cell.closedWhy) parts.push(cell.closedWhy);
  if (cell.changeableUntil) parts.push(`Modifiable jusqu’au ${describeDeadline(cell.changeableUntil)}`);
  return parts.join(' · ');
}

export function cellTooltip(serviceName: string, cell: PlanningCell): string {
  return `${serviceName}, ${formatDayFr(cell.day)} : ${describeCell(cell)}`;
}

/** Legend entries in the order staff read them: the usual states first, the pending ones, then attendance. */
export const LEGEND_ORDER: CellState[] = [
  'open',
  'booked',
  'closed',
  'booking_requested',
  'cancel_requested',
  'absence_requested',
  'cancelled',
  'absent',
  'refused',
  'present',
  'absent_unnoticed',
];
