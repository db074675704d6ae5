import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewRequest } from '../../src/shared/api/contract.js';
import { seedDemoCommune } from '../../src/office/demo/seed.js';
import { DayBook } from '../../src/office/planning/day-facts.js';
import { loadCalendar, loadServices } from '../../src/office/planning/store.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/**
 * The reproductions of issue 7 where the office and the portal disagreed on what may happen to a day: capacity in the
 * queue, the decision, the inscriptions and the demo; a day marked present cancelled at the office. The clock is
 * pinned on Saturday 28 November 2026; days are in the week of 7 December (deadline Wednesday 2 December, 12:00).
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

const DAY = '2026-12-07';

async function family(prenom: string) {
  const created = await office.value('families.create', { data: sampleFamilyInput() });
  const child = await office.value('children.create', { familyId: created.id, data: sampleChildInput({ identity: { ...sampleChildInput().identity, prenom } }) });
  return { familyId: created.id, childId: child.id };
}

function serviceId(code: string): number {
  return office.sqlite.prepare('SELECT id FROM services WHERE code = ?').pluck().get(code) as number;
}

function inscribe(childId: number, service: number, days: string[]) {
  const ins = office.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(childId, service);
  const book = office.sqlite.prepare(
    "INSERT INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, '2026-09-01T08:00:00Z')",
  );
  for (const day of days) book.run(childId, service, day, ins.lastInsertRowid);
}

/** An inscription row without booked days, so the child may ask to book. */
function register(childId: number, service: number) {
  office.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(childId, service);
}

function request(familyId: number, overrides: Partial<NewRequest>): NewRequest {
  return { familyId, kind: 'book', items: [], reason: null, comment: '', certificate: null, changes: [], photo: null, ...overrides };
}

/** What billing will read for a cell. */
async function outcomeOf(cell: { childId: number; serviceId: number; day: string }) {
  const book = await DayBook.load(office.db, [cell], await loadServices(office.db), await loadCalendar(office.db));
  return book.outcome(cell);
}

const bookedOn = (service: number, day: string) =>
  office.sqlite.prepare("SELECT COUNT(*) FROM planning_days WHERE service_id = ? AND day = ? AND state = 'booked'").pluck().get(service, day) as number;

