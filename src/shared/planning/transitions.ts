import { formatDayFr } from '../calendar/format.js';
import type { Opening } from '../calendar/opening.js';
import { describeDeadline, judgeChange } from './deadlines.js';
import type { AbsenceReason } from './reasons.js';
import type { ChangeKind, DeadlineRules, LatePolicy } from './rules.js';

/**
 * What may happen to one child's day at one service, and what did happen: the one place that decides. The office's
 * submission, the queue, the decision, the staff grid, the inscriptions and the portal's cells all ask `judgeDayChange`;
 * billing reads `whatHappened`. Pure: the caller gathers the facts (and the instant) and words the context.
 *
 * Who asks, and how their rules differ:
 * - 'family': a family on the portail famille. A request, decided later by an agent or by the automatic rules.
 *   Closed days, days without the inscription the service requires, days already passed (Paris), days with a
 *   pending request, and a state that does not allow the change are refused. After the deadline a 'refuse' service
 *   refuses, a 'late' service takes the request marked late. Capacity is not judged here: a full day is the agent's
 *   decision (`full` tells the automatic rules not to accept).
 * - 'counter': an agent typing the family's request at the office. The family's rules, judged at the instant the
 *   family asked, except that a passed day may be asked (a parent reporting yesterday's illness at the counter):
 *   it is then late, like any change after its deadline.
 * - 'decision': an agent accepting a pending item. The state must still allow it (nothing re-judged that the family
 *   could not have seen: no deadline, the item's stored lateness stands). A booking that would take the day over its
 *   capacity is refused unless the agent forces it with a confirmation (`force`), which the caller records. An
 *   inscription ended since the request is a warning the agent sees, not a refusal (as on the grid).
 * - 'grid': an agent editing the planning directly. No deadline refuses staff (the lateness is still told, so billing
 *   knows), no inscription is required (an occasional day), a pending request does not block. Bookings over capacity
 *   are refused. Staff may re-book a cancelled or absent day, justify an unnoticed absence with a reason, and mark
 *   attendance on the day itself or after; a child marked present without a booking is booked after the fact
 *   ('walk-in'), whatever the capacity, because the child was there.
 * - Everyone: a day marked present cannot be cancelled or declared absent without first clearing the attendance, and
 *   nothing happens on a closed day.
 */

/** What the office stores for a child's day at a service (planning_days). */
export type StoredState = 'booked' | 'cancelled' | 'absent';

export interface StoredDay {
  state: StoredState;
  /** What the service marked: 'absent' is an absence without notice. */
  attendance: 'present' | 'absent' | null;
  absenceReason?: AbsenceReason | null;
  /** The cancellation or absence was asked after its deadline. */
  late?: boolean;
  /** Booked only because the child came without a booking. */
  walkIn?: boolean;
}

/** The day as the rules see it: stored state and attendance in one word. */
export type DayState = 'none' | 'booked' | 'cancelled' | 'absent' | 'present' | 'absent_unnoticed';
export const DAY_STATES: readonly DayState[] = ['none', 'booked', 'cancelled', 'absent', 'present', 'absent_unnoticed'];

/** Attendance first (what happened), then a declared absence, then the booking; as the planning cell shows it. */
export function dayState(stored: StoredDay | null | undefined): DayState {
  if (!stored) return 'none';
  if (stored.attendance === 'present') return 'present';
  if (stored.state === 'absent') return 'absent';
  if (stored.attendance === 'absent') return 'absent_unnoticed';
  return stored.state;
}

/** The changes: the three a family may ask, and the staff grid's attendance marks. */
export type DayChange = 'book' | 'cancel' | 'absence' | 'present' | 'absent_unnoticed' | 'clear_attendance';
export const DAY_CHANGES: readonly DayChange[] = ['book', 'cancel', 'absence', 'present', 'absent_unnoticed', 'clear_attendance'];
export type FamilyChange = Extract<DayChange, 'book' | 'cancel' | 'absence'>;
export const FAMILY_CHANGES: readonly FamilyChange[] = ['book', 'cancel', 'absence'];

/** The deadline rule that governs each change a family may ask. */
export const CHANGE_DEADLINE: Record<FamilyChange, ChangeKind> = { book: 'booking', cancel: 'cancel', absence: 'absence' };

