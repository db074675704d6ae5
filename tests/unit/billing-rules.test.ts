import { describe, expect, it } from 'vitest';
import {
  billDays,
  checkBillingRules,
  DEFAULT_BILLING_RULES,
  type BilledDay,
  type BillingDayInput,
  type BillingRules,
} from '../../src/shared/billing/rules.js';
import type { AbsenceReason } from '../../src/shared/planning/reasons.js';
import { whatHappened, type DayOutcome } from '../../src/shared/planning/transitions.js';

/**
 * Worked examples: one child at the canteen (Monday, Tuesday, Thursday, Friday) in March 2027. Every expected answer
 * (billed, surcharge, code, the French sentence) is written out by hand below, not computed by the module.
 */

const closed = (why: string): DayOutcome => ({ kind: 'closed', why });
const present: DayOutcome = { kind: 'present', booked: true, late: false };
const absent = (reason: AbsenceReason | null, late = true): DayOutcome => ({ kind: 'absent', reason, late });
const WEDNESDAY = closed('Service fermé le mercredi');
const SATURDAY = closed('Service fermé le samedi');
const SUNDAY = closed('Service fermé le dimanche');

type Row = [day: string, outcome: DayOutcome, certificate: boolean];

/** The month as it happened, with a certificate attached to the second day of the illness only. */
const MARCH: Row[] = [
  ['2027-03-01', present, false],
  ['2027-03-02', present, false],
  ['2027-03-03', WEDNESDAY, false],
  ['2027-03-04', { kind: 'present', booked: true, late: true }, false],
  ['2027-03-05', { kind: 'present', booked: false, late: false }, false],
  ['2027-03-06', SATURDAY, false],
  ['2027-03-07', SUNDAY, false],
  // Ill Monday, Tuesday and Thursday (the Wednesday between is closed): one illness, one jour de carence.
  ['2027-03-08', absent('MEDICAL'), false],
  ['2027-03-09', absent('MEDICAL'), true],
  ['2027-03-10', WEDNESDAY, false],
  ['2027-03-11', absent('MEDICAL'), false],
  ['2027-03-12', present, false],
  ['2027-03-13', SATURDAY, false],
  ['2027-03-14', SUNDAY, false],
  // Booked before the commune closed the canteen for the strike: whatHappened says closed whatever was stored.
  ['2027-03-15', closed('Grève du personnel communal'), false],
  ['2027-03-16', absent('STRIKE'), false],
  ['2027-03-17', WEDNESDAY, false],
  ['2027-03-18', absent('TEACHER_ABSENT'), false],
  ['2027-03-19', absent('SCHOOL_TRIP'), false],
  ['2027-03-20', SATURDAY, false],
  ['2027-03-21', SUNDAY, false],
  ['2027-03-22', absent('OTHER'), false],
  ['2027-03-23', absent('FORCE_MAJEURE', false), false],
  ['2027-03-24', WEDNESDAY, false],
  ['2027-03-25', { kind: 'cancelled', late: true }, false],
  ['2027-03-26', { kind: 'cancelled', late: false }, false],
  ['2027-03-27', SATURDAY, false],
  ['2027-03-28', SUNDAY, false],
  ['2027-03-29', { kind: 'absent_unnoticed' }, false],
  ['2027-03-30', { kind: 'booked', late: false }, false],
  ['2027-03-31', WEDNESDAY, false],
];

const input = (rows: Row[]): BillingDayInput[] => rows.map(([day, outcome, certificate]) => ({ day, outcome, certificate }));

const NOT_BILLED_CLOSED = (day: string, why: string): BilledDay => ({
  day,
  billed: false,
  surcharge: null,
  code: 'closed',
  why: `Non facturé : fermeture — ${why}`,
});
const WEEKEND = (saturday: string, sunday: string): BilledDay[] => [
  NOT_BILLED_CLOSED(saturday, 'Service fermé le samedi'),
  NOT_BILLED_CLOSED(sunday, 'Service fermé le dimanche'),
];
const PRESENT = (day: string): BilledDay => ({ day, billed: true, surcharge: null, code: 'present', why: 'Facturé : réservé et présent' });

