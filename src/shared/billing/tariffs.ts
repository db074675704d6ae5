import { isIsoDay } from '../calendar/days.js';
import { formatDayShortFr } from '../calendar/format.js';
import { formatEuros, groupThousands } from '../money.js';

/**
 * A service's tariffs, once for Paramètres › Tarifs, the family file, the portal and the invoice run.
 *
 * Use: keep a service's dated tariffs, check each one with validateTariff and the whole set with validateTariffSet
 * before saving; on billing, take tariffInForce(serviceTariffs, day), then unitPrice(tariff, { qf, resident }) with
 * the QF of qf.ts (null → highest bracket or taux d'effort maximum), quantity × unit price, and the surcharge and
 * reduction lines from surchargeCents / reductionCents on that unit price. Services billed by time count their
 * units with timeUnits(arrival, departure, tariff.time). Amounts are integer cents; QF whole euros; days ISO.
 * An issued invoice keeps its own copy of the prices: changing a tariff here never alters it.
 */

export type BilledUnit = 'meal' | 'session' | 'half_day' | 'day' | 'time';

/** « 3,15 € par repas ». The time unit is one block, named by describeTimeRule. */
export const BILLED_UNITS: Record<BilledUnit, string> = {
  meal: 'repas',
  session: 'séance',
  half_day: 'demi-journée',
  day: 'journée',
  time: 'tranche horaire',
};

/**
 * One QF bracket. A bracket runs from just above the previous one's upTo to its own upTo INCLUDED: a QF equal to
 * upTo belongs to this bracket (QF 800 with brackets ≤ 800 / ≤ 1 200 / open is in the first). The first starts at 0;
 * the last, and only the last, is open (upTo null). Brackets are thus contiguous by construction: no gap, no overlap.
 */
export interface Bracket {
  upTo: number | null;
  residentCents: number;
  nonResidentCents: number;
}

/**
 * Taux d'effort: price in cents = QF (euros) × rateBasisPoints / 100, i.e. rate in basis points of the QF
 * (1 bp = 0,01 %; 50 bp = 0,5 % of QF 1 000 € = 5,00 €), rounded to the cent half-up, then clamped to [min, max].
 */
export interface EffortRate {
  rateBasisPoints: number;
  minCents: number;
  maxCents: number;
}

export type Pricing =
  | { kind: 'brackets'; brackets: Bracket[] }
  | { kind: 'effort'; resident: EffortRate; nonResident: EffortRate };

/** How minutes of presence become billed blocks: each started block, only completed blocks, or the nearest (half up). */
export type TimeRounding = 'started' | 'completed' | 'nearest';

export interface TimeRule {
  blockMinutes: number;
  rounding: TimeRounding;
  /**
   * Blocks billed for a billed day without pointed times: an absence billed (there are no times to point), a booking
   * not pointed, a child pointed present without hours. Null: such a day is a problem to fix before issuing. Absent
   * from tariffs saved before it existed, read as null.
   */
  unitsWithoutTimes?: number | null;
}

/** Largest number of blocks a day without times may be billed: a whole day of the smallest block. */
export const MAX_UNITS_WITHOUT_TIMES = 48;

/**
 * A surcharge or a reduction on one unit. Percentages are in basis points of the unit price (2 000 = 20 %), rounded
 * to the cent half-up. `price` (surcharges only) brings the unit to a fixed price whatever the bracket (« repas non
 * réservé : 5,05 € »): the surcharge is that price minus the unit price, never below zero.
 */
export type Adjustment =
  | { kind: 'amount'; cents: number }
  | { kind: 'percent'; basisPoints: number }
  | { kind: 'price'; cents: number };

export type SurchargeKind = 'late' | 'unbooked';

export interface Tariff {
  serviceId: number;
  /** First and last day the tariff applies, both included. */
  validFrom: string;
  validTo: string;
  unit: BilledUnit;
  /** Required when unit is 'time', null otherwise. The unit price is then per block. */
  time: TimeRule | null;
  pricing: Pricing;
  /** Booking after the deadline. */
  lateSurcharge: Adjustment | null;
  /** Present without a booking. */
  unbookedSurcharge: Adjustment | null;
  /** A child with a PAI who brings its own meal. Percentages at most 100 %; never more than the unit price. */
  paiReduction: Adjustment | null;
}

