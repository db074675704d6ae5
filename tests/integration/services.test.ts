import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceInput } from '../../src/shared/api/contract.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

describe('services', () => {
  it('lists the preloaded services with parsed rules', async () => {
    office = await makeTestOffice();
    const services = await office.value('services.list', {});
    expect(services.map((s) => s.code)).toEqual(['cantine', 'matin', 'soir', 'mercredi_matin', 'mercredi_repas', 'mercredi_apres_midi', 'vacances']);
    expect(services[0]).toMatchObject({
      name: 'Restauration scolaire',
      weekdays: [1, 2, 4, 5],
      withMeal: true,
      capacity: 300,
      levels: [],
      schoolIds: [],
      deadlines: { booking: { kind: 'weekday_of_previous_week', weekday: 3, time: '12:00' } },
    });
  });

  it('saves a new service with its schools and levels, audited; refuses bad input with French messages', async () => {
    office = await makeTestOffice();
    const school = await office.db.insertInto('schools').values({ name: 'École du Parc' }).returning('id').executeTakeFirstOrThrow();
    const input: ServiceInput = {
      id: null,
      code: 'mercredi_journee',
      name: 'Mercredi journée',
      kind: 'mercredi',
      unit: 'journée',
      withMeal: true,
      capacity: 40,
      weekdays: [3],
      period: 'school',
      levels: ['CP', 'CE1'],
      schoolIds: [school.id],
      deadlines: {
        booking: { kind: 'days_before', days: 7, time: '18:00' },
        cancel: { kind: 'working_days_before', days: 2, time: '12:00' },
        absence: { kind: 'none' },
      },
      latePolicy: 'late',
      autoRules: { absencesOnTime: true, bookingsWithinCapacity: false },
      requiresInscription: true,
      active: true,
    };
    const saved = await office.value('services.save', input);
    expect(saved).toEqual({ ...input, id: saved.id });
    expect((await office.value('services.list', {})).at(-1)).toEqual(saved);
    const audit = office.sqlite.prepare("SELECT field, new_value FROM audit_log WHERE entity = 'service' AND entity_id = ?").all(saved.id);
    expect(audit).toContainEqual({ field: 'Nom', new_value: 'Mercredi journée' });

    const bad = await office.call('services.save', {
      ...input,
      name: '',
      weekdays: [],
      capacity: -1,
      levels: ['CP', 'LYCEE' as never],
      deadlines: { ...input.deadlines, booking: { kind: 'days_before', days: 2, time: '25:00' } },
      code: 'Pause Midi',
    });
    expect(bad.ok ? null : bad.error.fields).toMatchObject({
      code: 'Code invalide : lettres minuscules, chiffres et _ seulement (40 au plus).',
      name: 'Le nom est obligatoire.',
      weekdays: 'Choisissez au moins un jour de la semaine.',
      capacity: 'La capacité ne peut pas être négative.',
      'levels.1': 'Classe inconnue.',
      'deadlines.booking.time': 'Heure invalide (format hh:mm attendu).',
    });
    const unknownSchool = await office.call('services.save', { ...input, id: saved.id, schoolIds: [999] });
    expect(unknownSchool.ok ? null : unknownSchool.error.fields).toEqual({ schoolIds: 'École inconnue.' });
    const duplicate = await office.call('services.save', { ...input, code: 'cantine' });
    expect(duplicate.ok ? null : duplicate.error.fields).toEqual({ code: 'Un autre service porte déjà ce code.' });

    const updated = await office.value('services.save', { ...input, id: saved.id, capacity: null });
    expect(updated.capacity).toBeNull();
    expect(office.sqlite.prepare("SELECT old_value, new_value FROM audit_log WHERE entity = 'service' AND field = 'Capacité par jour' AND action = 'update'").get()).toEqual({ old_value: '40', new_value: 'Sans limite' });
  });

  it('is configured by the administrator only', async () => {
    office = await makeTestOffice();
    const [cantine] = await office.value('services.list', {});
    if (!cantine) throw new Error('cantine');
    for (const role of ['agent', 'regisseur'] as const) {
      const other = await office.as(role);
      const refused = await other.call('services.save', { ...cantine, capacity: 10 });
      expect(refused.ok ? null : refused.error.code).toBe('forbidden');
    }
  });
});
