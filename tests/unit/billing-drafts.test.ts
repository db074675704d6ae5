import { describe, expect, it } from 'vitest';
import {
  draftInvoices,
  type ChildServiceDays,
  type DraftChild,
  type DraftDayInput,
  type DraftFamily,
  type DraftInput,
  type DraftLine,
  type DraftService,
} from '../../src/shared/billing/drafts.js';
import { DEFAULT_BILLING_RULES } from '../../src/shared/billing/rules.js';
import type { Tariff } from '../../src/shared/billing/tariffs.js';
import type { DayOutcome } from '../../src/shared/planning/transitions.js';

/**
 * Worked examples: March 2027 (Monday 1st; canteen, evening and study open Monday, Tuesday, Thursday, Friday; the
 * Wednesday service open on Wednesdays). Every expected line, amount and total is written out by hand in the comments
 * and the expectations, never computed by the module.
 */

const plain = (text: string): string => text.replace(/\u00a0/g, ' ');

const CANTEEN = 1;
const EVENING = 2;
const WEDNESDAY = 3;
const STUDY = 4;

const services: DraftService[] = [
  { id: CANTEEN, name: 'Restauration scolaire', rules: DEFAULT_BILLING_RULES },
  { id: EVENING, name: 'Garderie du soir', rules: DEFAULT_BILLING_RULES },
  { id: WEDNESDAY, name: 'Accueil du mercredi', rules: DEFAULT_BILLING_RULES },
  { id: STUDY, name: 'Étude surveillée', rules: DEFAULT_BILLING_RULES },
];

const YEAR = { validFrom: '2026-09-01', validTo: '2027-08-31' };

const tariffs: Tariff[] = [
  {
    serviceId: CANTEEN,
    ...YEAR,
    unit: 'meal',
    time: null,
    // ≤ 800: 3,15 / 4,15 € ; 801 to 1 200: 3,60 / 4,60 € ; above: 4,20 / 5,20 € (resident / non-resident).
    pricing: {
      kind: 'brackets',
      brackets: [
        { upTo: 800, residentCents: 315, nonResidentCents: 415 },
        { upTo: 1200, residentCents: 360, nonResidentCents: 460 },
        { upTo: null, residentCents: 420, nonResidentCents: 520 },
      ],
    },
    // DOMAIN.md's commune: 4,05 € when booked late, 5,05 € when not booked; PAI -20 %.
    lateSurcharge: { kind: 'price', cents: 405 },
    unbookedSurcharge: { kind: 'price', cents: 505 },
    paiReduction: { kind: 'percent', basisPoints: 2000 },
  },
  {
    serviceId: EVENING,
    ...YEAR,
    unit: 'time',
    time: { blockMinutes: 30, rounding: 'started' },
    pricing: {
      kind: 'brackets',
      brackets: [
        { upTo: 800, residentCents: 80, nonResidentCents: 100 },
        { upTo: 1200, residentCents: 100, nonResidentCents: 130 },
        { upTo: null, residentCents: 120, nonResidentCents: 150 },
      ],
    },
    lateSurcharge: null,
    unbookedSurcharge: null,
    paiReduction: null,
  },
  {
    serviceId: WEDNESDAY,
    ...YEAR,
    unit: 'day',
    time: null,
    // 0,5 % of the QF, between 3,00 and 15,00 € for residents.
    pricing: {
      kind: 'effort',
      resident: { rateBasisPoints: 50, minCents: 300, maxCents: 1500 },
      nonResident: { rateBasisPoints: 60, minCents: 400, maxCents: 1800 },
    },
    lateSurcharge: null,
    unbookedSurcharge: null,
    paiReduction: null,
  },
  {
    // The study's tariff starts on 15 March: nothing is in force before.
    serviceId: STUDY,
    validFrom: '2027-03-15',
    validTo: '2027-08-31',
    unit: 'session',
    time: null,
    pricing: { kind: 'brackets', brackets: [{ upTo: null, residentCents: 200, nonResidentCents: 250 }] },
    lateSurcharge: null,
    unbookedSurcharge: null,
    paiReduction: null,
  },
];