const MARCH_BILLED: BilledDay[] = [
  PRESENT('2027-03-01'),
  PRESENT('2027-03-02'),
  NOT_BILLED_CLOSED('2027-03-03', 'Service fermé le mercredi'),
  { day: '2027-03-04', billed: true, surcharge: 'late_booking', code: 'present', why: 'Facturé avec majoration : réservé hors délai et présent' },
  { day: '2027-03-05', billed: true, surcharge: 'unbooked', code: 'walk_in', why: 'Facturé avec majoration : présent sans réservation' },
  ...WEEKEND('2027-03-06', '2027-03-07'),
  {
    day: '2027-03-08',
    billed: true,
    surcharge: null,
    code: 'waiting_day',
    why: "Facturé : premier jour d'absence pour raison médicale (jour de carence)",
  },
  {
    day: '2027-03-09',
    billed: false,
    surcharge: null,
    code: 'absence_covered',
    why: "Non facturé : 2e jour d'absence pour raison médicale, certificat médical fourni (au-delà du jour de carence)",
  },
  NOT_BILLED_CLOSED('2027-03-10', 'Service fermé le mercredi'),
  {
    day: '2027-03-11',
    billed: false,
    surcharge: null,
    code: 'absence_covered',
    why: "Non facturé : 3e jour d'absence pour raison médicale, certificat médical fourni (au-delà du jour de carence)",
  },
  PRESENT('2027-03-12'),
  ...WEEKEND('2027-03-13', '2027-03-14'),
  NOT_BILLED_CLOSED('2027-03-15', 'Grève du personnel communal'),
  {
    day: '2027-03-16',
    billed: false,
    surcharge: null,
    code: 'absence_reason_not_billed',
    why: 'Non facturé : absence pour un motif non facturé (GREVE DU PERSONNEL OU DES ENSEIGNANTS)',
  },
  NOT_BILLED_CLOSED('2027-03-17', 'Service fermé le mercredi'),
  {
    day: '2027-03-18',
    billed: false,
    surcharge: null,
    code: 'absence_reason_not_billed',
    why: "Non facturé : absence pour un motif non facturé (ABSENCE DE L'ENSEIGNANT)",
  },
  {
    day: '2027-03-19',
    billed: false,
    surcharge: null,
    code: 'absence_reason_not_billed',
    why: 'Non facturé : absence pour un motif non facturé (VOYAGE OU SORTIE SCOLAIRE)',
  },
  ...WEEKEND('2027-03-20', '2027-03-21'),
  { day: '2027-03-22', billed: true, surcharge: null, code: 'absence_reason_billed', why: 'Facturé : absence déclarée hors délai (AUTRES)' },
  {
    day: '2027-03-23',
    billed: false,
    surcharge: null,
    code: 'absence_on_time',
    why: 'Non facturé : absence déclarée dans les délais (CAS DE FORCE MAJEURE)',
  },
  NOT_BILLED_CLOSED('2027-03-24', 'Service fermé le mercredi'),
  { day: '2027-03-25', billed: true, surcharge: null, code: 'cancelled_late', why: 'Facturé : réservation annulée hors délai' },
  { day: '2027-03-26', billed: false, surcharge: null, code: 'cancelled_on_time', why: 'Non facturé : réservation annulée dans les délais' },
  ...WEEKEND('2027-03-27', '2027-03-28'),
  { day: '2027-03-29', billed: true, surcharge: null, code: 'absent_unnoticed', why: 'Facturé : réservé, absent sans prévenir' },
  { day: '2027-03-30', billed: true, surcharge: null, code: 'booked_not_pointed', why: 'Facturé : réservé, présence non pointée' },
  NOT_BILLED_CLOSED('2027-03-31', 'Service fermé le mercredi'),
];

const on = (result: BilledDay[], day: string): BilledDay => {
  const found = result.find((billed) => billed.day === day);
  if (!found) throw new Error(`no answer for ${day}`);
  return found;
};

const withRules = (change: (rules: BillingRules) => Partial<BillingRules>): BillingRules => ({ ...DEFAULT_BILLING_RULES, ...change(DEFAULT_BILLING_RULES) });