describe('capacity in the queue and the decision', () => {
  let cantine: number;
  let a: { familyId: number; childId: number };
  let b: { familyId: number; childId: number };

  beforeEach(async () => {
    office = await makeTestOffice();
    cantine = serviceId('cantine');
    office.sqlite.prepare('UPDATE services SET capacity = 1 WHERE id = ?').run(cantine);
    a = await family('Léa');
    b = await family('Hugo');
    register(a.childId, cantine);
    register(b.childId, cantine);
    office.clock.set('2026-11-28T09:00:00Z');
    await office.value('requests.create', request(a.familyId, { items: [{ childId: a.childId, serviceId: cantine, day: DAY }] }));
    office.clock.set('2026-11-28T10:00:00Z');
    await office.value('requests.create', request(b.familyId, { items: [{ childId: b.childId, serviceId: cantine, day: DAY }] }));
  });

  it('shows the conflict on the second of two bookings for the last place, and refuses accepting both', async () => {
    const queue = await office.value('requests.queue', {});
    expect(queue.map((row) => [row.childName.split(' ')[0], row.capacityLeft, row.conflicts])).toEqual([
      ['Léa', 0, []],
      ['Hugo', -1, ['Plus de place ce jour-là']],
    ]);

    // The selection's order does not matter: the oldest request takes the place.
    const outcome = await office.value('requests.decide', { itemIds: [queue[1]!.itemId, queue[0]!.itemId], decision: 'accept', refusalReason: null });
    expect(outcome.accepted).toBe(1);
    expect(outcome.skipped).toEqual([
      { itemId: queue[1]!.itemId, why: 'Complet : 1 place réservée sur 1 le lundi 7 décembre 2026 : confirmez pour accepter au-delà de la capacité.', full: true },
    ]);
    expect(bookedOn(cantine, DAY)).toBe(1);
    const left = await office.value('requests.queue', {});
    expect(left.map((row) => [row.itemId, row.capacityLeft, row.conflicts])).toEqual([[queue[1]!.itemId, -1, ['Plus de place ce jour-là']]]);
  });

  it('accepts over capacity only when forced, and records who and when on the item and in the audit', async () => {
    const queue = await office.value('requests.queue', {});
    await office.value('requests.decide', { itemIds: [queue[0]!.itemId], decision: 'accept', refusalReason: null });
    office.clock.set('2026-11-28T11:30:00Z');
    const forced = await office.value('requests.decide', { itemIds: [queue[1]!.itemId], decision: 'accept', refusalReason: null, force: true });
    expect(forced).toEqual({ accepted: 1, refused: 0, skipped: [] });
    expect(bookedOn(cantine, DAY)).toBe(2);
    const userId = office.session.user!.id;
    const items = office.sqlite.prepare('SELECT id, status, forced, decided_by, decided_at FROM request_items ORDER BY id').all();
    expect(items).toEqual([
      { id: queue[0]!.itemId, status: 'accepted', forced: 0, decided_by: userId, decided_at: '2026-11-28T10:00:00.000Z' },
      { id: queue[1]!.itemId, status: 'accepted', forced: 1, decided_by: userId, decided_at: '2026-11-28T11:30:00.000Z' },
    ]);
    // The family's file shows it.
    const [view] = await office.value('requests.forFamily', { familyId: b.familyId });
    expect(view!.items.map((item) => [item.status, item.forced, item.decidedAt])).toEqual([['accepted', true, '2026-11-28T11:30:00.000Z']]);
    const audit = office.sqlite.prepare("SELECT at, user_id, action, old_value, new_value FROM audit_log WHERE action = 'force'").all();
    expect(audit).toEqual([
      {
        at: '2026-11-28T11:30:00.000Z',
        user_id: userId,
        action: 'force',
        old_value: 'Complet : 1 place réservée sur 1 le lundi 7 décembre 2026',
        new_value: 'Réservation acceptée au-delà de la capacité, sur confirmation',
      },
    ]);
  });

  it('never accepts automatically a booking over capacity', async () => {
    office.sqlite.prepare("UPDATE services SET auto_rules = '{\"absencesOnTime\":false,\"bookingsWithinCapacity\":true}' WHERE id = ?").run(cantine);
    const c = await family('Inès');
    const d = await family('Noé');
    register(c.childId, cantine);
    register(d.childId, cantine);
    const other = '2026-12-08';
    await office.value('requests.create', request(c.familyId, { items: [{ childId: c.childId, serviceId: cantine, day: other }] }));
    await office.value('requests.create', request(d.familyId, { items: [{ childId: d.childId, serviceId: cantine, day: other }] }));
    expect(bookedOn(cantine, other)).toBe(1);
    expect(office.sqlite.prepare("SELECT status FROM request_items WHERE day = ? ORDER BY id").pluck().all(other)).toEqual(['accepted', 'pending']);
  });
});

describe('inscriptions and capacity', () => {
  it('refuses a new inscription that would book days already full, naming them, and books nothing', async () => {
    office = await makeTestOffice();
    const matin = serviceId('matin');
    office.sqlite.prepare('UPDATE services SET capacity = 1 WHERE id = ?').run(matin);
    const a = await family('Léa');
    const b = await family('Hugo');
    inscribe(a.childId, matin, ['2026-12-07', '2026-12-10']);
    const before = office.sqlite.prepare('SELECT COUNT(*) FROM planning_days').pluck().get();
    const result = await office.call('inscriptions.create', { childIds: [b.childId], serviceId: matin, startDate: '2026-12-01', endDate: '2026-12-18', weekdays: [1, 2, 4, 5] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        "Accueil du matin est complet le lundi 7 décembre 2026 (1/1), le jeudi 10 décembre 2026 (1/1) : l'inscription n'est pas enregistrée. Choisissez d'autres jours ou une autre date de début, ou augmentez la capacité du service.",
      );
    }
    expect(office.sqlite.prepare('SELECT COUNT(*) FROM planning_days').pluck().get()).toBe(before);
    expect(office.sqlite.prepare('SELECT COUNT(*) FROM inscriptions WHERE child_id = ?').pluck().get(b.childId)).toBe(0);
    // Other weekdays fit.
    const fits = await office.value('inscriptions.create', { childIds: [b.childId], serviceId: matin, startDate: '2026-12-01', endDate: '2026-12-18', weekdays: [2, 5] });
    expect(fits).toHaveLength(1);
  });

  it('refuses extending an inscription to weekdays already full', async () => {
    office = await makeTestOffice();
    const matin = serviceId('matin');
    office.sqlite.prepare('UPDATE services SET capacity = 1 WHERE id = ?').run(matin);
    const a = await family('Léa');
    const b = await family('Hugo');
    inscribe(a.childId, matin, ['2026-12-07']);
    const [created] = await office.value('inscriptions.create', { childIds: [b.childId], serviceId: matin, startDate: '2026-12-01', endDate: '2026-12-18', weekdays: [2, 5] });
    const result = await office.call('inscriptions.update', { id: created!.id, from: '2026-12-01', endDate: '2026-12-18', weekdays: [1, 2, 5] });
    expect(!result.ok && result.error.message).toMatch(/^Accueil du matin est complet le lundi 7 décembre 2026 \(1\/1\) : /);
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM planning_days WHERE child_id = ? AND day = '2026-12-14'").pluck().get(b.childId)).toBe(0);
  });

  it('counts siblings registered together against the same places', async () => {
    office = await makeTestOffice();
    const matin = serviceId('matin');
    office.sqlite.prepare('UPDATE services SET capacity = 1 WHERE id = ?').run(matin);
    const a = await family('Léa');
    const sister = await office.value('children.create', { familyId: a.familyId, data: sampleChildInput({ identity: { ...sampleChildInput().identity, prenom: 'Emma' } }) });
    const result = await office.call('inscriptions.create', { childIds: [a.childId, sister.id], serviceId: matin, startDate: '2026-12-07', endDate: '2026-12-07', weekdays: [1] });
    expect(!result.ok && result.error.message).toMatch(/^Accueil du matin est complet le lundi 7 décembre 2026 \(1\/1\)/);
  });
});