const NO_TAX = { rfrCents: null, partsX100: null, year: null };
const caf = (qf: number | null, qfValidUntil: string | null) => ({ regime: qf === null ? '' : 'CAF', qf, qfValidUntil });

const families: DraftFamily[] = [
  // QF exactly on the first bracket's ceiling: first bracket.
  { id: 1, resident: true, caf: caf(800, '2027-12-31'), fiscal: NO_TAX },
  // Non-resident; tax notice 36 000 € / 12 / 3 parts = QF 1 000: second bracket.
  { id: 2, resident: false, caf: caf(null, null), fiscal: { rfrCents: 3_600_000, partsX100: 300, year: 2025 } },
  // CAF quotient expired before the month, no tax notice: highest bracket, flagged.
  { id: 3, resident: true, caf: caf(650, '2027-02-28'), fiscal: NO_TAX },
  // CAF 700 until 15 March, then the tax notice: 28 800 € / 12 / 2,5 parts = QF 960, second bracket.
  { id: 4, resident: true, caf: caf(700, '2027-03-15'), fiscal: { rfrCents: 2_880_000, partsX100: 250, year: 2025 } },
  // Taux d'effort: QF 400 × 0,5 % = 2,00 € raised to the 3,00 € minimum.
  { id: 5, resident: true, caf: caf(400, '2027-12-31'), fiscal: NO_TAX },
  // QF 4 000 × 0,5 % = 20,00 € brought down to the 15,00 € maximum.
  { id: 6, resident: true, caf: caf(4000, '2027-12-31'), fiscal: NO_TAX },
  { id: 7, resident: true, caf: caf(1500, '2027-12-31'), fiscal: NO_TAX },
  // No proof at all, and nothing billed this month.
  { id: 8, resident: true, caf: caf(null, null), fiscal: NO_TAX },
  { id: 9, resident: true, caf: caf(500, '2027-12-31'), fiscal: NO_TAX },
];

const child = (id: number, familyId: number, name: string, paiOwnMeal = false): DraftChild => ({
  id,
  familyId,
  name,
  paiOwnMeal,
  paiEnd: null,
});

const children: DraftChild[] = [
  child(11, 1, 'Léa MARTIN'),
  child(12, 1, 'Tom MARTIN', true),
  child(21, 2, 'Hugo BERNARD'),
  child(31, 3, 'Zoé PETIT'),
  child(41, 4, 'Inès MOREAU'),
  child(51, 5, 'Noah LEROY'),
  child(61, 6, 'Emma ROUX'),
  child(71, 7, 'Jules FAURE'),
  child(81, 8, 'Lina GIRARD'),
  child(91, 9, 'Paul ANDRE'),
];

const present: DayOutcome = { kind: 'present', booked: true, late: false };
const notBooked: DayOutcome = { kind: 'not_booked' };
const medical: DayOutcome = { kind: 'absent', reason: 'MEDICAL', late: true };
const closed = (why: string): DayOutcome => ({ kind: 'closed', why });

/**
 * The 31 days of March 2027 for a service open Monday, Tuesday, Thursday, Friday: Wednesdays and weekends closed,
 * the days of `weekdays` (1 = Monday) present, other open days not booked, then `overrides` by day of the month.
 */
function march(weekdays: number[], overrides: Record<number, DayOutcome> = {}, certificates: number[] = []): DraftDayInput[] {
  const days: DraftDayInput[] = [];
  for (let date = 1; date <= 31; date += 1) {
    const weekday = ((date - 1) % 7) + 1; // 1 March 2027 is a Monday
    const day = `2027-03-${String(date).padStart(2, '0')}`;
    let outcome: DayOutcome =
      weekday === 3 ? closed('Service fermé le mercredi') : weekday >= 6 ? closed('Service fermé le week-end') : weekdays.includes(weekday) ? present : notBooked;
    outcome = overrides[date] ?? outcome;
    days.push({ day, outcome, certificate: certificates.includes(date) });
  }
  return days;
}

const at = (day: string, outcome: DayOutcome, extra: Partial<DraftDayInput> = {}): DraftDayInput => ({
  day,
  outcome,
  certificate: false,
  ...extra,
});

