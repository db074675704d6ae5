import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CalendarData, CalendarPeriod, ServiceDays } from '../../src/shared/calendar/opening.js';
import { openingOn } from '../../src/shared/calendar/opening.js';

/** The zone A calendar exactly as the planning migration seeds it, so these tests check the shipped data too. */
function seededCalendar(): CalendarData {
  const sql = fs.readFileSync(path.resolve(__dirname, '../../migrations/office/0002_planning.sql'), 'utf8');
  const unquote = (text: string) => text.replace(/''/g, "'");
  const schoolYears = [...sql.matchAll(/\('(\d{4}-\d{4})', '(\d{4}-\d{2}-\d{2})', '(\d{4}-\d{2}-\d{2})'\)/g)].map((m) => ({
    startDate: m[2]!,
    endDate: m[3]!,
  }));
  const periods: CalendarPeriod[] = [
    ...sql.matchAll(/\('(holidays|bridge|closure)', '((?:[^']|'')*)', '(\d{4}-\d{2}-\d{2})', '(\d{4}-\d{2}-\d{2})'\)/g),
  ].map((m) => ({ kind: m[1] as CalendarPeriod['kind'], label: unquote(m[2]!), startDate: m[3]!, endDate: m[4]!, serviceId: null }));
  return { schoolYears, periods };
}

const calendar = seededCalendar();
const cantine: ServiceDays = { id: 1, weekdays: [1, 2, 4, 5], period: 'school' };
const soir: ServiceDays = { id: 3, weekdays: [1, 2, 4, 5], period: 'school' };
const mercredi: ServiceDays = { id: 4, weekdays: [3], period: 'school' };
const vacances: ServiceDays = { id: 7, weekdays: [1, 2, 3, 4, 5], period: 'holidays' };
const schoolServices = [cantine, soir, mercredi];

