import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewRequest } from '../../src/shared/api/contract.js';
import type { ChangeFieldKey } from '../../src/shared/requests/change-fields.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/**
 * Families' requests typed at the office: checks, deadlines, the decisions and what they do to the planning.
 * The clock is pinned on Saturday 28 November 2026; the week of 7 December closes on Wednesday 2 December, 12:00 Paris.
 */

let office: TestOffice;
let ids: Awaited<ReturnType<typeof setup>>;

async function setup(o: TestOffice) {
  const schoolId = Number(o.sqlite.prepare("INSERT INTO schools (name) VALUES ('École Jules Ferry')").run().lastInsertRowid);
  const family = await o.value('families.create', { data: sampleFamilyInput() });
  const other = await o.value('families.create', { data: sampleFamilyInput({ caf: { regime: 'CAF', number: '7654321', qf: 500, qfValidUntil: null } }) });
  const child = await o.value('children.create', { familyId: family.id, data: sampleChildInput({ identity: { ...sampleChildInput().identity, schoolId } }) });
  const sister = await o.value('children.create', {
    familyId: family.id,
    data: sampleChildInput({ identity: { ...sampleChildInput().identity, prenom: 'Emma', sexe: 'F', schoolId } }),
  });
  const stranger = await o.value('children.create', { familyId: other.id, data: sampleChildInput() });
  const service = (code: string) => o.sqlite.prepare('SELECT id FROM services WHERE code = ?').pluck().get(code) as number;
  return { schoolId, familyId: family.id, otherFamilyId: other.id, childId: child.id, sisterId: sister.id, strangerId: stranger.id, cantine: service('cantine'), soir: service('soir') };
}

/** Registers a child to a service for the school year and books the given days, as an inscription would. */
function inscribe(o: TestOffice, childId: number, serviceId: number, days: string[]) {
  const ins = o.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(childId, serviceId);
  const book = o.sqlite.prepare(
    "INSERT INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, '2026-09-01T08:00:00Z')",
  );
  for (const day of days) book.run(childId, serviceId, day, ins.lastInsertRowid);
}

function request(overrides: Partial<NewRequest>): NewRequest {
  return { familyId: ids.familyId, kind: 'absence', items: [], reason: 'MEDICAL', comment: '', certificate: null, changes: [], photo: null, ...overrides };
}

const count = (o: TestOffice, table: string) => o.sqlite.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
const stateOf = (o: TestOffice, childId: number, serviceId: number, day: string) =>
  o.sqlite.prepare('SELECT state, absence_reason FROM planning_days WHERE child_id = ? AND service_id = ? AND day = ?').get(childId, serviceId, day) as
    | { state: string; absence_reason: string | null }
    | undefined;

beforeEach(async () => {
  office = await makeTestOffice();
  ids = await setup(office);
  inscribe(office, ids.childId, ids.cantine, ['2026-12-07', '2026-12-08', '2026-12-10', '2026-12-11']);
  inscribe(office, ids.sisterId, ids.cantine, ['2026-12-07', '2026-12-08']);
});

afterEach(async () => {
  await office.close();
});

