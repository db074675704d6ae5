import { describe, expect, it } from 'vitest';
import type { Bracket, Tariff } from '../../src/shared/billing/tariffs.js';
import {
  bracketIndex,
  billedUnitOfService,
  describeTimeRule,
  reductionCents,
  surchargeCents,
  tariffInForce,
  timeProblem,
  timeUnits,
  unitPrice,
  validateTariff,
  validateTariffSet,
} from '../../src/shared/billing/tariffs.js';

// Every expected amount is worked out by hand in the comments, never by the code under test.
const plain = (text: string): string => text.replace(/\u00a0/g, ' ');

describe('bracketIndex', () => {
  it('refuses a grid without its open last bracket rather than guess the highest', () => {
    expect(() => bracketIndex([{ upTo: 800, residentCents: 315, nonResidentCents: 415 }], 900)).toThrow(/no open last bracket/);
  });
});

const bracketGrid: Bracket[] = [
  { upTo: 800, residentCents: 315, nonResidentCents: 415 },
  { upTo: null, residentCents: 360, nonResidentCents: 460 },
];

/** The commune of DOMAIN.md: 3,15 € / 3,60 € by bracket, 4,05 € when booked late, 5,05 € when not booked. */
const canteen: Tariff = {
  serviceId: 1,
  validFrom: '2026-09-01',
  validTo: '2027-07-04',
  unit: 'meal',
  time: null,
  pricing: { kind: 'brackets', brackets: bracketGrid },
  lateSurcharge: { kind: 'price', cents: 405 },
  unbookedSurcharge: { kind: 'price', cents: 505 },
  paiReduction: null,
};

/** Annecy-like: 0,5 % of the QF, 1,00 € to 8,50 €; non-residents 0,7 %, 2,00 € to 10,00 €; PAI −20 %. */
const annecy: Tariff = {
  serviceId: 2,
  validFrom: '2026-09-01',
  validTo: '2027-07-04',
  unit: 'meal',
  time: null,
  pricing: {
    kind: 'effort',
    resident: { rateBasisPoints: 50, minCents: 100, maxCents: 850 },
    nonResident: { rateBasisPoints: 70, minCents: 200, maxCents: 1000 },
  },
  lateSurcharge: { kind: 'amount', cents: 100 },
  unbookedSurcharge: { kind: 'price', cents: 1000 },
  paiReduction: { kind: 'percent', basisPoints: 2000 },
};

/** Evening service billed by each started half hour: 0,80 € up to QF 800, 1,10 € above. */
const evening: Tariff = {
  serviceId: 3,
  validFrom: '2026-09-01',
  validTo: '2027-07-04',
  unit: 'time',
  time: { blockMinutes: 30, rounding: 'started' },
  pricing: {
    kind: 'brackets',
    brackets: [
      { upTo: 800, residentCents: 80, nonResidentCents: 120 },
      { upTo: null, residentCents: 110, nonResidentCents: 150 },
    ],
  },
  lateSurcharge: null,
  unbookedSurcharge: { kind: 'percent', basisPoints: 5000 },
  paiReduction: null,
};

