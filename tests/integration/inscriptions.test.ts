import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoCommune } from '../../src/office/demo/seed.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

async function serviceId(code: string): Promise<number> {
  return (await office.db.selectFrom('services').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

async function family(children: { prenom: string; classe: 'CP' | 'PS' | 'CM2' }[]) {
  const school = await office.db.insertInto('schools').values({ name: 'École du Parc' }).returning('id').executeTakeFirstOrThrow();
  const created = await office.value('families.create', { data: sampleFamilyInput() });
  const ids: number[] = [];
  for (const child of children) {
    const base = sampleChildInput();
    const file = await office.value('children.create', {
      familyId: created.id,
      data: { ...base, identity: { ...base.identity, prenom: child.prenom, classe: child.classe, schoolId: school.id } },
    });
    ids.push(file.id);
  }
  return { familyId: created.id, childIds: ids, schoolId: school.id };
}

function bookedDays(childId: number, service: number): string[] {
  return office.sqlite
    .prepare("SELECT day FROM planning_days WHERE child_id = ? AND service_id = ? AND state = 'booked' ORDER BY day")
    .pluck()
    .all(childId, service) as string[];
}

/** Independent oracle: weekdays by Date, holidays written out by hand. */
function expectedDays(from: string, to: string, weekdays: number[], closed: (day: string) => boolean): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const weekday = new Date(t).getUTCDay() || 7;
    if (weekdays.includes(weekday) && !closed(day)) days.push(day);
  }
  return days;
}

