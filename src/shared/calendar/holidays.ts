import { addDays } from './days.js';

/** Easter Sunday of a Gregorian year, by the anonymous (Meeus/Jones/Butcher) algorithm. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface PublicHoliday {
  day: string;
  label: string;
}

// The planning grid and the queue ask for many days of the same few years: compute each year once.
const byYear = new Map<number, PublicHoliday[]>();
const labelByDay = new Map<string, string>();

/** The eleven French public holidays of a year (DOMAIN.md), in calendar order. */
export function publicHolidays(year: number): PublicHoliday[] {
  const cached = byYear.get(year);
  if (cached) return cached.map((holiday) => ({ ...holiday }));
  const y = String(year).padStart(4, '0');
  const easter = easterSunday(year);
  const holidays: PublicHoliday[] = [
    { day: `${y}-01-01`, label: "Jour de l'an" },
    { day: addDays(easter, 1), label: 'Lundi de Pâques' },
    { day: `${y}-05-01`, label: 'Fête du Travail' },
    { day: `${y}-05-08`, label: 'Victoire 1945' },
    { day: addDays(easter, 39), label: 'Ascension' },
    { day: addDays(easter, 50), label: 'Lundi de Pentecôte' },
    { day: `${y}-07-14`, label: 'Fête nationale' },
    { day: `${y}-08-15`, label: 'Assomption' },
    { day: `${y}-11-01`, label: 'Toussaint' },
    { day: `${y}-11-11`, label: 'Armistice 1918' },
    { day: `${y}-12-25`, label: 'Noël' },
  ].sort((left, right) => left.day.localeCompare(right.day));
  byYear.set(year, holidays);
  // Ascension can fall on 1 May (2008) or 8 May: the day then carries both names.
  for (const holiday of holidays) {
    const other = labelByDay.get(holiday.day);
    labelByDay.set(holiday.day, other ? `${other} et ${holiday.label}` : holiday.label);
  }
  return holidays.map((holiday) => ({ ...holiday }));
}

/** The French label of the public holiday on `day`, or null on an ordinary day. */
export function publicHolidayOn(day: string): string | null {
  const year = Number(day.slice(0, 4));
  if (!byYear.has(year)) publicHolidays(year);
  return labelByDay.get(day) ?? null;
}
