import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildPlanning } from '../../src/shared/api/contract.js';
import type { PlanningCell } from '../../src/shared/planning/cells.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

async function serviceId(code: string): Promise<number> {
  return (await office.db.selectFrom('services').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

interface Kid {
  prenom: string;
  nom?: string;
  classe: 'CP' | 'CE1' | 'CM2';
  school: number;
  allergies?: string;
  pai?: boolean;
  regime?: 'standard' | 'vegetarien' | 'sans_porc';
}

async function schools(): Promise<{ parc: number; pres: number }> {
  const parc = await office.db.insertInto('schools').values({ name: 'École du Parc' }).returning('id').executeTakeFirstOrThrow();
  const pres = await office.db.insertInto('schools').values({ name: 'École des Prés-Roses' }).returning('id').executeTakeFirstOrThrow();
  return { parc: parc.id, pres: pres.id };
}

async function child(kid: Kid): Promise<{ childId: number; familyId: number }> {
  const family = await office.value('families.create', { data: sampleFamilyInput() });
  const base = sampleChildInput();
  const file = await office.value('children.create', {
    familyId: family.id,
    data: {
      ...base,
      identity: { ...base.identity, prenom: kid.prenom, nom: kid.nom ?? 'Martin', classe: kid.classe, schoolId: kid.school, regime: kid.regime ?? 'standard' },
      health: { ...base.health, allergies: kid.allergies ?? '', pai: kid.pai ?? false, paiEnd: kid.pai ? '2027-07-04' : null, paiDetails: kid.pai ? 'Panier repas' : '' },
    },
  });
  return { childId: file.id, familyId: family.id };
}

function request(familyId: number, kind: 'book' | 'cancel' | 'absence', item: { childId: number; serviceId: number; day: string }, status: 'pending' | 'refused' = 'pending', refusal: string | null = null) {
  const uid = `test-${Math.random()}`;
  const requestId = office.sqlite
    .prepare("INSERT INTO requests (uid, family_id, kind, absence_reason, source, submitted_at) VALUES (?, ?, ?, ?, 'office', '2026-11-20T09:00:00.000Z')")
    .run(uid, familyId, kind, kind === 'absence' ? 'MEDICAL' : null).lastInsertRowid;
  office.sqlite
    .prepare('INSERT INTO request_items (request_id, child_id, service_id, day, status, refusal_reason, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(requestId, item.childId, item.serviceId, item.day, status, refusal, status === 'refused' ? '2026-11-21T09:00:00.000Z' : null);
}

function cell(planning: ChildPlanning, serviceName: string, day: string): PlanningCell | undefined {
  return planning.rows.find((row) => row.serviceName === serviceName)?.cells.find((c) => c.day === day);
}

describe('planning', () => {
  it('shows each cell state: closed with its reason, booked, requests pending, refused, attendance and absences', async () => {
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    const { parc } = await schools();
    const { childId, familyId } = await child({ prenom: 'Lucas', classe: 'CP', school: parc });
    const cantine = await serviceId('cantine');
    await office.value('inscriptions.create', { childIds: [childId], serviceId: cantine, startDate: '2026-11-02', endDate: '2026-12-18', weekdays: [1, 2, 4] });
    request(familyId, 'absence', { childId, serviceId: cantine, day: '2026-12-03' });
    request(familyId, 'cancel', { childId, serviceId: cantine, day: '2026-12-10' });
    request(familyId, 'book', { childId, serviceId: cantine, day: '2026-12-04' });
    request(familyId, 'book', { childId, serviceId: cantine, day: '2026-12-11' }, 'refused', 'Plus de place disponible ce jour-là');
    const cells = (day: string) => [{ childId, serviceId: cantine, day }];
    await office.value('planning.apply', { cells: cells('2026-11-26'), action: { kind: 'present' } });
    await office.value('planning.apply', { cells: cells('2026-11-24'), action: { kind: 'absent_unnoticed' } });
    await office.value('planning.apply', { cells: cells('2026-12-07'), action: { kind: 'absent', reason: 'STRIKE' } });
    await office.value('planning.apply', { cells: cells('2026-12-08'), action: { kind: 'cancel' } });

    const planning = await office.value('planning.child', { childId, from: '2026-11-09', to: '2026-12-22' });
    expect(planning.childName).toBe('Lucas Martin');
    expect(planning.days).toHaveLength(44);
    expect(planning.rows.map((r) => r.serviceName)).toEqual(['Restauration scolaire']);
    expect(planning.actions).toEqual({ edit: true, markAttendance: true });
    const at = (day: string) => cell(planning, 'Restauration scolaire', day);
    expect(at('2026-11-11')).toEqual({ day: '2026-11-11', state: 'closed', closedWhy: 'Jour férié : Armistice 1918' });
    expect(at('2026-12-02')).toEqual({ day: '2026-12-02', state: 'closed', closedWhy: 'Service fermé le mercredi' });
    expect(at('2026-12-21')).toEqual({ day: '2026-12-21', state: 'closed', closedWhy: 'Vacances de Noël 2026' });
    expect(at('2026-11-26')?.state).toBe('present');
    expect(at('2026-11-24')?.state).toBe('absent_unnoticed');
    expect(at('2026-12-07')).toEqual({ day: '2026-12-07', state: 'absent', absenceReason: 'STRIKE' });
    expect(at('2026-12-08')?.state).toBe('cancelled');
    // The default rule: the Wednesday of the week before, at 12:00 in Paris (11:00 UTC in winter).
    expect(at('2026-12-01')).toEqual({ day: '2026-12-01', state: 'booked', changeableUntil: '2026-11-25T11:00:00.000Z' });
    expect(at('2026-12-03')).toMatchObject({ state: 'absence_requested', absenceReason: 'MEDICAL', pendingItemId: expect.any(Number) });
    expect(at('2026-12-10')).toMatchObject({ state: 'cancel_requested' });
    expect(at('2026-12-04')).toMatchObject({ state: 'booking_requested' });
    expect(at('2026-12-11')).toEqual({ day: '2026-12-11', state: 'refused', refusalReason: 'Plus de place disponible ce jour-là' });
    expect(at('2026-12-18')).toEqual({ day: '2026-12-18', state: 'open', changeableUntil: '2026-12-09T11:00:00.000Z' });

    const regie = await office.as('regisseur');
    const read = await regie.call('planning.child', { childId, from: '2026-12-01', to: '2026-12-31' });
    expect(read.ok && read.value.actions).toEqual({ edit: false, markAttendance: false });
    const tooLong = await office.call('planning.child', { childId, from: '2026-01-01', to: '2027-06-30' });
    expect(tooLong.ok).toBe(false);
  });

  it('applies staff edits at once, audited, skipping closed days and attendance ahead of time', async () => {
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    const { parc } = await schools();
    const { childId } = await child({ prenom: 'Lucas', classe: 'CP', school: parc });
    const cantine = await serviceId('cantine');
    const cells = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-21'].map((day) => ({ childId, serviceId: cantine, day }));
    const outcome = await office.value('planning.apply', { cells, action: { kind: 'book' } });
    expect(outcome).toEqual({
      changed: 2,
      skipped: [
        { day: '2026-12-02', why: 'Service fermé le mercredi' },
        { day: '2026-12-21', why: 'Vacances de Noël 2026' },
      ],
    });
    const audit = office.sqlite.prepare("SELECT action, field, old_value, new_value, child_id FROM audit_log WHERE entity = 'planning' ORDER BY id").all();
    expect(audit).toEqual([
      { action: 'Saisie au planning', field: 'Restauration scolaire · 30/11/2026', old_value: null, new_value: 'Réservé', child_id: childId },
      { action: 'Saisie au planning', field: 'Restauration scolaire · 01/12/2026', old_value: null, new_value: 'Réservé', child_id: childId },
    ]);
    const future = await office.value('planning.apply', { cells: cells.slice(0, 1), action: { kind: 'present' } });
    expect(future).toEqual({ changed: 0, skipped: [{ day: '2026-11-30', why: 'Le pointage se fait le jour même ou après.' }] });
    const again = await office.value('planning.apply', { cells: cells.slice(0, 2), action: { kind: 'absent', reason: 'MEDICAL' } });
    expect(again.changed).toBe(2);
    expect(office.sqlite.prepare("SELECT new_value FROM audit_log WHERE entity = 'planning' ORDER BY id DESC LIMIT 1").pluck().get()).toBe('Absent (RAISON MEDICALE)');
    const unknownReason = await office.call('planning.apply', { cells, action: { kind: 'absent', reason: 'NAP' as never } });
    expect(unknownReason.ok ? null : unknownReason.error.code).toBe('validation');
    const regie = await office.as('regisseur');
    expect((await regie.call('planning.apply', { cells, action: { kind: 'book' } })).ok).toBe(false);
  });

  it('does not overbook a full day: counts the bookings of the same call, never a re-booking, no limit without capacity', async () => {
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    const { parc } = await schools();
    const [a, b, c] = [
      await child({ prenom: 'Zoé', classe: 'CM2', school: parc }),
      await child({ prenom: 'Adam', classe: 'CP', school: parc }),
      await child({ prenom: 'Léa', classe: 'CE1', school: parc }),
    ].map((k) => k.childId) as [number, number, number];
    const cantine = await serviceId('cantine');
    const soir = await serviceId('soir');
    office.sqlite.prepare('UPDATE services SET capacity = 2 WHERE id = ?').run(cantine);
    office.sqlite.prepare('UPDATE services SET capacity = NULL WHERE id = ?').run(soir);
    const at = (childId: number, serviceId: number, day = '2026-12-07') => ({ childId, serviceId, day });
    await office.value('planning.apply', { cells: [at(a, cantine)], action: { kind: 'book' } });

    const outcome = await office.value('planning.apply', {
      cells: [at(a, cantine), at(b, cantine), at(c, cantine), at(c, cantine, '2026-12-08'), at(a, soir), at(b, soir), at(c, soir)],
      action: { kind: 'book' },
    });
    expect(outcome).toEqual({ changed: 5, skipped: [{ day: '2026-12-07', why: 'Complet : 2 places réservées sur 2 le lundi 7 décembre 2026' }] });
    const booked = (serviceId: number, day: string) =>
      office.sqlite.prepare("SELECT child_id FROM planning_days WHERE service_id = ? AND day = ? AND state = 'booked' ORDER BY child_id").pluck().all(serviceId, day);
    expect(booked(cantine, '2026-12-07')).toEqual([a, b]);
    expect(booked(cantine, '2026-12-08')).toEqual([c]);
    expect(booked(soir, '2026-12-07')).toEqual([a, b, c]);

    // A child already booked on the full day keeps it; a cancelled place is free again.
    expect(await office.value('planning.apply', { cells: [at(b, cantine)], action: { kind: 'book' } })).toEqual({ changed: 0, skipped: [] });
    await office.value('planning.apply', { cells: [at(a, cantine)], action: { kind: 'cancel' } });
    expect(await office.value('planning.apply', { cells: [at(c, cantine)], action: { kind: 'book' } })).toEqual({ changed: 1, skipped: [] });
  });

  it("lists a day's children by school and class with counts, health only for roles that may see it", async () => {
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    const { parc, pres } = await schools();
    const kids = [
      await child({ prenom: 'Zoé', nom: 'Bernard', classe: 'CM2', school: parc }),
      await child({ prenom: 'Adam', nom: 'Arnaud', classe: 'CP', school: parc, allergies: 'Arachide', pai: true }),
      await child({ prenom: 'Léa', nom: 'Petit', classe: 'CE1', school: pres }),
      await child({ prenom: 'Noé', nom: 'Durand', classe: 'CP', school: parc }),
    ];
    const cantine = await serviceId('cantine');
    await office.value('inscriptions.create', { childIds: kids.map((k) => k.childId), serviceId: cantine, startDate: '2026-11-30', endDate: '2026-12-18', weekdays: [1, 2, 4, 5] });
    await office.value('planning.apply', { cells: [{ childId: kids[3]?.childId as number, serviceId: cantine, day: '2026-12-01' }], action: { kind: 'absent', reason: 'MEDICAL' } });
    // Not inscribed: only a booking request, still pending, brings him into the day.
    const asking = await child({ prenom: 'Tom', nom: 'Caron', classe: 'CP', school: parc, allergies: 'Lait', pai: true });
    request(asking.familyId, 'book', { childId: asking.childId, serviceId: cantine, day: '2026-12-01' });

    const list = await office.value('planning.day', { serviceId: cantine, day: '2026-12-01' });
    expect(list).toMatchObject({ serviceName: 'Restauration scolaire', open: true, closedWhy: null, capacity: 300, expected: 3 });
    expect(list.children.map((c) => `${c.ecole} ${c.classe} ${c.nom} ${c.state}`)).toEqual([
      'École des Prés-Roses CE1 Petit booked',
      'École du Parc CP Arnaud booked',
      'École du Parc CP Caron booking_requested',
      'École du Parc CP Durand absent',
      'École du Parc CM2 Bernard booked',
    ]);
    expect(list.children[1]).toMatchObject({ allergies: 'Arachide', pai: true });
    expect(list.children[2]).toMatchObject({ childId: asking.childId, familyId: asking.familyId, prenom: 'Tom', allergies: 'Lait', pai: true, absenceReason: null, attendance: null });
    expect(list.counts).toEqual([
      { schoolId: pres, ecole: 'École des Prés-Roses', classe: 'CE1', expected: 1 },
      { schoolId: parc, ecole: 'École du Parc', classe: 'CP', expected: 1 },
      { schoolId: parc, ecole: 'École du Parc', classe: 'CM2', expected: 1 },
    ]);

    const regie = await office.as('regisseur');
    const hidden = await regie.call('planning.day', { serviceId: cantine, day: '2026-12-01' });
    if (!hidden.ok) throw new Error('régie reads the day');
    expect(hidden.value.children).toHaveLength(5);
    expect(hidden.value.children.every((c) => c.allergies === null && c.pai === null)).toBe(true);

    const closed = await office.value('planning.day', { serviceId: cantine, day: '2026-12-25' });
    expect(closed).toMatchObject({ open: false, closedWhy: 'Jour férié : Noël', expected: 0 });
  });

  it('counts meals per day and school, PAI apart, regimes per day', async () => {
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    const { parc, pres } = await schools();
    const a = await child({ prenom: 'Zoé', classe: 'CM2', school: parc, regime: 'vegetarien' });
    const b = await child({ prenom: 'Adam', classe: 'CP', school: parc, pai: true, allergies: 'Gluten' });
    const c = await child({ prenom: 'Léa', classe: 'CE1', school: pres });
    const cantine = await serviceId('cantine');
    const soir = await serviceId('soir');
    const all = [a.childId, b.childId, c.childId];
    await office.value('inscriptions.create', { childIds: all, serviceId: cantine, startDate: '2026-11-30', endDate: '2026-12-04', weekdays: [1, 2] });
    await office.value('inscriptions.create', { childIds: [c.childId], serviceId: soir, startDate: '2026-11-30', endDate: '2026-12-04', weekdays: [1, 2, 4] });
    await office.value('planning.apply', { cells: [{ childId: c.childId, serviceId: cantine, day: '2026-12-01' }], action: { kind: 'cancel' } });

    const counts = await office.value('planning.meals', { from: '2026-11-30', to: '2026-12-06' });
    // Meal services (canteen, Wednesday lunch) are open Monday to Friday; the weekend is left out.
    expect(counts.days).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    expect(counts.schools).toEqual(['École des Prés-Roses', 'École du Parc']);
    expect(counts.meals).toEqual([[1, 1], [0, 1], [0, 0], [0, 0], [0, 0]]);
    expect(counts.paiBasket).toEqual([[0, 1], [0, 1], [0, 0], [0, 0], [0, 0]]);
    expect(counts.regimes).toEqual([
      { day: '2026-11-30', regime: 'standard', count: 1 },
      { day: '2026-11-30', regime: 'vegetarien', count: 1 },
      { day: '2026-12-01', regime: 'vegetarien', count: 1 },
    ]);
  });

  it('prints the attendance sheet of the accueil du soir with the expected children and departure columns', async () => {
    office = await makeTestOffice({ now: '2026-11-28T10:00:00Z' });
    const { parc, pres } = await schools();
    const a = await child({ prenom: 'Zoé', nom: 'Bernard', classe: 'CM2', school: parc });
    const b = await child({ prenom: 'Adam', nom: 'Arnaud', classe: 'CP', school: parc, allergies: 'Arachide', pai: true });
    const c = await child({ prenom: 'Léa', nom: 'Petit', classe: 'CE1', school: pres });
    const soir = await serviceId('soir');
    await office.value('inscriptions.create', { childIds: [a.childId, b.childId, c.childId], serviceId: soir, startDate: '2026-11-30', endDate: '2026-12-04', weekdays: [1, 2, 4, 5] });
    await office.value('planning.apply', { cells: [{ childId: c.childId, serviceId: soir, day: '2026-12-01' }], action: { kind: 'cancel' } });

    const text = async (call: typeof office.call) => {
      const file = await call('planning.attendanceSheet', { serviceId: soir, day: '2026-12-01' });
      if (!file.ok) throw new Error(JSON.stringify(file.error));
      expect(file.value.mime).toBe('application/pdf');
      const pdf = path.join(office.dir, file.value.fileName);
      fs.writeFileSync(pdf, Buffer.from(file.value.base64, 'base64'));
      return execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    };
    const sheet = await text(office.call);
    expect(sheet).toContain('Feuille de présence');
    expect(sheet).toContain('Accueil du soir · mardi 1er décembre 2026');
    expect(sheet).toMatch(/Heure de départ/);
    expect(sheet).toMatch(/Personne/);
    expect(sheet).toMatch(/ARNAUD\s+Adam/);
    expect(sheet).toMatch(/BERNARD\s+Zoé/);
    expect(sheet).not.toContain('PETIT');
    expect(sheet.indexOf('ARNAUD')).toBeLessThan(sheet.indexOf('BERNARD'));
    expect(sheet).toContain('PAI · Arachide');
    expect(sheet).toContain('Total : 2 enfants attendus');

    const regie = await office.as('regisseur');
    const regieSheet = await text(regie.call);
    expect(regieSheet).toMatch(/ARNAUD\s+Adam/);
    expect(regieSheet).not.toContain('Arachide');
  });
});