describe('unit price by QF bracket', () => {
  it('applies the bracket holding the QF, a QF equal to upTo staying in that bracket', () => {
    expect(unitPrice(canteen, { qf: 0, resident: true })).toMatchObject({ cents: 315, bracket: 0 });
    expect(unitPrice(canteen, { qf: 800, resident: true })).toMatchObject({ cents: 315, bracket: 0 });
    expect(unitPrice(canteen, { qf: 801, resident: true })).toMatchObject({ cents: 360, bracket: 1 });
    const high = unitPrice(canteen, { qf: 1500, resident: true });
    expect(high.cents).toBe(360);
    expect(plain(high.why)).toBe('Tranche 2 (QF au-delà de 800) : 3,60 € par repas, tarif résident.');
  });

  it('charges a non-resident family its own price', () => {
    const price = unitPrice(canteen, { qf: 500, resident: false });
    expect(price).toMatchObject({ cents: 415, bracket: 0 });
    expect(plain(price.why)).toBe('Tranche 1 (QF jusqu’à 800) : 4,15 € par repas, tarif non-résident.');
    // No QF: the highest bracket, non-resident price 4,60 €.
    expect(unitPrice(canteen, { qf: null, resident: false })).toMatchObject({ cents: 460, bracket: 1 });
  });

  it('names a middle bracket by its range', () => {
    const three: Tariff = {
      ...canteen,
      pricing: {
        kind: 'brackets',
        brackets: [
          { upTo: 800, residentCents: 315, nonResidentCents: 415 },
          { upTo: 1200, residentCents: 360, nonResidentCents: 460 },
          { upTo: null, residentCents: 420, nonResidentCents: 520 },
        ],
      },
    };
    expect(plain(unitPrice(three, { qf: 1200, resident: true }).why)).toBe('Tranche 2 (QF de 801 à 1 200) : 3,60 € par repas, tarif résident.');
    expect(unitPrice(three, { qf: 1201, resident: true })).toMatchObject({ cents: 420, bracket: 2 });
  });

  it('refuses a QF that is not whole euros', () => {
    expect(() => unitPrice(canteen, { qf: 800.5, resident: true })).toThrow();
    expect(() => unitPrice(canteen, { qf: -1, resident: true })).toThrow();
  });
});

describe('surcharges: late booking 4,05 €, attendance without booking 5,05 €', () => {
  it('brings the meal to the fixed price whatever the bracket', () => {
    // 4,05 − 3,15 = 0,90 and 5,05 − 3,15 = 1,90 in the first bracket; 4,05 − 3,60 = 0,45 and 5,05 − 3,60 = 1,45 above.
    expect(surchargeCents(canteen, 'late', 315)).toBe(90);
    expect(surchargeCents(canteen, 'unbooked', 315)).toBe(190);
    expect(surchargeCents(canteen, 'late', 360)).toBe(45);
    expect(surchargeCents(canteen, 'unbooked', 360)).toBe(145);
    // Never a negative surcharge: a non-resident's 4,60 € is already above 4,05 €.
    expect(surchargeCents(canteen, 'late', 460)).toBe(0);
  });

  it('adds a fixed amount or a percentage of the unit price', () => {
    expect(surchargeCents(annecy, 'late', 505)).toBe(100);
    // Half of 0,80 € = 0,40 €; half of 1,15 € = 0,575 → 0,58 € (half up).
    expect(surchargeCents(evening, 'unbooked', 80)).toBe(40);
    expect(surchargeCents(evening, 'unbooked', 115)).toBe(58);
    expect(surchargeCents(evening, 'late', 80)).toBe(0);
  });
});