describe('an absence for medical reasons, decided in the queue', () => {
  const cantineCells = async () => {
    const planning = await office.value('planning.child', { childId: ids.childId, from: '2026-12-07', to: '2026-12-08' });
    return planning.rows.find((row) => row.serviceId === ids.cantine)!.cells.map((cell) => [cell.day, cell.state]);
  };

  it('is pending on both days, then one refusal and one acceptance change the planning and record who and when', async () => {
    const created = await office.value(
      'requests.create',
      request({ items: [{ childId: ids.childId, serviceId: ids.cantine, day: '2026-12-07' }, { childId: ids.childId, serviceId: ids.cantine, day: '2026-12-08' }], comment: 'Angine' }),
    );
    expect(created.items.map((item) => [item.day, item.status, item.late])).toEqual([
      ['2026-12-07', 'pending', false],
      ['2026-12-08', 'pending', false],
    ]);
    expect(created.source).toBe('office');
    // Pending: the planning still says booked, the cell shows 🚧 from the pending item.
    expect(stateOf(office, ids.childId, ids.cantine, '2026-12-07')?.state).toBe('booked');
    expect(await cantineCells()).toEqual([
      ['2026-12-07', 'absence_requested'],
      ['2026-12-08', 'absence_requested'],
    ]);
    const queue = await office.value('requests.queue', {});
    expect(queue.map((row) => [row.day, row.kind, row.reason, row.comment, row.childName])).toEqual([
      ['2026-12-07', 'absence', 'MEDICAL', 'Angine', 'Lucas Martin'],
      ['2026-12-08', 'absence', 'MEDICAL', 'Angine', 'Lucas Martin'],
    ]);

    const [first, second] = queue;
    office.clock.set('2026-11-30T09:15:00Z');
    const refusal = await office.value('requests.decide', { itemIds: [first!.itemId], decision: 'refuse', refusalReason: 'Justificatif manquant' });
    expect(refusal).toEqual({ accepted: 0, refused: 1, skipped: [] });
    const acceptance = await office.value('requests.decide', { itemIds: [second!.itemId], decision: 'accept', refusalReason: null });
    expect(acceptance).toEqual({ accepted: 1, refused: 0, skipped: [] });

    expect(stateOf(office, ids.childId, ids.cantine, '2026-12-07')).toEqual({ state: 'booked', absence_reason: null });
    expect(stateOf(office, ids.childId, ids.cantine, '2026-12-08')).toEqual({ state: 'absent', absence_reason: 'MEDICAL' });
    expect(await office.value('requests.queue', {})).toEqual([]);
    expect(await cantineCells()).toEqual([
      ['2026-12-07', 'booked'],
      ['2026-12-08', 'absent'],
    ]);

    const [view] = await office.value('requests.forFamily', { familyId: ids.familyId });
    expect(view!.items.map((item) => [item.day, item.status, item.refusalReason, item.decidedBy, item.decidedAt])).toEqual([
      ['2026-12-07', 'refused', 'Justificatif manquant', 'Test admin 1', '2026-11-30T09:15:00.000Z'],
      ['2026-12-08', 'accepted', null, 'Test admin 1', '2026-11-30T09:15:00.000Z'],
    ]);
    const audit = await office.value('audit.forChild', { childId: ids.childId });
    expect(audit.some((entry) => entry.field === 'Restauration scolaire · 08/12/2026' && entry.newValue === 'Absent (RAISON MEDICALE)')).toBe(true);
  });

  it('refuses a refusal without a reason, and skips an item decided twice', async () => {
    const created = await office.value('requests.create', request({ items: [{ childId: ids.childId, serviceId: ids.cantine, day: '2026-12-10' }] }));
    const itemId = created.items[0]!.id;
    const noReason = await office.call('requests.decide', { itemIds: [itemId], decision: 'refuse', refusalReason: '   ' });
    expect(noReason.ok).toBe(false);
    if (!noReason.ok) expect(noReason.error.message).toMatch(/motif du refus/);
    const tooLong = await office.call('requests.decide', { itemIds: [itemId], decision: 'refuse', refusalReason: 'x'.repeat(301) });
    expect(tooLong.ok).toBe(false);

    await office.value('requests.decide', { itemIds: [itemId], decision: 'accept', refusalReason: null });
    const other = await office.as('agent');
    const again = await other.call('requests.decide', { itemIds: [itemId], decision: 'refuse', refusalReason: 'Trop tard' });
    expect(again.ok && again.value.refused).toBe(0);
    expect(again.ok && again.value.skipped[0]?.why).toMatch(/^Déjà acceptée par Test admin 1 le 28\/11\/2026 à 11h00/);
    expect(stateOf(office, ids.childId, ids.cantine, '2026-12-10')?.state).toBe('absent');
  });
});

