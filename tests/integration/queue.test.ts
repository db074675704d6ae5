import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewRequest } from '../../src/shared/api/contract.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/** The validation queue: order, capacity left, conflicts that arose since the request, access and bulk decisions. */

let office: TestOffice;
let familyId: number;
let childId: number;
let cantine: number;

const WEEK = ['2026-12-07', '2026-12-08', '2026-12-10', '2026-12-11'];

function inscribe(o: TestOffice, child: number, serviceId: number, days: string[]) {
  const ins = o.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(child, serviceId);
  const book = o.sqlite.prepare(
    "INSERT INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, '2026-09-01T08:00:00Z')",
  );
  for (const day of days) book.run(child, serviceId, day, ins.lastInsertRowid);
  return Number(ins.lastInsertRowid);
}

function request(overrides: Partial<NewRequest>): NewRequest {
  return { familyId, kind: 'absence', items: [], reason: 'MEDICAL', comment: '', certificate: null, changes: [], photo: null, ...overrides };
}

beforeEach(async () => {
  office = await makeTestOffice();
  familyId = (await office.value('families.create', { data: sampleFamilyInput() })).id;
  childId = (await office.value('children.create', { familyId, data: sampleChildInput() })).id;
  cantine = office.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
});

afterEach(async () => {
  await office.close();
});

describe('the validation queue', () => {
  it('lists pending items oldest first with the capacity left on booked days', async () => {
    inscribe(office, childId, cantine, ['2026-12-07']);
    office.sqlite.prepare('UPDATE services SET capacity = 3 WHERE id = ?').run(cantine);
    office.clock.set('2026-11-29T10:00:00Z');
    await office.value('requests.create', request({ kind: 'book', reason: null, items: [{ childId, serviceId: cantine, day: '2026-12-08' }] }));
    office.clock.set('2026-11-28T10:00:00Z');
    await office.value('requests.create', request({ items: [{ childId, serviceId: cantine, day: '2026-12-07' }] }));

    const queue = await office.value('requests.queue', {});
    expect(queue.map((row) => [row.day, row.kind, row.capacityLeft, row.conflicts, row.familyName, row.serviceName])).toEqual([
      ['2026-12-07', 'absence', null, [], 'Martin Hélène', 'Restauration scolaire'],
      // Nobody else booked on the 8th: 3 places, this booking takes one.
      ['2026-12-08', 'book', 2, [], 'Martin Hélène', 'Restauration scolaire'],
    ]);
  });

  it('shows what changed since the request: a closure, an ended inscription, an archived child, a day already cancelled', async () => {
    const inscription = inscribe(office, childId, cantine, WEEK);
    const created = await office.value('requests.create', request({ items: WEEK.map((day) => ({ childId, serviceId: cantine, day })) }));
    office.sqlite
      .prepare("INSERT INTO calendar_periods (kind, label, start_date, end_date, service_id) VALUES ('closure', 'Fermeture cuisine', '2026-12-07', '2026-12-07', ?)")
      .run(cantine);
    office.sqlite.prepare("UPDATE planning_days SET state = 'cancelled' WHERE child_id = ? AND day = '2026-12-08'").run(childId);
    office.sqlite.prepare("UPDATE inscriptions SET end_date = '2026-12-09' WHERE id = ?").run(inscription);

    let queue = await office.value('requests.queue', {});
    expect(queue.map((row) => [row.day, row.conflicts])).toEqual([
      ['2026-12-07', ['Service fermé ce jour-là depuis la demande (Fermeture cuisine)']],
      ['2026-12-08', ['Jour déjà annulé']],
      ['2026-12-10', ["L'enfant n'est plus inscrit à ce service ce jour-là"]],
      ['2026-12-11', ["L'enfant n'est plus inscrit à ce service ce jour-là"]],
    ]);

    const outcome = await office.value('requests.decide', { itemIds: created.items.map((item) => item.id), decision: 'accept', refusalReason: null });
    expect(outcome.accepted).toBe(2);
    expect(outcome.skipped.map((skip) => skip.why)).toEqual([
      'Restauration scolaire est fermé le lundi 7 décembre 2026 : Fermeture cuisine.',
      "Le mardi 8 décembre 2026 n'est plus réservé (déjà annulé).",
    ]);

    await office.value('children.archive', { id: childId, archived: true });
    queue = await office.value('requests.queue', {});
    expect(queue.map((row) => row.conflicts[0])).toEqual(["Fiche de l'enfant archivée depuis la demande", "Fiche de l'enfant archivée depuis la demande"]);
  });

  it('lets the régie read the queue but not decide', async () => {
    inscribe(office, childId, cantine, ['2026-12-07']);
    const created = await office.value('requests.create', request({ items: [{ childId, serviceId: cantine, day: '2026-12-07' }] }));
    const regie = await office.as('regisseur');
    const queue = await regie.call('requests.queue', {});
    expect(queue.ok && queue.value.length).toBe(1);
    const decision = await regie.call('requests.decide', { itemIds: [created.items[0]!.id], decision: 'accept', refusalReason: null });
    expect(!decision.ok && decision.error.code).toBe('forbidden');
    const creation = await regie.call('requests.create', request({ items: [{ childId, serviceId: cantine, day: '2026-12-08' }] }));
    expect(!creation.ok && creation.error.code).toBe('forbidden');
  });

  it('refuses a whole selection at once with one reason the family reads', async () => {
    const days = ['2026-12-07', '2026-12-08', '2026-12-10', '2026-12-11', '2026-12-14', '2026-12-15', '2026-12-17', '2026-12-18'];
    inscribe(office, childId, cantine, days);
    const created = await office.value('requests.create', request({ kind: 'cancel', reason: null, items: days.map((day) => ({ childId, serviceId: cantine, day })) }));
    const outcome = await office.value('requests.decide', {
      itemIds: created.items.map((item) => item.id),
      decision: 'refuse',
      refusalReason: 'Plus de place disponible ce jour-là',
    });
    expect(outcome).toEqual({ accepted: 0, refused: 8, skipped: [] });
    const [view] = await office.value('requests.forFamily', { familyId });
    expect(new Set(view!.items.map((item) => `${item.status} ${item.refusalReason}`))).toEqual(new Set(['refused Plus de place disponible ce jour-là']));
    const booked = office.sqlite.prepare("SELECT COUNT(*) FROM planning_days WHERE child_id = ? AND state = 'booked'").pluck().get(childId);
    expect(booked).toBe(8);
    const audit = await office.value('audit.forFamily', { familyId });
    expect(audit.filter((entry) => entry.newValue === 'Refusée : Plus de place disponible ce jour-là')).toHaveLength(8);
  });
});
