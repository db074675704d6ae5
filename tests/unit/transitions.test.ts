import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINE_RULE, type LatePolicy } from '../../src/shared/planning/rules.js';
import {
  ASKERS,
  DAY_CHANGES,
  DAY_STATES,
  judgeDayChange,
  whatHappened,
  type Asker,
  type DayChange,
  type DayFacts,
  type DayState,
  type Effect,
  type RefusalCode,
  type StoredDay,
} from '../../src/shared/planning/transitions.js';

/**
 * The day's rules over every combination: state × change × who asks × before / at / after the deadline (and after
 * the day itself) × full or not × closed or open × a pending request or not × late policy × forced or not. The
 * expected answer of each row comes from the rules written out below, independently of the module.
 */

const DAY = '2026-12-07'; // Monday; deadline Wednesday 2 December 12:00 Paris = 11:00Z
const TIMINGS = {
  before: '2026-12-02T10:00:00.000Z',
  at: '2026-12-02T11:00:00.000Z',
  after: '2026-12-03T09:00:00.000Z',
  passed: '2026-12-08T09:00:00.000Z',
} as const;
type Timing = keyof typeof TIMINGS;
const TODAY: Record<Timing, string> = { before: '2026-12-02', at: '2026-12-02', after: '2026-12-03', passed: '2026-12-08' };

const STORED: Record<DayState, StoredDay | null> = {
  none: null,
  booked: { state: 'booked', attendance: null },
  cancelled: { state: 'cancelled', attendance: null },
  absent: { state: 'absent', attendance: null, absenceReason: 'MEDICAL' },
  present: { state: 'booked', attendance: 'present' },
  absent_unnoticed: { state: 'booked', attendance: 'absent' },
};

interface Row {
  asker: Asker;
  state: DayState;
  change: DayChange;
  timing: Timing;
  full: boolean;
  open: boolean;
  pending: boolean;
  policy: LatePolicy;
  force: boolean;
}

type Expected = { allowed: false; code: RefusalCode } | { allowed: true; effect: Effect; late: boolean; forced: boolean; full: boolean };

const refused = (code: RefusalCode): Expected => ({ allowed: false, code });
const unchanged: Effect = { kind: 'unchanged' };
const toState = (state: 'booked' | 'cancelled' | 'absent'): Effect => ({ kind: 'state', state });
const FAMILY_EFFECT = { book: 'booked', cancel: 'cancelled', absence: 'absent' } as const;

/** The rules, as DOMAIN.md and the issue state them, one branch per sentence. */
function expected(row: Row): Expected {
  const { asker, state, change, timing } = row;
  const late = timing !== 'before';
  const ok = (effect: Effect, extra: Partial<{ late: boolean; forced: boolean; full: boolean }> = {}): Expected => ({
    allowed: true,
    effect,
    late: false,
    forced: false,
    full: false,
    ...extra,
  });
  // Nothing happens on a closed day.
  if (!row.open) return refused('closed');

  // Attendance: only the service marks it, on the day or after.
  if (change === 'present' || change === 'absent_unnoticed' || change === 'clear_attendance') {
    if (asker !== 'grid') return refused('staff_only');
    if (timing !== 'passed') return refused('future_attendance');
    const marked = state === 'present' || state === 'absent_unnoticed';
    if (change === 'clear_attendance') return ok(marked ? { kind: 'attendance', attendance: null, walkIn: false } : unchanged);
    if (change === 'present') {
      if (state === 'present') return ok(unchanged);
      return ok({ kind: 'attendance', attendance: 'present', walkIn: state === 'none' || state === 'cancelled' || state === 'absent' });
    }
    if (state === 'none' || state === 'cancelled' || state === 'absent') return refused('not_booked');
    return ok(state === 'absent_unnoticed' ? unchanged : { kind: 'attendance', attendance: 'absent', walkIn: false });
  }

  // The staff grid: no deadline refuses staff, but a day marked present is never cancelled or declared absent.
  if (asker === 'grid') {
    if (change === 'book') {
      if (state === 'booked' || state === 'present' || state === 'absent_unnoticed') return ok(unchanged, { late });
      if (row.full) return refused('full');
      return ok(toState('booked'), { late });
    }
    if (state === 'present') return refused('attendance_marked');
    if (state === 'none') return refused('not_booked');
    if (change === 'cancel') {
      if (state === 'absent_unnoticed') return refused('attendance_marked');
      if (state === 'cancelled') return ok(unchanged, { late });
      return ok(toState('cancelled'), { late });
    }
    return ok(toState('absent'), { late });
  }

  // A request (family, counter) or its acceptance (decision).
  if (row.pending && asker !== 'decision') return refused('pending');
  if (asker === 'family' && timing === 'passed') return refused('past_day');
  if (state === 'present' || state === 'absent_unnoticed') return refused('attendance_marked');
  if (change === 'book') {
    if (state === 'booked') return refused('already');
    if (state === 'absent') return refused('absence_recorded');
  } else if (state !== 'booked') {
    return refused(state === 'absent' ? 'absence_recorded' : 'not_booked');
  }
  const full = change === 'book' && row.full;
  if (asker === 'decision') {
    if (full && !row.force) return refused('full');
    return ok(toState(FAMILY_EFFECT[change]), { late, forced: full, full });
  }
  if (late && row.policy === 'refuse') return refused('deadline');
  return ok(toState(FAMILY_EFFECT[change]), { late, full });
}

