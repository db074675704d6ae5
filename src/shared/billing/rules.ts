import { z } from 'zod';
import { ABSENCE_REASON_CODES, ABSENCE_REASONS, type AbsenceReason } from '../planning/reasons.js';
import type { DayOutcome } from '../planning/transitions.js';
import { fail, ok, type Result } from '../result.js';
import { fieldErrors, parseFrench } from '../validation/french.js';

/**
 * Which days of a child at a service are billed, and why: the one place that decides (DOMAIN.md « Invoices and the
 * régie », billing days). It reads a day only as the shared day model words it (`whatHappened` in
 * planning/transitions.ts): no second interpretation of the stored planning. Pure: the invoice run gathers the
 * outcomes and the certificates, prices the billed days with the tariffs, and keeps each day's `why` so an agent can
 * answer a family's « pourquoi ce jour est facturé ? ».
 *
 * The order of the rules, for one day:
 * 1. A day the commune closed (closure, class event, holiday…) is never billed, even if it was booked before the
 *    closure: `whatHappened` already says 'closed' whatever was stored.
 * 2. Neither booked nor present: not billed, and nothing to show on the draft (code 'not_booked').
 * 3. Present: billed; without a booking (walk-in) with the unbooked surcharge, with a booking made after its deadline
 *    with the late-booking surcharge.
 * 4. Booked and not (yet) pointed: billed (the child was expected), with the late-booking surcharge if booked late.
 * 5. Booked, marked absent by the service, no reason given: billed (absence without notice).
 * 6. Cancelled: billed if cancelled after the deadline, not billed on time.
 * 7. Declared absent: on time (before the absence deadline) not billed, whatever the reason; after the deadline
 *    without a reason billed; after the deadline with a reason, the rule of that reason (below).
 *
 * Reasons with waiting days (by default RAISON MEDICALE: one jour de carence) are judged over a run:
 * - A run is a sequence of absences for that same reason on consecutive days the service is open for the child: the
 *   days passed to `billDays` that are not closed, in order. A closed day (weekend, Wednesday without canteen,
 *   holiday, closure) neither breaks nor extends a run, so Thursday-Friday-Monday is one illness. Any other open day
 *   breaks it: present, booked, cancelled, not booked, or an absence for another reason.
 * - The first day of the run is its earliest day, whether that absence was declared late or on time; the first
 *   `days` days of the run are the waiting days (jours de carence). An absence declared on time stays unbilled even
 *   when it is a waiting day: the waiting day does not move to the next late day.
 * - The run is covered when the caller says a certificate covers at least one of its days (a certificate attached to
 *   the request of one of its absences). Covered (or when the rule requires no certificate), the days after the
 *   waiting days are not billed; not covered, every late day of the run is billed.
 *
 * What the caller must pass: every day of the period on which the service is open for the child (including days not
 * booked: they break a run), in order, one entry per day; closed days may be passed or left out. A run can begin
 * before the period being billed (an illness from 30 October to 3 November): pass the days before the period back to
 * the start of the run (at least back to the last open day that is not an absence for that reason) and keep the
 * answers for the period's days only. A certificate given after a month was issued changes nothing issued: that is a
 * credit note.
 */

/** What an absence for one reason costs, when declared after its deadline. */
export type ReasonRule =
  | { kind: 'billed' }
  | { kind: 'not_billed' }
  /**
   * The first `days` days of a run of absences for this reason are billed (jours de carence); the following days are
   * not billed when a certificate covers the run, or always if `certificateRequired` is false.
   */
  | { kind: 'waiting_days'; days: number; certificateRequired: boolean };

/** The billing rules of one service (Paramètres): each service may have its own. */
export interface BillingRules {
  /** The rule of each of the nine absence reasons, for absences declared after their deadline. */
  reasons: Record<AbsenceReason, ReasonRule>;
  /** An absence declared before its deadline is billed (default: no). */
  absenceOnTimeBilled: boolean;
  /** An absence declared after its deadline without a reason is billed (default: yes). */
  absenceLateWithoutReasonBilled: boolean;
  /** A cancellation after its deadline is billed (default: yes). A cancellation on time is never billed. */
  cancelledLateBilled: boolean;
  /** Booked, marked absent by the service, no reason: billed (default: yes). */
  absentUnnoticedBilled: boolean;
  /** Booked and not pointed (the child was expected): billed (default: yes). */
  bookedNotPointedBilled: boolean;
  /** A booking made after its deadline carries the late-booking surcharge (default: yes). */
  lateBookingSurcharge: boolean;
  /** A child present without a booking carries the unbooked surcharge (default: yes). */
  unbookedSurcharge: boolean;
}

