import type { Insertable, Transaction } from 'kysely';
import type { ServiceConfig } from '../../shared/api/contract.js';
import { addDays, dayRange, isoWeekday } from '../../shared/calendar/days.js';
import { openingOn, type CalendarData } from '../../shared/calendar/opening.js';
import type { OfficeDatabase, PlanningDayTable } from '../db/schema.js';

/** The days an inscription books: open days of the service, in the range, on the chosen weekdays. */
export function inscriptionDays(
  service: Pick<ServiceConfig, 'id' | 'weekdays' | 'period'>,
  calendar: CalendarData,
  from: string,
  to: string,
  weekdays: readonly number[],
): string[] {
  if (from > to) return [];
  return dayRange(from, to).filter((day) => weekdays.includes(isoWeekday(day)) && openingOn(service, day, calendar).open);
}

/**
 * A school year and the summer after it: the span one inscription may cover. An accueil de loisirs in July belongs
 * to the year that just ended, as the families' registration files do.
 */
export function schoolYearSpans(calendar: CalendarData): { startDate: string; endDate: string }[] {
  const years = [...calendar.schoolYears].sort((a, b) => a.startDate.localeCompare(b.startDate));
  return years.map((year, index) => {
    const next = years[index + 1];
    const summerEnd = `${year.endDate.slice(0, 4)}-08-31`;
    return { startDate: year.startDate, endDate: next ? addDays(next.startDate, -1) : summerEnd > year.endDate ? summerEnd : year.endDate };
  });
}

/** Inserts planning rows in chunks (SQLite's bound-parameter limit); a day already in the planning is left as it is. */
export async function insertPlanningRows(trx: Transaction<OfficeDatabase>, rows: Insertable<PlanningDayTable>[]): Promise<void> {
  const size = 2000;
  for (let start = 0; start < rows.length; start += size) {
    await trx
      .insertInto('planning_days')
      .values(rows.slice(start, start + size))
      .onConflict((oc) => oc.columns(['child_id', 'service_id', 'day']).doNothing())
      .execute();
  }
}
