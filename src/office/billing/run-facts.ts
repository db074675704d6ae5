import type { Kysely, Transaction } from 'kysely';
import type { ServiceConfig } from '../../shared/api/contract.js';
import { addDays, dayRange, isoWeekday } from '../../shared/calendar/days.js';
import { openingOn, type CalendarData, type Opening } from '../../shared/calendar/opening.js';
import {
  monthBounds,
  type ChildServiceDays,
  type DraftChild,
  type DraftDayInput,
  type DraftFamily,
  type DraftInput,
  type DraftService,
} from '../../shared/billing/drafts.js';
import type { BillingRules } from '../../shared/billing/rules.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { whatHappened, type StoredDay } from '../../shared/planning/transitions.js';
import { officeQuery } from '../db/office-query.js';
import type { OfficeDatabase } from '../db/schema.js';
import { loadCalendar, loadServices } from '../planning/store.js';
import { chunks } from '../requests/common.js';
import { loadBillingSettings, loadServiceRules, loadTariffs } from './store.js';

/**
 * The facts of a month's invoice run, loaded in bulk (what the whole run shares once, in RunScope; then a few
 * statements per range of a thousand families, see familyRanges) and shaped as `draftInvoices` takes them
 * (src/shared/billing/drafts.ts). Nothing here decides what a day was or whether it is billed: each day goes through
 * `whatHappened` (the shared day model) and drafts.ts / rules.ts do the rest.
 *
 * Which days are passed, for each child at each service it is inscribed to or has a stored day at in the month:
 * - every day with a stored planning row (booked, cancelled, absent, pointed), open or closed: a booking on a day the
 *   commune closed afterwards shows on the draft as « Non facturé : fermeture — … »;
 * - every open day the child is inscribed to (inscription period and weekdays) even without a row: such a day is
 *   « not booked » and breaks a run of absences (rules.ts, billDays);
 * - nothing else: a closed day without a row, or a day outside the child's inscription, is not a day of the child at
 *   the service (it neither breaks nor extends a run).
 * A run of absences for a reason with waiting days (RAISON MEDICALE) that is under way on the month's first day of the
 * child is followed back into the previous months, window by window, until an open day breaks it; a window with no
 * open day of the child at all ends the search (documented limit: a run is not followed across a whole month with
 * nothing open for the child, e.g. the summer).
 */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/** What the invoice prints about a family, beside the facts that price it. */
export interface FamilyInfo {
  /** As the office's grids name a family: « DURAND Paul » (responsable 1). */
  name: string;
  /** As the invoice addresses it: « M. et Mme Paul DURAND ». */
  addressee: string;
  /** Postal address of responsable 1, one line per entry. */
  address: string[];
}

export interface RunFacts {
  input: DraftInput;
  families: Map<number, FamilyInfo>;
  services: ServiceConfig[];
}

interface StoredRow {
  child_id: number;
  service_id: number;
  day: string;
  state: 'booked' | 'cancelled' | 'absent';
  attendance: 'present' | 'absent' | null;
  absence_reason: string | null;
  late: number;
  walk_in: number;
  arrival: string | null;
  departure: string | null;
}

interface InscriptionRow {
  child_id: number;
  service_id: number;
  start_date: string;
  end_date: string;
  weekdays: string;
}