/** French message per field path ('pricing.brackets.2.upTo'), as ApiError.fields carries them. */
export type TariffCheck = { ok: true } | { ok: false; errors: Record<string, string> };

const isCents = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/** Checks one tariff; every problem is reported, each under its field. */
export function validateTariff(tariff: Tariff, schoolYear?: { startDate: string; endDate: string }): TariffCheck {
  const errors: Record<string, string> = {};
  const add = (path: string, message: string) => {
    if (!(path in errors)) errors[path] = message;
  };

  const fromOk = isIsoDay(tariff.validFrom);
  const toOk = isIsoDay(tariff.validTo);
  if (!fromOk) add('validFrom', 'La date de début de validité est invalide.');
  if (!toOk) add('validTo', 'La date de fin de validité est invalide.');
  if (fromOk && toOk) {
    if (tariff.validTo < tariff.validFrom) add('validTo', 'La fin de validité précède le début.');
    if (schoolYear && (tariff.validFrom < schoolYear.startDate || tariff.validTo > schoolYear.endDate)) {
      add(
        'validFrom',
        `La validité doit rester dans l’année scolaire (du ${formatDayShortFr(schoolYear.startDate)} au ${formatDayShortFr(schoolYear.endDate)}).`,
      );
    }
  }

  if (!Object.prototype.hasOwnProperty.call(BILLED_UNITS, tariff.unit)) add('unit', 'Unité facturée inconnue.');
  if (tariff.unit === 'time') {
    if (tariff.time === null) add('time', 'Un service facturé au temps a besoin d’une règle d’arrondi.');
    else {
      const { blockMinutes, rounding } = tariff.time;
      if (!Number.isInteger(blockMinutes) || blockMinutes < 1 || blockMinutes > 1440) {
        add('time.blockMinutes', 'La durée d’une tranche est un nombre entier de minutes, de 1 à 1 440.');
      }
      if (!['started', 'completed', 'nearest'].includes(rounding)) add('time.rounding', 'Règle d’arrondi inconnue.');
      const fixed = tariff.time.unitsWithoutTimes ?? null;
      if (fixed !== null && (!Number.isInteger(fixed) || fixed < 0 || fixed > MAX_UNITS_WITHOUT_TIMES)) {
        add('time.unitsWithoutTimes', `Les tranches facturées sans heures pointées : un nombre entier de 0 à ${MAX_UNITS_WITHOUT_TIMES}.`);
      }
    }
  } else if (tariff.time !== null) {
    add('time', 'La règle d’arrondi ne s’applique qu’à un service facturé au temps.');
  }

  const pricing = tariff.pricing;
  if (pricing.kind === 'brackets') checkBrackets(pricing.brackets, add);
  else if (pricing.kind === 'effort') {
    checkEffort(pricing.resident, 'pricing.resident', 'résidents', add);
    checkEffort(pricing.nonResident, 'pricing.nonResident', 'non-résidents', add);
  } else add('pricing', 'Mode de tarification inconnu.');

  checkAdjustment(tariff.lateSurcharge, 'lateSurcharge', 'La majoration pour réservation tardive', true, add);
  checkAdjustment(tariff.unbookedSurcharge, 'unbookedSurcharge', 'La majoration pour présence sans réservation', true, add);
  checkAdjustment(tariff.paiReduction, 'paiReduction', 'La réduction PAI', false, add);

  return Object.keys(errors).length === 0 ? { ok: true } : { ok: false, errors };
}

function checkBrackets(brackets: Bracket[], add: (path: string, message: string) => void): void {
  if (brackets.length === 0) {
    add('pricing.brackets', 'La grille doit compter au moins une tranche.');
    return;
  }
  let previous: number | null = null;
  brackets.forEach((bracket, index) => {
    const n = index + 1;
    const path = `pricing.brackets.${index}`;
    const last = index === brackets.length - 1;
    if (bracket.upTo === null) {
      if (!last) add(`${path}.upTo`, `Tranche ${n} : seule la dernière tranche est sans plafond.`);
    } else if (!Number.isInteger(bracket.upTo) || bracket.upTo < 0) {
      add(`${path}.upTo`, `Tranche ${n} : le plafond de QF est un nombre entier positif.`);
    } else if (last) {
      add(`${path}.upTo`, `Tranche ${n} : la dernière tranche doit être sans plafond (QF au-delà de ${groupThousands(bracket.upTo)}).`);
    } else if (previous !== null && bracket.upTo <= previous) {
      add(`${path}.upTo`, `Tranche ${n} : le plafond (${groupThousands(bracket.upTo)}) doit dépasser celui de la tranche ${n - 1} (${groupThousands(previous)}).`);
    }
    if (bracket.upTo !== null && Number.isInteger(bracket.upTo)) previous = bracket.upTo;
    for (const [field, who] of [['residentCents', 'résidents'], ['nonResidentCents', 'non-résidents']] as const) {
      const cents = bracket[field];
      if (!isCents(cents)) add(`${path}.${field}`, `Tranche ${n} : prix ${who} invalide.`);
      else if (cents < 0) add(`${path}.${field}`, `Tranche ${n} : le prix ${who} ne peut pas être négatif.`);
    }
  });
}

