import { afterEach, describe, expect, it } from 'vitest';
import type { TariffDefinition } from '../../src/office/billing/store.js';
import { BILLING_SETTINGS_KEY, DEFAULT_BILLING_SETTINGS } from '../../src/shared/billing/settings.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/**
 * The QF where agents see it (family file, families grid, « QF à mettre à jour » and its CSV), the PAI meal basket,
 * and the pointed times of services billed by time. Today is 28/11/2026 (the test clock, Paris day). Tariffs are
 * inserted as rows (definition = the Tariff minus serviceId and dates), so these tests do not depend on tariffs.save.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

async function serviceId(code: string): Promise<number> {
  return (await office.db.selectFrom('services').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

const CANTINE: TariffDefinition = {
  unit: 'meal',
  time: null,
  pricing: {
    kind: 'brackets',
    brackets: [
      { upTo: 800, residentCents: 250, nonResidentCents: 400 },
      { upTo: 1200, residentCents: 380, nonResidentCents: 520 },
      { upTo: null, residentCents: 450, nonResidentCents: 600 },
    ],
  },
  lateSurcharge: null,
  unbookedSurcharge: null,
  paiReduction: { kind: 'percent', basisPoints: 5000 },
};

const SOIR: TariffDefinition = {
  unit: 'time',
  time: { blockMinutes: 30, rounding: 'started' },
  pricing: { kind: 'effort', resident: { rateBasisPoints: 10, minCents: 40, maxCents: 150 }, nonResident: { rateBasisPoints: 15, minCents: 60, maxCents: 200 } },
  lateSurcharge: null,
  unbookedSurcharge: null,
  paiReduction: null,
};

async function tariff(code: string, definition: TariffDefinition, from = '2026-09-01', to = '2027-07-02') {
  await office.db
    .insertInto('tariffs')
    .values({ service_id: await serviceId(code), school_year_id: null, valid_from: from, valid_to: to, definition: JSON.stringify(definition), updated_at: '2026-09-01T00:00:00.000Z', updated_by: null })
    .execute();
}

async function family(nom: string, overrides: Parameters<typeof sampleFamilyInput>[0] = {}, withChild = true) {
  const base = sampleFamilyInput();
  const created = await office.value('families.create', {
    data: sampleFamilyInput({ responsable1: { ...base.responsable1, nom, email: `${nom.toLowerCase()}@example.fr` }, ...overrides }),
  });
  let childId = 0;
  if (withChild) {
    const child = sampleChildInput();
    childId = (await office.value('children.create', { familyId: created.id, data: { ...child, identity: { ...child.identity, nom } } })).id;
  }
  return { id: created.id, childId };
}

const NO_TAX = { rfrCents: null, partsX100: null, year: null };

describe('qf.forFamily', () => {
  it('shows the QF in force today by the office rule, and per inscribed service the bracket and unit price', async () => {
    office = await makeTestOffice();
    await tariff('cantine', CANTINE);
    await tariff('soir', SOIR);
    // CAF 850 valid until 31/12/2026 (sample family); the child is inscribed to the cantine only.
    const martin = await family('Martin');
    await office.value('inscriptions.create', { childIds: [martin.childId], serviceId: await serviceId('cantine'), startDate: '2026-11-30', endDate: '2026-12-18', weekdays: [1, 2, 4, 5] });
    const view = await office.value('qf.forFamily', { familyId: martin.id });
    expect(view).toMatchObject({ day: '2026-11-28', qf: 850, source: 'caf', flagged: false, resident: true });
    expect(view.why).toMatch(/^QF 850 : quotient CAF 850 valable jusqu’au/);
    expect(view.services).toEqual([
      {
        serviceId: await serviceId('cantine'),
        serviceName: 'Restauration scolaire',
        unit: 'repas',
        bracket: 'Tranche 2 (QF de 801 à 1\u00a0200)',
        unitCents: 380,
        why: expect.stringMatching(/^Tranche 2 .* par repas, tarif résident\.$/),
      },
    ]);
  });

  it('without an inscription lists every active service, saying which has no tariff', async () => {
    office = await makeTestOffice();
    await tariff('soir', SOIR);
    // Non-resident, tax notice only: 24 000,00 € / 12 / 2 parts = 1 000.
    const durand = await family('Durand', {
      household: { situation: 'marie', resident: false, notes: '' },
      caf: { regime: '', number: '', qf: null, qfValidUntil: null },
      fiscal: { rfrCents: 2_400_000, partsX100: 200, year: 2025 },
    });
    const view = await office.value('qf.forFamily', { familyId: durand.id });
    expect(view).toMatchObject({ qf: 1000, source: 'tax', flagged: false, resident: false });
    const services = await office.db.selectFrom('services').select('id').where('active', '=', 1).execute();
    expect(view.services).toHaveLength(services.length);
    const soir = view.services.find((s) => s.serviceName === 'Accueil du soir');
    // 1 000 × 0,15 % = 1,50 €, within [0,60 ; 2,00].
    expect(soir).toMatchObject({ unit: 'tranche de 30 min', bracket: 'Taux d’effort', unitCents: 150 });
    expect(view.services.find((s) => s.serviceName === 'Restauration scolaire')).toEqual({
      serviceId: await serviceId('cantine'),
      serviceName: 'Restauration scolaire',
      unit: '',
      bracket: '',
      unitCents: null,
      why: 'Aucun tarif en vigueur le 28/11/2026.',
    });
  });

  it('flags an expired CAF quotient with no tax notice: highest bracket, and follows a change of the office rule', async () => {
    office = await makeTestOffice();
    await tariff('cantine', CANTINE);
    const expired = await family('Bernard', { caf: { regime: 'CAF', number: '1000001', qf: 500, qfValidUntil: '2026-10-31' }, fiscal: NO_TAX });
    const view = await office.value('qf.forFamily', { familyId: expired.id });
    expect(view).toMatchObject({ qf: null, source: null, flagged: true });
    expect(view.why).toMatch(/expiré le 31\/10\/2026 .*tranche la plus haute appliquée/);
    const cantine = view.services.find((s) => s.serviceName === 'Restauration scolaire');
    expect(cantine).toMatchObject({ bracket: 'Tranche 3 (QF non justifié, tranche la plus haute)', unitCents: 450 });

    // Both proofs: CAF 850 and tax notice 1 066. CAF first → 850; tax first → 1 066; lowest → 850.
    const both = await family('Petit');
    expect((await office.value('qf.forFamily', { familyId: both.id })).qf).toBe(850);
    const setRule = (qfRule: string) =>
      office.db
        .insertInto('settings')
        .values({ key: BILLING_SETTINGS_KEY, value: JSON.stringify({ ...DEFAULT_BILLING_SETTINGS, qfRule }) })
        .onConflict((c) => c.column('key').doUpdateSet({ value: JSON.stringify({ ...DEFAULT_BILLING_SETTINGS, qfRule }) }))
        .execute();
    await setRule('tax_first');
    const taxFirst = await office.value('qf.forFamily', { familyId: both.id });
    expect(taxFirst).toMatchObject({ qf: 1066, source: 'tax' });
    expect(taxFirst.services.find((s) => s.serviceName === 'Restauration scolaire')).toMatchObject({ unitCents: 380 });
    const [row] = await office.value('families.search', { query: 'petit', includeArchived: false });
    expect(row).toMatchObject({ qf: 1066, qfFlagged: false });
  });

  it('refuses an unknown family', async () => {
    office = await makeTestOffice();
    const result = await office.call('qf.forFamily', { familyId: 999 });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Famille introuvable.' } });
  });
});

describe('qf.toUpdate', () => {
  it('lists active families without usable proof today, with why, and exports them as CSV', async () => {
    office = await makeTestOffice();
    await family('Valide'); // CAF valid
    const missing = await family('Sanspreuve', { caf: { regime: '', number: '', qf: null, qfValidUntil: null }, fiscal: NO_TAX });
    const expired = await family('Expire', { caf: { regime: 'CAF', number: '1000002', qf: 500, qfValidUntil: '2026-11-27' }, fiscal: NO_TAX });
    // Tax notice on 2023 income: more than two years before 2026, too old; CAF valid until yesterday.
    const oldTax = await family('Ancien', { caf: { regime: 'MSA', number: '1000003', qf: 700, qfValidUntil: '2026-11-27' }, fiscal: { rfrCents: 2_000_000, partsX100: 200, year: 2023 } });
    await family('Sansenfant', { caf: { regime: '', number: '', qf: null, qfValidUntil: null }, fiscal: NO_TAX }, false);
    const archived = await family('Archivee', { caf: { regime: '', number: '', qf: null, qfValidUntil: null }, fiscal: NO_TAX });
    await office.value('families.archive', { id: archived.id, archived: true });
    // Valid until today included: not flagged today.
    await family('Aujourdhui', { caf: { regime: 'CAF', number: '1000004', qf: 600, qfValidUntil: '2026-11-28' }, fiscal: NO_TAX });

    const rows = await office.value('qf.toUpdate', {});
    expect(rows.map((row) => row.familyName)).toEqual(['Ancien Hélène', 'Expire Hélène', 'Sanspreuve Hélène']);
    expect(rows[0]).toEqual({
      familyId: oldTax.id,
      familyName: 'Ancien Hélène',
      email: 'ancien@example.fr',
      telephone: '06 12 34 56 78',
      why: expect.stringMatching(/^Quotient MSA 700 expiré le 27\/11\/2026 et avis d’imposition sur les revenus 2023 trop ancien/),
      cafValidUntil: '2026-11-27',
      fiscalYear: 2023,
    });
    expect(rows[2]).toMatchObject({ familyId: missing.id, why: 'Aucun quotient CAF et aucun avis d’imposition complet : tranche la plus haute appliquée, justificatif à mettre à jour.' });

    // The grid shows the same flag.
    const grid = await office.value('families.search', { query: 'expire', includeArchived: false });
    expect(grid).toMatchObject([{ id: expired.id, qf: null, qfFlagged: true }]);

    // Tomorrow, « Aujourdhui » expires too.
    office.clock.set('2026-11-29T10:00:00Z');
    expect((await office.value('qf.toUpdate', {})).map((row) => row.familyName)).toContain('Aujourdhui Hélène');
    office.clock.set('2026-11-28T10:00:00Z');

    const file = await office.value('qf.exportToUpdate', {});
    expect(file.fileName).toBe('qf-a-mettre-a-jour-2026-11-28.csv');
    expect(file.mime).toMatch(/^text\/csv/);
    const csv = Buffer.from(file.base64, 'base64').toString('utf8');
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('N° famille;Famille;E-mail;Téléphone;Validité du quotient CAF/MSA;Avis d’imposition (revenus);Motif');
    expect(lines[2]).toBe(
      `${expired.id};Expire Hélène;expire@example.fr;06 12 34 56 78;27/11/2026;;Quotient CAF 500 expiré le 27/11/2026 et aucun avis d’imposition complet : tranche la plus haute appliquée, justificatif à mettre à jour.`,
    );
    expect(lines).toHaveLength(5); // header, three families, and the final line end
  });

  it('is read by every staff role', async () => {
    office = await makeTestOffice();
    const regisseur = await office.as('regisseur');
    expect(await regisseur.call('qf.toUpdate', {})).toMatchObject({ ok: true });
    const agent = await office.as('agent');
    expect(await agent.call('qf.exportToUpdate', {})).toMatchObject({ ok: true });
  });
});

describe('PAI « apporte son repas »', () => {
  it('is stored with the PAI, refused without it, ended with it, and audited as health data', async () => {
    office = await makeTestOffice();
    const { id: familyId, childId } = await family('Repas');
    const file = await office.value('children.get', { id: childId });
    const health = file.data.health!;
    expect(health.paiOwnMeal).toBe(false);

    const refused = await office.call('children.update', { id: childId, patch: { health: { ...health, pai: false, paiEnd: null, paiOwnMeal: true } } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation', fields: { 'health.paiOwnMeal': '« Apporte son repas » ne vaut qu’avec un PAI : cochez PAI ou décochez cette case.' } } });
    expect((await office.db.selectFrom('children').select(['pai', 'pai_own_meal']).where('id', '=', childId).executeTakeFirstOrThrow())).toEqual({ pai: 1, pai_own_meal: 0 });

    await office.value('children.update', { id: childId, patch: { health: { ...health, paiOwnMeal: true } } });
    expect((await office.value('children.get', { id: childId })).data.health?.paiOwnMeal).toBe(true);
    // A health section sent without the field keeps it.
    const { paiOwnMeal: _omitted, ...withoutField } = health;
    await office.value('children.update', { id: childId, patch: { health: { ...withoutField, allergies: 'Kiwi' } } });
    expect((await office.value('children.get', { id: childId })).data.health?.paiOwnMeal).toBe(true);
    // Ending the PAI ends the meal basket, and the audit says so.
    await office.value('children.update', { id: childId, patch: { health: { ...withoutField, pai: false, paiEnd: null } } });
    expect((await office.db.selectFrom('children').select('pai_own_meal').where('id', '=', childId).executeTakeFirstOrThrow()).pai_own_meal).toBe(0);
    const audit = await office.db.selectFrom('audit_log').select(['old_value', 'new_value']).where('child_id', '=', childId).where('field', '=', 'Enfant · Apporte son repas (panier-repas PAI)').orderBy('id').execute();
    expect(audit.map((row) => [row.old_value, row.new_value])).toEqual([[null, 'Non'], ['Non', 'Oui'], ['Oui', 'Non']]);

    // The régisseur sees no health data: neither the field nor its history.
    const regisseur = await office.as('regisseur');
    const seen = await regisseur.call('children.get', { id: childId });
    expect(seen).toMatchObject({ ok: true, value: { data: { health: null } } });
    const forbidden = await regisseur.call('children.update', { id: childId, patch: { health: { ...health, paiOwnMeal: true } } });
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const history = await regisseur.call('audit.forFamily', { familyId });
    if (!history.ok) throw new Error(history.error.message);
    const lines = history.value.filter((entry) => entry.field === 'Enfant · Apporte son repas (panier-repas PAI)');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect([line.oldValue, line.newValue]).not.toContain('Oui');
  });
});

describe('pointage times', () => {
  it('refuses bad times, stores and audits good ones, and clears them with the attendance', async () => {
    office = await makeTestOffice();
    await tariff('soir', SOIR);
    await tariff('cantine', CANTINE);
    const { childId } = await family('Horaire');
    const soir = await serviceId('soir');
    const cantine = await serviceId('cantine');
    const day = '2026-11-26';
    const cell = { childId, serviceId: soir, day };
    await office.value('planning.apply', { cells: [cell, { ...cell, serviceId: cantine }], action: { kind: 'present' } });

    const refusals: [string | null, string | null, Record<string, string>][] = [
      ['16h30', '18:00', { arrival: 'Heure d’arrivée invalide : « 16h30 » (attendu hh:mm).' }],
      ['16:30', '25:00', { departure: 'Heure de départ invalide : « 25:00 » (attendu hh:mm).' }],
      ['18:00', '16:30', { departure: 'Le départ (16:30) précède l’arrivée (18:00).' }],
      [null, '18:00', { arrival: 'Saisissez l’heure d’arrivée avant celle du départ.' }],
    ];
    for (const [arrival, departure, fields] of refusals) {
      expect(await office.call('planning.setTimes', { ...cell, arrival, departure })).toMatchObject({ ok: false, error: { code: 'validation', fields } });
    }
    // Not billed by time: the cantine's tariff is per meal.
    expect(await office.call('planning.setTimes', { ...cell, serviceId: cantine, arrival: '11:30', departure: '13:30' })).toMatchObject({
      ok: false,
      error: { fields: { arrival: 'Restauration scolaire n’est pas facturé au temps le 26/11/2026 : pas d’heures à pointer.' } },
    });
    const stored = () => office.db.selectFrom('planning_days').select(['arrival', 'departure']).where('child_id', '=', childId).where('service_id', '=', soir).where('day', '=', day).executeTakeFirstOrThrow();
    expect(await stored()).toEqual({ arrival: null, departure: null });

    expect(await office.value('planning.setTimes', { ...cell, arrival: '16:30', departure: null })).toEqual({ arrival: '16:30', departure: null });
    await office.value('planning.setTimes', { ...cell, arrival: '16:30', departure: '18:05' });
    expect(await stored()).toEqual({ arrival: '16:30', departure: '18:05' });
    const list = await office.value('planning.day', { serviceId: soir, day });
    expect(list.billedByTime).toBe(true);
    expect(list.children.find((c) => c.childId === childId)).toMatchObject({ arrival: '16:30', departure: '18:05' });
    expect((await office.value('planning.day', { serviceId: cantine, day })).billedByTime).toBe(false);

    // The régisseur reads the planning but does not point.
    const regisseur = await office.as('regisseur');
    expect(await regisseur.call('planning.setTimes', { ...cell, arrival: '16:00', departure: '18:00' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await office.value('planning.apply', { cells: [cell], action: { kind: 'clear_attendance' } });
    expect(await stored()).toEqual({ arrival: null, departure: null });
    // Times need a present child.
    expect(await office.call('planning.setTimes', { ...cell, arrival: '16:30', departure: '18:00' })).toMatchObject({
      ok: false,
      error: { fields: { arrival: 'Pointez d’abord Lucas Horaire présent, puis ses heures.' } },
    });

    const audit = await office.db.selectFrom('audit_log').select(['field', 'old_value', 'new_value']).where('child_id', '=', childId).where('entity', '=', 'planning').where('field', 'like', 'Accueil du soir%').orderBy('id').execute();
    expect(audit.map((row) => [row.field, row.old_value, row.new_value])).toEqual([
      // Present without a booking: booked after the fact, then pointed.
      ['Accueil du soir · 26/11/2026', null, 'Réservé'],
      ['Accueil du soir · 26/11/2026', null, 'Présent'],
      ['Accueil du soir · 26/11/2026 · arrivée', null, '16:30'],
      ['Accueil du soir · 26/11/2026 · départ', null, '18:05'],
      ['Accueil du soir · 26/11/2026', 'Présent', null],
      ['Accueil du soir · 26/11/2026 · arrivée', '16:30', null],
      ['Accueil du soir · 26/11/2026 · départ', '18:05', null],
    ]);
  });
});
