import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChildInput } from '../../src/shared/children/input.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/** A strike or a school trip: the absence declared for every child concerned at once. */

let office: TestOffice;
let schoolId: number;
let otherSchoolId: number;
let cantine: number;
let soir: number;
const kids: Record<string, { id: number; familyId: number }> = {};

const STRIKE = '2026-12-10';

async function addChild(name: string, familyId: number, school: number, classe: ChildInput['identity']['classe']) {
  const child = await office.value('children.create', {
    familyId,
    data: sampleChildInput({ identity: { ...sampleChildInput().identity, prenom: name, schoolId: school, classe } }),
  });
  const book = office.sqlite.prepare(
    "INSERT INTO planning_days (child_id, service_id, day, state, updated_at) VALUES (?, ?, ?, 'booked', '2026-09-01T08:00:00Z')",
  );
  book.run(child.id, cantine, STRIKE);
  book.run(child.id, cantine, '2026-12-11');
  book.run(child.id, soir, STRIKE);
  kids[name] = { id: child.id, familyId };
}

const stateOf = (childId: number, serviceId: number, day: string) =>
  office.sqlite.prepare('SELECT state, absence_reason FROM planning_days WHERE child_id = ? AND service_id = ? AND day = ?').get(childId, serviceId, day);

beforeEach(async () => {
  office = await makeTestOffice();
  schoolId = Number(office.sqlite.prepare("INSERT INTO schools (name) VALUES ('École Jules Ferry')").run().lastInsertRowid);
  otherSchoolId = Number(office.sqlite.prepare("INSERT INTO schools (name) VALUES ('École Pasteur')").run().lastInsertRowid);
  cantine = office.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
  soir = office.sqlite.prepare("SELECT id FROM services WHERE code = 'soir'").pluck().get() as number;
  const martin = (await office.value('families.create', { data: sampleFamilyInput() })).id;
  const durand = (await office.value('families.create', { data: sampleFamilyInput({ responsable1: { ...sampleFamilyInput().responsable1, nom: 'Durand' } }) })).id;
  await addChild('Lucas', martin, schoolId, 'CP');
  await addChild('Emma', martin, schoolId, 'CE1');
  await addChild('Jules', durand, schoolId, 'CP');
  await addChild('Archie', durand, schoolId, 'CP');
  await addChild('Paul', durand, otherSchoolId, 'CP');
  await office.value('children.archive', { id: kids.Archie!.id, archived: true });
});

afterEach(async () => {
  await office.close();
});

describe('events.declareAbsence', () => {
  it('marks every active child of the class absent on the canteen that day, one accepted request per family', async () => {
    const result = await office.value('events.declareAbsence', {
      schoolId,
      classe: 'CP',
      serviceIds: [cantine],
      days: [STRIKE],
      reason: 'TEACHER_ABSENT',
      comment: 'Enseignante de CP absente',
    });
    expect(result).toEqual({ children: 2, days: 1 });
    expect(stateOf(kids.Lucas!.id, cantine, STRIKE)).toEqual({ state: 'absent', absence_reason: 'TEACHER_ABSENT' });
    expect(stateOf(kids.Jules!.id, cantine, STRIKE)).toEqual({ state: 'absent', absence_reason: 'TEACHER_ABSENT' });
    // Another class, another service, another day, another school, an archived child: untouched.
    expect(stateOf(kids.Emma!.id, cantine, STRIKE)).toEqual({ state: 'booked', absence_reason: null });
    expect(stateOf(kids.Lucas!.id, soir, STRIKE)).toEqual({ state: 'booked', absence_reason: null });
    expect(stateOf(kids.Lucas!.id, cantine, '2026-12-11')).toEqual({ state: 'booked', absence_reason: null });
    expect(stateOf(kids.Paul!.id, cantine, STRIKE)).toEqual({ state: 'booked', absence_reason: null });
    expect(stateOf(kids.Archie!.id, cantine, STRIKE)).toEqual({ state: 'booked', absence_reason: null });

    const [request] = await office.value('requests.forFamily', { familyId: kids.Lucas!.familyId });
    expect(request).toMatchObject({ kind: 'absence', reason: 'TEACHER_ABSENT', source: 'office', comment: 'Enseignante de CP absente' });
    expect(request!.items.map((item) => [item.childName, item.status, item.decidedBy])).toEqual([['Lucas Martin', 'accepted', 'Test admin 1']]);
    expect(await office.value('requests.queue', {})).toEqual([]);
    const audit = await office.value('audit.forChild', { childId: kids.Jules!.id });
    expect(audit.some((entry) => entry.field === 'Restauration scolaire · 10/12/2026' && entry.newValue === "Absent (ABSENCE DE L'ENSEIGNANT)")).toBe(true);
  });

  it('covers the whole school and several services when no class is given', async () => {
    const result = await office.value('events.declareAbsence', {
      schoolId,
      classe: null,
      serviceIds: [cantine, soir],
      days: [STRIKE, '2026-12-11'],
      reason: 'STRIKE',
      comment: '',
    });
    expect(result).toEqual({ children: 3, days: 2 });
    const absent = office.sqlite.prepare("SELECT COUNT(*) FROM planning_days WHERE state = 'absent' AND absence_reason = 'STRIKE'").pluck().get();
    // Lucas, Emma, Jules: canteen on both days and the evening on the strike day.
    expect(absent).toBe(9);
  });

  it('refuses an unknown reason or school and changes nothing', async () => {
    const badReason = await office.call('events.declareAbsence', { schoolId, classe: null, serviceIds: [cantine], days: [STRIKE], reason: 'PLUIE' as never, comment: '' });
    expect(!badReason.ok && badReason.error.message).toMatch(/Motif d'absence inconnu/);
    const badSchool = await office.call('events.declareAbsence', { schoolId: 999, classe: null, serviceIds: [cantine], days: [STRIKE], reason: 'STRIKE', comment: '' });
    expect(!badSchool.ok && badSchool.error.message).toBe('École inconnue.');
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM planning_days WHERE state = 'absent'").pluck().get()).toBe(0);
  });
});
