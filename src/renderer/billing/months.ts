import { monthLabelFr, ofMonthFr as sharedOfMonthFr } from '../../shared/calendar/format.js';

/** Months of the invoice run, 'YYYY-MM', as the office writes them (« novembre 2026 »). */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** 'YYYY-MM' → « novembre 2026 » (the shared label, as invoices print it); anything else is shown as it is rather than hidden. */
export function formatMonthFr(month: string): string {
  return MONTH.test(month) ? monthLabelFr(month) : month;
}

/** The month `delta` months after `month` (negative: before). */
export function addMonths(month: string, delta: number): string {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`Not a month YYYY-MM: ${month}`);
  const index = Number(match[1]) * 12 + Number(match[2]) - 1 + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The month billed by default: the last one ended on `today` (ISO day), i.e. the month before today's. */
export function lastEndedMonth(today: string): string {
  return addMonths(today.slice(0, 7), -1);
}

/**
 * The months offered by the picker, newest first: from the current month back two school years, plus every month that
 * already has a run (an old run stays reachable) and the month shown, whatever it is.
 */
export function pickerMonths(today: string, runMonths: readonly string[], shown: string): string[] {
  const months = new Set<string>();
  const current = today.slice(0, 7);
  for (let delta = 0; delta < 24; delta += 1) months.add(addMonths(current, -delta));
  for (const month of runMonths) if (MONTH.test(month)) months.add(month);
  if (MONTH.test(shown)) months.add(shown);
  return [...months].sort().reverse();
}

/** « de novembre 2026 », « d’octobre 2026 » (the shared rule); anything but a month is shown as it is. */
export function ofMonthFr(month: string): string {
  return MONTH.test(month) ? sharedOfMonthFr(month) : `de ${month}`;
}
