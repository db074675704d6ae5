import { dayRange, daysInMonth, isIsoDay } from '../calendar/days.js';
import { formatDayFr } from '../calendar/format.js';
import { formatEuros } from '../money.js';
import { qfInForce, type QfInForce, type QfProofs, type QfRule, type QfSource } from './qf.js';
import { billDays, type BillingCode, type BillingDayInput, type BillingRules, type Surcharge } from './rules.js';
import {
  describeTimeRule,
  formatBasisPoints,
  reductionCents,
  surchargeCents,
  tariffInForce,
  timeProblem,
  timeUnits,
  unitLabel,
  unitPrice,
  type Adjustment,
  type Tariff,
  type UnitPrice,
} from './tariffs.js';

/**
 * The month's draft invoices, computed from loaded facts (eVaka's DraftInvoiceGenerator): the office loads families,
 * children, services, tariffs and each child's days at each service in bulk, calls `draftInvoices`, then stores,
 * numbers and prints what it returns. Nothing here reads a database or decides a second time what a day was: the days
 * come as `whatHappened` words them, `billDays` says which are billed, qf.ts and tariffs.ts price them.
 *
 * How a month is billed, for each child at each service:
 * - Every billed day of the month is priced with the tariff in force on that day and the family's QF in force on that
 *   day (a CAF quotient may expire mid-month): days at the same unit price on the same basis make one line, so a
 *   change of price within the month makes two lines.
 * - The unit is the tariff's: one per day for meals, sessions, half-days and days; for a service billed by time, the
 *   blocks between arrival and departure by the tariff's rounding (a billed day without times is a problem, below).
 * - Surcharges (late booking, present without booking) and the PAI reduction (a child whose PAI has it bring its own
 *   meal) are their own lines, per unit, next to the line they adjust; a tariff without them adds no line.
 * - Nothing is silent: a billed day without a tariff in force, or a time-billed day without usable times, is listed in
 *   `problems` with a French message and billed nothing until the data is fixed and the draft regenerated.
 * - A family gets a draft when at least one of its days is priced; one with days but nothing priced gets none, and is
 *   still listed in `flagged` when its QF needs updating.
 * Amounts are integer cents; the order of everything returned depends only on the input's content.
 */

/** A family as the invoice run loads it; the office record's `caf` and `fiscal` parts fit as they are. */
export interface DraftFamily extends QfProofs {
  id: number;
  resident: boolean;
}

export interface DraftChild {
  id: number;
  familyId: number;
  /** As printed on the invoice: « Léa MARTIN ». */
  name: string;
  /** The child has a PAI and brings its own meal: the tariff's PAI reduction applies. */
  paiOwnMeal: boolean;
  /** Last day of the PAI (included); null when it has no end. */
  paiEnd: string | null;
}

export interface DraftService {
  id: number;
  /** As printed on the invoice: « Restauration scolaire ». */
  name: string;
  rules: BillingRules;
}

/** Arrival and departure as pointed, 'hh:mm', for a service billed by time. */
export interface DayTimes {
  arrival: string;
  departure: string;
}

export interface DraftDayInput extends BillingDayInput {
  /** Pointed times; read only when the tariff in force bills by time. */
  times?: DayTimes | null;
}

/**
 * One child's days at one service: every open day of the month (see rules.ts, billDays), in any order, and for a run
 * of absences that began before the month (an illness from 26 February), its days back to the run's start.
 */
export interface ChildServiceDays {
  childId: number;
  serviceId: number;
  days: DraftDayInput[];
}

export interface DraftInput {
  /** 'YYYY-MM'. */
  month: string;
  qfRule: QfRule;
  families: DraftFamily[];
  children: DraftChild[];
  services: DraftService[];
  /** The tariffs of every service, each checked by validateTariffSet when saved. */
  tariffs: Tariff[];
  planning: ChildServiceDays[];
}

export type LineKind = 'unit' | 'late_booking' | 'unbooked' | 'pai_reduction';

export interface DraftLine {
  childId: number;
  childName: string;
  serviceId: number;
  serviceName: string;
  kind: LineKind;
  /** « Restauration scolaire — repas », « Restauration scolaire — majoration pour réservation hors délai ». */
  label: string;
  /**
   * The basis of calculation, copied so an issued invoice keeps it whatever the tariff becomes: for a unit line the
   * bracket or taux d'effort applied (unitPrice's sentence), for a surcharge or reduction how it is computed.
   */
  basis: string;
  /** Bracket applied to the unit price (0 = first), 'effort' for a taux d'effort. */
  bracket: number | 'effort';
  /** Per unit; negative for a reduction. */
  unitCents: number;
  /** Days, or blocks of time for a service billed by time. */
  quantity: number;
  /** unitCents × quantity. */
  amountCents: number;
  /** The days the line covers, in order. */
  days: string[];
}