function checkEffort(rate: EffortRate, path: string, who: string, add: (path: string, message: string) => void): void {
  if (!Number.isInteger(rate.rateBasisPoints) || rate.rateBasisPoints < 0) {
    add(`${path}.rateBasisPoints`, `Taux d’effort ${who} : un nombre entier de points de base (50 = 0,5 %), positif.`);
  }
  if (!isCents(rate.minCents) || rate.minCents < 0) add(`${path}.minCents`, `Taux d’effort ${who} : le minimum ne peut pas être négatif.`);
  if (!isCents(rate.maxCents) || rate.maxCents < 0) add(`${path}.maxCents`, `Taux d’effort ${who} : le maximum ne peut pas être négatif.`);
  else if (isCents(rate.minCents) && rate.maxCents < rate.minCents) {
    add(`${path}.maxCents`, `Taux d’effort ${who} : le maximum est inférieur au minimum.`);
  }
}

function checkAdjustment(
  adjustment: Adjustment | null,
  path: string,
  label: string,
  surcharge: boolean,
  add: (path: string, message: string) => void,
): void {
  if (adjustment === null) return;
  if (adjustment.kind === 'percent') {
    const bp = adjustment.basisPoints;
    if (!Number.isInteger(bp) || bp < 0) add(path, `${label} : pourcentage invalide ou négatif.`);
    else if (!surcharge && bp > 10_000) add(path, `${label} ne peut pas dépasser 100 %.`);
  } else if (adjustment.kind === 'amount' || (adjustment.kind === 'price' && surcharge)) {
    if (!isCents(adjustment.cents) || adjustment.cents < 0) add(path, `${label} : montant invalide ou négatif.`);
  } else {
    add(path, surcharge ? `${label} : type inconnu.` : `${label} est un montant ou un pourcentage.`);
  }
}

/**
 * Checks a set of tariffs as it would be saved: each tariff, then no two tariffs of the same service valid on a
 * common day. Paths are prefixed with the tariff's index ('2.validFrom').
 */
export function validateTariffSet(tariffs: Tariff[], schoolYear?: { startDate: string; endDate: string }): TariffCheck {
  const errors: Record<string, string> = {};
  tariffs.forEach((tariff, index) => {
    const check = validateTariff(tariff, schoolYear);
    if (!check.ok) for (const [path, message] of Object.entries(check.errors)) errors[`${index}.${path}`] = message;
  });
  tariffs.forEach((a, i) => {
    tariffs.forEach((b, j) => {
      if (j <= i || a.serviceId !== b.serviceId || `${j}.validFrom` in errors) return;
      if (!isIsoDay(a.validFrom) || !isIsoDay(a.validTo) || !isIsoDay(b.validFrom) || !isIsoDay(b.validTo)) return;
      if (a.validFrom <= b.validTo && b.validFrom <= a.validTo) {
        errors[`${j}.validFrom`] =
          `Ce tarif (du ${formatDayShortFr(b.validFrom)} au ${formatDayShortFr(b.validTo)}) chevauche celui du ` +
          `${formatDayShortFr(a.validFrom)} au ${formatDayShortFr(a.validTo)} pour le même service.`;
      }
    });
  });
  return Object.keys(errors).length === 0 ? { ok: true } : { ok: false, errors };
}

/**
 * The tariff of one service in force on `day`, or null when none is. Given tariffs of several services, or two of
 * one service covering the day (a set that never passed validateTariffSet), it throws rather than pick one.
 */