describe('taux d’effort (Annecy-like, 1,00 € to 8,50 €)', () => {
  it('multiplies the QF by the rate, rounds half up to the cent, and clamps at both ends', () => {
    // 1 000 × 0,5 % = 5,00 €.
    expect(unitPrice(annecy, { qf: 1000, resident: true })).toMatchObject({ cents: 500, bracket: 'effort' });
    // 1 009 × 0,5 % = 5,045 € → 5,05 € (half up; half-even would give 5,04).
    const half = unitPrice(annecy, { qf: 1009, resident: true });
    expect(half.cents).toBe(505);
    expect(plain(half.why)).toBe('Taux d’effort 0,5 % du QF 1 009 : 5,05 € par repas, tarif résident.');
    // 150 × 0,5 % = 0,75 € → raised to the 1,00 € minimum.
    const low = unitPrice(annecy, { qf: 150, resident: true });
    expect(low.cents).toBe(100);
    expect(plain(low.why)).toBe('Taux d’effort 0,5 % du QF 150, relevé au minimum : 1,00 € par repas, tarif résident.');
    // 2 500 × 0,5 % = 12,50 € → brought down to the 8,50 € maximum.
    const high = unitPrice(annecy, { qf: 2500, resident: true });
    expect(high.cents).toBe(850);
    expect(plain(high.why)).toBe('Taux d’effort 0,5 % du QF 2 500, ramené au maximum : 8,50 € par repas, tarif résident.');
    // Exactly on the edges: 200 × 0,5 % = 1,00 € and 1 700 × 0,5 % = 8,50 €.
    expect(unitPrice(annecy, { qf: 200, resident: true }).cents).toBe(100);
    expect(unitPrice(annecy, { qf: 1700, resident: true }).cents).toBe(850);
  });

  it('charges the maximum without a QF, and non-residents their own rate', () => {
    const none = unitPrice(annecy, { qf: null, resident: true });
    expect(none.cents).toBe(850);
    expect(plain(none.why)).toBe('QF non justifié : maximum 8,50 € par repas, tarif résident.');
    // 1 009 × 0,7 % = 7,063 € → 7,06 €; no QF → 10,00 €; 100 × 0,7 % = 0,70 € → 2,00 €.
    expect(unitPrice(annecy, { qf: 1009, resident: false }).cents).toBe(706);
    expect(unitPrice(annecy, { qf: null, resident: false }).cents).toBe(1000);
    expect(unitPrice(annecy, { qf: 100, resident: false }).cents).toBe(200);
  });

  it('takes 20 % off a PAI meal brought from home', () => {
    // 20 % of 5,05 € = 1,01 €; of 8,50 € = 1,70 €; of 7,06 € = 1,412 → 1,41 €; of 1,03 € = 0,206 → 0,21 €.
    expect(reductionCents(annecy, 505)).toBe(101);
    expect(reductionCents(annecy, 850)).toBe(170);
    expect(reductionCents(annecy, 706)).toBe(141);
    expect(reductionCents(annecy, 103)).toBe(21);
    expect(reductionCents(canteen, 315)).toBe(0);
    // A fixed reduction never exceeds the meal: 5,00 € off a 3,15 € meal takes 3,15 €.
    expect(reductionCents({ ...canteen, paiReduction: { kind: 'amount', cents: 500 } }, 315)).toBe(315);
    expect(reductionCents({ ...canteen, paiReduction: { kind: 'amount', cents: 150 } }, 315)).toBe(150);
  });
});

describe('services billed by time: each started half hour', () => {
  it('counts the blocks from arrival to departure', () => {
    const rule = evening.time!;
    // 16:30 → 18:05 = 95 min: 3 full half hours and one started → 4 blocks.
    expect(timeUnits('16:30', '18:05', rule)).toBe(4);
    // 16:30 → 18:00 = 90 min → 3 blocks; 16:30 → 16:31 = 1 min → 1 block; no time → 0.
    expect(timeUnits('16:30', '18:00', rule)).toBe(3);
    expect(timeUnits('16:30', '16:31', rule)).toBe(1);
    expect(timeUnits('16:30', '16:30', rule)).toBe(0);
    expect(describeTimeRule(rule)).toBe('par tranche de 30 min commencée');
  });

  it('prices an evening by the block: 4 blocks × 0,80 € = 3,20 €', () => {
    const price = unitPrice(evening, { qf: 650, resident: true });
    expect(price.cents).toBe(80);
    expect(plain(price.why)).toBe('Tranche 1 (QF jusqu’à 800) : 0,80 € par tranche de 30 min, tarif résident.');
    expect(timeUnits('16:30', '18:05', evening.time!) * price.cents).toBe(320);
  });

  it('also rounds to completed blocks or to the nearest block', () => {
    // 95 min = 3,17 half hours: 3 completed, 3 nearest; 105 min = 3,5 → 4 nearest (half up); 104 min → 3.
    expect(timeUnits('16:30', '18:05', { blockMinutes: 30, rounding: 'completed' })).toBe(3);
    expect(timeUnits('16:30', '18:05', { blockMinutes: 30, rounding: 'nearest' })).toBe(3);
    expect(timeUnits('16:30', '18:15', { blockMinutes: 30, rounding: 'nearest' })).toBe(4);
    expect(timeUnits('16:30', '18:14', { blockMinutes: 30, rounding: 'nearest' })).toBe(3);
    // Quarter hours started: 07:20 → 08:31 = 71 min → 5 blocks.
    expect(timeUnits('07:20', '08:31', { blockMinutes: 15, rounding: 'started' })).toBe(5);
  });

  it('refuses times it cannot read, and a departure before the arrival, in French', () => {
    expect(timeProblem('16:30', '18:05')).toBeNull();
    expect(timeProblem('18:05', '16:30')).toBe('Le départ (16:30) précède l’arrivée (18:05).');
    expect(timeProblem('7:30', '18:00')).toBe('Heure d’arrivée invalide : « 7:30 » (attendu hh:mm).');
    expect(timeProblem('16:30', '24:00')).toBe('Heure de départ invalide : « 24:00 » (attendu hh:mm).');
    expect(() => timeUnits('18:05', '16:30', evening.time!)).toThrow('Le départ (16:30) précède l’arrivée (18:05).');
  });
});