/** One day of one child at one service, as « pourquoi ce jour est facturé ? » shows it. */
export interface DraftDay {
  childId: number;
  serviceId: number;
  day: string;
  /** What the billing rules say; a billed day with a `problem` is nevertheless priced at nothing. */
  billed: boolean;
  code: BillingCode;
  surcharge: Surcharge | null;
  /** French sentence from the billing rules. */
  why: string;
  /** Units billed: 1 for a priced day, the blocks for a service billed by time, 0 otherwise. */
  units: number;
  /** Unit price applied, null when nothing is priced. */
  unitCents: number | null;
  /** unitPrice's sentence (bracket or taux d'effort), null when nothing is priced. */
  pricing: string | null;
  /** Per unit, 0 when none. */
  surchargeCents: number;
  /** Per unit, positive, 0 when none. */
  reductionCents: number;
  times: DayTimes | null;
  /** Why a billed day is priced at nothing (no tariff, no times): the same message as in `problems`. */
  problem: string | null;
}

/** The QF in force over consecutive days the family has something on, as qf.ts answered it. */
export interface QfPeriod {
  from: string;
  to: string;
  qf: number | null;
  source: QfSource | null;
  flagged: boolean;
  why: string;
}

export interface FamilyDraft {
  familyId: number;
  resident: boolean;
  /** In order: child id, service id, then unit lines by unit price, surcharges, reductions. */
  lines: DraftLine[];
  totalCents: number;
  qf: QfPeriod[];
  /** Some day of the month had no usable QF proof: the highest bracket applied and the family is to be asked. */
  qfFlagged: boolean;
  /** Every day passed for the month, except the days neither booked nor attended. */
  days: DraftDay[];
}

/** A family for « QF à mettre à jour »: some day it has something on this month has no usable proof. */
export interface FlaggedFamily {
  familyId: number;
  hasDraft: boolean;
  qf: QfPeriod[];
}

export type DraftProblemCode = 'no_tariff' | 'no_times' | 'bad_times';

export interface DraftProblem {
  familyId: number;
  childId: number;
  serviceId: number;
  day: string;
  code: DraftProblemCode;
  /** French, naming the family, the child, the service and the day. */
  message: string;
}

