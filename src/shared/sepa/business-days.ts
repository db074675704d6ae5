import { addDays, isWeekend } from '../calendar/days.js';
import { easterSunday } from '../calendar/holidays.js';

/**
 * The banks' business days for SEPA collections (TARGET2 calendar): every weekday except 1 January, Good Friday,
 * Easter Monday, 1 May, 25 and 26 December. French public holidays that are not TARGET2 closing days (14 July …) are
 * business days for the interbank settlement.
 */
export function isBankBusinessDay(day: string): boolean {
  if (isWeekend(day)) return false;
  const monthDay = day.slice(5);
  if (monthDay === '01-01' || monthDay === '05-01' || monthDay === '12-25' || monthDay === '12-26') return false;
  const easter = easterSunday(Number(day.slice(0, 4)));
  return day !== addDays(easter, -2) && day !== addDays(easter, 1);
}

/** The first bank business day on or after `day`. */
export function nextBankBusinessDay(day: string): string {
  let current = day;
  while (!isBankBusinessDay(current)) current = addDays(current, 1);
  return current;
}

/** `day` moved forward by `count` bank business days (count ≥ 0). */
export function addBankBusinessDays(day: string, count: number): string {
  let current = day;
  for (let left = count; left > 0; ) {
    current = addDays(current, 1);
    if (isBankBusinessDay(current)) left -= 1;
  }
  return current;
}
