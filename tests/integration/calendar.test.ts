import { afterEach, describe, expect, it } from 'vitest';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

describe('calendar', () => {
  it('gives the school years, zone A periods and public holidays of a range', async () => {
    office = await makeTestOffice();
    const view = await office.value('calendar.get', { from: '2026-06-01', to: '2027-07-31' });
    expect(view.schoolYears.map((y) => y.label)).toEqual(['2025-2026', '2026-2027']);
    expect(view.periods.map((p) => p.label)).toContain('Vacances de Noël 2026');
    expect(view.periods.map((p) => p.label)).toContain("Pont de l'Ascension 2027");
    expect(view.publicHolidays).toContainEqual({ day: '2026-11-11', label: 'Armistice 1918' });
    expect(view.publicHolidays).toContainEqual({ day: '2027-05-06', label: 'Ascension' });
    expect(view.publicHolidays.every((h) => h.day >= '2026-06-01' && h.day <= '2027-07-31')).toBe(true);
  });

  it('adds a closure that closes the planning, edits and removes it, audited', async () => {
    office = await makeTestOffice();
    const cantine = (await office.db.selectFrom('services').select('id').where('code', '=', 'cantine').executeTakeFirstOrThrow()).id;
    const closure = await office.value('calendar.savePeriod', {
      id: null,
      kind: 'closure',
      label: 'Cuisine en travaux',
      startDate: '2027-01-11',
      endDate: '2027-01-12',
      serviceId: cantine,
    });
    const day = await office.value('planning.day', { serviceId: cantine, day: '2027-01-11' });
    expect(day).toMatchObject({ open: false, closedWhy: 'Cuisine en travaux' });
    const soir = (await office.db.selectFrom('services').select('id').where('code', '=', 'soir').executeTakeFirstOrThrow()).id;
    expect((await office.value('planning.day', { serviceId: soir, day: '2027-01-11' })).open).toBe(true);

    const moved = await office.value('calendar.savePeriod', { ...closure, endDate: '2027-01-15' });
    expect(moved.endDate).toBe('2027-01-15');
    await office.value('calendar.removePeriod', { id: closure.id });
    expect((await office.value('planning.day', { serviceId: cantine, day: '2027-01-11' })).open).toBe(true);
    const audit = office.sqlite.prepare("SELECT action FROM audit_log WHERE entity = 'calendar' GROUP BY action ORDER BY MIN(id)").pluck().all();
    expect(audit).toEqual(['create', 'update', 'delete']);
  });

  it('refuses an end before the start, an overlapping school year, and non-admins', async () => {
    office = await makeTestOffice();
    const backwards = await office.call('calendar.savePeriod', { id: null, kind: 'closure', label: 'X', startDate: '2027-01-12', endDate: '2027-01-11', serviceId: null });
    expect(backwards.ok ? null : backwards.error.fields).toEqual({ endDate: 'La date de fin doit suivre la date de début.' });
    const overlap = await office.call('calendar.saveSchoolYear', { id: null, label: '2027-2028', startDate: '2027-06-01', endDate: '2028-07-01' });
    expect(overlap.ok ? null : overlap.error.fields).toEqual({ startDate: "Chevauche l'année scolaire 2026-2027." });
    const year = await office.value('calendar.saveSchoolYear', { id: null, label: '2027-2028', startDate: '2027-09-01', endDate: '2028-07-01' });
    expect(year.id).toBeGreaterThan(0);
    const agent = await office.as('agent');
    const refused = await agent.call('calendar.removePeriod', { id: 1 });
    expect(refused.ok ? null : refused.error.code).toBe('forbidden');
  });
});