export function tariffInForce<T extends Tariff>(serviceTariffs: readonly T[], day: string): T | null {
  if (!isIsoDay(day)) throw new Error(`Not an ISO day: ${day}`);
  let found: T | null = null;
  for (const tariff of serviceTariffs) {
    if (tariff.validFrom <= day && day <= tariff.validTo) {
      if (found !== null) throw new Error(`Two tariffs in force on ${day} (services ${found.serviceId} and ${tariff.serviceId})`);
      found = tariff;
    }
  }
  return found;
}

export interface UnitPrice {
  cents: number;
  /** Index of the bracket applied (0 = first), or 'effort' for a taux d'effort. */
  bracket: number | 'effort';
  /** French sentence for the family file and « pourquoi ce prix ? ». */
  why: string;
}

function assertQf(qf: number | null): void {
  if (qf !== null && (!Number.isSafeInteger(qf) || qf < 0)) throw new Error(`Not a QF in whole euros: ${qf}`);
}

/** Index of the bracket holding `qf` (QF equal to upTo: that bracket); null QF → the last, highest bracket. */
export function bracketIndex(brackets: readonly Bracket[], qf: number | null): number {
  assertQf(qf);
  if (brackets.length === 0) throw new Error('No bracket');
  if (qf === null) return brackets.length - 1;
  const index = brackets.findIndex((bracket) => bracket.upTo === null || qf <= bracket.upTo);
  // Only a grid without its open last bracket leaves a QF in none: invalid data, never a silent guess.
  if (index === -1) throw new Error(`No bracket holds QF ${qf}: the grid has no open last bracket`);
  return index;
}

/** « QF de 801 à 1 200 », « QF jusqu’à 800 », « QF au-delà de 1 200 » for bracket `index`. */
export function describeBracket(brackets: readonly Bracket[], index: number): string {
  const bracket = brackets[index];
  if (!bracket) throw new Error(`No bracket ${index}`);
  const previous = index > 0 ? brackets[index - 1]?.upTo ?? null : null;
  if (bracket.upTo === null) return previous === null ? 'tout QF' : `QF au-delà de ${groupThousands(previous)}`;
  if (previous === null) return `QF jusqu’à ${groupThousands(bracket.upTo)}`;
  return `QF de ${groupThousands(previous + 1)} à ${groupThousands(bracket.upTo)}`;
}

/** « repas », or « tranche de 30 min » for a service billed by time. */
export function unitLabel(tariff: Pick<Tariff, 'unit' | 'time'>): string {
  return tariff.unit === 'time' && tariff.time ? `tranche de ${tariff.time.blockMinutes} min` : BILLED_UNITS[tariff.unit];
}

/** Price of one unit for a family: qf null (no usable proof) takes the highest bracket or the taux d'effort maximum. */
export function unitPrice(tariff: Tariff, family: { qf: number | null; resident: boolean }): UnitPrice {
  const { qf, resident } = family;
  assertQf(qf);
  const per = `par ${unitLabel(tariff)}`;
  const who = resident ? 'tarif résident' : 'tarif non-résident';
  const pricing = tariff.pricing;
  if (pricing.kind === 'brackets') {
    const index = bracketIndex(pricing.brackets, qf);
    const bracket = pricing.brackets[index] as Bracket;
    const cents = resident ? bracket.residentCents : bracket.nonResidentCents;
    const which = qf === null ? 'QF non justifié, tranche la plus haute' : describeBracket(pricing.brackets, index);
    return { cents, bracket: index, why: `Tranche ${index + 1} (${which}) : ${formatEuros(cents)} ${per}, ${who}.` };
  }
  const rate = resident ? pricing.resident : pricing.nonResident;
  if (qf === null) {
    return { cents: rate.maxCents, bracket: 'effort', why: `QF non justifié : maximum ${formatEuros(rate.maxCents)} ${per}, ${who}.` };
  }
  // QF (euros) × bp / 10 000 = euros, so QF × bp / 100 = cents; + 50 then floor rounds half up on exact integers.
  const raw = Math.floor((qf * rate.rateBasisPoints + 50) / 100);
  const cents = Math.min(rate.maxCents, Math.max(rate.minCents, raw));
  const clamp = cents > raw ? ', relevé au minimum' : cents < raw ? ', ramené au maximum' : '';
  return {
    cents,
    bracket: 'effort',
    why: `Taux d’effort ${formatBasisPoints(rate.rateBasisPoints)} du QF ${groupThousands(qf)}${clamp} : ${formatEuros(cents)} ${per}, ${who}.`,
  };
}