const planning: ChildServiceDays[] = [
  {
    // Léa: every open day, except a late booking on the 4th, an illness on 8, 9 and 11 (certificate given on the 9th),
    // a strike on the 16th, a walk-in on the 25th and a cancellation on time on the 30th.
    childId: 11,
    serviceId: CANTEEN,
    days: march(
      [1, 2, 4, 5],
      {
        4: { kind: 'present', booked: true, late: true },
        8: medical,
        9: medical,
        11: medical,
        16: { kind: 'absent', reason: 'STRIKE', late: true },
        25: { kind: 'present', booked: false, late: false },
        30: { kind: 'cancelled', late: false },
      },
      [9],
    ),
  },
  // Tom: PAI, brings his own meal; Mondays and Thursdays.
  { childId: 12, serviceId: CANTEEN, days: march([1, 4]) },
  { childId: 21, serviceId: CANTEEN, days: march([1]) },
  {
    childId: 21,
    serviceId: EVENING,
    days: [
      at('2027-03-01', present, { times: { arrival: '16:30', departure: '18:05' } }),
      at('2027-03-02', present, { times: { arrival: '16:30', departure: '17:00' } }),
      at('2027-03-04', present, { times: { arrival: '16:30', departure: '17:31' } }),
      at('2027-03-05', { kind: 'booked', late: false }),
    ],
  },
  { childId: 31, serviceId: CANTEEN, days: march([], { 2: present, 9: present }) },
  { childId: 41, serviceId: CANTEEN, days: march([1]) },
  {
    // An illness from Thursday 25 February (certificate on the 26th): 1 March is its third day.
    childId: 51,
    serviceId: CANTEEN,
    days: [
      at('2027-02-25', medical),
      at('2027-02-26', medical, { certificate: true }),
      ...march([], { 1: medical, 2: present }),
    ],
  },
  { childId: 51, serviceId: WEDNESDAY, days: [at('2027-03-03', present), at('2027-03-10', present)] },
  { childId: 61, serviceId: WEDNESDAY, days: [at('2027-03-03', present)] },
  { childId: 71, serviceId: STUDY, days: [at('2027-03-08', present), at('2027-03-15', present)] },
  { childId: 81, serviceId: CANTEEN, days: march([], { 1: { kind: 'cancelled', late: false } }) },
  { childId: 91, serviceId: CANTEEN, days: march([]) },
];

const input: DraftInput = { month: '2027-03', qfRule: 'caf_first', families, children, services, tariffs, planning };

type Row = [kind: DraftLine['kind'], label: string, basis: string, unitCents: number, quantity: number, amountCents: number, days: string[]];
const rows = (lines: DraftLine[]): Row[] =>
  lines.map((line) => [line.kind, plain(line.label), plain(line.basis), line.unitCents, line.quantity, line.amountCents, line.days]);
const march27 = (...dates: number[]): string[] => dates.map((date) => `2027-03-${String(date).padStart(2, '0')}`);

const run = draftInvoices(input);
const draftOf = (familyId: number) => {
  const draft = run.drafts.find((d) => d.familyId === familyId);
  if (!draft) throw new Error(`no draft for family ${familyId}`);
  return draft;
};

