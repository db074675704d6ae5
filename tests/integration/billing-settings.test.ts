import { afterEach, describe, expect, it } from 'vitest';
import type { TariffInput } from '../../src/shared/api/billing.js';
import { DEFAULT_BILLING_RULES, type BillingRules } from '../../src/shared/billing/rules.js';
import { DEFAULT_BILLING_SETTINGS, type BillingSettings } from '../../src/shared/billing/settings.js';
import { unitPrice, type Tariff } from '../../src/shared/billing/tariffs.js';
import { seedDemoCommune } from '../../src/office/demo/seed.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

const CANTINE = 1;

/** The demo canteen's grid: four QF brackets, prices written by hand. */
function canteen(overrides: Partial<Tariff> = {}): Tariff {
  return {
    serviceId: CANTINE,
    validFrom: '2026-09-01',
    validTo: '2026-12-31',
    unit: 'meal',
    time: null,
    pricing: {
      kind: 'brackets',
      brackets: [
        { upTo: 500, residentCents: 100, nonResidentCents: 150 },
        { upTo: 800, residentCents: 250, nonResidentCents: 350 },
        { upTo: 1200, residentCents: 390, nonResidentCents: 490 },
        { upTo: null, residentCents: 520, nonResidentCents: 620 },
      ],
    },
    lateSurcharge: { kind: 'price', cents: 405 },
    unbookedSurcharge: { kind: 'price', cents: 505 },
    paiReduction: { kind: 'percent', basisPoints: 5000 },
    ...overrides,
  };
}

const input = (tariff: Tariff, id: number | null = null): TariffInput => ({ id, schoolYearId: null, tariff });

const count = (sql: string, ...params: unknown[]) => office.sqlite.prepare(sql).pluck().get(...params) as number;