describe('billDays over a month with the default rules', () => {
  it('answers every day of March, billed or not, with its surcharge and why', () => {
    expect(billDays(input(MARCH), DEFAULT_BILLING_RULES)).toEqual(MARCH_BILLED);
  });

  it('counts 10 billed days: 8 at the plain price, one late booking, one walk-in', () => {
    const billed = billDays(input(MARCH), DEFAULT_BILLING_RULES).filter((day) => day.billed);
    expect(billed.map((day) => day.day)).toEqual([
      '2027-03-01', '2027-03-02', '2027-03-04', '2027-03-05', '2027-03-08', '2027-03-12',
      '2027-03-22', '2027-03-25', '2027-03-29', '2027-03-30',
    ]);
    expect(billed.filter((day) => day.surcharge === 'late_booking').map((day) => day.day)).toEqual(['2027-03-04']);
    expect(billed.filter((day) => day.surcharge === 'unbooked').map((day) => day.day)).toEqual(['2027-03-05']);
  });

  it('bills all three days of the same illness when no certificate covers it', () => {
    const rows = MARCH.map(([day, outcome]): Row => [day, outcome, false]);
    const result = billDays(input(rows), DEFAULT_BILLING_RULES);
    expect(on(result, '2027-03-08')).toEqual(MARCH_BILLED[7]);
    expect(on(result, '2027-03-09')).toEqual({
      day: '2027-03-09',
      billed: true,
      surcharge: null,
      code: 'absence_without_certificate',
      why: "Facturé : 2e jour d'absence pour raison médicale, sans certificat médical",
    });
    expect(on(result, '2027-03-11')).toEqual({
      day: '2027-03-11',
      billed: true,
      surcharge: null,
      code: 'absence_without_certificate',
      why: "Facturé : 3e jour d'absence pour raison médicale, sans certificat médical",
    });
    // Nothing else moves.
    const others = (list: BilledDay[]) => list.filter((day) => !['2027-03-09', '2027-03-11'].includes(day.day));
    expect(others(result)).toEqual(others(MARCH_BILLED));
  });
});

