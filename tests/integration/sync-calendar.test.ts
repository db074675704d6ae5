import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/shared/api/contract.js';
import { familyPublicationSchema } from '../../src/shared/sync/contract.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { PortalClient } from '../helpers/portal.js';
import { startTestPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';

/**
 * Calendar and service changes reach the families: a real office and a real portal (SQLite files, HTTP), the family
 * logged in on the portal. Saturday 28 November 2026, 11:00 Paris; the canteen's deadline is the Wednesday noon of the
 * week before, so Tuesday 8 December is still changeable until Wednesday 2 December, 12:00.
 */

const PASSWORD = 'un mot de passe solide';
const EMAIL = 'helene.martin@example.fr';

let office: TestOffice;
let portal: TestPortal;
let family: PortalClient;
let ids: { familyId: number; childId: number; cantine: number; other: number; schoolId: number };

beforeEach(async () => {
  office = await makeTestOffice();
  portal = await startTestPortal(office.clock);
  const schoolId = Number(office.sqlite.prepare("INSERT INTO schools (name) VALUES ('École Jules Ferry')").run().lastInsertRowid);
  const created = await office.value('families.create', { data: sampleFamilyInput() });
  const child = await office.value('children.create', { familyId: created.id, data: sampleChildInput({ identity: { ...sampleChildInput().identity, schoolId } }) });
  // A second family, inscribed to the evening care only: a canteen change must leave it alone.
  const other = await office.value('families.create', { data: sampleFamilyInput() });
  const otherChild = await office.value('children.create', { familyId: other.id, data: sampleChildInput({ identity: { ...sampleChildInput().identity, schoolId } }) });
  const cantine = office.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
  const soir = office.sqlite.prepare("SELECT id FROM services WHERE code = 'soir'").pluck().get() as number;
  await office.value('inscriptions.create', { childIds: [child.id], serviceId: cantine, startDate: '2026-11-30', endDate: '2027-07-02', weekdays: [1, 2, 4, 5] });
  await office.value('inscriptions.create', { childIds: [otherChild.id], serviceId: soir, startDate: '2026-11-30', endDate: '2027-07-02', weekdays: [1, 2, 4, 5] });
  ids = { familyId: created.id, childId: child.id, cantine, other: other.id, schoolId };

  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
  const { code } = await office.value('portal.issueActivation', { familyId: created.id, rank: 1 });
  expect(await office.value('sync.now', {})).toMatchObject({ lastError: null, pendingPublications: 0 });
  family = new PortalClient(portal.app);
  expect((await family.activate(EMAIL, PASSWORD, code)).status).toBe(303);
});

afterEach(async () => {
  await portal.close();
  await office.close();
});

const publishedCell = async (day: string) => {
  const row = await portal.db.selectFrom('publications').select('data').where('family_id', '=', ids.familyId).executeTakeFirstOrThrow();
  const publication = familyPublicationSchema.parse(JSON.parse(row.data));
  return publication.planning.children[0]!.rows.find((r) => r.serviceId === ids.cantine)!.cells.find((c) => c.day === day)!;
};

const dirtyFamilies = () => office.sqlite.prepare('SELECT family_id FROM sync_dirty ORDER BY family_id').pluck().all() as number[];

describe('an exceptional closure reaches the portal after one sync', () => {
  it('the day is open and booked, then closed with its reason, no deadline and no action; removing the closure reopens it', async () => {
    const before = await family.get(`/planning/${ids.childId}/${ids.cantine}/2026-12-08`);
    expect(before.status).toBe(200);
    expect(before.body).toContain('Possible jusqu’au mercredi 2 décembre 2026 à 12h00.');
    expect(before.body).toContain('<form method="post" action="/planning');

    const closure = await office.value('calendar.savePeriod', {
      id: null,
      kind: 'closure',
      label: 'Fermeture exceptionnelle : grève',
      startDate: '2026-12-08',
      endDate: '2026-12-08',
      serviceId: null,
    });
    // A closure of every service concerns both families (the other one's evening care closes too).
    expect(dirtyFamilies()).toEqual([ids.familyId, ids.other].sort((a, b) => a - b));
    expect(await office.value('sync.now', {})).toMatchObject({ lastError: null, pendingPublications: 0 });

    expect(await publishedCell('2026-12-08')).toEqual({ day: '2026-12-08', state: 'closed', closedWhy: 'Fermeture exceptionnelle : grève' });
    const cell = await family.get(`/planning/${ids.childId}/${ids.cantine}/2026-12-08`);
    expect(cell.body).toContain('Service fermé ce jour : Fermeture exceptionnelle : grève.');
    expect(cell.body).not.toContain('Possible jusqu’au');
    expect(cell.body).not.toContain('<form method="post" action="/planning');
    const grid = await family.get(`/planning?enfant=${ids.childId}&vue=semaine&du=2026-12-07`);
    expect(grid.body).toContain('Restauration scolaire, mardi 8 décembre 2026 : Fermé. Fermeture exceptionnelle : grève.');
    expect(grid.body).not.toContain('mardi 8 décembre 2026 : Fermé. Fermeture exceptionnelle : grève. Modifiable');

    await office.value('calendar.removePeriod', { id: closure.id });
    expect(dirtyFamilies()).toEqual([ids.familyId, ids.other].sort((a, b) => a - b));
    await office.value('sync.now', {});
    expect((await publishedCell('2026-12-08')).state).toBe('booked');
    expect((await family.get(`/planning/${ids.childId}/${ids.cantine}/2026-12-08`)).body).toContain('Possible jusqu’au mercredi 2 décembre 2026 à 12h00.');
  });

  it('a closure beyond the window families see marks nobody; moving it into the window marks the family', async () => {
    const later = await office.value('calendar.savePeriod', { id: null, kind: 'closure', label: 'Inventaire', startDate: '2027-05-03', endDate: '2027-05-04', serviceId: ids.cantine });
    expect(dirtyFamilies()).toEqual([]);
    await office.value('calendar.savePeriod', { ...later, startDate: '2026-12-10', endDate: '2026-12-10' });
    expect(dirtyFamilies()).toEqual([ids.familyId]);
    await office.value('sync.now', {});
    expect(await publishedCell('2026-12-10')).toEqual({ day: '2026-12-10', state: 'closed', closedWhy: 'Inventaire' });
  });

  it('the office day list of a closed day expects nobody and offers no attendance, with the reason', async () => {
    // The inscription booked the day.
    const open = await office.value('planning.day', { serviceId: ids.cantine, day: '2026-12-08' });
    expect(open).toMatchObject({ open: true, expected: 1 });
    expect(open.children.map((c) => c.state)).toEqual(['booked']);

    await office.value('calendar.savePeriod', { id: null, kind: 'closure', label: 'Fermeture exceptionnelle : grève', startDate: '2026-12-08', endDate: '2026-12-08', serviceId: ids.cantine });
    const closed = await office.value('planning.day', { serviceId: ids.cantine, day: '2026-12-08' });
    expect(closed).toMatchObject({ open: false, closedWhy: 'Fermeture exceptionnelle : grève', expected: 0, counts: [] });
    expect(closed.children.map((c) => [c.childId, c.state])).toEqual([[ids.childId, 'closed']]);
    const marked = await office.value('planning.apply', { cells: [{ childId: ids.childId, serviceId: ids.cantine, day: '2026-12-08' }], action: { kind: 'present' } });
    expect(marked).toEqual({ changed: 0, skipped: [{ day: '2026-12-08', why: 'Fermeture exceptionnelle : grève' }] });
    // Nothing is erased: the booking is still there if the closure is lifted.
    expect(office.sqlite.prepare('SELECT state FROM planning_days WHERE child_id = ? AND day = ?').pluck().get(ids.childId, '2026-12-08')).toBe('booked');
  });
});

describe('a service change reaches the portal after one sync', () => {
  it('a new deadline rule republishes the families of that service, and the portal shows the new deadline', async () => {
    const services = await office.value('services.list', {});
    const cantine = services.find((s) => s.id === ids.cantine) as ServiceConfig;
    const dayBefore = { kind: 'days_before' as const, days: 1, time: '18:00' };
    await office.value('services.save', { ...cantine, deadlines: { booking: dayBefore, cancel: dayBefore, absence: dayBefore } });
    expect(dirtyFamilies()).toEqual([ids.familyId]);
    expect(await office.value('sync.now', {})).toMatchObject({ lastError: null, pendingPublications: 0 });

    // Monday 7 December 18:00 Paris is 17:00 UTC.
    expect(await publishedCell('2026-12-08')).toEqual({ day: '2026-12-08', state: 'booked', changeableUntil: '2026-12-07T17:00:00.000Z' });
    const cell = await family.get(`/planning/${ids.childId}/${ids.cantine}/2026-12-08`);
    expect(cell.body).toContain('Possible jusqu’au lundi 7 décembre 2026 à 18h00.');
    expect(cell.body).not.toContain('mercredi 2 décembre 2026 à 12h00');
  });

  it('a change families do not see (automatic acceptance) marks nobody', async () => {
    const services = await office.value('services.list', {});
    const cantine = services.find((s) => s.id === ids.cantine) as ServiceConfig;
    await office.value('services.save', { ...cantine, autoRules: { absencesOnTime: true, bookingsWithinCapacity: true } });
    expect(dirtyFamilies()).toEqual([]);
    await office.value('services.save', { ...cantine, name: 'Cantine' });
    expect(dirtyFamilies()).toEqual([ids.familyId]);
  });

  it('a school year change republishes every family concerned in the window', async () => {
    const years = await office.value('calendar.get', { from: '2026-09-01', to: '2027-07-02' });
    const year = years.schoolYears.find((y) => y.label === '2026-2027')!;
    await office.value('calendar.saveSchoolYear', { ...year, startDate: '2026-09-02' });
    expect(dirtyFamilies()).toEqual([ids.familyId, ids.other].sort((a, b) => a - b));
  });
});

describe('an event reaches the portal after one sync', () => {
  it('a strike declared for the school marks the booked families, and the portal shows the absence', async () => {
    await office.value('events.declareAbsence', { schoolId: ids.schoolId, classe: null, serviceIds: [ids.cantine], days: ['2026-12-10'], reason: 'STRIKE', comment: '' });
    expect(dirtyFamilies()).toEqual([ids.familyId]);
    await office.value('sync.now', {});
    expect(await publishedCell('2026-12-10')).toMatchObject({ day: '2026-12-10', state: 'absent', absenceReason: 'STRIKE' });
  });
});