// Everything of a range of families (family ids from..to): the children through children_family, their days through
// planning_days' primary key (child, service, day), a seek per child and service rather than an index walk and a
// row lookup per day.
const planningOfFamilies = officeQuery((db, fromFamily: number, toFamily: number, from: string, to: string) =>
  db
    .selectFrom('planning_days')
    .select(['child_id', 'service_id', 'day', 'state', 'attendance', 'absence_reason', 'late', 'walk_in', 'arrival', 'departure'])
    .where('child_id', 'in', (eb) => eb.selectFrom('children').select('id').where('family_id', '>=', fromFamily).where('family_id', '<=', toFamily))
    .where('service_id', 'in', (eb) => eb.selectFrom('services').select('id'))
    .where('day', '>=', from)
    .where('day', '<=', to),
);
const inscriptionsOfFamilies = officeQuery((db, fromFamily: number, toFamily: number, from: string, to: string) =>
  db
    .selectFrom('inscriptions')
    .select(['child_id', 'service_id', 'start_date', 'end_date', 'weekdays'])
    .where('child_id', 'in', (eb) => eb.selectFrom('children').select('id').where('family_id', '>=', fromFamily).where('family_id', '<=', toFamily))
    .where('start_date', '<=', to)
    .where('end_date', '>=', from),
);
/** Days whose absence was declared by a request carrying a certificate (accepted, so the day is that absence). */
const certificatesBetween = officeQuery((db, from: string, to: string) =>
  db
    .selectFrom('request_items as i')
    .innerJoin('requests as r', 'r.id', 'i.request_id')
    .select(['i.child_id', 'i.service_id', 'i.day'])
    .where('r.kind', '=', 'absence')
    .where('r.certificate_document_id', 'is not', null)
    .where('i.status', '=', 'accepted')
    .where('i.day', '>=', from)
    .where('i.day', '<=', to),
);
const childColumns = ['id', 'family_id', 'nom', 'prenom', 'pai', 'pai_own_meal', 'pai_end'] as const;
const childrenOfFamilies = officeQuery((db, fromFamily: number, toFamily: number) =>
  db.selectFrom('children').select(childColumns).where('family_id', '>=', fromFamily).where('family_id', '<=', toFamily),
);
const familyColumns = ['id', 'resident', 'caf_regime', 'caf_qf', 'caf_qf_valid_until', 'fiscal_rfr_cents', 'fiscal_parts_x100', 'fiscal_year'] as const;
const familiesBetween = officeQuery((db, fromFamily: number, toFamily: number) =>
  db.selectFrom('families').select(familyColumns).where('id', '>=', fromFamily).where('id', '<=', toFamily),
);
const responsableColumns = ['family_id', 'rank', 'civilite', 'nom', 'prenom', 'adresse', 'code_postal', 'ville'] as const;
const responsablesOfFamilies = officeQuery((db, fromFamily: number, toFamily: number) =>
  db.selectFrom('responsables').select(responsableColumns).where('family_id', '>=', fromFamily).where('family_id', '<=', toFamily),
);
const familyIds = officeQuery((db) => db.selectFrom('families').select('id').orderBy('id'));

/** « DURAND », « Léa DURAND »: the surname in capitals, as French administrative letters write it. */
const upper = (text: string): string => text.toLocaleUpperCase('fr-FR');

interface Person {
  civilite: string;
  nom: string;
  prenom: string;
}

/** « M. et Mme Paul DURAND », « M. Paul DURAND et Mme Anne MARTIN », « Mme Anne MARTIN », « Paul DURAND ». */
export function addresseeOf(first: Person, second: Person | null): string {
  const full = (person: Person) => `${person.prenom} ${upper(person.nom)}`.trim();
  const named = (person: Person) => (person.civilite ? `${person.civilite} ${full(person)}` : full(person));
  if (!second) return named(first);
  // One surname, Monsieur first: the custom form « M. et Mme Paul DURAND »; any other pair is named in full.
  if (first.civilite === 'M.' && second.civilite === 'Mme' && upper(first.nom) === upper(second.nom)) return `M. et Mme ${full(first)}`;
  return `${named(first)} et ${named(second)}`;
}

/** One number per child and service (service ids are small): keys of millions of lookups, built without strings. */
const pairKey = (childId: number, serviceId: number): number => {
  if (serviceId >= 2 ** 20) throw new Error(`service id ${serviceId} too large for the run's keys`);
  return childId * 2 ** 20 + serviceId;
};

function storedDay(row: StoredRow): StoredDay {
  return {
    state: row.state,
    attendance: row.attendance,
    absenceReason: row.absence_reason as AbsenceReason | null,
    late: row.late === 1,
    walkIn: row.walk_in === 1,
  };
}

/** Rows and inscriptions of a period, by child and service. */
class PeriodFacts {
  readonly rows = new Map<number, Map<string, StoredRow>>();

  constructor(
    readonly inscriptions = new Map<number, { start: string; end: string; weekdays: Set<number> }[]>(),
    readonly certificates = new Set<string>(),
  ) {}

  addRow(row: StoredRow): void {
    const key = pairKey(row.child_id, row.service_id);
    let days = this.rows.get(key);
    if (!days) this.rows.set(key, (days = new Map()));
    days.set(row.day, row);
  }