export type Asker = 'family' | 'counter' | 'decision' | 'grid';
export const ASKERS: readonly Asker[] = ['family', 'counter', 'decision', 'grid'];

export interface DayFacts {
  /** ISO day. */
  day: string;
  opening: Opening;
  /** The service requires an inscription, and whether the child holds one covering the day. */
  inscription: { required: boolean; held: boolean };
  stored: StoredDay | null;
  /** Another request on this cell waits for a decision (not the item being decided). */
  pending: boolean;
  /** Children booked that day at the service (this child included when booked); capacity null = no limit/unknown. */
  places: { booked: number; capacity: number | null };
  rules: { deadlines: DeadlineRules; latePolicy: LatePolicy };
  /** Names for the French sentences: the service, and the child when several may be concerned. */
  label?: { service?: string; child?: string };
}

export interface ChangeAsked {
  change: DayChange;
  asker: Asker;
  /** When the change is asked (for a decision: when the family asked). */
  at: Date;
  /** Paris day of the judgement (the office's clock), for passed days and attendance. */
  today: string;
  /** Decision only: the agent confirmed accepting a booking over capacity. */
  force?: boolean;
}

export type RefusalCode =
  | 'closed'
  | 'not_registered'
  | 'staff_only'
  | 'future_attendance'
  | 'past_day'
  | 'pending'
  | 'already'
  | 'not_booked'
  | 'attendance_marked'
  | 'absence_recorded'
  | 'deadline'
  | 'full';

/** What the day becomes if the change goes through. */
export type Effect =
  | { kind: 'unchanged' }
  | { kind: 'state'; state: StoredState }
  | { kind: 'attendance'; attendance: 'present' | 'absent' | null; walkIn: boolean };

export type Judgement =
  | {
      allowed: true;
      effect: Effect;
      /** After the deadline of the change (a request kept late, or a staff change to bill as late). */
      late: boolean;
      /** The deadline of the change, null for attendance. */
      deadline: string | null;
      /** A booking on a day with no place left: the automatic rules leave it to an agent. */
      full: boolean;
      /** Accepted over capacity on the agent's explicit confirmation: to record (who, when). */
      forced: boolean;
      /** What an agent should see before accepting (the inscription ended since the request). */
      warnings: string[];
    }
  | { allowed: false; code: RefusalCode; why: string; deadline?: string };

const dayFr = formatDayFr;

/** 'Complet : 300 places réservées sur 300 le lundi 7 décembre 2026'. */
export function fullWhy(booked: number, capacity: number, day: string): string {
  const places = booked > 1 ? 'places réservées' : 'place réservée';
  return `Complet : ${booked} ${places} sur ${capacity} le ${dayFr(day)}`;
}

/** No place left for one more child (no capacity: never full). */
export function isFull(places: DayFacts['places']): boolean {
  return places.capacity !== null && places.booked >= places.capacity;
}

function refuse(code: RefusalCode, why: string, deadline?: string): Judgement {
  return deadline === undefined ? { allowed: false, code, why } : { allowed: false, code, why, deadline };
}

type AllowExtra = Partial<{ late: boolean; deadline: string | null; full: boolean; forced: boolean; warnings: string[] }>;

function allow(effect: Effect, extra: AllowExtra = {}): Judgement {
  return { allowed: true, effect, late: false, deadline: null, full: false, forced: false, warnings: [], ...extra };
}

export const NOT_REGISTERED_WARNING = "L'enfant n'est plus inscrit à ce service ce jour-là";

const isFamilyChange = (change: DayChange): change is FamilyChange => change === 'book' || change === 'cancel' || change === 'absence';

/** 'lundi 7 décembre 2026 (Cantine, Léa)' for requests; the day alone otherwise. */
function when(facts: DayFacts): string {
  const names = [facts.label?.service, facts.label?.child].filter((name): name is string => Boolean(name));
  return names.length > 0 ? `${dayFr(facts.day)} (${names.join(', ')})` : dayFr(facts.day);
}