describe('billDays after a settings change', () => {
  const rules = withRules((defaults) => ({
    // Two jours de carence: medical absences not billed from the third day; strikes billed.
    reasons: { ...defaults.reasons, MEDICAL: { kind: 'waiting_days', days: 2, certificateRequired: true }, STRIKE: { kind: 'billed' } },
  }));
  const result = billDays(input(MARCH), rules);

  it('bills the first two days of the illness and not the third', () => {
    expect(on(result, '2027-03-08')).toMatchObject({ billed: true, surcharge: null, code: 'waiting_day' });
    expect(on(result, '2027-03-08').why).toBe("Facturé : premier jour d'absence pour raison médicale (jour de carence, 2 jours facturés)");
    expect(on(result, '2027-03-09')).toMatchObject({ billed: true, surcharge: null, code: 'waiting_day' });
    expect(on(result, '2027-03-09').why).toBe("Facturé : 2e jour d'absence pour raison médicale (jour de carence, 2 jours facturés)");
    expect(on(result, '2027-03-11')).toMatchObject({ billed: false, surcharge: null, code: 'absence_covered' });
    expect(on(result, '2027-03-11').why).toBe(
      "Non facturé : 3e jour d'absence pour raison médicale, certificat médical fourni (au-delà des 2 jours de carence)",
    );
  });

  it('bills the strike absence, but never the day the commune closed for the strike', () => {
    expect(on(result, '2027-03-16')).toEqual({
      day: '2027-03-16',
      billed: true,
      surcharge: null,
      code: 'absence_reason_billed',
      why: 'Facturé : absence déclarée hors délai (GREVE DU PERSONNEL OU DES ENSEIGNANTS)',
    });
    expect(on(result, '2027-03-15')).toEqual(MARCH_BILLED[14]);
  });

  it('leaves the other days as they were', () => {
    const changed = ['2027-03-08', '2027-03-09', '2027-03-11', '2027-03-16'];
    const others = (list: BilledDay[]) => list.filter((day) => !changed.includes(day.day));
    expect(others(result)).toEqual(others(MARCH_BILLED));
  });

  it('follows the service flags: no surcharges, unnoticed absences and late cancellations free, on-time absences billed', () => {
    const lenient = withRules(() => ({
      lateBookingSurcharge: false,
      unbookedSurcharge: false,
      absentUnnoticedBilled: false,
      cancelledLateBilled: false,
      absenceOnTimeBilled: true,
      bookedNotPointedBilled: false,
    }));
    const answers = billDays(input(MARCH), lenient);
    expect(on(answers, '2027-03-04')).toMatchObject({ billed: true, surcharge: null, why: 'Facturé : réservé hors délai et présent' });
    expect(on(answers, '2027-03-05')).toMatchObject({ billed: true, surcharge: null, why: 'Facturé : présent sans réservation' });
    expect(on(answers, '2027-03-29')).toMatchObject({ billed: false, why: 'Non facturé : réservé, absent sans prévenir (règle du service)' });
    expect(on(answers, '2027-03-25')).toMatchObject({ billed: false, why: 'Non facturé : réservation annulée hors délai (règle du service)' });
    expect(on(answers, '2027-03-23')).toMatchObject({
      billed: true,
      why: 'Facturé : absence déclarée dans les délais (CAS DE FORCE MAJEURE), facturée selon la règle du service',
    });
    expect(on(answers, '2027-03-30')).toMatchObject({ billed: false, why: 'Non facturé : réservé, présence non pointée (règle du service)' });
    // A cancellation on time is never billed, whatever the flags.
    expect(on(answers, '2027-03-26')).toMatchObject({ billed: false, code: 'cancelled_on_time' });
  });

  it('a reason with waiting days and no certificate needed: not billed after them, with or without certificate', () => {
    const rules2 = withRules((defaults) => ({
      reasons: { ...defaults.reasons, TRAFFIC_ACCIDENT: { kind: 'waiting_days', days: 1, certificateRequired: false } },
    }));
    const days: Row[] = [
      ['2027-03-01', absent('TRAFFIC_ACCIDENT'), false],
      ['2027-03-02', absent('TRAFFIC_ACCIDENT'), false],
    ];
    expect(billDays(input(days), rules2)).toEqual([
      {
        day: '2027-03-01',
        billed: true,
        surcharge: null,
        code: 'waiting_day',
        why: "Facturé : premier jour d'absence pour le motif « ACCIDENT DE LA CIRCULATION » (jour de carence)",
      },
      {
        day: '2027-03-02',
        billed: false,
        surcharge: null,
        code: 'absence_covered',
        why: "Non facturé : 2e jour d'absence pour le motif « ACCIDENT DE LA CIRCULATION » (au-delà du jour de carence)",
      },
    ]);
  });
});