  addInscription(row: InscriptionRow): void {
    const key = pairKey(row.child_id, row.service_id);
    let list = this.inscriptions.get(key);
    if (!list) this.inscriptions.set(key, (list = []));
    list.push({ start: row.start_date, end: row.end_date, weekdays: new Set(row.weekdays.split(',').filter(Boolean).map(Number)) });
  }
}

/** Opening of each service on each day, memoised: asked for every child of the commune. */
class Openings {
  private readonly memo = new Map<number, Map<string, Opening>>();
  constructor(
    private readonly services: Map<number, ServiceConfig>,
    private readonly calendar: CalendarData,
  ) {}

  on(serviceId: number, day: string): Opening {
    let byDay = this.memo.get(serviceId);
    if (!byDay) this.memo.set(serviceId, (byDay = new Map()));
    let opening = byDay.get(day);
    if (!opening) {
      const service = this.services.get(serviceId);
      opening = service ? openingOn(service, day, this.calendar) : { open: false, why: 'Service supprimé' };
      byDay.set(day, opening);
    }
    return opening;
  }
}

/** The days of one child at one service over `days` (in order), as billDays wants them: see the module comment. */
function daysOf(
  childId: number,
  serviceId: number,
  days: readonly { day: string; weekday: number }[],
  facts: PeriodFacts,
  openings: Openings,
): DraftDayInput[] {
  const key = pairKey(childId, serviceId);
  const rows = facts.rows.get(key);
  const inscriptions = facts.inscriptions.get(key);
  const result: DraftDayInput[] = [];
  for (const { day, weekday } of days) {
    const row = rows?.get(day);
    const opening = openings.on(serviceId, day);
    if (!row) {
      if (!opening.open || !inscriptions) continue;
      if (!inscriptions.some((ins) => ins.start <= day && day <= ins.end && ins.weekdays.has(weekday))) continue;
    }
    const input: DraftDayInput = {
      day,
      outcome: whatHappened(opening, row ? storedDay(row) : null),
      // Only an absence can be covered: the key is built for those days alone (millions of days on a large run).
      certificate: row?.state === 'absent' && facts.certificates.has(`${key}:${day}`),
    };
    if (row && (row.arrival !== null || row.departure !== null)) input.times = { arrival: row.arrival ?? '', departure: row.departure ?? '' };
    result.push(input);
  }
  return result;
}

const withWeekdays = (from: string, to: string) => dayRange(from, to).map((day) => ({ day, weekday: isoWeekday(day) }));

/** The reason of a run of waiting days under way on `day`, if the day is such an absence. */
function waitingReasonOf(input: DraftDayInput, rules: BillingRules): AbsenceReason | null {
  const { outcome } = input;
  if (outcome.kind !== 'absent' || outcome.reason === null) return null;
  return rules.reasons[outcome.reason].kind === 'waiting_days' ? outcome.reason : null;
}

/** How far back a run of absences is followed: twelve windows of 31 days. */
const LOOKBACK_WINDOWS = 12;
const WINDOW_DAYS = 31;

/** What a month's run reads once, whatever the number of families: the settings, services, calendar and tariffs. */
export interface RunScope {
  month: string;
  first: string;
  last: string;
  qfRule: DraftInput['qfRule'];
  services: ServiceConfig[];
  servicesById: Map<number, ServiceConfig>;
  draftServices: DraftService[];
  tariffs: DraftInput['tariffs'];
  openings: Openings;
  /** Days covered by a certificate, over the month and the windows looked back (small: read once). */
  certificates: Set<string>;
  monthDays: { day: string; weekday: number }[];
}

export async function loadRunScope(db: Db, month: string): Promise<RunScope> {
  const { first, last } = monthBounds(month);
  const [settings, services, calendar, serviceRules, tariffs] = [
    await loadBillingSettings(db),
    await loadServices(db),
    await loadCalendar(db),
    await loadServiceRules(db),
    await loadTariffs(db),
  ];
  const servicesById = new Map(services.map((service) => [service.id, service]));
  const lookbackFrom = addDays(first, -LOOKBACK_WINDOWS * WINDOW_DAYS);
  const certificates = new Set<string>();
  for (const row of await certificatesBetween.all(db, lookbackFrom, last)) {
    if (row.child_id !== null && row.service_id !== null && row.day !== null) certificates.add(`${pairKey(row.child_id, row.service_id)}:${row.day}`);
  }
  return {
    month,
    first,
    last,
    qfRule: settings.qfRule,
    services,
    servicesById,
    draftServices: services.map((service) => ({ id: service.id, name: service.name, rules: serviceRules.get(service.id)!.rules })),
    tariffs: tariffs.map(({ id: _id, schoolYearId: _year, updatedAt: _at, updatedBy: _by, ...tariff }) => tariff),
    openings: new Openings(servicesById, calendar),
    certificates,
    monthDays: withWeekdays(first, last),
  };
}