/** Largest number of waiting days a reason may have: a month of school days is already generous. */
export const MAX_WAITING_DAYS = 31;

export const DEFAULT_REASON_RULES: Readonly<Record<AbsenceReason, ReasonRule>> = {
  MEDICAL: { kind: 'waiting_days', days: 1, certificateRequired: true },
  SCHOOL_TRIP: { kind: 'not_billed' },
  TEACHER_ABSENT: { kind: 'not_billed' },
  STRIKE: { kind: 'not_billed' },
  TRAFFIC_ACCIDENT: { kind: 'billed' },
  SUPPORT_SESSION: { kind: 'billed' },
  FORCE_MAJEURE: { kind: 'billed' },
  EXCEPTIONAL: { kind: 'billed' },
  OTHER: { kind: 'billed' },
};

export const DEFAULT_BILLING_RULES: Readonly<BillingRules> = {
  reasons: DEFAULT_REASON_RULES,
  absenceOnTimeBilled: false,
  absenceLateWithoutReasonBilled: true,
  cancelledLateBilled: true,
  absentUnnoticedBilled: true,
  bookedNotPointedBilled: true,
  lateBookingSurcharge: true,
  unbookedSurcharge: true,
};

export type Surcharge = 'late_booking' | 'unbooked';

/** Why a day is billed or not, as a stable code: for grouping and filtering; `why` is the French sentence. */
export type BillingCode =
  | 'closed'
  | 'not_booked'
  | 'present'
  | 'walk_in'
  | 'booked_not_pointed'
  | 'absent_unnoticed'
  | 'cancelled_on_time'
  | 'cancelled_late'
  | 'absence_on_time'
  | 'absence_without_reason'
  | 'absence_reason_billed'
  | 'absence_reason_not_billed'
  /** Within the first days of a run (jour de carence). */
  | 'waiting_day'
  /** After the waiting days of a covered run (or of a reason that needs no certificate). */
  | 'absence_covered'
  /** After the waiting days of a run no certificate covers. */
  | 'absence_without_certificate';

export interface BillingDayInput {
  /** ISO day. */
  day: string;
  outcome: DayOutcome;
  /** A certificate covers this day's absence (attached to the request that declared it). */
  certificate: boolean;
}

export interface BilledDay {
  day: string;
  billed: boolean;
  /** Which surcharge applies on a billed day; null if none (always null on an unbilled day). */
  surcharge: Surcharge | null;
  code: BillingCode;
  /** « Facturé : réservé et présent », « Non facturé : fermeture — Grève du 12 mars »… */
  why: string;
}

const label = (reason: AbsenceReason): string => ABSENCE_REASONS[reason];

/** 'pour raison médicale', or 'pour le motif « VOYAGE OU SORTIE SCOLAIRE »'. */
const motive = (reason: AbsenceReason): string => (reason === 'MEDICAL' ? 'pour raison médicale' : `pour le motif « ${label(reason)} »`);

/** What proves the reason: a doctor's certificate for an illness, a supporting document otherwise. */
const proof = (reason: AbsenceReason): string => (reason === 'MEDICAL' ? 'certificat médical' : 'justificatif');

const nth = (position: number): string => (position === 1 ? 'premier' : `${position}e`);

const waitingDaysText = (days: number): string =>
  days === 0 ? 'sans jour de carence' : days === 1 ? 'au-delà du jour de carence' : `au-delà des ${days} jours de carence`;

const billedDay = (day: string, code: BillingCode, why: string, surcharge: Surcharge | null = null): BilledDay => ({
  day,
  billed: true,
  surcharge,
  code,
  why: `${surcharge ? 'Facturé avec majoration' : 'Facturé'} : ${why}`,
});

const unbilledDay = (day: string, code: BillingCode, why: string): BilledDay => ({
  day,
  billed: false,
  surcharge: null,
  code,
  why: `Non facturé : ${why}`,
});

/** Where a day stands in its run of absences for a reason with waiting days. */
interface RunPlace {
  /** 1 for the first day of the run. */
  position: number;
  /** A certificate covers at least one day of the run. */
  covered: boolean;
}