export interface DraftRun {
  month: string;
  /** One per family with something priced, by family id. */
  drafts: FamilyDraft[];
  /** Families whose QF needs updating, with or without a draft, by family id. */
  flagged: FlaggedFamily[];
  /** By family, child, service, day. */
  problems: DraftProblem[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** First and last day of a month 'YYYY-MM'; throws on anything else. */
export function monthBounds(month: string): { first: string; last: string } {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`Not a month YYYY-MM: ${month}`);
  const last = daysInMonth(Number(match[1]), Number(match[2]));
  return { first: `${month}-01`, last: `${month}-${String(last).padStart(2, '0')}` };
}

const byNumber = (a: number, b: number): number => a - b;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const LINE_KIND_ORDER: Record<LineKind, number> = { unit: 0, late_booking: 1, unbooked: 2, pai_reduction: 3 };

/** The price of one unit written out: « 3,15 € par repas ». */
const perUnit = (cents: number, tariff: Tariff): string => `${formatEuros(cents)} par ${unitLabel(tariff)}`;

/** How a surcharge or reduction of `cents` was obtained from `adjustment` on a unit of `unitCents`. */
function adjustmentBasis(adjustment: Adjustment, cents: number, unitCents: number, tariff: Tariff): string {
  if (adjustment.kind === 'percent') {
    return `${formatBasisPoints(adjustment.basisPoints)} du prix unitaire de ${formatEuros(unitCents)} : ${perUnit(cents, tariff)}`;
  }
  if (adjustment.kind === 'price') {
    return `prix fixé à ${perUnit(adjustment.cents, tariff)}, soit ${formatEuros(cents)} de plus que le prix unitaire de ${formatEuros(unitCents)}`;
  }
  return cents < adjustment.cents
    ? `${perUnit(adjustment.cents, tariff)}, limité au prix unitaire de ${formatEuros(unitCents)}`
    : perUnit(cents, tariff);
}

const LABELS: Record<Exclude<LineKind, 'unit'>, string> = {
  late_booking: 'majoration pour réservation hors délai',
  unbooked: 'majoration pour présence sans réservation',
  pai_reduction: 'réduction PAI (repas fourni par la famille)',
};

/** « Garderie du soir — tranche de 30 min commencée », « Restauration scolaire — repas ». */
function unitLineLabel(serviceName: string, tariff: Tariff): string {
  const unit = tariff.unit === 'time' && tariff.time ? describeTimeRule(tariff.time).replace(/^par /, '') : unitLabel(tariff);
  return `${serviceName} — ${unit}`;
}

/** The days of one child at one service billed at one unit price of one tariff, and their adjustments. */
interface PriceGroup {
  tariff: Tariff;
  price: UnitPrice;
  unit: Tally;
  late: Tally;
  unbooked: Tally;
  pai: Tally;
}

interface Tally {
  quantity: number;
  days: string[];
}

const tally = (): Tally => ({ quantity: 0, days: [] });

const count = (into: Tally, day: string, units: number): void => {
  into.quantity += units;
  if (units > 0) into.days.push(day);
};

interface FamilyAcc {
  family: DraftFamily;
  /** Same child, service, kind, unit price, label and basis make one line. */
  lines: Map<string, DraftLine>;
  days: DraftDay[];
  /** QF of each day asked, memoised: a family's days at several services share it. */
  qfByDay: Map<string, QfInForce>;
  /** Days the family has something on this month (not closed, not 'not booked'): where its QF matters. */
  activeDays: Set<string>;
}

/** The draft invoices of `input.month`: see the module comment. Throws on inconsistent input (a loader's mistake). */
export function draftInvoices(input: DraftInput): DraftRun {
  const { first, last } = monthBounds(input.month);
  const monthDays = new Set(dayRange(first, last));
  const families = new Map(input.families.map((family) => [family.id, family]));
  const children = new Map(input.children.map((child) => [child.id, child]));
  const services = new Map(input.services.map((service) => [service.id, service]));
  const tariffsByService = new Map<number, Tariff[]>();
  for (const tariff of input.tariffs) {
    const list = tariffsByService.get(tariff.serviceId);
    if (list) list.push(tariff);
    else tariffsByService.set(tariff.serviceId, [tariff]);
  }

  // The tariff in force per service and day, and the unit price per tariff, residence and QF: asked for every billed
  // day of every child (millions on a large run), answered once, keyed without building strings.
  const tariffMemo = new Map<number, Map<string, Tariff | null>>();
  const tariffOn = (serviceId: number, day: string): Tariff | null => {
    let byDay = tariffMemo.get(serviceId);
    if (!byDay) tariffMemo.set(serviceId, (byDay = new Map()));
    let tariff = byDay.get(day);
    if (tariff === undefined) byDay.set(day, (tariff = tariffInForce(tariffsByService.get(serviceId) ?? [], day)));
    return tariff;
  };
  const priceMemo = new Map<Tariff, [resident: Map<number, UnitPrice>, nonResident: Map<number, UnitPrice>]>();
  const priceOf = (tariff: Tariff, qf: number | null, resident: boolean): UnitPrice => {
    let memo = priceMemo.get(tariff);
    if (!memo) priceMemo.set(tariff, (memo = [new Map(), new Map()]));
    const prices = memo[resident ? 0 : 1];
    const key = qf ?? -1;
    let price = prices.get(key);
    if (!price) prices.set(key, (price = unitPrice(tariff, { qf, resident })));
    return price;
  };

  const accs = new Map<number, FamilyAcc>();
  const problems: DraftProblem[] = [];
  const seen = new Map<number, Set<number>>();

  for (const entry of input.planning) {
    let servicesSeen = seen.get(entry.childId);
    if (!servicesSeen) seen.set(entry.childId, (servicesSeen = new Set()));
    if (servicesSeen.has(entry.serviceId)) throw new Error(`draftInvoices: child ${entry.childId} at service ${entry.serviceId} given twice`);
    servicesSeen.add(entry.serviceId);
    const child = children.get(entry.childId);
    if (!child) throw new Error(`draftInvoices: unknown child ${entry.childId}`);
    // Compared as text with each day: anything but an ISO day would silently drop the PAI reduction.
    if (child.paiEnd !== null && !isIsoDay(child.paiEnd)) throw new Error(`draftInvoices: PAI end of child ${child.id} not an ISO day: ${child.paiEnd}`);
    const family = families.get(child.familyId);
    if (!family) throw new Error(`draftInvoices: unknown family ${child.familyId} of child ${child.id}`);
    const service = services.get(entry.serviceId);
    if (!service) throw new Error(`draftInvoices: unknown service ${entry.serviceId}`);

    let sorted = true;
    for (let i = 0; i < entry.days.length; i += 1) {
      const { day } = entry.days[i]!;
      if (!monthDays.has(day)) {
        if (!isIsoDay(day)) throw new Error(`draftInvoices: not an ISO day: ${day}`);
        if (day > last) throw new Error(`draftInvoices: ${day} is after the month ${input.month}`);
      }
      if (i > 0 && entry.days[i - 1]!.day > day) sorted = false;
    }
    const days = sorted ? entry.days : [...entry.days].sort((a, b) => byText(a.day, b.day));
    const judged = billDays(days, service.rules);

    let acc = accs.get(family.id);
    if (!acc) {
      acc = { family, lines: new Map(), days: [], qfByDay: new Map(), activeDays: new Set() };
      accs.set(family.id, acc);
    }
    const groups = new Map<UnitPrice, PriceGroup>();

    for (let index = 0; index < judged.length; index += 1) {
      const result = judged[index]!;
      const { day } = result;
      // Days before the month only complete a run of absences: billed (or not) with the month they belong to.
      if (day < first || result.code === 'not_booked') continue;
      const facts = days[index]!;
      if (result.code !== 'closed') acc.activeDays.add(day);
      const detail: DraftDay = {
        childId: child.id,
        serviceId: service.id,
        day,
        billed: result.billed,
        code: result.code,
        surcharge: result.surcharge,
        why: result.why,
        units: 0,
        unitCents: null,
        pricing: null,
        surchargeCents: 0,
        reductionCents: 0,
        times: facts.times ?? null,
        problem: null,
      };
      acc.days.push(detail);
      if (!result.billed) continue;

      const tariff = tariffOn(service.id, day);
      let trouble: [DraftProblemCode, string] | null = null;
      let units = 1;
      let fixedUnits: number | null = null;
      if (!tariff) trouble = ['no_tariff', 'Aucun tarif en vigueur'];
      else if (tariff.unit === 'time') {
        fixedUnits = facts.times ? null : (tariff.time!.unitsWithoutTimes ?? null);
        const bad = facts.times ? timeProblem(facts.times.arrival, facts.times.departure) : fixedUnits === null ? 'Heures d’arrivée et de départ non pointées' : null;
        if (bad !== null) trouble = [facts.times ? 'bad_times' : 'no_times', bad.replace(/\.$/, '')];
        else units = fixedUnits ?? timeUnits(facts.times!.arrival, facts.times!.departure, tariff.time!);
      }
      if (trouble || !tariff) {
        const [code, what] = trouble!;
        detail.problem =
          `${what} pour ${service.name} le ${formatDayFr(day)} (${child.name}, famille n° ${family.id}) : ` +
          'jour à facturer, non compté dans ce brouillon.';
        problems.push({ familyId: family.id, childId: child.id, serviceId: service.id, day, code, message: detail.problem });
        continue;
      }

      let qf = acc.qfByDay.get(day);
      if (!qf) acc.qfByDay.set(day, (qf = qfInForce(family, day, input.qfRule)));
      const price = priceOf(tariff, qf.qf, family.resident);
      let group = groups.get(price);
      if (!group) groups.set(price, (group = { tariff, price, unit: tally(), late: tally(), unbooked: tally(), pai: tally() }));
      detail.units = units;
      detail.unitCents = price.cents;
      detail.pricing =
        fixedUnits === null ? price.why : `${price.why} Heures non pointées : ${fixedUnits} tranche${fixedUnits > 1 ? 's' : ''} facturée${fixedUnits > 1 ? 's' : ''} selon le tarif.`;
      count(group.unit, day, units);
      if (result.surcharge !== null) {
        const cents = surchargeCents(tariff, result.surcharge === 'late_booking' ? 'late' : 'unbooked', price.cents);
        if (cents > 0) {
          detail.surchargeCents = cents;
          count(result.surcharge === 'late_booking' ? group.late : group.unbooked, day, units);
        }
      }
      if (child.paiOwnMeal && (child.paiEnd === null || day <= child.paiEnd)) {
        const cents = reductionCents(tariff, price.cents);
        if (cents > 0) {
          detail.reductionCents = cents;
          count(group.pai, day, units);
        }
      }
    }
    for (const group of groups.values()) addLines(acc.lines, child, service, group);
  }

  const drafts: FamilyDraft[] = [];
  const flagged: FlaggedFamily[] = [];
  for (const familyId of [...accs.keys()].sort(byNumber)) {
    const acc = accs.get(familyId)!;
    const active = [...acc.activeDays].sort(byText);
    const qf = qfPeriods(active.map((day) => [day, acc.qfByDay.get(day) ?? qfInForce(acc.family, day, input.qfRule)]));
    const qfFlagged = qf.some((period) => period.flagged);
    const lines = [...acc.lines.values()].sort(compareLines);
    if (lines.length > 0) {
      acc.days.sort((a, b) => a.childId - b.childId || a.serviceId - b.serviceId || byText(a.day, b.day));
      const totalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
      drafts.push({ familyId, resident: acc.family.resident, lines, totalCents, qf, qfFlagged, days: acc.days });
    }
    if (qfFlagged) flagged.push({ familyId, hasDraft: lines.length > 0, qf });
  }
  problems.sort(
    (a, b) => a.familyId - b.familyId || a.childId - b.childId || a.serviceId - b.serviceId || byText(a.day, b.day),
  );
  return { month: input.month, drafts, flagged, problems };
}

/**
 * Turns one price group into its lines (the unit, its surcharges, its PAI reduction), merged with a line of the same
 * child, service, kind, unit price, label and basis (two tariffs of the month that price the same way make one line).
 */
function addLines(lines: Map<string, DraftLine>, child: DraftChild, service: DraftService, group: PriceGroup): void {
  const { tariff, price } = group;
  const add = (kind: LineKind, from: Tally, unitCents: number, basis: string): void => {
    if (from.quantity === 0 && from.days.length === 0) return;
    const label = kind === 'unit' ? unitLineLabel(service.name, tariff) : `${service.name} — ${LABELS[kind]}`;
    const key = `${child.id}|${service.id}|${kind}|${unitCents}|${label}|${basis}`;
    const existing = lines.get(key);
    if (existing) {
      existing.quantity += from.quantity;
      existing.amountCents += unitCents * from.quantity;
      existing.days = [...new Set([...existing.days, ...from.days])].sort(byText);
      return;
    }
    lines.set(key, {
      childId: child.id,
      childName: child.name,
      serviceId: service.id,
      serviceName: service.name,
      kind,
      label,
      basis,
      bracket: price.bracket,
      unitCents,
      quantity: from.quantity,
      amountCents: unitCents * from.quantity,
      days: from.days,
    });
  };
  add('unit', group.unit, price.cents, price.why);
  for (const [kind, from, adjustment] of [
    ['late_booking', group.late, tariff.lateSurcharge],
    ['unbooked', group.unbooked, tariff.unbookedSurcharge],
  ] as const) {
    if (from.days.length === 0 && from.quantity === 0) continue;
    const cents = surchargeCents(tariff, kind === 'late_booking' ? 'late' : 'unbooked', price.cents);
    add(kind, from, cents, adjustmentBasis(adjustment!, cents, price.cents, tariff));
  }
  if (group.pai.days.length > 0 || group.pai.quantity > 0) {
    const cents = reductionCents(tariff, price.cents);
    add('pai_reduction', group.pai, -cents, adjustmentBasis(tariff.paiReduction!, cents, price.cents, tariff));
  }
}

function compareLines(a: DraftLine, b: DraftLine): number {
  return (
    a.childId - b.childId ||
    a.serviceId - b.serviceId ||
    LINE_KIND_ORDER[a.kind] - LINE_KIND_ORDER[b.kind] ||
    // Reductions are negative: by their size, like the others.
    Math.abs(a.unitCents) - Math.abs(b.unitCents) ||
    byText(a.basis, b.basis) ||
    byText(a.label, b.label)
  );
}

/** Consecutive active days with the same answer from qfInForce make one period. */
function qfPeriods(days: [string, QfInForce][]): QfPeriod[] {
  const periods: QfPeriod[] = [];
  for (const [day, qf] of days) {
    const current = periods[periods.length - 1];
    if (current && current.why === qf.why && current.qf === qf.qf && current.source === qf.source) current.to = day;
    else periods.push({ from: day, to: day, qf: qf.qf, source: qf.source, flagged: qf.flagged, why: qf.why });
  }
  return periods;
}
