import type { ReminderHold } from './accounts.js';

/** The « Comptes » grid of the régie (office method 'accounts.grid'): one row per family's account. */

export const ACCOUNT_GRID_FILTERS = {
  all: 'Toutes les familles',
  due: 'Solde à payer',
  overdue: 'En retard de paiement',
  credit: 'En crédit',
} as const;
export type AccountGridFilter = keyof typeof ACCOUNT_GRID_FILTERS;
export const ACCOUNT_GRID_FILTER_CODES = Object.keys(ACCOUNT_GRID_FILTERS) as [AccountGridFilter, ...AccountGridFilter[]];

export interface AccountGridRow {
  familyId: number;
  familyName: string;
  archived: boolean;
  /** What the family owes (positive) or is owed (negative). */
  balanceCents: number;
  dueCents: number;
  overdueCents: number;
  creditCents: number;
  /** The due date of the oldest invoice still open, when there is one. */
  oldestUnpaidDue: string | null;
  /** The last payment not cancelled: its day and amount. */
  lastPaymentDay: string | null;
  lastPaymentCents: number | null;
  hold: ReminderHold | null;
}

/** Whether a row is kept by a filter of the grid (one rule for the office and the tests). */
export function keptByFilter(row: Pick<AccountGridRow, 'balanceCents' | 'overdueCents' | 'creditCents'>, filter: AccountGridFilter): boolean {
  if (filter === 'due') return row.balanceCents > 0;
  if (filter === 'overdue') return row.overdueCents > 0;
  if (filter === 'credit') return row.creditCents > 0;
  return true;
}