const waitingReason = (input: BillingDayInput, rules: BillingRules): AbsenceReason | null => {
  const { outcome } = input;
  if (outcome.kind !== 'absent' || outcome.reason === null) return null;
  return rules.reasons[outcome.reason].kind === 'waiting_days' ? outcome.reason : null;
};

/** The runs of absences for reasons with waiting days: each such day's place in its run, by index in `days`. */
function runPlaces(days: readonly BillingDayInput[], rules: BillingRules): Map<number, RunPlace> {
  const places = new Map<number, RunPlace>();
  let run: { reason: AbsenceReason; indexes: number[] } | null = null;
  const close = (): void => {
    if (!run) return;
    const covered = run.indexes.some((index) => days[index]!.certificate);
    run.indexes.forEach((index, i) => places.set(index, { position: i + 1, covered }));
    run = null;
  };
  days.forEach((input, index) => {
    // A closed day is not a day the service is open for the child: it neither breaks nor extends a run.
    if (input.outcome.kind === 'closed') return;
    const reason = waitingReason(input, rules);
    if (run && run.reason !== reason) close();
    if (reason === null) return;
    if (!run) run = { reason, indexes: [] };
    run.indexes.push(index);
  });
  close();
  return places;
}

function judgeAbsence(
  input: BillingDayInput,
  outcome: Extract<DayOutcome, { kind: 'absent' }>,
  rules: BillingRules,
  place: RunPlace | undefined,
): BilledDay {
  const { day } = input;
  const { reason } = outcome;
  const named = reason === null ? 'sans motif' : label(reason);
  if (!outcome.late) {
    return rules.absenceOnTimeBilled
      ? billedDay(day, 'absence_on_time', `absence déclarée dans les délais (${named}), facturée selon la règle du service`)
      : unbilledDay(day, 'absence_on_time', `absence déclarée dans les délais (${named})`);
  }
  if (reason === null) {
    return rules.absenceLateWithoutReasonBilled
      ? billedDay(day, 'absence_without_reason', 'absence déclarée hors délai, sans motif')
      : unbilledDay(day, 'absence_without_reason', 'absence déclarée hors délai, sans motif (règle du service)');
  }
  const rule = rules.reasons[reason];
  if (rule.kind === 'billed') return billedDay(day, 'absence_reason_billed', `absence déclarée hors délai (${label(reason)})`);
  if (rule.kind === 'not_billed') return unbilledDay(day, 'absence_reason_not_billed', `absence pour un motif non facturé (${label(reason)})`);
  // A waiting-days reason always has its place: runPlaces saw every such day.
  const { position, covered } = place!;
  if (position <= rule.days) {
    const carence = rule.days === 1 ? 'jour de carence' : `jour de carence, ${rule.days} jours facturés`;
    return billedDay(day, 'waiting_day', `${nth(position)} jour d'absence ${motive(reason)} (${carence})`);
  }
  if (!rule.certificateRequired) {
    return unbilledDay(day, 'absence_covered', `${nth(position)} jour d'absence ${motive(reason)} (${waitingDaysText(rule.days)})`);
  }
  if (covered) {
    return unbilledDay(
      day,
      'absence_covered',
      `${nth(position)} jour d'absence ${motive(reason)}, ${proof(reason)} fourni (${waitingDaysText(rule.days)})`,
    );
  }
  return billedDay(day, 'absence_without_certificate', `${nth(position)} jour d'absence ${motive(reason)}, sans ${proof(reason)}`);
}