/** 50 → « 0,5 % », 2 000 → « 20 % », 125 → « 1,25 % ». */
export function formatBasisPoints(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const decimals = String(Math.abs(basisPoints % 100)).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${decimals ? `,${decimals}` : ''}\u00a0%`;
}

/** Percentage of a unit price in cents, half up. */
const percentOf = (cents: number, basisPoints: number): number => Math.floor((cents * basisPoints + 5_000) / 10_000);

/** The surcharge added to one unit (its own invoice line); 0 when the tariff has none. */
export function surchargeCents(tariff: Tariff, kind: SurchargeKind, unitCents: number): number {
  const adjustment = kind === 'late' ? tariff.lateSurcharge : tariff.unbookedSurcharge;
  if (adjustment === null) return 0;
  if (adjustment.kind === 'amount') return adjustment.cents;
  if (adjustment.kind === 'percent') return percentOf(unitCents, adjustment.basisPoints);
  return Math.max(0, adjustment.cents - unitCents);
}

/** The PAI reduction on one unit (a positive amount, shown as its own negative line); never more than the unit. */
export function reductionCents(tariff: Tariff, unitCents: number): number {
  const adjustment = tariff.paiReduction;
  if (adjustment === null) return 0;
  const cents = adjustment.kind === 'percent' ? percentOf(unitCents, adjustment.basisPoints) : adjustment.cents;
  return Math.min(cents, unitCents);
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const minutesOf = (time: string): number | null => {
  const match = HH_MM.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
};

/**
 * French problem with a pointage's times, or null: for the caller to report before calling timeUnits. Departure null
 * (the child is still there) checks the arrival alone.
 */
export function timeProblem(arrival: string, departure: string | null): string | null {
  // Billing passes '' for a time not pointed (the child left, nobody typed the hour): named as such, not as a typo.
  if (arrival === '') return 'Heure d’arrivée non pointée.';
  const from = minutesOf(arrival);
  if (from === null) return `Heure d’arrivée invalide : « ${arrival} » (attendu hh:mm).`;
  if (departure === null) return null;
  if (departure === '') return 'Heure de départ non pointée.';
  const to = minutesOf(departure);
  if (to === null) return `Heure de départ invalide : « ${departure} » (attendu hh:mm).`;
  if (to < from) return `Le départ (${departure}) précède l’arrivée (${arrival}).`;
  return null;
}

/**
 * Billed blocks between arrival and departure ('hh:mm', same day): 16:30 → 18:05 is 95 minutes, so 4 started blocks
 * of 30 min, 3 completed ones, or 3 nearest (95 / 30 = 3,17). Throws with timeProblem's message on bad times.
 */
export function timeUnits(arrival: string, departure: string, rule: TimeRule): number {
  const problem = timeProblem(arrival, departure);
  if (problem !== null) throw new Error(problem);
  if (!Number.isInteger(rule.blockMinutes) || rule.blockMinutes < 1) throw new Error(`Not a block of minutes: ${rule.blockMinutes}`);
  const minutes = (minutesOf(departure) as number) - (minutesOf(arrival) as number);
  const block = rule.blockMinutes;
  if (rule.rounding === 'started') return Math.ceil(minutes / block);
  if (rule.rounding === 'completed') return Math.floor(minutes / block);
  return Math.floor((2 * minutes + block) / (2 * block));
}

/** « par tranche de 30 min commencée » etc., for Paramètres and the invoice's lines. */
export function describeTimeRule(rule: TimeRule): string {
  const suffix = { started: 'commencée', completed: 'complète', nearest: 'arrondie à la plus proche' }[rule.rounding];
  return `par tranche de ${rule.blockMinutes} min ${suffix}`;
}

/**
 * The billed unit a service's existing `unit` text (migration 0002: 'repas', 'présence', 'demi-journée', 'journée')
 * suggests, as the default of a new tariff; null for any other text, which the agent then chooses.
 */
export function billedUnitOfService(serviceUnit: string): BilledUnit | null {
  const units = new Map<string, BilledUnit>([['repas', 'meal'], ['présence', 'session'], ['demi-journée', 'half_day'], ['journée', 'day']]);
  return units.get(serviceUnit.trim().toLowerCase()) ?? null;
}