describe('the demo commune and a full day', () => {
  it('has no day over capacity, and an agent can book again a day cancelled by mistake on a full day', async () => {
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    await seedDemoCommune(office.db, { scale: 'default', clock: office.clock, seed: 11 });
    const over = office.sqlite
      .prepare(
        `SELECT s.code, p.day, COUNT(*) AS booked, s.capacity FROM planning_days p JOIN services s ON s.id = p.service_id
         WHERE p.state = 'booked' AND s.capacity IS NOT NULL GROUP BY p.service_id, p.day HAVING COUNT(*) > s.capacity`,
      )
      .all();
    expect(over).toEqual([]);

    // Make the canteen's busiest December day exactly full, as it is on a real Monday.
    const cantine = serviceId('cantine');
    const busiest = office.sqlite
      .prepare("SELECT day, COUNT(*) AS n FROM planning_days WHERE service_id = ? AND state = 'booked' AND day BETWEEN '2026-12-01' AND '2026-12-18' GROUP BY day ORDER BY n DESC, day LIMIT 1")
      .get(cantine) as { day: string; n: number };
    office.sqlite.prepare('UPDATE services SET capacity = ? WHERE id = ?').run(busiest.n, cantine);
    const [booked, outsider] = office.sqlite
      .prepare("SELECT child_id FROM planning_days WHERE service_id = ? AND day = ? AND state = 'booked' ORDER BY child_id LIMIT 1")
      .pluck()
      .all(cantine, busiest.day)
      .concat(
        office.sqlite
          .prepare('SELECT id FROM children WHERE id NOT IN (SELECT child_id FROM planning_days WHERE service_id = ? AND day = ?) ORDER BY id LIMIT 1')
          .pluck()
          .all(cantine, busiest.day),
      ) as number[];
    const cell = { childId: booked!, serviceId: cantine, day: busiest.day };

    expect(await office.value('planning.apply', { cells: [cell], action: { kind: 'cancel' } })).toEqual({ changed: 1, skipped: [] });
    expect(await office.value('planning.apply', { cells: [cell], action: { kind: 'book' } })).toEqual({ changed: 1, skipped: [] });
    expect(bookedOn(cantine, busiest.day)).toBe(busiest.n);
    // The day is full again: another child is not booked, with the reason.
    const refused = await office.value('planning.apply', { cells: [{ childId: outsider!, serviceId: cantine, day: busiest.day }], action: { kind: 'book' } });
    expect(refused.changed).toBe(0);
    expect(refused.skipped[0]!.why).toMatch(new RegExp(`^Complet : ${busiest.n} places réservées sur ${busiest.n} le `));
  });
});