describe('inscriptions', () => {
  it('books the canteen on Mon/Tue/Thu/Fri open days only: no Wednesday, no 11 November, no Christmas holidays', async () => {
    office = await makeTestOffice({ now: '2026-10-20T08:00:00Z' });
    const { childIds } = await family([{ prenom: 'Lucas', classe: 'CP' }]);
    const cantine = await serviceId('cantine');
    const [inscription] = await office.value('inscriptions.create', {
      childIds,
      serviceId: cantine,
      startDate: '2026-11-02',
      endDate: '2026-12-31',
      weekdays: [1, 2, 4, 5],
    });
    expect(inscription).toMatchObject({ serviceName: 'Restauration scolaire', weekdays: [1, 2, 4, 5], startDate: '2026-11-02' });
    const days = bookedDays(childIds[0] as number, cantine);
    expect(days).toHaveLength(28);
    expect(days).toEqual(expectedDays('2026-11-02', '2026-12-31', [1, 2, 4, 5], (day) => day >= '2026-12-19'));
    expect(days).not.toContain('2026-11-11');
    expect(days.filter((day) => new Date(`${day}T00:00:00Z`).getUTCDay() === 3)).toEqual([]);
    expect(days.at(-1)).toBe('2026-12-18');
    // One audit row for the inscription, not one per day.
    const audit = office.sqlite.prepare("SELECT field, new_value FROM audit_log WHERE entity = 'inscription'").all() as { field: string; new_value: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]?.new_value).toContain('28 jours réservés');
    expect(await office.value('inscriptions.list', { childId: childIds[0] as number })).toEqual([inscription]);
  });

  it('skips the Ascension Thursday and its bridge, and a public holiday on a Wednesday service', async () => {
    office = await makeTestOffice({ now: '2026-10-20T08:00:00Z' });
    const { childIds } = await family([{ prenom: 'Lucas', classe: 'CP' }]);
    const cantine = await serviceId('cantine');
    const mercredi = await serviceId('mercredi_repas');
    await office.value('inscriptions.create', { childIds, serviceId: cantine, startDate: '2027-05-03', endDate: '2027-05-14', weekdays: [1, 2, 4, 5] });
    expect(bookedDays(childIds[0] as number, cantine)).toEqual(['2027-05-03', '2027-05-04', '2027-05-10', '2027-05-11', '2027-05-13', '2027-05-14']);
    await office.value('inscriptions.create', { childIds, serviceId: mercredi, startDate: '2026-11-02', endDate: '2026-11-30', weekdays: [3] });
    expect(bookedDays(childIds[0] as number, mercredi)).toEqual(['2026-11-04', '2026-11-18', '2026-11-25']);
  });

  it('registers siblings at once, one inscription each', async () => {
    office = await makeTestOffice({ now: '2026-10-20T08:00:00Z' });
    const { childIds } = await family([{ prenom: 'Lucas', classe: 'CP' }, { prenom: 'Emma', classe: 'CM2' }]);
    const soir = await serviceId('soir');
    const created = await office.value('inscriptions.create', { childIds, serviceId: soir, startDate: '2026-11-02', endDate: '2026-11-30', weekdays: [1, 4] });
    expect(created.map((i) => i.childId)).toEqual(childIds);
    // Mondays 2, 9, 16, 23, 30 and Thursdays 5, 12, 19, 26 November.
    for (const childId of childIds) expect(bookedDays(childId, soir)).toHaveLength(9);
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM audit_log WHERE entity = 'inscription'").pluck().get()).toBe(2);
  });

  it('refuses a class the service does not serve, a period longer than a school year, an archived child, a weekday the service does not run', async () => {
    office = await makeTestOffice({ now: '2026-10-20T08:00:00Z' });
    const { childIds } = await family([{ prenom: 'Lucas', classe: 'PS' }]);
    const cantine = await serviceId('cantine');
    const services = await office.value('services.list', {});
    const config = services.find((s) => s.id === cantine);
    if (!config) throw new Error('cantine');
    await office.value('services.save', { ...config, levels: ['CP', 'CE1', 'CE2', 'CM1', 'CM2'] });
    const base = { childIds, serviceId: cantine, weekdays: [1, 2, 4, 5] };

    const wrongClass = await office.call('inscriptions.create', { ...base, startDate: '2026-11-02', endDate: '2026-11-30' });
    expect(wrongClass.ok ? null : wrongClass.error.fields?.childIds).toBe("Restauration scolaire n'accueille pas la classe de Lucas Martin (PS).");

    await office.value('services.save', { ...config, levels: [] });
    const tooLong = await office.call('inscriptions.create', { ...base, startDate: '2026-11-02', endDate: '2027-09-30' });
    expect(tooLong.ok ? null : tooLong.error.fields?.endDate).toMatch(/une seule année scolaire/);

    const wednesday = await office.call('inscriptions.create', { ...base, weekdays: [1, 3], startDate: '2026-11-02', endDate: '2026-11-30' });
    expect(wednesday.ok ? null : wednesday.error.fields?.weekdays).toBe("Restauration scolaire n'a pas lieu le mer.");

    await office.value('children.archive', { id: childIds[0] as number, archived: true });
    const archived = await office.call('inscriptions.create', { ...base, startDate: '2026-11-02', endDate: '2026-11-30' });
    expect(archived.ok ? null : archived.error.fields?.childIds).toMatch(/archivé/);

    expect(office.sqlite.prepare('SELECT COUNT(*) FROM planning_days').pluck().get()).toBe(0);
    expect(office.sqlite.prepare('SELECT COUNT(*) FROM inscriptions').pluck().get()).toBe(0);
  });

  it('changes weekdays from a day on: the past, and days with attendance, stay as they were', async () => {
    office = await makeTestOffice({ now: '2026-10-20T08:00:00Z' });
    const { childIds } = await family([{ prenom: 'Lucas', classe: 'CP' }]);
    const childId = childIds[0] as number;
    const cantine = await serviceId('cantine');
    const [inscription] = await office.value('inscriptions.create', { childIds, serviceId: cantine, startDate: '2026-11-02', endDate: '2026-12-18', weekdays: [1, 2, 4, 5] });
    if (!inscription) throw new Error('inscription');
    // Time passes: it is now Monday 23 November, the Friday 27th was already marked present ahead by mistake in SQL.
    office.clock.set('2026-11-23T09:00:00Z');
    office.sqlite.prepare("UPDATE planning_days SET attendance = 'present' WHERE day = '2026-11-27'").run();
    // From 16 November (already past) only Mondays and Tuesdays: only days from today on change.
    const updated = await office.value('inscriptions.update', { id: inscription.id, from: '2026-11-16', endDate: '2026-12-18', weekdays: [1, 2] });
    expect(updated.weekdays).toEqual([1, 2]);
    const days = bookedDays(childId, cantine);
    expect(days.filter((d) => d < '2026-11-23')).toEqual(expectedDays('2026-11-02', '2026-11-22', [1, 2, 4, 5], () => false));
    expect(days.filter((d) => d >= '2026-11-23')).toEqual([
      '2026-11-23', '2026-11-24', '2026-11-27', '2026-11-30', '2026-12-01', '2026-12-07', '2026-12-08', '2026-12-14', '2026-12-15',
    ]);
    // Ending it on 4 December removes the later days.
    const ended = await office.value('inscriptions.update', { id: inscription.id, from: '2026-12-05', endDate: '2026-12-04', weekdays: [1, 2] });
    expect(ended.endedAt).not.toBeNull();
    expect(bookedDays(childId, cantine).filter((d) => d >= '2026-12-05')).toEqual([]);
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM audit_log WHERE entity = 'inscription' AND action = 'update'").pluck().get()).toBe(2);
  });

  it('lets the régie read inscriptions but not create them', async () => {
    office = await makeTestOffice({ now: '2026-10-20T08:00:00Z' });
    const { childIds } = await family([{ prenom: 'Lucas', classe: 'CP' }]);
    const regie = await office.as('regisseur');
    const refused = await regie.call('inscriptions.create', { childIds, serviceId: await serviceId('cantine'), startDate: '2026-11-02', endDate: '2026-11-30', weekdays: [1] });
    expect(refused.ok ? null : refused.error.code).toBe('forbidden');
    const list = await regie.call('inscriptions.list', { childId: childIds[0] as number });
    expect(list.ok).toBe(true);
  });

  it('gives the demo commune realistic, deterministic inscriptions on open days of the current school year', async () => {
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    const started = performance.now();
    const summary = await seedDemoCommune(office.db, { scale: 'default', clock: office.clock, seed: 11 });
    expect(performance.now() - started).toBeLessThan(10_000);
    const share = (code: string) =>
      (office.sqlite.prepare('SELECT COUNT(DISTINCT i.child_id) FROM inscriptions i JOIN services s ON s.id = i.service_id WHERE s.code = ?').pluck().get(code) as number) /
      summary.children;
    // The canteen's 300 places (less the demo's reserve) cap it: about 60 % of the children, not the 75 % asked.
    expect(share('cantine')).toBeGreaterThan(0.55);
    expect(share('cantine')).toBeLessThan(0.85);
    expect(share('soir')).toBeGreaterThan(0.15);
    expect(share('soir')).toBeLessThan(0.35);
    expect(share('matin')).toBeGreaterThan(0.08);
    // Wednesday mornings' 60 places cap them too.
    expect(share('mercredi_matin')).toBeGreaterThan(0.1);
    const days = office.sqlite.prepare('SELECT MIN(day) AS first, MAX(day) AS last FROM planning_days').get();
    expect(days).toEqual({ first: '2026-09-01', last: '2027-07-02' });
    for (const closed of ['2026-11-11', '2026-12-25', '2027-05-06', '2027-05-07', '2026-12-21']) {
      expect(office.sqlite.prepare('SELECT COUNT(*) FROM planning_days WHERE day = ?').pluck().get(closed)).toBe(0);
    }
    // A child's month through the API shows the booked days.
    const childId = office.sqlite.prepare("SELECT child_id FROM inscriptions i JOIN services s ON s.id = i.service_id WHERE s.code = 'cantine' AND i.weekdays = '1,2,4,5' LIMIT 1").pluck().get() as number;
    const planning = await office.value('planning.child', { childId, from: '2026-12-01', to: '2026-12-31' });
    const cantine = planning.rows.find((row) => row.serviceName === 'Restauration scolaire');
    expect(cantine?.cells.filter((c) => c.state === 'booked').map((c) => c.day)).toEqual(expectedDays('2026-12-01', '2026-12-18', [1, 2, 4, 5], () => false));

    const dump = () => JSON.stringify(office.sqlite.prepare('SELECT child_id, service_id, day, state FROM planning_days ORDER BY 1, 2, 3').all());
    const first = dump();
    await office.close();
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    await seedDemoCommune(office.db, { scale: 'default', clock: office.clock, seed: 11 });
    expect(dump()).toBe(first);
  });
});