/** Whether `asked` may happen to the day described by `facts`, and how. */
export function judgeDayChange(facts: DayFacts, asked: ChangeAsked): Judgement {
  const { change, asker } = asked;
  const state = dayState(facts.stored);
  const service = facts.label?.service ?? 'Le service';

  if (!facts.opening.open) {
    const why = facts.opening.why;
    return refuse('closed', asker === 'grid' ? why : `${service} est fermé le ${dayFr(facts.day)} : ${why}.`);
  }

  if (!isFamilyChange(change)) {
    if (asker !== 'grid') return refuse('staff_only', 'Seul le service pointe les présences, depuis le planning.');
    return judgeAttendance(facts, change, state, asked.today);
  }

  if (asker === 'grid') return judgeStaffEdit(facts, change, state, asked.at);

  const unregistered = facts.inscription.required && !facts.inscription.held;
  if (unregistered && asker !== 'decision') {
    const who = facts.label?.child ?? "L'enfant";
    return refuse('not_registered', `${who} n'est pas inscrit(e) à ${facts.label?.service ?? 'ce service'} le ${dayFr(facts.day)}.`);
  }
  if (asker !== 'decision' && facts.pending) return refuse('pending', `Une demande est déjà en attente pour le ${when(facts)}.`);
  if (asker === 'family' && facts.day < asked.today) return refuse('past_day', 'Ce jour est passé.');

  const stateRefusal = requestStateRefusal(facts, change, state, asker);
  if (stateRefusal) return stateRefusal;

  const judged = judgeChange(facts.rules.deadlines[CHANGE_DEADLINE[change]], facts.day, asked.at);
  const late = !judged.onTime;
  const full = change === 'book' && isFull(facts.places);
  const effect: Effect = { kind: 'state', state: change === 'book' ? 'booked' : change === 'cancel' ? 'cancelled' : 'absent' };

  if (asker === 'decision') {
    if (full && !asked.force) {
      return refuse('full', `${fullWhy(facts.places.booked, facts.places.capacity!, facts.day)} : confirmez pour accepter au-delà de la capacité.`);
    }
    return allow(effect, { late, deadline: judged.deadline, full, forced: full, warnings: unregistered ? [NOT_REGISTERED_WARNING] : [] });
  }
  if (late && facts.rules.latePolicy === 'refuse') {
    return refuse(
      'deadline',
      `Hors délai pour le ${when(facts)} : les changements de ce jour étaient possibles jusqu'au ${describeDeadline(judged.deadline)}.`,
      judged.deadline,
    );
  }
  return allow(effect, { late, deadline: judged.deadline, full });
}

/** The state a request (or its acceptance) needs: book a day not booked, cancel or declare absent a booked day. */
function requestStateRefusal(facts: DayFacts, change: FamilyChange, state: DayState, asker: Asker): Judgement | null {
  const deciding = asker === 'decision';
  const the = deciding ? `Le ${dayFr(facts.day)}` : `Le ${when(facts)}`;
  if (state === 'present') {
    return refuse('attendance_marked', 'Présence déjà pointée : ce jour ne peut plus être modifié.');
  }
  if (state === 'absent_unnoticed') {
    return refuse('attendance_marked', 'Absence relevée par le service : contactez-le pour la justifier.');
  }
  if (change === 'book') {
    if (state === 'booked') return refuse('already', `${the} est déjà réservé.`);
    if (state === 'absent') return refuse('absence_recorded', 'L’absence est enregistrée pour ce jour.');
    return null;
  }
  if (state === 'booked') return null;
  if (deciding) {
    const what = state === 'absent' ? 'déjà absent' : state === 'cancelled' ? 'déjà annulé' : 'jamais réservé';
    return refuse(state === 'absent' ? 'absence_recorded' : 'not_booked', `${the} n'est plus réservé (${what}).`);
  }
  if (change === 'cancel') {
    if (state === 'absent') return refuse('absence_recorded', `${the} n'est pas réservé : l'absence est déjà enregistrée.`);
    return refuse('not_booked', `${the} n'est pas réservé : il n'y a rien à annuler.`);
  }
  if (state === 'absent') return refuse('absence_recorded', `${the} n'est pas réservé : l'absence est déjà enregistrée.`);
  return refuse('not_booked', `${the} n'est pas réservé : aucune absence à déclarer.`);
}