describe('medical absence runs', () => {
  it('a present day between two illnesses starts a new run, with its own jour de carence', () => {
    const days: Row[] = [
      ['2027-03-01', absent('MEDICAL'), true],
      ['2027-03-02', present, false],
      ['2027-03-04', absent('MEDICAL'), true],
      ['2027-03-05', absent('MEDICAL'), false],
    ];
    expect(billDays(input(days), DEFAULT_BILLING_RULES).map((day) => [day.day, day.billed, day.code])).toEqual([
      ['2027-03-01', true, 'waiting_day'],
      ['2027-03-02', true, 'present'],
      ['2027-03-04', true, 'waiting_day'],
      ['2027-03-05', false, 'absence_covered'],
    ]);
  });

  it('an open day not booked breaks the run; an absence for another reason too', () => {
    const days: Row[] = [
      ['2027-03-01', absent('MEDICAL'), true],
      ['2027-03-02', { kind: 'not_booked' }, false],
      ['2027-03-04', absent('MEDICAL'), true],
      ['2027-03-05', absent('OTHER'), false],
      ['2027-03-08', absent('MEDICAL'), true],
    ];
    const result = billDays(input(days), DEFAULT_BILLING_RULES);
    expect(result.map((day) => [day.day, day.billed, day.code])).toEqual([
      ['2027-03-01', true, 'waiting_day'],
      ['2027-03-02', false, 'not_booked'],
      ['2027-03-04', true, 'waiting_day'],
      ['2027-03-05', true, 'absence_reason_billed'],
      ['2027-03-08', true, 'waiting_day'],
    ]);
    expect(result[1]!.why).toBe('Non facturé : ni réservé ni présent');
  });

  it('the first day of the run declared on time stays free, and the jour de carence does not move', () => {
    const days: Row[] = [
      ['2027-03-01', absent('MEDICAL', false), false],
      ['2027-03-02', absent('MEDICAL'), true],
      ['2027-03-04', absent('MEDICAL'), false],
    ];
    expect(billDays(input(days), DEFAULT_BILLING_RULES)).toEqual([
      { day: '2027-03-01', billed: false, surcharge: null, code: 'absence_on_time', why: 'Non facturé : absence déclarée dans les délais (RAISON MEDICALE)' },
      {
        day: '2027-03-02',
        billed: false,
        surcharge: null,
        code: 'absence_covered',
        why: "Non facturé : 2e jour d'absence pour raison médicale, certificat médical fourni (au-delà du jour de carence)",
      },
      {
        day: '2027-03-04',
        billed: false,
        surcharge: null,
        code: 'absence_covered',
        why: "Non facturé : 3e jour d'absence pour raison médicale, certificat médical fourni (au-delà du jour de carence)",
      },
    ]);
  });

  it('a run begun the month before: with the days before passed, the 1st of the month is not a new jour de carence', () => {
    const days: Row[] = [
      ['2027-02-25', present, false],
      ['2027-02-26', absent('MEDICAL'), true],
      ['2027-02-27', SATURDAY, false],
      ['2027-02-28', SUNDAY, false],
      ['2027-03-01', absent('MEDICAL'), false],
      ['2027-03-02', absent('MEDICAL'), false],
    ];
    const march = billDays(input(days), DEFAULT_BILLING_RULES).filter((day) => day.day >= '2027-03-01');
    expect(march.map((day) => [day.day, day.billed, day.why])).toEqual([
      ['2027-03-01', false, "Non facturé : 2e jour d'absence pour raison médicale, certificat médical fourni (au-delà du jour de carence)"],
      ['2027-03-02', false, "Non facturé : 3e jour d'absence pour raison médicale, certificat médical fourni (au-delà du jour de carence)"],
    ]);
  });

  it('an absence declared late without a reason is billed', () => {
    expect(billDays(input([['2027-03-01', absent(null), false]]), DEFAULT_BILLING_RULES)).toEqual([
      { day: '2027-03-01', billed: true, surcharge: null, code: 'absence_without_reason', why: 'Facturé : absence déclarée hors délai, sans motif' },
    ]);
  });
});

describe('billDays reads the day as the shared day model tells it', () => {
  const open = { open: true } as const;

  it('booked before the commune closed the day: closed, not billed', () => {
    const outcome = whatHappened({ open: false, why: 'Sortie de classe' }, { state: 'booked', attendance: null, late: true });
    expect(billDays([{ day: '2027-03-01', outcome, certificate: false }], DEFAULT_BILLING_RULES)).toEqual([
      { day: '2027-03-01', billed: false, surcharge: null, code: 'closed', why: 'Non facturé : fermeture — Sortie de classe' },
    ]);
  });

  it('a walk-in, a late booking pointed present, a late booking not yet pointed', () => {
    const walkIn = whatHappened(open, { state: 'booked', attendance: 'present', walkIn: true });
    const lateBooked = whatHappened(open, { state: 'booked', attendance: 'present', late: true });
    const lateNotPointed = whatHappened(open, { state: 'booked', attendance: null, late: true });
    const justified = whatHappened(open, { state: 'absent', attendance: 'absent', absenceReason: 'MEDICAL', late: true });
    const result = billDays(
      [
        { day: '2027-03-01', outcome: walkIn, certificate: false },
        { day: '2027-03-02', outcome: lateBooked, certificate: false },
        { day: '2027-03-04', outcome: lateNotPointed, certificate: false },
        { day: '2027-03-05', outcome: justified, certificate: true },
      ],
      DEFAULT_BILLING_RULES,
    );
    expect(result).toEqual([
      { day: '2027-03-01', billed: true, surcharge: 'unbooked', code: 'walk_in', why: 'Facturé avec majoration : présent sans réservation' },
      { day: '2027-03-02', billed: true, surcharge: 'late_booking', code: 'present', why: 'Facturé avec majoration : réservé hors délai et présent' },
      {
        day: '2027-03-04',
        billed: true,
        surcharge: 'late_booking',
        code: 'booked_not_pointed',
        why: 'Facturé avec majoration : réservé hors délai, présence non pointée',
      },
      // An unnoticed absence justified afterwards is a declared absence: the first day of its illness.
      {
        day: '2027-03-05',
        billed: true,
        surcharge: null,
        code: 'waiting_day',
        why: "Facturé : premier jour d'absence pour raison médicale (jour de carence)",
      },
    ]);
  });

  it('refuses days out of order or twice, rather than guessing', () => {
    const day = (d: string): BillingDayInput => ({ day: d, outcome: present, certificate: false });
    expect(() => billDays([day('2027-03-02'), day('2027-03-01')], DEFAULT_BILLING_RULES)).toThrow(/sorted/);
    expect(() => billDays([day('2027-03-01'), day('2027-03-01')], DEFAULT_BILLING_RULES)).toThrow(/sorted/);
    expect(billDays([], DEFAULT_BILLING_RULES)).toEqual([]);
  });
});