describe('service opening days', () => {
  it('reads the seeded zone A calendar', () => {
    expect(calendar.schoolYears).toEqual([
      { startDate: '2025-09-01', endDate: '2026-07-03' },
      { startDate: '2026-09-01', endDate: '2027-07-02' },
    ]);
    expect(calendar.periods).toHaveLength(12);
    expect(calendar.periods).toContainEqual(
      expect.objectContaining({ kind: 'bridge', label: "Pont de l'Ascension 2026", startDate: '2026-05-15' }),
    );
  });

  it('opens the canteen on its weekdays in school time and closes it on Wednesdays', () => {
    expect(openingOn(cantine, '2026-12-07', calendar)).toEqual({ open: true });
    expect(openingOn(cantine, '2026-12-09', calendar)).toEqual({ open: false, why: 'Service fermé le mercredi' });
    expect(openingOn(cantine, '2026-12-12', calendar)).toEqual({ open: false, why: 'Service fermé le samedi' });
    expect(openingOn(mercredi, '2026-12-09', calendar)).toEqual({ open: true });
    expect(openingOn(mercredi, '2026-12-07', calendar)).toEqual({ open: false, why: 'Service fermé le lundi' });
  });

  it('closes school services in the Christmas holidays and opens the holiday centre instead', () => {
    expect(openingOn(cantine, '2026-12-18', calendar)).toEqual({ open: true });
    expect(openingOn(cantine, '2026-12-21', calendar)).toEqual({ open: false, why: 'Vacances de Noël 2026' });
    expect(openingOn(cantine, '2027-01-04', calendar)).toEqual({ open: true });
    expect(openingOn(vacances, '2026-12-21', calendar)).toEqual({ open: true });
    expect(openingOn(vacances, '2026-12-25', calendar)).toEqual({ open: false, why: 'Jour férié : Noël' });
    expect(openingOn(vacances, '2026-12-26', calendar)).toEqual({ open: false, why: 'Service fermé le samedi' });
    expect(openingOn(vacances, '2026-12-07', calendar)).toEqual({ open: false, why: 'Hors vacances scolaires' });
  });

  it('closes the Ascension Thursday (public holiday) and Friday (bridge) for every school service', () => {
    for (const service of schoolServices) {
      expect(openingOn(service, '2026-05-14', calendar)).toEqual({ open: false, why: 'Jour férié : Ascension' });
    }
    for (const service of [cantine, soir]) {
      expect(openingOn(service, '2026-05-15', calendar)).toEqual({ open: false, why: "Pont de l'Ascension 2026" });
    }
    expect(openingOn(cantine, '2026-05-12', calendar)).toEqual({ open: true });
    expect(openingOn(cantine, '2026-05-18', calendar)).toEqual({ open: true });
    // Bridge days are no school holidays: the holiday centre stays closed too.
    expect(openingOn(vacances, '2026-05-15', calendar).open).toBe(false);
    expect(openingOn(cantine, '2027-05-07', calendar)).toEqual({ open: false, why: "Pont de l'Ascension 2027" });
  });

  it('closes on public holidays before any other rule, New Year included', () => {
    expect(openingOn(cantine, '2026-11-11', calendar)).toEqual({ open: false, why: 'Jour férié : Armistice 1918' });
    expect(openingOn(mercredi, '2026-11-11', calendar)).toEqual({ open: false, why: 'Jour férié : Armistice 1918' });
    expect(openingOn(cantine, '2027-01-01', calendar)).toEqual({ open: false, why: "Jour férié : Jour de l'an" });
    expect(openingOn(vacances, '2027-01-01', calendar)).toEqual({ open: false, why: "Jour férié : Jour de l'an" });
    expect(openingOn(cantine, '2026-04-06', calendar)).toEqual({ open: false, why: 'Jour férié : Lundi de Pâques' });
    expect(openingOn(cantine, '2026-05-25', calendar)).toEqual({ open: false, why: 'Jour férié : Lundi de Pentecôte' });
  });

  it('respects the school year bounds', () => {
    expect(openingOn(cantine, '2026-09-01', calendar)).toEqual({ open: true });
    expect(openingOn(cantine, '2026-08-31', calendar).open).toBe(false);
    expect(openingOn(cantine, '2026-07-03', calendar)).toEqual({ open: true });
    expect(openingOn(cantine, '2026-07-06', calendar)).toEqual({ open: false, why: "Vacances d'été 2026" });
    expect(openingOn(vacances, '2026-08-31', calendar)).toEqual({ open: true });
    expect(openingOn(vacances, '2026-09-01', calendar)).toEqual({ open: false, why: 'Hors vacances scolaires' });
    expect(openingOn(cantine, '2030-01-07', calendar)).toEqual({ open: false, why: 'Hors année scolaire' });
  });

  it('opens the holiday centre in a summer the office left without a holidays period', () => {
    const bare: CalendarData = { schoolYears: calendar.schoolYears, periods: [] };
    expect(openingOn(vacances, '2026-07-20', bare)).toEqual({ open: true });
    expect(openingOn(cantine, '2026-07-20', bare)).toEqual({ open: false, why: 'Hors année scolaire' });
    expect(openingOn(vacances, '2026-06-15', bare)).toEqual({ open: false, why: 'Hors vacances scolaires' });
  });

  it('applies exceptional closures to the service they name, or to every service', () => {
    const withClosures: CalendarData = {
      ...calendar,
      periods: [
        ...calendar.periods,
        { kind: 'closure', label: 'Fermeture exceptionnelle : travaux de la cuisine', startDate: '2026-12-07', endDate: '2026-12-08', serviceId: 1 },
        { kind: 'closure', label: 'Fermeture : inventaire', startDate: '2026-12-22', endDate: '2026-12-22', serviceId: null },
        { kind: 'closure', label: 'Fermeture : Noël (jour férié)', startDate: '2026-12-25', endDate: '2026-12-25', serviceId: null },
      ],
    };
    expect(openingOn(cantine, '2026-12-07', withClosures)).toEqual({ open: false, why: 'Fermeture exceptionnelle : travaux de la cuisine' });
    expect(openingOn(cantine, '2026-12-08', withClosures).open).toBe(false);
    expect(openingOn(soir, '2026-12-07', withClosures)).toEqual({ open: true });
    expect(openingOn(vacances, '2026-12-22', withClosures)).toEqual({ open: false, why: 'Fermeture : inventaire' });
    expect(openingOn(vacances, '2026-12-23', withClosures)).toEqual({ open: true });
    expect(openingOn(vacances, '2026-12-25', withClosures)).toEqual({ open: false, why: 'Jour férié : Noël' });
    // A closure outranks the holidays as the reason given.
    expect(openingOn(cantine, '2026-12-22', withClosures)).toEqual({ open: false, why: 'Fermeture : inventaire' });
  });
});