/** Families by id, inclusive: the unit a run is loaded and computed in. */
export interface FamilyRange {
  from: number;
  to: number;
}

/**
 * Every family of the office in ranges of `size` families, in id order. A run is computed range by range so that
 * what a range loads (a hundred thousand days for a thousand families) is dropped before the next is read: memory
 * stays flat and the garbage collector does not copy millions of days from range to range.
 */
export async function familyRanges(db: Db, size: number): Promise<FamilyRange[]> {
  const ids = (await familyIds.all(db)).map((row) => row.id);
  const ranges: FamilyRange[] = [];
  for (let start = 0; start < ids.length; start += size) ranges.push({ from: ids[start]!, to: ids[Math.min(start + size, ids.length) - 1]! });
  return ranges;
}

/** The facts of `scope.month` for one family (a draft opened from the review grid). */
export async function loadRunFacts(db: Db, month: string, familyId: number): Promise<RunFacts> {
  return loadRangeFacts(db, await loadRunScope(db, month), { from: familyId, to: familyId });
}

/** The facts of the month for the families of `range`, ready for draftInvoices. */
export async function loadRangeFacts(db: Db, scope: RunScope, range: FamilyRange): Promise<RunFacts> {
  const { first, last, servicesById, openings, certificates } = scope;
  const rulesOf = (serviceId: number): BillingRules => scope.draftServices.find((service) => service.id === serviceId)!.rules;

  const shared = new PeriodFacts(undefined, certificates);
  for (const row of await inscriptionsOfFamilies.all(db, range.from, range.to, first, last)) {
    if (servicesById.has(row.service_id)) shared.addInscription(row);
  }
  for (const row of await planningOfFamilies.all(db, range.from, range.to, first, last)) shared.addRow(row as StoredRow);
  const childRows = await childrenOfFamilies.all(db, range.from, range.to);

  const planning: ChildServiceDays[] = [];
  /** Pairs whose first open day of the month is an absence for a reason with waiting days. */
  const runsUnderWay: { entry: ChildServiceDays; reason: AbsenceReason }[] = [];
  for (const child of [...childRows].sort((a, b) => a.id - b.id)) {
    for (const service of scope.services) {
      const key = pairKey(child.id, service.id);
      if (!shared.rows.has(key) && !shared.inscriptions.has(key)) continue;
      const days = daysOf(child.id, service.id, scope.monthDays, shared, openings);
      if (days.length === 0) continue;
      const entry = { childId: child.id, serviceId: service.id, days };
      planning.push(entry);
      const firstOpen = days.find((day) => day.outcome.kind !== 'closed');
      const reason = firstOpen ? waitingReasonOf(firstOpen, rulesOf(service.id)) : null;
      if (reason !== null) runsUnderWay.push({ entry, reason });
    }
  }
  await followRunsBack(db, runsUnderWay, first, certificates, openings);

  const childById = new Map(childRows.map((row) => [row.id, row]));
  const familyIdsBilled = new Set(planning.map((entry) => childById.get(entry.childId)!.family_id));
  const families: DraftFamily[] = [];
  for (const row of await familiesBetween.all(db, range.from, range.to)) {
    if (!familyIdsBilled.has(row.id)) continue;
    families.push({
      id: row.id,
      resident: row.resident === 1,
      caf: { regime: row.caf_regime, qf: row.caf_qf, qfValidUntil: row.caf_qf_valid_until },
      fiscal: { rfrCents: row.fiscal_rfr_cents, partsX100: row.fiscal_parts_x100, year: row.fiscal_year },
    });
  }
  const children: DraftChild[] = [];
  for (const row of childRows) {
    if (!familyIdsBilled.has(row.family_id)) continue;
    children.push({
      id: row.id,
      familyId: row.family_id,
      name: `${row.prenom} ${upper(row.nom)}`,
      paiOwnMeal: row.pai === 1 && row.pai_own_meal === 1,
      paiEnd: row.pai_end,
    });
  }
  const responsables = await responsablesOfFamilies.all(db, range.from, range.to);
  const byFamily = new Map<number, { 1?: (typeof responsables)[number]; 2?: (typeof responsables)[number] }>();
  for (const row of responsables) {
    if (!familyIdsBilled.has(row.family_id)) continue;
    let pair = byFamily.get(row.family_id);
    if (!pair) byFamily.set(row.family_id, (pair = {}));
    pair[row.rank as 1 | 2] = row;
  }
  const familyInfo = new Map<number, FamilyInfo>();
  for (const id of familyIdsBilled) {
    const pair = byFamily.get(id);
    const first_ = pair?.[1] ?? pair?.[2];
    if (!first_) {
      familyInfo.set(id, { name: `Famille n° ${id}`, addressee: `Famille n° ${id}`, address: [] });
      continue;
    }
    const second = pair?.[1] && pair[2] ? pair[2] : null;
    familyInfo.set(id, {
      name: `${first_.nom} ${first_.prenom}`.trim(),
      addressee: addresseeOf(first_, second),
      address: [first_.adresse, `${first_.code_postal} ${first_.ville}`.trim()].filter((line) => line !== ''),
    });
  }

  const input: DraftInput = {
    month: scope.month,
    qfRule: scope.qfRule,
    families,
    children,
    services: scope.draftServices,
    tariffs: scope.tariffs,
    planning,
  };
  return { input, families: familyInfo, services: scope.services };
}