function judgeStaffEdit(facts: DayFacts, change: FamilyChange, state: DayState, at: Date): Judgement {
  const judged = judgeChange(facts.rules.deadlines[CHANGE_DEADLINE[change]], facts.day, at);
  const timing = { late: !judged.onTime, deadline: judged.deadline };
  if (change === 'book') {
    if (state === 'booked' || state === 'present' || state === 'absent_unnoticed') return allow({ kind: 'unchanged' }, timing);
    if (isFull(facts.places)) return refuse('full', fullWhy(facts.places.booked, facts.places.capacity!, facts.day));
    return allow({ kind: 'state', state: 'booked' }, timing);
  }
  if (state === 'present') {
    const what = change === 'cancel' ? 'd’annuler ce jour' : 'de déclarer une absence';
    return refuse('attendance_marked', `Présence déjà pointée : effacez le pointage avant ${what}.`);
  }
  if (state === 'none') return refuse('not_booked', 'Pas de réservation ce jour-là.');
  if (change === 'cancel') {
    if (state === 'absent_unnoticed') return refuse('attendance_marked', 'Absence déjà pointée : effacez le pointage avant d’annuler ce jour.');
    if (state === 'cancelled') return allow({ kind: 'unchanged' }, timing);
    return allow({ kind: 'state', state: 'cancelled' }, timing);
  }
  // An absence with a reason: on a booked day, a cancelled one (correction) or to justify an unnoticed absence.
  return allow({ kind: 'state', state: 'absent' }, timing);
}

function judgeAttendance(facts: DayFacts, change: Exclude<DayChange, FamilyChange>, state: DayState, today: string): Judgement {
  // Attendance is what happened: it cannot be marked ahead.
  if (facts.day > today) return refuse('future_attendance', 'Le pointage se fait le jour même ou après.');
  const attendance = facts.stored?.attendance ?? null;
  if (change === 'clear_attendance') {
    return attendance === null ? allow({ kind: 'unchanged' }) : allow({ kind: 'attendance', attendance: null, walkIn: false });
  }
  if (change === 'present') {
    if (attendance === 'present') return allow({ kind: 'unchanged' });
    // Not booked (never, cancelled or declared absent) yet here: booked after the fact, so billing and counts see it.
    const walkIn = state === 'none' || state === 'cancelled' || state === 'absent';
    return allow({ kind: 'attendance', attendance: 'present', walkIn });
  }
  if (state === 'none' || state === 'cancelled' || state === 'absent') return refuse('not_booked', 'Pas de réservation ce jour-là.');
  if (attendance === 'absent') return allow({ kind: 'unchanged' });
  return allow({ kind: 'attendance', attendance: 'absent', walkIn: false });
}

/**
 * What happened on a day, as billing reads it. A closed day is closed whatever was stored (a closure added after
 * the bookings cancels them for everyone). Attendance wins over the booking: a child marked present was there.
 */
export type DayOutcome =
  | { kind: 'closed'; why: string }
  | { kind: 'not_booked' }
  /** Booked and not (yet) marked: expected, or not pointed. `late`: booked after the booking deadline. */
  | { kind: 'booked'; late: boolean }
  /** `booked` false: the child came without a booking (walk-in); `late`: the booking was made after its deadline. */
  | { kind: 'present'; booked: boolean; late: boolean }
  | { kind: 'absent_unnoticed' }
  | { kind: 'cancelled'; late: boolean }
  | { kind: 'absent'; reason: AbsenceReason | null; late: boolean };

export function whatHappened(opening: Opening, stored: StoredDay | null | undefined): DayOutcome {
  if (!opening.open) return { kind: 'closed', why: opening.why };
  switch (dayState(stored)) {
    case 'none':
      return { kind: 'not_booked' };
    case 'present': {
      const booked = stored!.state === 'booked' && !stored!.walkIn;
      return { kind: 'present', booked, late: booked && (stored!.late ?? false) };
    }
    case 'absent':
      return { kind: 'absent', reason: stored!.absenceReason ?? null, late: stored!.late ?? false };
    case 'absent_unnoticed':
      return { kind: 'absent_unnoticed' };
    case 'cancelled':
      return { kind: 'cancelled', late: stored!.late ?? false };
    case 'booked':
      return { kind: 'booked', late: stored!.late ?? false };
  }
}
