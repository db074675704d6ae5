import { describe, expect, it } from 'vitest';
import { addDays, dayRange, daysBetween, daysInMonth, isIsoDay, isoWeekday, mondayOf, utcMsToDay } from '../../src/shared/calendar/days.js';
import { formatDayFr, formatDayShortFr } from '../../src/shared/calendar/format.js';
import { easterSunday, publicHolidayOn, publicHolidays } from '../../src/shared/calendar/holidays.js';

describe('calendar days', () => {
  it('adds days across months, years, leap days and both daylight-saving weekends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-04', -5)).toBe('2026-12-30');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-12-07', 0)).toBe('2026-12-07');
  });

  it('numbers weekdays from Monday = 1 to Sunday = 7', () => {
    expect(isoWeekday('2026-12-07')).toBe(1);
    expect(isoWeekday('2026-12-09')).toBe(3);
    expect(isoWeekday('2026-03-29')).toBe(7);
    expect(isoWeekday('2027-01-02')).toBe(6);
    expect(mondayOf('2026-03-29')).toBe('2026-03-23');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
  });

  it('lists inclusive ranges, empty when reversed', () => {
    expect(dayRange('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(dayRange('2026-12-07', '2026-12-07')).toEqual(['2026-12-07']);
    expect(dayRange('2026-12-08', '2026-12-07')).toEqual([]);
    expect(dayRange('2026-03-01', '2026-03-31')).toHaveLength(31);
    expect(daysBetween('2026-09-01', '2027-07-02')).toBe(304);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2026, 12)).toBe(31);
  });

  it('writes every day as toISOString does, four-digit years by hand and the others as before', () => {
    const DAY_MS = 86_400_000;
    for (let n = -800_000; n < 3_000_000; n += 997) {
      const ms = n * DAY_MS + (n % 24) * 3_600_000;
      expect(utcMsToDay(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
    expect(utcMsToDay(Date.UTC(999, 11, 31))).toBe('0999-12-31');
    expect(utcMsToDay(Date.UTC(1000, 0, 1))).toBe('1000-01-01');
    expect(utcMsToDay(Date.UTC(9999, 11, 31, 23))).toBe('9999-12-31');
    expect(utcMsToDay(Date.UTC(10000, 0, 1))).toBe('+010000-01');
    expect(() => utcMsToDay(Number.NaN)).toThrow(RangeError);
  });

  it('gives the same weekday when asked again, and still refuses a bad day after good ones', () => {
    for (const day of dayRange('2026-01-01', '2027-12-31')) {
      const weekday = isoWeekday(day);
      expect(isoWeekday(day)).toBe(weekday);
      expect(weekday).toBe(((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1);
    }
    expect(() => isoWeekday('2026-02-30')).toThrow();
    expect(() => isoWeekday('2026-02-30')).toThrow();
  });

  it('refuses what is not a calendar day', () => {
    expect(isIsoDay('2026-02-29')).toBe(false);
    expect(isIsoDay('2026-13-01')).toBe(false);
    expect(isIsoDay('7/12/2026')).toBe(false);
    expect(isIsoDay('2028-02-29')).toBe(true);
    expect(() => addDays('2026-02-30', 1)).toThrow();
  });

  it('writes days in French', () => {
    expect(formatDayFr('2026-12-02')).toBe('mercredi 2 décembre 2026');
    expect(formatDayFr('2027-01-01')).toBe('vendredi 1er janvier 2027');
    expect(formatDayFr('2026-08-15')).toBe('samedi 15 août 2026');
    expect(formatDayFr('2026-03-29')).toBe('dimanche 29 mars 2026');
    expect(formatDayShortFr('2026-12-07')).toBe('07/12/2026');
  });
});

describe('French public holidays', () => {
  it('computes Easter Sunday for known years', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(easterSunday(2038)).toBe('2038-04-25');
    expect(easterSunday(2285)).toBe('2285-03-22');
    expect(easterSunday(1943)).toBe('1943-04-25');
  });

  it('lists the eleven holidays of 2026 in order with their French labels', () => {
    expect(publicHolidays(2026)).toEqual([
      { day: '2026-01-01', label: "Jour de l'an" },
      { day: '2026-04-06', label: 'Lundi de Pâques' },
      { day: '2026-05-01', label: 'Fête du Travail' },
      { day: '2026-05-08', label: 'Victoire 1945' },
      { day: '2026-05-14', label: 'Ascension' },
      { day: '2026-05-25', label: 'Lundi de Pentecôte' },
      { day: '2026-07-14', label: 'Fête nationale' },
      { day: '2026-08-15', label: 'Assomption' },
      { day: '2026-11-01', label: 'Toussaint' },
      { day: '2026-11-11', label: 'Armistice 1918' },
      { day: '2026-12-25', label: 'Noël' },
    ]);
  });

  it('keeps the calendar order when Ascension falls before 8 May (2027) or on 1 May (2008)', () => {
    const days2027 = publicHolidays(2027).map((holiday) => holiday.day);
    expect(days2027).toEqual([...days2027].sort());
    expect(days2027).toContain('2027-05-06');
    expect(days2027).toContain('2027-05-17');
    expect(publicHolidayOn('2027-03-29')).toBe('Lundi de Pâques');
    expect(publicHolidayOn('2027-05-06')).toBe('Ascension');
    expect(easterSunday(2008)).toBe('2008-03-23');
    expect(publicHolidays(2008).filter((holiday) => holiday.day === '2008-05-01')).toHaveLength(2);
    expect(publicHolidayOn('2008-05-01')).toBe('Fête du Travail et Ascension');
  });

  it('names the holiday on a day, null on ordinary days', () => {
    expect(publicHolidayOn('2026-11-11')).toBe('Armistice 1918');
    expect(publicHolidayOn('2027-01-01')).toBe("Jour de l'an");
    expect(publicHolidayOn('2026-05-14')).toBe('Ascension');
    expect(publicHolidayOn('2026-05-15')).toBeNull();
    expect(publicHolidayOn('2026-04-05')).toBeNull();
    expect(publicHolidayOn('2026-12-07')).toBeNull();
  });

  it('does not let callers corrupt the cached list', () => {
    const list = publicHolidays(2030);
    list[0]!.label = 'piraté';
    list.pop();
    expect(publicHolidays(2030)).toHaveLength(11);
    expect(publicHolidayOn('2030-01-01')).toBe("Jour de l'an");
  });
});