/**
 * Prepends to each entry the days before the month back to the start of its run of absences (see the module
 * comment), reading the earlier windows only for those entries.
 */
async function followRunsBack(
  db: Db,
  runs: { entry: ChildServiceDays; reason: AbsenceReason }[],
  first: string,
  certificates: Set<string>,
  openings: Openings,
): Promise<void> {
  let open = runs.map((run) => ({ ...run, before: [] as DraftDayInput[] }));
  let windowEnd = addDays(first, -1);
  for (let window = 0; window < LOOKBACK_WINDOWS && open.length > 0; window += 1) {
    const windowStart = addDays(windowEnd, -(WINDOW_DAYS - 1));
    const facts = new PeriodFacts(undefined, certificates);
    const childIds = [...new Set(open.map((run) => run.entry.childId))];
    for (const slice of chunks(childIds)) {
      const [rows, inscriptions] = await Promise.all([
        db
          .selectFrom('planning_days')
          .select(['child_id', 'service_id', 'day', 'state', 'attendance', 'absence_reason', 'late', 'walk_in', 'arrival', 'departure'])
          .where('child_id', 'in', slice)
          .where('day', '>=', windowStart)
          .where('day', '<=', windowEnd)
          .execute(),
        db
          .selectFrom('inscriptions')
          .select(['child_id', 'service_id', 'start_date', 'end_date', 'weekdays'])
          .where('child_id', 'in', slice)
          .where('start_date', '<=', windowEnd)
          .where('end_date', '>=', windowStart)
          .execute(),
      ]);
      for (const row of rows) facts.addRow(row as StoredRow);
      for (const row of inscriptions) facts.addInscription(row);
    }
    const days = withWeekdays(windowStart, windowEnd);
    const still: typeof open = [];
    for (const run of open) {
      const earlier = daysOf(run.entry.childId, run.entry.serviceId, days, facts, openings);
      let broken = false;
      let sawOpen = false;
      const kept: DraftDayInput[] = [];
      for (let i = earlier.length - 1; i >= 0; i -= 1) {
        const day = earlier[i]!;
        kept.unshift(day);
        if (day.outcome.kind === 'closed') continue;
        sawOpen = true;
        const { outcome } = day;
        if (!(outcome.kind === 'absent' && outcome.reason === run.reason)) {
          broken = true;
          break;
        }
      }
      run.before = [...kept, ...run.before];
      if (broken || !sawOpen) run.entry.days = [...run.before, ...run.entry.days];
      else still.push(run);
    }
    open = still;
    windowEnd = addDays(windowStart, -1);
  }
  for (const run of open) run.entry.days = [...run.before, ...run.entry.days];
}