describe('deadlines', () => {
  const item = () => [{ childId: ids.childId, serviceId: ids.cantine, day: '2026-12-07' }];

  it('refuses a late request for a service that refuses late requests, naming the day and the deadline', async () => {
    office.clock.set('2026-12-02T11:00:00Z'); // Wednesday 12:00:00 Paris
    const before = count(office, 'request_items');
    const late = await office.call('requests.create', request({ items: item() }));
    expect(late.ok).toBe(false);
    if (!late.ok) {
      expect(late.error.message).toContain('lundi 7 décembre 2026');
      expect(late.error.message).toContain("jusqu'au mercredi 2 décembre 2026 à 12h00");
    }
    expect(count(office, 'request_items')).toBe(before);

    office.clock.set('2026-12-02T10:59:59Z'); // 11:59:59 Paris
    const onTime = await office.value('requests.create', request({ items: item() }));
    expect(onTime.items[0]!.late).toBe(false);
  });

  it('queues a late request marked late for a service that accepts late requests', async () => {
    office.sqlite.prepare("UPDATE services SET late_policy = 'late' WHERE id = ?").run(ids.cantine);
    office.clock.set('2026-12-02T11:00:00Z');
    const created = await office.value('requests.create', request({ items: item() }));
    expect(created.items[0]!.late).toBe(true);
    const queue = await office.value('requests.queue', {});
    expect(queue.map((row) => row.late)).toEqual([true]);
  });
});

