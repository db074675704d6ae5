import { isoWeekday } from './days.js';
import { weekdayNameFr } from './format.js';
import { publicHolidayOn } from './holidays.js';

export interface CalendarPeriod {
  kind: 'holidays' | 'bridge' | 'closure';
  label: string;
  startDate: string;
  endDate: string;
  /** The only service a closure closes; null = every service. Ignored for holidays and bridges. */
  serviceId: number | null;
}

export interface CalendarData {
  schoolYears: { startDate: string; endDate: string }[];
  periods: CalendarPeriod[];
}

export interface ServiceDays {
  id: number;
  /** ISO weekdays (1 = Monday) the service runs. */
  weekdays: number[];
  /** 'school': school days only (canteen, before/after school, Wednesdays); 'holidays': holiday centres. */
  period: 'school' | 'holidays';
}

export type Opening = { open: true } | { open: false; why: string };

// ISO days compare as strings, so no parsing in the hot path of a month grid.
const covers = (range: { startDate: string; endDate: string }, day: string): boolean =>
  range.startDate <= day && day <= range.endDate;

function periodOn(calendar: CalendarData, kind: CalendarPeriod['kind'], day: string): CalendarPeriod | undefined {
  return calendar.periods.find((period) => period.kind === kind && covers(period, day));
}

/**
 * The summer: after the end of one school year and before the start of the next. The summer holidays period
 * normally covers it, but a holiday centre must not close because the office left a gap between the two.
 */
function inSummerGap(calendar: CalendarData, day: string): boolean {
  const endedBefore = calendar.schoolYears.some((year) => year.endDate < day);
  const startsAfter = calendar.schoolYears.some((year) => year.startDate > day);
  return endedBefore && startsAfter && !calendar.schoolYears.some((year) => covers(year, day));
}

const weekdayClosed = (weekday: number): Opening => ({ open: false, why: `Service fermé le ${weekdayNameFr(weekday)}` });

/**
 * Whether a service runs on a day, and if not, the French reason shown in the planning. When several rules close
 * a day, the reason given is the first of: public holiday, closure, bridge, school holidays, weekday, outside
 * the school year, so that a family reads the most specific explanation.
 */
export function openingOn(service: ServiceDays, day: string, calendar: CalendarData): Opening {
  const holiday = publicHolidayOn(day);
  if (holiday) return { open: false, why: `Jour férié : ${holiday}` };

  const closure = calendar.periods.find(
    (period) => period.kind === 'closure' && (period.serviceId === null || period.serviceId === service.id) && covers(period, day),
  );
  if (closure) return { open: false, why: closure.label };

  const weekday = isoWeekday(day);
  const runsThatWeekday = service.weekdays.includes(weekday);

  if (service.period === 'school') {
    const bridge = periodOn(calendar, 'bridge', day);
    if (bridge) return { open: false, why: bridge.label };
    const holidays = periodOn(calendar, 'holidays', day);
    if (holidays) return { open: false, why: holidays.label };
    if (!runsThatWeekday) return weekdayClosed(weekday);
    if (!calendar.schoolYears.some((year) => covers(year, day))) return { open: false, why: 'Hors année scolaire' };
    return { open: true };
  }

  // A holiday centre runs only while school is off: school holidays, and the summer between two school years.
  if (!runsThatWeekday) return weekdayClosed(weekday);
  if (periodOn(calendar, 'holidays', day) || inSummerGap(calendar, day)) return { open: true };
  return { open: false, why: 'Hors vacances scolaires' };
}