function judgeDay(input: BillingDayInput, rules: BillingRules, place: RunPlace | undefined): BilledDay {
  const { day, outcome } = input;
  switch (outcome.kind) {
    case 'closed':
      return unbilledDay(day, 'closed', `fermeture — ${outcome.why}`);
    case 'not_booked':
      return unbilledDay(day, 'not_booked', 'ni réservé ni présent');
    case 'present':
      if (!outcome.booked) {
        return billedDay(day, 'walk_in', 'présent sans réservation', rules.unbookedSurcharge ? 'unbooked' : null);
      }
      if (outcome.late) {
        return billedDay(day, 'present', 'réservé hors délai et présent', rules.lateBookingSurcharge ? 'late_booking' : null);
      }
      return billedDay(day, 'present', 'réservé et présent');
    case 'booked': {
      if (!rules.bookedNotPointedBilled) return unbilledDay(day, 'booked_not_pointed', 'réservé, présence non pointée (règle du service)');
      const surcharge = outcome.late && rules.lateBookingSurcharge ? 'late_booking' : null;
      return billedDay(day, 'booked_not_pointed', `réservé${outcome.late ? ' hors délai' : ''}, présence non pointée`, surcharge);
    }
    case 'absent_unnoticed':
      return rules.absentUnnoticedBilled
        ? billedDay(day, 'absent_unnoticed', 'réservé, absent sans prévenir')
        : unbilledDay(day, 'absent_unnoticed', 'réservé, absent sans prévenir (règle du service)');
    case 'cancelled':
      if (!outcome.late) return unbilledDay(day, 'cancelled_on_time', 'réservation annulée dans les délais');
      return rules.cancelledLateBilled
        ? billedDay(day, 'cancelled_late', 'réservation annulée hors délai')
        : unbilledDay(day, 'cancelled_late', 'réservation annulée hors délai (règle du service)');
    case 'absent':
      return judgeAbsence(input, outcome, rules, place);
  }
}

/**
 * Each day of one child at one service over a period, billed or not and why, in the order given. `days` must be
 * sorted by day without duplicates (a caller's mistake otherwise: thrown, never guessed), and hold every open day of
 * the period (see the module comment on runs).
 */
export function billDays(days: readonly BillingDayInput[], rules: BillingRules): BilledDay[] {
  for (let i = 1; i < days.length; i += 1) {
    if (days[i - 1]!.day >= days[i]!.day) {
      throw new Error(`billDays: days must be sorted without duplicates (${days[i - 1]!.day} then ${days[i]!.day})`);
    }
  }
  const places = runPlaces(days, rules);
  return days.map((input, index) => judgeDay(input, rules, places.get(index)));
}

const waitingDaysSchema = z
  .number('Nombre de jours de carence manquant.')
  .int('Le nombre de jours de carence est un nombre entier.')
  .min(0, 'Le nombre de jours de carence ne peut pas être négatif.')
  .max(MAX_WAITING_DAYS, `${MAX_WAITING_DAYS} jours de carence au plus.`);

/** The rule of one reason: a missing one is named, so the agent knows which reason to set. */
const reasonRuleSchema = (reason: AbsenceReason) =>
  z.discriminatedUnion(
    'kind',
    [
      z.object({ kind: z.literal('billed') }),
      z.object({ kind: z.literal('not_billed') }),
      z.object({
        kind: z.literal('waiting_days'),
        days: waitingDaysSchema,
        certificateRequired: z.boolean('Précisez si un justificatif est exigé.'),
      }),
    ],
    {
      error: (issue) =>
        issue.input === undefined
          ? `Aucune règle de facturation pour le motif « ${label(reason)} ».`
          : 'Règle inconnue : facturé, non facturé, ou facturé les premiers jours (carence).',
    },
  );

const flag = (what: string) => z.boolean(`${what} : oui ou non.`);

/** The settings as the office stores and edits them: every reason given a rule, nothing else accepted. */
export const billingRulesSchema = z.strictObject(
  {
    reasons: z.strictObject(
      Object.fromEntries(ABSENCE_REASON_CODES.map((code) => [code, reasonRuleSchema(code)])) as Record<
        AbsenceReason,
        ReturnType<typeof reasonRuleSchema>
      >,
      'Motif d’absence inconnu.',
    ),
    absenceOnTimeBilled: flag('Absence déclarée dans les délais facturée'),
    absenceLateWithoutReasonBilled: flag('Absence hors délai sans motif facturée'),
    cancelledLateBilled: flag('Annulation hors délai facturée'),
    absentUnnoticedBilled: flag('Absence sans prévenir facturée'),
    bookedNotPointedBilled: flag('Jour réservé non pointé facturé'),
    lateBookingSurcharge: flag('Majoration pour réservation hors délai'),
    unbookedSurcharge: flag('Majoration pour présence sans réservation'),
  },
  'Réglage de facturation inconnu.',
);

/** Checks settings typed in Paramètres or read back from storage: the rules, or a French message per field path. */
export function checkBillingRules(value: unknown): Result<BillingRules> {
  const parsed = parseFrench(billingRulesSchema, value);
  if (parsed.success) return ok(parsed.data as BillingRules);
  return fail({ code: 'validation', message: 'Règles de facturation invalides.', fields: fieldErrors(parsed.error) });
}