describe('validating a tariff', () => {
  it('accepts the worked examples', () => {
    expect(validateTariff(canteen)).toEqual({ ok: true });
    expect(validateTariff(annecy)).toEqual({ ok: true });
    expect(validateTariff(evening, { startDate: '2026-09-01', endDate: '2027-08-31' })).toEqual({ ok: true });
  });

  it('refuses brackets out of order, an open bracket that is not last, a closed last one, negative prices', () => {
    const grid = (brackets: Bracket[]): Tariff => ({ ...canteen, pricing: { kind: 'brackets', brackets } });
    expect(
      validateTariff(
        grid([
          { upTo: 800, residentCents: 315, nonResidentCents: 415 },
          { upTo: 800, residentCents: 360, nonResidentCents: 460 },
          { upTo: null, residentCents: 420, nonResidentCents: 520 },
        ]),
      ),
    ).toEqual({
      ok: false,
      errors: { 'pricing.brackets.1.upTo': 'Tranche 2 : le plafond (800) doit dépasser celui de la tranche 1 (800).' },
    });
    expect(
      validateTariff(
        grid([
          { upTo: null, residentCents: 315, nonResidentCents: 415 },
          { upTo: 1200, residentCents: 360, nonResidentCents: 460 },
        ]),
      ),
    ).toEqual({
      ok: false,
      errors: {
        'pricing.brackets.0.upTo': 'Tranche 1 : seule la dernière tranche est sans plafond.',
        'pricing.brackets.1.upTo': 'Tranche 2 : la dernière tranche doit être sans plafond (QF au-delà de 1\u00a0200).',
      },
    });
    expect(
      validateTariff(
        grid([
          { upTo: 800, residentCents: -315, nonResidentCents: 415 },
          { upTo: null, residentCents: 360, nonResidentCents: 4.6 },
        ]),
      ),
    ).toEqual({
      ok: false,
      errors: {
        'pricing.brackets.0.residentCents': 'Tranche 1 : le prix résidents ne peut pas être négatif.',
        'pricing.brackets.1.nonResidentCents': 'Tranche 2 : prix non-résidents invalide.',
      },
    });
    expect(validateTariff(grid([]))).toEqual({ ok: false, errors: { 'pricing.brackets': 'La grille doit compter au moins une tranche.' } });
  });

  it('refuses bad dates, a missing time rule, an inverted taux d’effort range, a PAI reduction above 100 %', () => {
    expect(validateTariff({ ...canteen, validFrom: '2027-07-05' })).toEqual({
      ok: false,
      errors: { validTo: 'La fin de validité précède le début.' },
    });
    expect(validateTariff({ ...canteen, validTo: '2027-02-30' })).toEqual({
      ok: false,
      errors: { validTo: 'La date de fin de validité est invalide.' },
    });
    expect(validateTariff(canteen, { startDate: '2026-09-01', endDate: '2027-06-30' })).toEqual({
      ok: false,
      errors: { validFrom: 'La validité doit rester dans l’année scolaire (du 01/09/2026 au 30/06/2027).' },
    });
    expect(validateTariff({ ...canteen, unit: 'toString' as Tariff['unit'] })).toEqual({
      ok: false,
      errors: { unit: 'Unité facturée inconnue.' },
    });
    expect(validateTariff({ ...canteen, paiReduction: { kind: 'price', cents: 100 } })).toEqual({
      ok: false,
      errors: { paiReduction: 'La réduction PAI est un montant ou un pourcentage.' },
    });
    expect(validateTariff({ ...evening, time: null })).toEqual({
      ok: false,
      errors: { time: 'Un service facturé au temps a besoin d’une règle d’arrondi.' },
    });
    expect(validateTariff({ ...canteen, time: { blockMinutes: 30, rounding: 'started' } })).toEqual({
      ok: false,
      errors: { time: 'La règle d’arrondi ne s’applique qu’à un service facturé au temps.' },
    });
    expect(
      validateTariff({
        ...annecy,
        pricing: { ...annecy.pricing, resident: { rateBasisPoints: 50, minCents: 900, maxCents: 850 } } as Tariff['pricing'],
        paiReduction: { kind: 'percent', basisPoints: 12_000 },
        lateSurcharge: { kind: 'amount', cents: -100 },
      }),
    ).toEqual({
      ok: false,
      errors: {
        'pricing.resident.maxCents': 'Taux d’effort résidents : le maximum est inférieur au minimum.',
        paiReduction: 'La réduction PAI ne peut pas dépasser 100 %.',
        lateSurcharge: 'La majoration pour réservation tardive : montant invalide ou négatif.',
      },
    });
  });
});