describe('checkBillingRules', () => {
  it('accepts the defaults and a changed copy', () => {
    expect(checkBillingRules(DEFAULT_BILLING_RULES)).toEqual({ ok: true, value: DEFAULT_BILLING_RULES });
    const changed = JSON.parse(JSON.stringify(DEFAULT_BILLING_RULES)) as BillingRules;
    changed.reasons.STRIKE = { kind: 'billed' };
    expect(checkBillingRules(changed)).toEqual({ ok: true, value: changed });
  });

  it('refuses wrong settings with a French message per field', () => {
    const wrong = JSON.parse(JSON.stringify(DEFAULT_BILLING_RULES)) as Record<string, unknown> & { reasons: Record<string, unknown> };
    wrong.reasons.MEDICAL = { kind: 'waiting_days', days: -1, certificateRequired: true };
    wrong.reasons.SCHOOL_TRIP = { kind: 'sometimes' };
    wrong.reasons.TRAFFIC_ACCIDENT = { kind: 'waiting_days', days: 1.5, certificateRequired: true };
    delete wrong.reasons.STRIKE;
    wrong.cancelledLateBilled = 'oui';
    const result = checkBillingRules(wrong);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    expect(result.error.message).toBe('Règles de facturation invalides.');
    expect(result.error.fields).toEqual({
      'reasons.MEDICAL.days': 'Le nombre de jours de carence ne peut pas être négatif.',
      'reasons.SCHOOL_TRIP.kind': 'Règle inconnue : facturé, non facturé, ou facturé les premiers jours (carence).',
      'reasons.TRAFFIC_ACCIDENT.days': 'Le nombre de jours de carence est un nombre entier.',
      'reasons.STRIKE': 'Aucune règle de facturation pour le motif « GREVE DU PERSONNEL OU DES ENSEIGNANTS ».',
      cancelledLateBilled: 'Annulation hors délai facturée : oui ou non.',
    });
  });

  it('refuses a missing reason, an unknown reason and an unknown setting', () => {
    const missing = JSON.parse(JSON.stringify(DEFAULT_BILLING_RULES)) as { reasons: Record<string, unknown> };
    delete missing.reasons.STRIKE;
    expect(checkBillingRules(missing)).toMatchObject({
      ok: false,
      error: { fields: { 'reasons.STRIKE': 'Aucune règle de facturation pour le motif « GREVE DU PERSONNEL OU DES ENSEIGNANTS ».' } },
    });
    const unknown = JSON.parse(JSON.stringify(DEFAULT_BILLING_RULES)) as Record<string, unknown> & { reasons: Record<string, unknown> };
    unknown.reasons.HOLIDAY = { kind: 'billed' };
    unknown.billWeekends = true;
    expect(checkBillingRules(unknown)).toMatchObject({
      ok: false,
      error: { fields: { reasons: 'Motif d’absence inconnu.', _: 'Réglage de facturation inconnu.' } },
    });
    expect(checkBillingRules(null)).toMatchObject({ ok: false, error: { code: 'validation' } });
  });
});