describe('billing settings: tariffs', () => {
  it('saves, lists, changes and removes a tariff, audited in French', async () => {
    office = await makeTestOffice();
    const saved = await office.value('tariffs.save', input(canteen()));
    expect(saved).toMatchObject({ ...canteen(), updatedBy: 'Test admin 1', updatedAt: '2026-11-28T10:00:00.000Z' });
    const yearId = count("SELECT id FROM school_years WHERE label = '2026-2027'");
    expect(saved.schoolYearId).toBe(yearId);
    expect(await office.value('tariffs.list', { serviceId: CANTINE })).toEqual([saved]);
    expect(await office.value('tariffs.list', { serviceId: 2 })).toEqual([]);

    const audit = () =>
      office.sqlite.prepare("SELECT action, field, old_value, new_value FROM audit_log WHERE entity = 'tariff' ORDER BY id").all() as {
        action: string;
        field: string;
        old_value: string | null;
        new_value: string | null;
      }[];
    expect(audit()).toContainEqual({ action: 'create', field: 'Validité', old_value: null, new_value: 'du 01/09/2026 au 31/12/2026' });
    expect(audit()).toContainEqual({ action: 'create', field: 'Majoration réservation hors délai', old_value: null, new_value: 'prix fixe 4,05\u00a0€' });
    expect(audit()).toContainEqual({ action: 'create', field: 'Réduction PAI (repas fourni)', old_value: null, new_value: '50 %' });

    // A second tariff from January; then the first one's price changes.
    const january = await office.value('tariffs.save', input(canteen({ validFrom: '2027-01-01', validTo: '2027-07-02' })));
    const changed = canteen();
    if (changed.pricing.kind !== 'brackets') throw new Error('brackets expected');
    changed.pricing.brackets[0]!.residentCents = 110;
    await office.value('tariffs.save', input(changed, saved.id));
    const pricingChange = audit().find((row) => row.action === 'update' && row.field === 'Tarification (résidents / non-résidents)');
    expect(pricingChange?.old_value).toContain('QF jusqu’à 500 : 1,00\u00a0€ / 1,50\u00a0€');
    expect(pricingChange?.new_value).toContain('QF jusqu’à 500 : 1,10\u00a0€ / 1,50\u00a0€');
    expect((await office.value('tariffs.list', { serviceId: null })).map((t) => t.id)).toEqual([saved.id, january.id]);

    expect(await office.value('tariffs.remove', { id: january.id })).toBeNull();
    expect(await office.value('tariffs.list', { serviceId: null })).toHaveLength(1);
    expect(audit().filter((row) => row.action === 'delete').map((row) => row.field)).toContain('Validité');
  });

  it('refuses bad grids, a negative price, overlapping validity and days outside the school year, with French messages and nothing saved', async () => {
    office = await makeTestOffice();
    await office.value('tariffs.save', input(canteen()));
    const before = count('SELECT COUNT(*) FROM tariffs');
    const auditBefore = count('SELECT COUNT(*) FROM audit_log');

    const refused = async (tariff: Tariff) => {
      const result = await office.call('tariffs.save', input(tariff));
      if (result.ok) throw new Error('expected a refusal');
      expect(result.error.code).toBe('validation');
      return result.error.fields ?? {};
    };
    const january = { validFrom: '2027-01-01', validTo: '2027-03-31' };

    // Brackets whose ceilings do not rise (overlap).
    const overlapping = canteen(january);
    if (overlapping.pricing.kind !== 'brackets') throw new Error('brackets expected');
    overlapping.pricing.brackets[2]!.upTo = 700;
    expect(await refused(overlapping)).toEqual({
      'pricing.brackets.2.upTo': 'Tranche 3 : le plafond (700) doit dépasser celui de la tranche 2 (800).',
    });

    // No open last bracket: a QF above 1 200 would have no price.
    const closed = canteen(january);
    if (closed.pricing.kind !== 'brackets') throw new Error('brackets expected');
    closed.pricing.brackets[3]!.upTo = 2000;
    expect((await refused(closed))['pricing.brackets.3.upTo']).toBe(
      'Tranche 4 : la dernière tranche doit être sans plafond (QF au-delà de 2\u00a0000).',
    );

    const negative = canteen(january);
    if (negative.pricing.kind !== 'brackets') throw new Error('brackets expected');
    negative.pricing.brackets[1]!.nonResidentCents = -50;
    expect((await refused(negative))['pricing.brackets.1.nonResidentCents']).toBe('Tranche 2 : le prix non-résidents ne peut pas être négatif.');

    expect((await refused(canteen({ validFrom: '2026-12-01', validTo: '2027-01-31' })))['validFrom']).toBe(
      'Ce tarif (du 01/12/2026 au 31/01/2027) chevauche celui du 01/09/2026 au 31/12/2026 pour le même service.',
    );

    // Across two school years.
    expect((await refused(canteen({ validFrom: '2026-06-01', validTo: '2026-09-30' })))['validFrom']).toBe(
      'La validité doit rester dans l’année scolaire (du 01/09/2025 au 31/08/2026).',
    );
    // Before any school year known.
    expect((await refused(canteen({ validFrom: '2020-01-01', validTo: '2020-01-31' })))['validFrom']).toBe(
      'Aucune année scolaire ne contient le 01/01/2020 : créez-la d’abord (Paramètres › Calendrier).',
    );
    // A shape the screens never send: refused in French, not crashed on.
    const shape = await office.call('tariffs.save', { id: null, schoolYearId: null, tariff: { ...canteen(january), unit: 'litre' } as unknown as Tariff });
    expect(shape.ok ? null : shape.error.fields).toEqual({ unit: 'Unité facturée inconnue.' });

    expect(count('SELECT COUNT(*) FROM tariffs')).toBe(before);
    expect(count('SELECT COUNT(*) FROM audit_log')).toBe(auditBefore);
  });

  it('accepts the summer holidays on the tariffs of the year that ends, and a taux d’effort billed by time', async () => {
    office = await makeTestOffice();
    const summer = await office.value('tariffs.save', {
      id: null,
      schoolYearId: null,
      tariff: {
        serviceId: 7,
        validFrom: '2026-07-04',
        validTo: '2026-08-31',
        unit: 'day',
        time: null,
        pricing: {
          kind: 'effort',
          resident: { rateBasisPoints: 120, minCents: 400, maxCents: 2200 },
          nonResident: { rateBasisPoints: 150, minCents: 600, maxCents: 2800 },
        },
        lateSurcharge: { kind: 'percent', basisPoints: 1000 },
        unbookedSurcharge: null,
        paiReduction: null,
      },
    });
    expect(summer.schoolYearId).toBe(count("SELECT id FROM school_years WHERE label = '2025-2026'"));
    const evening = await office.value('tariffs.save', {
      id: null,
      schoolYearId: null,
      tariff: {
        serviceId: 3,
        validFrom: '2026-09-01',
        validTo: '2027-07-02',
        unit: 'time',
        time: { blockMinutes: 30, rounding: 'started' },
        pricing: { kind: 'brackets', brackets: [{ upTo: 700, residentCents: 60, nonResidentCents: 90 }, { upTo: null, residentCents: 95, nonResidentCents: 130 }] },
        lateSurcharge: null,
        unbookedSurcharge: { kind: 'amount', cents: 100 },
        paiReduction: null,
      },
    });
    expect(evening.time).toEqual({ blockMinutes: 30, rounding: 'started' });
  });

  it('refuses to remove a tariff whose months were issued, but lets its validity change', async () => {
    office = await makeTestOffice();
    const saved = await office.value('tariffs.save', input(canteen()));
    office.sqlite
      .prepare("INSERT INTO invoice_runs (month, status, generated_at, issued_at) VALUES ('2026-10', 'issued', '2026-11-02T08:00:00Z', '2026-11-03T08:00:00Z')")
      .run();
    office.sqlite.prepare("INSERT INTO invoice_runs (month, status, generated_at) VALUES ('2026-11', 'draft', '2026-11-28T08:00:00Z')").run();

    const removal = await office.call('tariffs.remove', { id: saved.id });
    expect(removal.ok ? null : removal.error).toEqual({
      code: 'conflict',
      message: 'Ce tarif a servi à facturer octobre 2026 (facturation émise) : il ne peut pas être supprimé. Modifiez plutôt sa période de validité.',
    });
    expect(count('SELECT COUNT(*) FROM tariffs')).toBe(1);

    const shorter = await office.value('tariffs.save', input(canteen({ validTo: '2026-10-31' }), saved.id));
    expect(shorter.validTo).toBe('2026-10-31');
    // A tariff over November only (drafted, not issued) may go.
    const november = await office.value('tariffs.save', input(canteen({ validFrom: '2026-11-01', validTo: '2026-11-30' })));
    expect(await office.value('tariffs.remove', { id: november.id })).toBeNull();
  });
});