function facts(row: Row): DayFacts {
  return {
    day: DAY,
    opening: row.open ? { open: true } : { open: false, why: 'Vacances de Noël 2026' },
    inscription: { required: true, held: true },
    stored: STORED[row.state],
    pending: row.pending,
    places: { booked: row.full ? 2 : 1, capacity: 2 },
    rules: { deadlines: { booking: DEFAULT_DEADLINE_RULE, cancel: DEFAULT_DEADLINE_RULE, absence: DEFAULT_DEADLINE_RULE }, latePolicy: row.policy },
    label: { service: 'Restauration scolaire', child: 'Léa' },
  };
}

function* rows(asker: Asker, change: DayChange): Generator<Row> {
  for (const state of DAY_STATES)
    for (const timing of Object.keys(TIMINGS) as Timing[])
      for (const full of [false, true])
        for (const open of [true, false])
          for (const pending of [false, true])
            for (const policy of ['refuse', 'late'] as const)
              for (const force of [false, true]) yield { asker, state, change, timing, full, open, pending, policy, force };
}

describe('judgeDayChange over every combination', () => {
  for (const asker of ASKERS) {
    for (const change of DAY_CHANGES) {
      it(`${asker} asks ${change}`, () => {
        const mismatches: string[] = [];
        let count = 0;
        for (const row of rows(asker, change)) {
          count += 1;
          const judged = judgeDayChange(facts(row), { change, asker, at: new Date(TIMINGS[row.timing]), today: TODAY[row.timing], force: row.force });
          const want = expected(row);
          const got: Expected = judged.allowed
            ? { allowed: true, effect: judged.effect, late: judged.late, forced: judged.forced, full: judged.full }
            : { allowed: false, code: judged.code };
          if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${JSON.stringify(row)} → ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
          if (!judged.allowed && judged.why.trim() === '') mismatches.push(`${JSON.stringify(row)}: refusal without a reason`);
        }
        expect(count).toBe(DAY_STATES.length * 4 * 2 * 2 * 2 * 2 * 2);
        expect(mismatches.slice(0, 5)).toEqual([]);
      });
    }
  }
});

