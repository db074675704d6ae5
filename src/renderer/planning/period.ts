import { addDays, daysInMonth, isoWeekday, mondayOf } from '../../shared/calendar/days.js';
import { monthNameFr } from '../../shared/calendar/format.js';

export type PlanningView = 'week' | 'month';

const SHORT_WEEKDAYS = ['', 'lu', 'ma', 'me', 'je', 've', 'sa', 'di'];

/** The first and last day shown for a view around `anchor`. */
export function periodOf(view: PlanningView, anchor: string): { from: string; to: string } {
  if (view === 'week') {
    const monday = mondayOf(anchor);
    return { from: monday, to: addDays(monday, 6) };
  }
  const [year, month] = [Number(anchor.slice(0, 4)), Number(anchor.slice(5, 7))];
  const first = `${anchor.slice(0, 7)}-01`;
  return { from: first, to: `${anchor.slice(0, 7)}-${String(daysInMonth(year, month)).padStart(2, '0')}` };
}

/** The anchor one view later (step 1) or earlier (step -1). */
export function shiftAnchor(view: PlanningView, anchor: string, step: 1 | -1): string {
  if (view === 'week') return addDays(mondayOf(anchor), 7 * step);
  let [year, month] = [Number(anchor.slice(0, 4)), Number(anchor.slice(5, 7)) + step];
  if (month === 0) [year, month] = [year - 1, 12];
  if (month === 13) [year, month] = [year + 1, 1];
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

/** 'Décembre 2026' or 'Semaine du 7 au 13 décembre 2026'. */
export function periodTitle(view: PlanningView, anchor: string): string {
  const { from, to } = periodOf(view, anchor);
  const monthName = monthNameFr;
  if (view === 'month') {
    const name = monthName(from);
    return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${from.slice(0, 4)}`;
  }
  const start = Number(from.slice(8, 10));
  const end = Number(to.slice(8, 10));
  const sameMonth = from.slice(0, 7) === to.slice(0, 7);
  return sameMonth
    ? `Semaine du ${start} au ${end} ${monthName(to)} ${to.slice(0, 4)}`
    : `Semaine du ${start} ${monthName(from)} au ${end} ${monthName(to)} ${to.slice(0, 4)}`;
}

/** 'lu 07' for a column header: month columns are narrow; the header's tooltip gives the full date. */
export function columnTitle(day: string): string {
  return `${SHORT_WEEKDAYS[isoWeekday(day)]} ${day.slice(8, 10)}`;
}