describe('tariffs of a service over time', () => {
  const autumn: Tariff = { ...canteen, validFrom: '2026-09-01', validTo: '2026-12-31' };
  const spring: Tariff = {
    ...canteen,
    validFrom: '2027-01-01',
    validTo: '2027-07-04',
    pricing: { kind: 'brackets', brackets: [{ upTo: 800, residentCents: 325, nonResidentCents: 425 }, { upTo: null, residentCents: 370, nonResidentCents: 470 }] },
  };

  it('finds the tariff in force on a day, or none', () => {
    expect(tariffInForce([autumn, spring], '2026-12-31')).toBe(autumn);
    expect(tariffInForce([autumn, spring], '2027-01-01')).toBe(spring);
    expect(tariffInForce([autumn, spring], '2027-07-04')).toBe(spring);
    expect(tariffInForce([autumn, spring], '2027-08-01')).toBeNull();
    expect(tariffInForce([], '2027-01-01')).toBeNull();
    expect(validateTariffSet([autumn, spring])).toEqual({ ok: true });
  });

  it('refuses two tariffs of one service valid on a common day, and never picks one', () => {
    const overlapping: Tariff = { ...spring, validFrom: '2026-12-15' };
    expect(validateTariffSet([autumn, overlapping])).toEqual({
      ok: false,
      errors: { '1.validFrom': 'Ce tarif (du 15/12/2026 au 04/07/2027) chevauche celui du 01/09/2026 au 31/12/2026 pour le même service.' },
    });
    expect(() => tariffInForce([autumn, overlapping], '2026-12-20')).toThrow();
    // Other services may share the dates.
    expect(validateTariffSet([autumn, { ...overlapping, serviceId: 9 }])).toEqual({ ok: true });
    // Each tariff's own errors come with its index.
    expect(validateTariffSet([autumn, { ...spring, validTo: 'x' }])).toEqual({
      ok: false,
      errors: { '1.validTo': 'La date de fin de validité est invalide.' },
    });
  });
});

describe('default billed unit of the existing services', () => {
  it('reads the unit text of migration 0002', () => {
    expect(billedUnitOfService('repas')).toBe('meal');
    expect(billedUnitOfService('présence')).toBe('session');
    expect(billedUnitOfService('demi-journée')).toBe('half_day');
    expect(billedUnitOfService('journée')).toBe('day');
    expect(billedUnitOfService('forfait')).toBeNull();
    expect(billedUnitOfService('constructor')).toBeNull();
  });
});