describe('bad requests are refused and nothing is saved', () => {
  const cell = (day: string, childId = ids.childId, serviceId = ids.cantine) => ({ childId, serviceId, day });
  const cases: [string, () => NewRequest, RegExp][] = [
    ['a child of another family', () => request({ items: [cell('2026-12-07', ids.strangerId)] }), /n'appartient pas à cette famille/],
    ['an unknown service', () => request({ items: [cell('2026-12-07', ids.childId, 9999)] }), /Service inconnu/],
    ['a closed day (public holiday)', () => request({ kind: 'book', reason: null, items: [cell('2026-11-11')] }), /fermé le mercredi 11 novembre 2026 : Jour férié/],
    ['a closed day (holidays)', () => request({ kind: 'book', reason: null, items: [cell('2026-12-21')] }), /fermé le lundi 21 décembre 2026 : Vacances de Noël 2026/],
    ['a service the child is not registered to', () => request({ kind: 'book', reason: null, items: [cell('2026-12-07', ids.childId, ids.soir)] }), /n'est pas inscrit\(e\) à Accueil du soir/],
    ['an absence without a reason', () => request({ reason: null, items: [cell('2026-12-07')] }), /motif de l'absence/],
    ['an unknown reason', () => request({ reason: 'VACANCES' as never, items: [cell('2026-12-07')] }), /Motif d'absence inconnu/],
    ['a range longer than a school year', () => request({ items: [cell('2026-12-07'), cell('2027-12-20')] }), /plus d'une année scolaire/],
    ['no items', () => request({ items: [] }), /aucun jour/],
    ['booking a day already booked', () => request({ kind: 'book', reason: null, items: [cell('2026-12-07')] }), /déjà réservé/],
    ['cancelling a day not booked', () => request({ kind: 'cancel', reason: null, items: [cell('2026-12-14')] }), /n'est pas réservé : il n'y a rien à annuler/],
    ['an uncertified certificate', () => request({ items: [cell('2026-12-07')], certificate: { fileName: 'a.exe', mime: 'application/pdf', base64: Buffer.from('MZ not a pdf').toString('base64') } }), /PDF, JPEG ou PNG/],
    ['a photo that is not an image', () => request({ kind: 'photo', reason: null, photo: { childId: ids.childId, mime: 'image/png', base64: Buffer.from('hello').toString('base64') } }), /pas une image/],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what}`, async () => {
      const before = ['requests', 'request_items', 'planning_days', 'family_documents', 'audit_log'].map((table) => count(office, table));
      const result = await office.call('requests.create', make());
      expect(result.ok).toBe(false);
      // The API's schema names the field (an unknown reason); the service words the whole refusal.
      if (!result.ok) expect([result.error.message, ...Object.values(result.error.fields ?? {})].join(' ')).toMatch(message);
      expect(['requests', 'request_items', 'planning_days', 'family_documents', 'audit_log'].map((table) => count(office, table))).toEqual(before);
    });
  }

  it('refuses an archived child and an archived family', async () => {
    await office.value('children.archive', { id: ids.sisterId, archived: true });
    const archivedChild = await office.call('requests.create', request({ items: [cell('2026-12-07', ids.sisterId)] }));
    expect(!archivedChild.ok && archivedChild.error.message).toMatch(/Emma est archivée/);
    await office.value('families.archive', { id: ids.familyId, archived: true });
    const archivedFamily = await office.call('requests.create', request({ items: [cell('2026-12-07')] }));
    expect(!archivedFamily.ok && archivedFamily.error.message).toMatch(/famille est archivée/);
    expect(count(office, 'requests')).toBe(0);
  });

  it('refuses a second pending request for the same day', async () => {
    await office.value('requests.create', request({ items: [cell('2026-12-07')] }));
    const twice = await office.call('requests.create', request({ kind: 'cancel', reason: null, items: [cell('2026-12-07')] }));
    expect(!twice.ok && twice.error.message).toMatch(/déjà en attente pour le lundi 7 décembre 2026/);
    expect(count(office, 'request_items')).toBe(1);
  });
});

describe('several siblings, certificates, automatic acceptance', () => {
  it('covers two siblings in one request and keeps the certificate as a family document', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% certificat\n').toString('base64');
    const created = await office.value(
      'requests.create',
      request({
        items: [{ childId: ids.childId, serviceId: ids.cantine, day: '2026-12-08' }, { childId: ids.sisterId, serviceId: ids.cantine, day: '2026-12-08' }],
        certificate: { fileName: 'certificat.pdf', mime: 'application/pdf', base64: pdf },
      }),
    );
    expect(created.items.map((item) => item.childName).sort()).toEqual(['Emma Martin', 'Lucas Martin']);
    const file = await office.value('families.get', { id: ids.familyId });
    expect(file.documents.map((doc) => [doc.kind, doc.fileName])).toEqual([['certificat_medical', 'certificat.pdf']]);
    const linked = office.sqlite.prepare('SELECT certificate_document_id FROM requests WHERE id = ?').pluck().get(created.id);
    expect(linked).toBe(file.documents[0]!.id);
  });

  it('accepts on-time absences at once when the service says so, and bookings while places remain', async () => {
    office.sqlite
      .prepare('UPDATE services SET auto_rules = ?, capacity = 1 WHERE id = ?')
      .run(JSON.stringify({ absencesOnTime: true, bookingsWithinCapacity: true }), ids.cantine);
    const absence = await office.value('requests.create', request({ items: [{ childId: ids.childId, serviceId: ids.cantine, day: '2026-12-10' }] }));
    expect(absence.items.map((item) => [item.status, item.auto, item.decidedBy])).toEqual([['accepted', true, 'Acceptation automatique']]);
    expect(stateOf(office, ids.childId, ids.cantine, '2026-12-10')?.state).toBe('absent');

    // 14 December: nobody booked, one place: the first booking is accepted, the second waits for an agent.
    const booking = (childId: number) => request({ kind: 'book', reason: null, items: [{ childId, serviceId: ids.cantine, day: '2026-12-14' }] });
    expect((await office.value('requests.create', booking(ids.childId))).items[0]!.status).toBe('accepted');
    expect((await office.value('requests.create', booking(ids.sisterId))).items[0]!.status).toBe('pending');
    expect(stateOf(office, ids.childId, ids.cantine, '2026-12-14')?.state).toBe('booked');
    expect(stateOf(office, ids.sisterId, ids.cantine, '2026-12-14')).toBeUndefined();
    const [row] = await office.value('requests.queue', {});
    expect(row!.capacityLeft).toBe(-1);
    expect(row!.conflicts).toContain('Plus de place ce jour-là');
  });
});

describe('data changes and photos', () => {
  it('applies an accepted change of a family field and writes the audit', async () => {
    const created = await office.value(
      'requests.create',
      request({
        kind: 'data_change',
        reason: null,
        changes: [{ entity: 'family', entityId: ids.familyId, field: 'responsable1.telMobile', label: 'Téléphone mobile', oldValue: '06 12 34 56 78', newValue: '07 11 22 33 44' }],
      }),
    );
    const queue = await office.value('requests.queue', {});
    expect(queue[0]!.changes[0]!.newValue).toBe('07 11 22 33 44');
    await office.value('requests.decide', { itemIds: [created.items[0]!.id], decision: 'accept', refusalReason: null });
    const file = await office.value('families.get', { id: ids.familyId });
    expect(file.data.responsable1.telMobile).toBe('07 11 22 33 44');
    const audit = await office.value('audit.forFamily', { familyId: ids.familyId });
    expect(audit.some((entry) => entry.field === 'Responsable 1 · Téléphone mobile' && entry.oldValue === '06 12 34 56 78' && entry.newValue === '07 11 22 33 44')).toBe(true);
  });

  it('decided together, changes of one family and one child each apply to the records as the previous one left them', async () => {
    const change = (entity: 'family' | 'child', newValue: string) =>
      office.value(
        'requests.create',
        request({
          kind: 'data_change',
          reason: null,
          changes: [
            entity === 'family'
              ? { entity, entityId: ids.familyId, field: 'responsable1.telMobile', label: 'Téléphone mobile', oldValue: '', newValue }
              : { entity, entityId: ids.childId, field: 'health.allergies', label: 'Allergies', oldValue: '', newValue },
          ],
        }),
      );
    const created = [await change('family', '07 11 22 33 44'), await change('child', 'Gluten'), await change('family', '07 55 66 77 88'), await change('child', 'Gluten, kiwi')];
    const outcome = await office.value('requests.decide', { itemIds: created.map((request) => request.items[0]!.id), decision: 'accept', refusalReason: null });
    expect(outcome.accepted).toBe(4);
    expect((await office.value('families.get', { id: ids.familyId })).data.responsable1.telMobile).toBe('07 55 66 77 88');
    expect((await office.value('children.get', { id: ids.childId })).data.health?.allergies).toBe('Gluten, kiwi');
    const audit = await office.value('audit.forFamily', { familyId: ids.familyId });
    const line = (newValue: string) => audit.filter((entry) => entry.newValue === newValue).map((entry) => entry.oldValue);
    expect(line('07 55 66 77 88')).toEqual(['07 11 22 33 44']);
    expect(line('Gluten, kiwi')).toEqual(['Gluten']);
  });

  it('refuses an invalid new value and a field that does not exist', async () => {
    const bad = (field: string, newValue: string) =>
      office.call('requests.create', request({ kind: 'data_change', reason: null, changes: [{ entity: 'family', entityId: ids.familyId, field: field as ChangeFieldKey, label: field, oldValue: '', newValue }] }));
    expect((await bad('responsable1.email', 'pas-un-email')).ok).toBe(false);
    expect((await bad('bank.password', 'x')).ok).toBe(false);
    const child = await office.call(
      'requests.create',
      request({ kind: 'data_change', reason: null, changes: [{ entity: 'child', entityId: ids.strangerId, field: 'identity.regime', label: 'Régime', oldValue: '', newValue: 'vegetarien' }] }),
    );
    expect(child.ok).toBe(false);
    expect(count(office, 'requests')).toBe(0);
  });

  it('sets the child photo when a photo request is accepted', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
    const created = await office.value(
      'requests.create',
      request({ kind: 'photo', reason: null, photo: { childId: ids.childId, mime: 'image/png', base64: png.toString('base64') } }),
    );
    expect((await office.value('children.get', { id: ids.childId })).photo).toBeNull();
    await office.value('requests.decide', { itemIds: [created.items[0]!.id], decision: 'accept', refusalReason: null });
    expect((await office.value('children.get', { id: ids.childId })).photo).toEqual({ mime: 'image/png', base64: png.toString('base64') });
  });
});

describe('refusal reasons', () => {
  it('lists the office reasons and lets an administrator add and retire one, but not an agent', async () => {
    const initial = await office.value('refusalReasons.list', {});
    expect(initial.map((reason) => reason.label)).toContain('Justificatif manquant');
    const added = await office.value('refusalReasons.save', { id: null, label: 'Dossier incomplet', active: true });
    const retired = await office.value('refusalReasons.save', { id: added.id, label: 'Dossier incomplet', active: false });
    expect(retired.active).toBe(false);
    const twin = await office.call('refusalReasons.save', { id: null, label: 'Justificatif manquant', active: true });
    expect(!twin.ok && twin.error.message).toBe('Ce motif existe déjà.');
    const agent = await office.as('agent');
    const forbidden = await agent.call('refusalReasons.save', { id: null, label: 'Autre chose', active: true });
    expect(!forbidden.ok && forbidden.error.code).toBe('forbidden');
  });
});