describe('a day marked present', () => {
  let cantine: number;
  let kid: { familyId: number; childId: number };
  beforeEach(async () => {
    office = await makeTestOffice({ now: '2026-12-07T13:00:00Z' });
    cantine = serviceId('cantine');
    office.sqlite.prepare("UPDATE services SET late_policy = 'late' WHERE id = ?").run(cantine);
    kid = await family('Léa');
    inscribe(kid.childId, cantine, [DAY]);
    await office.value('planning.apply', { cells: [{ childId: kid.childId, serviceId: cantine, day: DAY }], action: { kind: 'present' } });
  });
  const cell = () => ({ childId: kid.childId, serviceId: cantine, day: DAY });
  const stored = () => office.sqlite.prepare('SELECT state, attendance FROM planning_days WHERE child_id = ? AND day = ?').get(kid.childId, DAY);

  it('cannot be cancelled or declared absent at the counter', async () => {
    for (const kind of ['cancel', 'absence'] as const) {
      const result = await office.call('requests.create', request(kid.familyId, { kind, reason: kind === 'absence' ? 'MEDICAL' : null, items: [cell()] }));
      expect(!result.ok && result.error.message).toBe('Présence déjà pointée : ce jour ne peut plus être modifié.');
    }
    expect(office.sqlite.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(0);
    expect(stored()).toEqual({ state: 'booked', attendance: 'present' });
  });

  it('cannot be cancelled or declared absent on the staff grid until the attendance is cleared', async () => {
    expect(await office.value('planning.apply', { cells: [cell()], action: { kind: 'cancel' } })).toEqual({
      changed: 0,
      skipped: [{ day: DAY, why: 'Présence déjà pointée : effacez le pointage avant d’annuler ce jour.' }],
    });
    expect(await office.value('planning.apply', { cells: [cell()], action: { kind: 'absent', reason: 'MEDICAL' } })).toEqual({
      changed: 0,
      skipped: [{ day: DAY, why: 'Présence déjà pointée : effacez le pointage avant de déclarer une absence.' }],
    });
    expect(stored()).toEqual({ state: 'booked', attendance: 'present' });
    await office.value('planning.apply', { cells: [cell()], action: { kind: 'clear_attendance' } });
    expect(await office.value('planning.apply', { cells: [cell()], action: { kind: 'cancel' } })).toEqual({ changed: 1, skipped: [] });
    // Cancelled the same day, after the deadline: billing will read a late cancellation.
    expect(office.sqlite.prepare('SELECT state, attendance, late FROM planning_days WHERE child_id = ? AND day = ?').get(kid.childId, DAY)).toEqual({
      state: 'cancelled',
      attendance: null,
      late: 1,
    });
    expect(await outcomeOf(cell())).toEqual({ kind: 'cancelled', late: true });
  });

  it('skips the acceptance of a cancellation asked before the attendance was marked', async () => {
    await office.value('planning.apply', { cells: [cell()], action: { kind: 'clear_attendance' } });
    const created = await office.value('requests.create', request(kid.familyId, { kind: 'cancel', items: [cell()] }));
    await office.value('planning.apply', { cells: [cell()], action: { kind: 'present' } });
    const queue = await office.value('requests.queue', {});
    expect(queue[0]!.conflicts).toEqual(['Présence déjà pointée : ce jour ne peut plus être modifié']);
    const outcome = await office.value('requests.decide', { itemIds: [created.items[0]!.id], decision: 'accept', refusalReason: null });
    expect(outcome).toEqual({ accepted: 0, refused: 0, skipped: [{ itemId: created.items[0]!.id, why: 'Présence déjà pointée : ce jour ne peut plus être modifié.' }] });
    expect(stored()).toEqual({ state: 'booked', attendance: 'present' });
  });

  it('is left out of a collective absence (strike) declared for the school', async () => {
    const schoolId = Number(office.sqlite.prepare("INSERT INTO schools (name) VALUES ('École Jules Ferry')").run().lastInsertRowid);
    office.sqlite.prepare('UPDATE children SET school_id = ? WHERE id = ?').run(schoolId, kid.childId);
    const result = await office.value('events.declareAbsence', { schoolId, classe: null, serviceIds: [cantine], days: [DAY], reason: 'STRIKE', comment: '' });
    expect(result).toEqual({ children: 0, days: 0 });
    expect(stored()).toEqual({ state: 'booked', attendance: 'present' });
  });

  it('books a child who came without a booking after the fact, as present without booking', async () => {
    const other = await family('Hugo');
    const walkIn = { childId: other.childId, serviceId: cantine, day: DAY };
    expect(await office.value('planning.apply', { cells: [walkIn], action: { kind: 'present' } })).toEqual({ changed: 1, skipped: [] });
    expect(office.sqlite.prepare('SELECT state, attendance, walk_in FROM planning_days WHERE child_id = ?').get(other.childId)).toEqual({
      state: 'booked',
      attendance: 'present',
      walk_in: 1,
    });
    expect(await outcomeOf(walkIn)).toEqual({ kind: 'present', booked: false, late: false });
    expect(await outcomeOf(cell())).toEqual({ kind: 'present', booked: true, late: false });
  });
});