describe('judgeDayChange, the words and the details', () => {
  const base = (overrides: Partial<Row> = {}): Row => ({
    asker: 'family',
    state: 'booked',
    change: 'cancel',
    timing: 'before',
    full: false,
    open: true,
    pending: false,
    policy: 'refuse',
    force: false,
    ...overrides,
  });
  const judge = (row: Row, factsOverride: Partial<DayFacts> = {}) =>
    judgeDayChange({ ...facts(row), ...factsOverride }, { change: row.change, asker: row.asker, at: new Date(TIMINGS[row.timing]), today: TODAY[row.timing], force: row.force });

  it('gives the deadline in words when late changes are refused, and the deadline itself when allowed', () => {
    const late = judge(base({ timing: 'at' }));
    expect(late).toMatchObject({
      allowed: false,
      code: 'deadline',
      deadline: '2026-12-02T11:00:00.000Z',
      why: "Hors délai pour le lundi 7 décembre 2026 (Restauration scolaire, Léa) : les changements de ce jour étaient possibles jusqu'au mercredi 2 décembre 2026 à 12h00.",
    });
    expect(judge(base())).toMatchObject({ allowed: true, late: false, deadline: '2026-12-02T11:00:00.000Z' });
  });

  it('refuses a request without the inscription the service requires, and warns an agent deciding it', () => {
    const noInscription = { inscription: { required: true, held: false } };
    expect(judge(base(), noInscription)).toMatchObject({ allowed: false, code: 'not_registered', why: "Léa n'est pas inscrit(e) à Restauration scolaire le lundi 7 décembre 2026." });
    expect(judge(base({ asker: 'counter' }), noInscription)).toMatchObject({ allowed: false, code: 'not_registered' });
    expect(judge(base({ asker: 'decision' }), noInscription)).toMatchObject({ allowed: true, warnings: ["L'enfant n'est plus inscrit à ce service ce jour-là"] });
    expect(judge(base({ asker: 'grid' }), noInscription)).toMatchObject({ allowed: true });
    expect(judge(base(), { inscription: { required: false, held: false } })).toMatchObject({ allowed: true });
  });

  it('words the staff grid and the decision as their screens do', () => {
    expect(judge(base({ asker: 'grid', open: false }))).toMatchObject({ why: 'Vacances de Noël 2026' });
    expect(judge(base({ asker: 'decision', open: false }))).toMatchObject({ why: 'Restauration scolaire est fermé le lundi 7 décembre 2026 : Vacances de Noël 2026.' });
    expect(judge(base({ asker: 'grid', change: 'book', state: 'none', full: true }))).toMatchObject({ why: 'Complet : 2 places réservées sur 2 le lundi 7 décembre 2026' });
    expect(judge(base({ asker: 'decision', change: 'book', state: 'none', full: true }))).toMatchObject({
      why: 'Complet : 2 places réservées sur 2 le lundi 7 décembre 2026 : confirmez pour accepter au-delà de la capacité.',
    });
    expect(judge(base({ asker: 'decision', state: 'cancelled' }))).toMatchObject({ why: "Le lundi 7 décembre 2026 n'est plus réservé (déjà annulé)." });
    expect(judge(base({ asker: 'grid', state: 'present' }))).toMatchObject({ why: 'Présence déjà pointée : effacez le pointage avant d’annuler ce jour.' });
    expect(judge(base({ asker: 'grid', state: 'present', change: 'absence' }))).toMatchObject({ why: 'Présence déjà pointée : effacez le pointage avant de déclarer une absence.' });
    expect(judge(base({ state: 'present' }))).toMatchObject({ why: 'Présence déjà pointée : ce jour ne peut plus être modifié.' });
  });

  it('never limits a service without capacity', () => {
    const row = base({ asker: 'decision', change: 'book', state: 'none' });
    expect(judge(row, { places: { booked: 5000, capacity: null } })).toMatchObject({ allowed: true, forced: false, full: false });
  });
});

describe('whatHappened: what billing reads', () => {
  const open = { open: true } as const;
  it('tells each outcome of a day', () => {
    expect(whatHappened({ open: false, why: 'Jour férié : Noël' }, STORED.booked)).toEqual({ kind: 'closed', why: 'Jour férié : Noël' });
    expect(whatHappened(open, null)).toEqual({ kind: 'not_booked' });
    expect(whatHappened(open, STORED.booked)).toEqual({ kind: 'booked', late: false });
    expect(whatHappened(open, { state: 'booked', attendance: null, late: true })).toEqual({ kind: 'booked', late: true });
    expect(whatHappened(open, STORED.present)).toEqual({ kind: 'present', booked: true, late: false });
    expect(whatHappened(open, { state: 'booked', attendance: 'present', walkIn: true })).toEqual({ kind: 'present', booked: false, late: false });
    expect(whatHappened(open, { state: 'cancelled', attendance: 'present' })).toEqual({ kind: 'present', booked: false, late: false });
    expect(whatHappened(open, STORED.absent_unnoticed)).toEqual({ kind: 'absent_unnoticed' });
    expect(whatHappened(open, { state: 'cancelled', attendance: null, late: true })).toEqual({ kind: 'cancelled', late: true });
    expect(whatHappened(open, STORED.cancelled)).toEqual({ kind: 'cancelled', late: false });
    expect(whatHappened(open, { state: 'absent', attendance: null, absenceReason: 'MEDICAL', late: true })).toEqual({ kind: 'absent', reason: 'MEDICAL', late: true });
  });
});