describe('billing settings: rules and settings', () => {
  it('round-trips a service’s billing rules, defaults first, audited per reason', async () => {
    office = await makeTestOffice();
    const list = await office.value('billingRules.list', {});
    expect(list).toHaveLength(7);
    expect(list[0]).toEqual({ serviceId: 1, rules: DEFAULT_BILLING_RULES, custom: false });

    const rules: BillingRules = structuredClone(DEFAULT_BILLING_RULES) as BillingRules;
    rules.reasons.MEDICAL = { kind: 'waiting_days', days: 2, certificateRequired: true };
    rules.reasons.OTHER = { kind: 'not_billed' };
    rules.absenceOnTimeBilled = true;
    expect(await office.value('billingRules.save', { serviceId: 1, rules })).toEqual({ serviceId: 1, rules, custom: true });
    const after = await office.value('billingRules.list', {});
    expect(after[0]).toEqual({ serviceId: 1, rules, custom: true });
    expect(after[1]).toEqual({ serviceId: 2, rules: DEFAULT_BILLING_RULES, custom: false });

    const audit = office.sqlite
      .prepare("SELECT field, old_value, new_value FROM audit_log WHERE entity = 'service_billing_rules' AND entity_id = 1")
      .all();
    expect(audit).toEqual([
      {
        field: 'Absence hors délai « RAISON MEDICALE »',
        old_value: '1 jour de carence, puis non facturé avec justificatif',
        new_value: '2 jours de carence, puis non facturé avec justificatif',
      },
      { field: 'Absence hors délai « AUTRES »', old_value: 'Facturé', new_value: 'Non facturé' },
      { field: 'Absence déclarée dans les délais facturée', old_value: 'Non', new_value: 'Oui' },
    ]);

    const bad = structuredClone(rules) as unknown as { reasons: Record<string, unknown> };
    bad.reasons.MEDICAL = { kind: 'waiting_days', days: -1, certificateRequired: true };
    const refused = await office.call('billingRules.save', { serviceId: 1, rules: bad as unknown as BillingRules });
    expect(refused.ok ? null : refused.error.fields).toEqual({ 'reasons.MEDICAL.days': 'Le nombre de jours de carence ne peut pas être négatif.' });
    expect((await office.value('billingRules.list', {}))[0]?.rules).toEqual(rules);
  });

  it('reads the defaults, saves valid settings and refuses each bad field in French', async () => {
    office = await makeTestOffice();
    expect(await office.value('billing.settings', {})).toEqual(DEFAULT_BILLING_SETTINGS);

    const next: BillingSettings = structuredClone(DEFAULT_BILLING_SETTINGS) as BillingSettings;
    next.qfRule = 'lowest';
    next.dueDays = 45;
    next.issuer.siret = '217 401 124 00011';
    next.issuer.payfipId = '';
    const saved = await office.value('billing.saveSettings', next);
    expect(saved.issuer.siret).toBe('21740112400011');
    expect(await office.value('billing.settings', {})).toEqual(saved);
    const audit = office.sqlite.prepare("SELECT field, old_value, new_value FROM audit_log WHERE entity = 'billing_settings'").all();
    expect(audit).toEqual([
      { field: 'Règle de calcul du QF', old_value: 'Quotient CAF/MSA en priorité, sinon avis d’imposition', new_value: 'Le plus bas des deux' },
      { field: 'Délai de paiement (jours)', old_value: '30', new_value: '45' },
      { field: 'Identifiant PayFiP', old_value: '012345', new_value: null },
    ]);

    const bad = structuredClone(next) as BillingSettings;
    bad.dueDays = 0;
    bad.issuer.siret = '21740112400012';
    bad.issuer.communeName = '  ';
    bad.issuer.regieName = '';
    bad.issuer.signatoryName = '';
    bad.issuer.payfipId = '12A45';
    bad.issuer.address = [];
    const refused = await office.call('billing.saveSettings', bad);
    expect(refused.ok ? null : refused.error.fields).toEqual({
      dueDays: 'Le délai de paiement est d’au moins 1 jour.',
      'issuer.communeName': 'Le nom de la commune est obligatoire.',
      'issuer.address': 'Indiquez l’adresse de la commune.',
      'issuer.siret': 'SIRET invalide : la clé de contrôle ne correspond pas (vérifiez les chiffres).',
      'issuer.regieName': 'Le nom de la régie est obligatoire.',
      'issuer.signatoryName': 'Le nom du signataire est obligatoire.',
      'issuer.payfipId': 'L’identifiant PayFiP ne contient que des chiffres (vide : pas de paiement en ligne).',
    });
    const tooLate = await office.call('billing.saveSettings', { ...next, dueDays: 121 });
    expect(tooLate.ok ? null : tooLate.error.fields).toEqual({ dueDays: 'Le délai de paiement est de 120 jours au plus.' });
    const short = await office.call('billing.saveSettings', { ...next, issuer: { ...next.issuer, siret: '1234' } });
    expect(short.ok ? null : short.error.fields).toEqual({ 'issuer.siret': 'Le SIRET compte 14 chiffres.' });
    expect(await office.value('billing.settings', {})).toEqual(saved);
  });

  it('lets every staff member read, only the administrator and the régisseur write', async () => {
    office = await makeTestOffice();
    const agent = await office.as('agent');
    const regisseur = await office.as('regisseur');
    for (const call of [agent.call, regisseur.call]) {
      expect((await call('billing.settings', {})).ok).toBe(true);
      expect((await call('tariffs.list', { serviceId: null })).ok).toBe(true);
      expect((await call('billingRules.list', {})).ok).toBe(true);
    }
    const forbidden = [
      await agent.call('tariffs.save', input(canteen())),
      await agent.call('billing.saveSettings', structuredClone(DEFAULT_BILLING_SETTINGS) as BillingSettings),
      await agent.call('billingRules.save', { serviceId: 1, rules: structuredClone(DEFAULT_BILLING_RULES) as BillingRules }),
    ];
    for (const result of forbidden) expect(result.ok ? null : result.error.code).toBe('forbidden');
    expect(count('SELECT COUNT(*) FROM tariffs')).toBe(0);

    const byRegisseur = await regisseur.call('tariffs.save', input(canteen()));
    expect(byRegisseur.ok).toBe(true);
    const removal = await agent.call('tariffs.remove', { id: byRegisseur.ok ? byRegisseur.value.id : 0 });
    expect(removal.ok ? null : removal.error.code).toBe('forbidden');
    expect(count('SELECT COUNT(*) FROM tariffs')).toBe(1);
  });

  it('never bills on settings it cannot read back: a damaged stored row is an error, not the defaults', async () => {
    office = await makeTestOffice();
    const settings = await office.value('billing.settings', {});
    office.sqlite.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('billing.settings', ?)").run(JSON.stringify({ ...settings, dueDays: -3 }));
    const damaged = await office.call('billing.settings', {});
    expect(damaged).toMatchObject({ ok: false, error: { code: 'internal' } });
    office.sqlite.prepare("UPDATE settings SET value = '{not json' WHERE key = 'billing.settings'").run();
    expect(await office.call('qf.toUpdate', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('billing settings: the demo commune', () => {
  it('seeds a tariff for every service over each school year, valid and priced as voted, and its settings', async () => {
    office = await makeTestOffice();
    await seedDemoCommune(office.db, { scale: 3, clock: office.clock, seed: 74370, inscriptions: false });
    const tariffs = await office.value('tariffs.list', { serviceId: null });
    expect(tariffs.map((t) => [t.serviceId, t.validFrom, t.validTo])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].flatMap((serviceId) => [
        [serviceId, '2025-09-01', '2026-08-31'],
        [serviceId, '2026-09-01', '2027-07-02'],
      ]),
    );
    const canteen = tariffs.find((t) => t.serviceId === 1 && t.validFrom === '2026-09-01')!;
    expect(unitPrice(canteen, { qf: 450, resident: true }).cents).toBe(100);
    expect(unitPrice(canteen, { qf: 5000, resident: true }).cents).toBe(520);
    expect(unitPrice(canteen, { qf: 5000, resident: false }).cents).toBe(610);
    expect(canteen.lateSurcharge).toEqual({ kind: 'price', cents: 405 });
    expect(canteen.unbookedSurcharge).toEqual({ kind: 'price', cents: 505 });
    expect(canteen.paiReduction).toEqual({ kind: 'percent', basisPoints: 5000 });
    const evening = tariffs.find((t) => t.serviceId === 3 && t.validFrom === '2026-09-01')!;
    expect(evening.time).toEqual({ blockMinutes: 30, rounding: 'started', unitsWithoutTimes: 4 });
    const holidays = tariffs.find((t) => t.serviceId === 7 && t.validFrom === '2026-09-01')!;
    // Taux d'effort 1,2 %: QF 100 → 1,20 € raised to the 5,00 € minimum; QF 3 000 → 36,00 € brought to 22,00 €.
    expect(unitPrice(holidays, { qf: 100, resident: true }).cents).toBe(500);
    expect(unitPrice(holidays, { qf: 1000, resident: true }).cents).toBe(1200);
    expect(unitPrice(holidays, { qf: 3000, resident: true }).cents).toBe(2200);
    expect(await office.value('billing.settings', {})).toEqual(DEFAULT_BILLING_SETTINGS);

    // Seeding again adds families, never a second tariff over the same days.
    await seedDemoCommune(office.db, { scale: 2, clock: office.clock, seed: 5, inscriptions: false });
    expect(await office.value('tariffs.list', { serviceId: null })).toHaveLength(14);
  });
});
