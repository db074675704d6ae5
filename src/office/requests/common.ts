import type { Transaction } from 'kysely';
import type { RequestKind } from '../../shared/api/contract.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import type { ChangeKind } from '../../shared/planning/rules.js';
import { invalid, type ApiFailure } from '../api/handler.js';
import type { OfficeDatabase } from '../db/schema.js';

export type Trx = Transaction<OfficeDatabase>;

/** Kinds of request that change the planning, with the deadline rule that governs each. */
export const PLANNING_KINDS = { book: 'booking', cancel: 'cancel', absence: 'absence' } as const satisfies Partial<Record<RequestKind, ChangeKind>>;
export type PlanningKind = keyof typeof PLANNING_KINDS;

export function isPlanningKind(kind: RequestKind): kind is PlanningKind {
  return kind in PLANNING_KINDS;
}

/** A refusal of the whole request: one French sentence, shown as is. */
export function refused(message: string, field = 'items'): ApiFailure {
  return invalid({ [field]: message }, message);
}

export const dayFr = formatDayFr;

/** SQLite caps bound parameters per statement: long id lists go in slices. */
export function chunks<T>(values: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < values.length; start += size) out.push(values.slice(start, start + size));
  return out;
}

export const cellKey = (childId: number, serviceId: number, day: string): string => `${childId}:${serviceId}:${day}`;