describe('draftInvoices: worked examples of March 2027', () => {
  it('drafts exactly the families with something priced, in family order', () => {
    // Family 8 has only a cancellation on time, family 9 nothing booked.
    expect(run.drafts.map((d) => d.familyId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(run.month).toBe('2027-03');
  });

  it('bills a month with a medical absence, a strike, a late booking, a walk-in and a PAI meal (family 1, QF 800 on the boundary)', () => {
    const draft = draftOf(1);
    // Léa, 18 open days: not billed the 9th and 11th (illness after the jour de carence, certificate given), the 16th
    // (strike) and the 30th (cancelled on time): 14 meals × 3,15 € = 44,10 €; late booking on the 4th: 4,05 - 3,15 =
    // 0,90 €; walk-in on the 25th: 5,05 - 3,15 = 1,90 €.
    // Tom, Mondays (1, 8, 15, 22, 29) and Thursdays (4, 11, 18, 25): 9 meals × 3,15 € = 28,35 €, PAI -20 % of 3,15 € =
    // -0,63 € × 9 = -5,67 €.
    const tranche1 = 'Tranche 1 (QF jusqu’à 800) : 3,15 € par repas, tarif résident.';
    expect(rows(draft.lines)).toEqual([
      ['unit', 'Restauration scolaire — repas', tranche1, 315, 14, 4410, march27(1, 2, 4, 5, 8, 12, 15, 18, 19, 22, 23, 25, 26, 29)],
      [
        'late_booking',
        'Restauration scolaire — majoration pour réservation hors délai',
        'prix fixé à 4,05 € par repas, soit 0,90 € de plus que le prix unitaire de 3,15 €',
        90,
        1,
        90,
        march27(4),
      ],
      [
        'unbooked',
        'Restauration scolaire — majoration pour présence sans réservation',
        'prix fixé à 5,05 € par repas, soit 1,90 € de plus que le prix unitaire de 3,15 €',
        190,
        1,
        190,
        march27(25),
      ],
      ['unit', 'Restauration scolaire — repas', tranche1, 315, 9, 2835, march27(1, 4, 8, 11, 15, 18, 22, 25, 29)],
      [
        'pai_reduction',
        'Restauration scolaire — réduction PAI (repas fourni par la famille)',
        '20 % du prix unitaire de 3,15 € : 0,63 € par repas',
        -63,
        9,
        -567,
        march27(1, 4, 8, 11, 15, 18, 22, 25, 29),
      ],
    ]);
    expect(draft.lines.map((line) => [line.childId, line.childName])).toEqual([
      [11, 'Léa MARTIN'],
      [11, 'Léa MARTIN'],
      [11, 'Léa MARTIN'],
      [12, 'Tom MARTIN'],
      [12, 'Tom MARTIN'],
    ]);
    // 44,10 + 0,90 + 1,90 + 28,35 - 5,67 = 69,58 €.
    expect(draft.totalCents).toBe(6958);
    expect(draft.qfFlagged).toBe(false);
    // Periods run over the days the family has something on: the 30th, cancelled on time, is the last.
    expect(draft.qf.map((p) => ({ ...p, why: plain(p.why) }))).toEqual([
      { from: '2027-03-01', to: '2027-03-30', qf: 800, source: 'caf', flagged: false, why: 'QF 800 : quotient CAF 800 valable jusqu’au 31/12/2027.' },
    ]);
  });

  it('keeps every day of the family with its French why, not the days neither booked nor attended', () => {
    const draft = draftOf(1);
    const lea = (date: number) => draft.days.find((d) => d.childId === 11 && d.day === march27(date)[0]);
    expect(lea(8)).toMatchObject({ billed: true, code: 'waiting_day', why: "Facturé : premier jour d'absence pour raison médicale (jour de carence)", units: 1, unitCents: 315 });
    expect(lea(9)).toMatchObject({
      billed: false,
      why: "Non facturé : 2e jour d'absence pour raison médicale, certificat médical fourni (au-delà du jour de carence)",
      units: 0,
      unitCents: null,
    });
    expect(lea(11)).toMatchObject({ billed: false, code: 'absence_covered' });
    expect(lea(16)).toMatchObject({ billed: false, why: 'Non facturé : absence pour un motif non facturé (GREVE DU PERSONNEL OU DES ENSEIGNANTS)' });
    expect(lea(4)).toMatchObject({ billed: true, surcharge: 'late_booking', surchargeCents: 90, why: 'Facturé avec majoration : réservé hors délai et présent' });
    expect(lea(25)).toMatchObject({ billed: true, surcharge: 'unbooked', surchargeCents: 190, why: 'Facturé avec majoration : présent sans réservation' });
    expect(lea(30)).toMatchObject({ billed: false, why: 'Non facturé : réservation annulée dans les délais' });
    expect(lea(3)).toMatchObject({ billed: false, code: 'closed', why: 'Non facturé : fermeture — Service fermé le mercredi' });
    // Tom is not booked on Tuesdays and Fridays: nothing to show.
    expect(draft.days.some((d) => d.childId === 12 && d.day === '2027-03-02')).toBe(false);
    expect(draft.days.find((d) => d.childId === 12 && d.day === '2027-03-01')).toMatchObject({ reductionCents: 63 });
    // Léa 31 days, Tom 9 present days + 13 closed days (Wednesdays and weekends) = 53 days, by child then day.
    expect(draft.days).toHaveLength(31 + 22);
    expect(draft.days[0]).toMatchObject({ childId: 11, day: '2027-03-01' });
    expect(draft.days[31]).toMatchObject({ childId: 12, day: '2027-03-01' });
  });

  it('prices a non-resident family by its tax notice, and an evening service by started half hours (family 2)', () => {
    const draft = draftOf(2);
    // Canteen, 5 Mondays × 4,60 € (non-resident, QF 1 000 in 801-1 200) = 23,00 €.
    // Evening: 16:30-18:05 = 95 min → 4 started half hours; 16:30-17:00 = 30 min → 1; 16:30-17:31 = 61 min → 3;
    // 8 × 1,30 € = 10,40 €. The 5th, booked and not pointed, has no times: a problem, not billed.
    expect(rows(draft.lines)).toEqual([
      ['unit', 'Restauration scolaire — repas', 'Tranche 2 (QF de 801 à 1 200) : 4,60 € par repas, tarif non-résident.', 460, 5, 2300, march27(1, 8, 15, 22, 29)],
      [
        'unit',
        'Garderie du soir — tranche de 30 min commencée',
        'Tranche 2 (QF de 801 à 1 200) : 1,30 € par tranche de 30 min, tarif non-résident.',
        130,
        8,
        1040,
        march27(1, 2, 4),
      ],
    ]);
    expect(draft.totalCents).toBe(3340);
    expect(draft.resident).toBe(false);
    expect(draft.days.find((d) => d.serviceId === EVENING && d.day === '2027-03-01')).toMatchObject({ units: 4, times: { arrival: '16:30', departure: '18:05' } });
    expect(plain(draft.qf[0]!.why)).toBe('QF 1 000 : avis d’imposition sur les revenus 2025 (aucun quotient CAF).');
  });

  it('applies the highest bracket on an expired CAF quotient and flags the family (family 3)', () => {
    const draft = draftOf(3);
    // 2 meals × 4,20 € (highest bracket, resident) = 8,40 €.
    expect(rows(draft.lines)).toEqual([
      ['unit', 'Restauration scolaire — repas', 'Tranche 3 (QF non justifié, tranche la plus haute) : 4,20 € par repas, tarif résident.', 420, 2, 840, march27(2, 9)],
    ]);
    expect(draft.totalCents).toBe(840);
    expect(draft.qfFlagged).toBe(true);
    expect(draft.qf.map((p) => ({ ...p, why: plain(p.why) }))).toEqual([
      {
        from: '2027-03-02',
        to: '2027-03-09',
        qf: null,
        source: null,
        flagged: true,
        why: 'Quotient CAF 650 expiré le 28/02/2027 et aucun avis d’imposition complet : tranche la plus haute appliquée, justificatif à mettre à jour.',
      },
    ]);
  });

  it('splits the line when the CAF quotient expires mid-month (family 4)', () => {
    const draft = draftOf(4);
    // CAF 700 until 15 March included: 1, 8, 15 at 3,15 € = 9,45 €; then tax notice QF 960: 22, 29 at 3,60 € = 7,20 €.
    expect(rows(draft.lines)).toEqual([
      ['unit', 'Restauration scolaire — repas', 'Tranche 1 (QF jusqu’à 800) : 3,15 € par repas, tarif résident.', 315, 3, 945, march27(1, 8, 15)],
      ['unit', 'Restauration scolaire — repas', 'Tranche 2 (QF de 801 à 1 200) : 3,60 € par repas, tarif résident.', 360, 2, 720, march27(22, 29)],
    ]);
    expect(draft.totalCents).toBe(1665);
    expect(draft.qfFlagged).toBe(false);
    expect(draft.qf.map((p) => [p.from, p.to, p.qf, p.source, plain(p.why)])).toEqual([
      ['2027-03-01', '2027-03-15', 700, 'caf', 'QF 700 : quotient CAF 700 valable jusqu’au 15/03/2027.'],
      ['2027-03-22', '2027-03-29', 960, 'tax', 'QF 960 : avis d’imposition sur les revenus 2025 (quotient CAF 700 expiré le 15/03/2027).'],
    ]);
  });

  it('clamps a taux d’effort at its minimum and its maximum, and ends an illness begun in February (families 5 and 6)', () => {
    // Family 5: canteen 1 March is the 3rd day of an illness with a certificate (not billed), 2 March 3,15 €;
    // Wednesdays 3 and 10: 400 × 0,5 % = 2,00 € raised to 3,00 € → 6,00 €. Total 9,15 €.
    const five = draftOf(5);
    expect(rows(five.lines)).toEqual([
      ['unit', 'Restauration scolaire — repas', 'Tranche 1 (QF jusqu’à 800) : 3,15 € par repas, tarif résident.', 315, 1, 315, march27(2)],
      ['unit', 'Accueil du mercredi — journée', 'Taux d’effort 0,5 % du QF 400, relevé au minimum : 3,00 € par journée, tarif résident.', 300, 2, 600, march27(3, 10)],
    ]);
    expect(five.totalCents).toBe(915);
    expect(five.days.find((d) => d.day === '2027-03-01')).toMatchObject({
      billed: false,
      why: "Non facturé : 3e jour d'absence pour raison médicale, certificat médical fourni (au-delà du jour de carence)",
    });
    // February's days only completed the run: they are not the month's.
    expect(five.days.every((d) => d.day >= '2027-03-01')).toBe(true);

    // Family 6: 4 000 × 0,5 % = 20,00 € brought down to 15,00 €.
    const six = draftOf(6);
    expect(rows(six.lines)).toEqual([
      ['unit', 'Accueil du mercredi — journée', 'Taux d’effort 0,5 % du QF 4 000, ramené au maximum : 15,00 € par journée, tarif résident.', 1500, 1, 1500, march27(3)],
    ]);
    expect(six.totalCents).toBe(1500);
  });

  it('lists a billed day without a tariff in force, or without times, as a problem and bills nothing for it', () => {
    // Family 7: the study's tariff starts on 15 March; the 8th is billed by the rules but has no price.
    expect(rows(draftOf(7).lines)).toEqual([['unit', 'Étude surveillée — séance', 'Tranche 1 (tout QF) : 2,00 € par séance, tarif résident.', 200, 1, 200, march27(15)]]);
    expect(draftOf(7).totalCents).toBe(200);
    expect(run.problems.map((p) => ({ ...p, message: plain(p.message) }))).toEqual([
      {
        familyId: 2,
        childId: 21,
        serviceId: EVENING,
        day: '2027-03-05',
        code: 'no_times',
        message: 'Heures d’arrivée et de départ non pointées pour Garderie du soir le vendredi 5 mars 2027 (Hugo BERNARD, famille n° 2) : jour à facturer, non compté dans ce brouillon.',
      },
      {
        familyId: 7,
        childId: 71,
        serviceId: STUDY,
        day: '2027-03-08',
        code: 'no_tariff',
        message: 'Aucun tarif en vigueur pour Étude surveillée le lundi 8 mars 2027 (Jules FAURE, famille n° 7) : jour à facturer, non compté dans ce brouillon.',
      },
    ]);
    expect(draftOf(7).days.find((d) => d.day === '2027-03-08')).toMatchObject({ billed: true, units: 0, unitCents: null, problem: expect.stringContaining('Aucun tarif') });
  });

  it('bills a day without pointed times the blocks its tariff states, and still refuses unreadable times', () => {
    // The same evening tariff, stating 4 blocks (16:30-18:30) for a billed day without times: the 5th, booked and
    // not pointed, is 4 × 1,30 € = 5,20 €, on top of the 8 pointed blocks; 12 × 1,30 € = 15,60 € in one line.
    const fixed = tariffs.map((tariff) => (tariff.serviceId === EVENING ? { ...tariff, time: { blockMinutes: 30, rounding: 'started' as const, unitsWithoutTimes: 4 } } : tariff));
    const withTimes = planning.map((entry) =>
      entry.serviceId === EVENING
        ? { ...entry, days: [...entry.days, at('2027-03-08', present, { times: { arrival: '16:30', departure: '' } })] }
        : entry,
    );
    const again = draftInvoices({ ...input, tariffs: fixed, planning: withTimes });
    const evening = again.drafts.find((d) => d.familyId === 2)!.lines.find((line) => line.serviceId === EVENING)!;
    expect([evening.unitCents, evening.quantity, evening.amountCents, evening.days]).toEqual([130, 12, 1560, march27(1, 2, 4, 5)]);
    const fifth = again.drafts.find((d) => d.familyId === 2)!.days.find((d) => d.serviceId === EVENING && d.day === '2027-03-05')!;
    expect(fifth.units).toBe(4);
    expect(plain(fifth.pricing!)).toContain('Heures non pointées : 4 tranches facturées selon le tarif.');
    // An arrival pointed without its departure is never replaced by the fixed blocks: still a problem to fix, named.
    expect(plain(again.problems[0]!.message)).toMatch(/^Heure de départ non pointée pour Garderie du soir le lundi 8 mars 2027/);
    expect(again.problems.map((p) => [p.familyId, p.day, p.code])).toEqual([
      [2, '2027-03-08', 'bad_times'],
      [7, '2027-03-08', 'no_tariff'],
    ]);
  });

  it('lists the families whose QF needs updating, with or without a draft', () => {
    expect(run.flagged.map((f) => [f.familyId, f.hasDraft, f.qf.map((p) => [p.from, p.to, p.flagged])])).toEqual([
      [3, true, [['2027-03-02', '2027-03-09', true]]],
      // Family 8 only cancelled on time: no draft, but it has a day this month and no proof.
      [8, false, [['2027-03-01', '2027-03-01', true]]],
    ]);
  });

  it('ends the PAI reduction with the PAI, and keeps one line across two tariffs pricing alike', () => {
    // The canteen's tariff renewed on 15 March at the same prices; Tom's PAI ends on 10 March.
    // Mondays 1, 8, 15, 22, 29: 5 meals × 3,15 € = 15,75 €; PAI on the 1st and 8th only: 2 × -0,63 € = -1,26 €.
    const canteen = tariffs[0]!;
    const renewed: DraftInput = {
      ...input,
      children: [{ ...children[1]!, paiEnd: '2027-03-10' }],
      tariffs: [{ ...canteen, validTo: '2027-03-14' }, { ...canteen, validFrom: '2027-03-15' }],
      planning: [{ childId: 12, serviceId: CANTEEN, days: march([1]) }],
    };
    const [draft] = draftInvoices(renewed).drafts;
    expect(rows(draft!.lines)).toEqual([
      ['unit', 'Restauration scolaire — repas', 'Tranche 1 (QF jusqu’à 800) : 3,15 € par repas, tarif résident.', 315, 5, 1575, march27(1, 8, 15, 22, 29)],
      ['pai_reduction', 'Restauration scolaire — réduction PAI (repas fourni par la famille)', '20 % du prix unitaire de 3,15 € : 0,63 € par repas', -63, 2, -126, march27(1, 8)],
    ]);
    expect(draft!.totalCents).toBe(1449);
  });

  it('gives the same answer whatever the order of its input', () => {
    const shuffled: DraftInput = {
      ...input,
      families: [...families].reverse(),
      children: [...children].reverse(),
      services: [...services].reverse(),
      tariffs: [...tariffs].reverse(),
      planning: [...planning].reverse().map((entry) => ({ ...entry, days: [...entry.days].reverse() })),
    };
    expect(draftInvoices(shuffled)).toEqual(run);
  });

  it('throws on a loader’s mistake rather than guess', () => {
    expect(() => draftInvoices({ ...input, month: '2027-3' })).toThrow(/Not a month/);
    expect(() => draftInvoices({ ...input, planning: [{ childId: 11, serviceId: CANTEEN, days: [at('2027-04-01', present)] }] })).toThrow(/after the month/);
    expect(() => draftInvoices({ ...input, planning: [...planning, planning[0]!] })).toThrow(/given twice/);
    expect(() => draftInvoices({ ...input, planning: [{ childId: 99, serviceId: CANTEEN, days: [] }] })).toThrow(/unknown child/);
    // A PAI end that is not an ISO day would otherwise drop the reduction without a word.
    expect(() => draftInvoices({ ...input, children: children.map((c) => (c.id === 12 ? { ...c, paiEnd: '10/03/2027' } : c)) })).toThrow(/PAI end of child 12 not an ISO day/);
  });
});
