import { addDays, daysInMonth, isWeekend, mondayOf } from '../../shared/calendar/days.js';
import { memoizeByString } from '../../shared/memo.js';
import { formatDayFr, monthNameFr } from '../../shared/calendar/format.js';
import { deadlineFor, describeDeadline } from '../../shared/planning/deadlines.js';
import { CELL_STATES, type CellState } from '../../shared/planning/cells.js';
import { ABSENCE_REASONS, type AbsenceReason } from '../../shared/planning/reasons.js';
import { DEFAULT_DEADLINE_RULE, type ChangeKind, type DeadlineRule, type LatePolicy } from '../../shared/planning/rules.js';
import { CHANGE_DEADLINE, FAMILY_CHANGES, judgeDayChange, type DayFacts, type Judgement, type RefusalCode, type StoredDay } from '../../shared/planning/transitions.js';
import { portalRequestSchema, type FamilyPublication, type PortalRequest, type PortalSettings } from '../../shared/sync/contract.js';
import { deepFreeze } from '../content.js';
import { planningRequests } from '../db/hot-queries.js';
import type { PortalDb } from '../db/open.js';

export type PlanningAction = 'book' | 'cancel' | 'absence';

// « Annuler » alone reads as « close this form » on a phone: the action says what it cancels.
export const ACTION_LABELS: Record<PlanningAction, string> = { book: 'Réserver', cancel: 'Annuler la réservation', absence: 'Déclarer une absence' };

/** The day's actions in the order families use them: an absence far more often than a booking or a cancellation. */
export const ACTION_ORDER: readonly PlanningAction[] = ['absence', 'book', 'cancel'];

/** What a refused request asked, as the cell says it: « ⛔ Absence refusée : Certificat manquant ». */
export const REFUSED_LABELS: Record<PlanningAction, string> = { book: 'Réservation refusée', cancel: 'Annulation refusée', absence: 'Absence refusée' };

/**
 * The words shown in a cell next to its symbol, short enough for a phone; a pending state always says « en attente »
 * (never the 🚧 alone). The whole sentence (cellSentence) is what a screen reader hears.
 */
export const CELL_SHORT_LABELS: Record<CellState, string> = {
  closed: 'Fermé',
  open: 'Non réservé',
  booked: 'Réservé',
  booking_requested: 'Réservation en attente',
  cancel_requested: 'Annulation en attente',
  absence_requested: 'Absence en attente',
  cancelled: 'Annulé',
  absent: 'Absent',
  refused: 'Refusé',
  present: 'Présent',
  absent_unnoticed: 'Absent sans prévenir',
};
const PENDING_STATE: Record<PlanningAction, CellState> = { book: 'booking_requested', cancel: 'cancel_requested', absence: 'absence_requested' };

/** What a service needs here: its name, the deadline rule of each kind of change and what happens to late requests. */
export interface ServiceRules {
  id: number;
  name: string;
  rules: Record<ChangeKind, DeadlineRule>;
  latePolicy: LatePolicy;
}

const RULE_KINDS = new Set(['weekday_of_previous_week', 'days_before', 'working_days_before', 'day_of_previous_month', 'none']);

function asRule(value: unknown): DeadlineRule | null {
  if (!value || typeof value !== 'object') return null;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && RULE_KINDS.has(kind) ? (value as DeadlineRule) : null;
}

/**
 * A service's rules from the published settings. A service the office did not publish gets the local Wednesday-noon
 * rule and refuses late changes: the portal must never promise more than the office would accept.
 */
export function serviceRules(settings: PortalSettings, publication: FamilyPublication, serviceId: number): ServiceRules {
  const published = settings.services.find((s) => s.id === serviceId);
  const fallbackName = publication.children.flatMap((c) => c.inscriptions).find((i) => i.serviceId === serviceId)?.serviceName;
  const booking = asRule(published?.deadlines.booking) ?? DEFAULT_DEADLINE_RULE;
  return {
    id: serviceId,
    name: published?.name ?? fallbackName ?? `Service n° ${serviceId}`,
    rules: {
      booking,
      cancel: asRule(published?.deadlines.cancel) ?? booking,
      absence: asRule(published?.deadlines.absence) ?? booking,
    },
    latePolicy: published?.latePolicy ?? 'refuse',
  };
}

/** An action offered on a cell, with its deadline and whether asking now is still on time. */
export interface ActionOffer {
  action: PlanningAction;
  deadline: string;
  onTime: boolean;
}

export interface CellView {
  childId: number;
  serviceId: number;
  day: string;
  state: CellState;
  symbol: string;
  label: string;
  closedWhy?: string;
  absenceReason?: AbsenceReason;
  refusalReason?: string;
  /** A pending change asked after its deadline (kept for a 'late' service). */
  late: boolean;
  /** The family's latest request on this day was refused: its reason, even when the day kept its former state. */
  lastRefusal?: string;
  /** What the refused request asked (with lastRefusal). */
  lastRefusalKind?: PlanningAction;
  /** Until when the day can still be changed (open days). */
  changeableUntil?: string;
  offers: ActionOffer[];
  /** Why nothing can be asked, in French, when offers is empty. */
  lockedWhy?: string;
  /** Set when the cell is locked because its deadline passed (a 'refuse' service). */
  missedDeadline?: string;
}

/** The family's requests the office has not published yet, read from the portal's own table. */
export interface LocalRequest {
  request: PortalRequest;
  late: boolean;
}

export async function unpublishedRequests(db: PortalDb, familyId: number, publication: FamilyPublication): Promise<LocalRequest[]> {
  const published = new Set(publication.requests.map((r) => r.uid));
  const rows = await planningRequests.all(db, familyId);
  const out: LocalRequest[] = [];
  for (const row of rows) {
    if (published.has(row.uid)) continue;
    const parsed = portalRequestSchema.safeParse(JSON.parse(row.body));
    if (parsed.success) out.push({ request: parsed.data, late: row.late === 1 });
  }
  return out;
}

/**
 * unpublishedRequests kept per database and family with the mark of the family's planning requests (the last one's
 * seq: content.ts loadPlanningContent) and the publication it was judged against: a family with requests on
 * their way had each one's JSON parsed and validated on every view of its planning; now only when a request was added
 * or a new publication arrived. The array is frozen (shared by the requests of the same view) and stays the same
 * object while nothing changed, which the grids kept in planning/page.ts rely on. The most recently seen MAX_KEPT
 * families are kept, as the publications are.
 */
const MAX_KEPT = 5_000;
const localKept = new WeakMap<PortalDb, Map<number, { mark: string; publication: FamilyPublication; local: readonly LocalRequest[] }>>();

export async function unpublishedRequestsKept(db: PortalDb, familyId: number, publication: FamilyPublication, mark: string): Promise<readonly LocalRequest[]> {
  let kept = localKept.get(db);
  if (!kept) localKept.set(db, (kept = new Map()));
  const known = kept.get(familyId);
  kept.delete(familyId);
  if (known && known.mark === mark && known.publication === publication) {
    kept.set(familyId, known);
    return known.local;
  }
  const local = deepFreeze(await unpublishedRequests(db, familyId, publication));
  kept.set(familyId, { mark, publication, local });
  if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as number);
  return local;
}

const key = (childId: number, serviceId: number, day: string) => `${childId}:${serviceId}:${day}`;

/** Everything needed to compute any cell of the family's planning at one instant. */
export interface PlanningContext {
  publication: FamilyPublication;
  settings: PortalSettings;
  now: Date;
  today: string;
  local: readonly LocalRequest[];
}

interface Overlay {
  pending: Map<string, { action: PlanningAction; reason: AbsenceReason | null; late: boolean }>;
  lastDecision: Map<string, { kind: PlanningAction; status: 'pending' | 'accepted' | 'refused'; refusalReason: string | null; at: string }>;
}

// Kept with the family's local requests (the same frozen array while none is added, unpublishedRequestsKept) and
// checked against the publication: the overlay is a function of those two alone.
const overlays = new WeakMap<readonly LocalRequest[], { publication: FamilyPublication; overlay: Overlay }>();

function overlayOf(pc: PlanningContext): Overlay {
  const cached = overlays.get(pc.local);
  if (cached && cached.publication === pc.publication) return cached.overlay;
  const overlay: Overlay = { pending: new Map(), lastDecision: new Map() };
  for (const request of pc.publication.requests) {
    if (request.kind !== 'book' && request.kind !== 'cancel' && request.kind !== 'absence') continue;
    for (const item of request.items) {
      if (item.childId === null || item.serviceId === null || item.day === null) continue;
      const k = key(item.childId, item.serviceId, item.day);
      const at = item.decidedAt ?? request.submittedAt;
      const previous = overlay.lastDecision.get(k);
      if (!previous || previous.at <= at) overlay.lastDecision.set(k, { kind: request.kind, status: item.status, refusalReason: item.refusalReason, at });
      // The office judged the lateness when the request arrived, and publishes it: the portal does not re-judge it
      // with today's settings (an office too old to publish it sent none: not late).
      if (item.status === 'pending') overlay.pending.set(k, { action: request.kind, reason: request.reason, late: item.late ?? false });
    }
  }
  for (const { request, late } of pc.local) {
    if (request.kind !== 'book' && request.kind !== 'cancel' && request.kind !== 'absence') continue;
    for (const item of request.items) {
      overlay.pending.set(key(item.childId, item.serviceId, item.day), { action: request.kind, reason: request.reason, late });
    }
  }
  overlays.set(pc.local, { publication: pc.publication, overlay });
  return overlay;
}

/** The day as the office published it, in the words of the shared rules (a pending state hides what lies under it). */
function storedOf(state: CellState): StoredDay | null {
  switch (state) {
    case 'booked':
    case 'cancel_requested':
    case 'absence_requested':
      return { state: 'booked', attendance: null };
    case 'cancelled':
      return { state: 'cancelled', attendance: null };
    case 'absent':
      return { state: 'absent', attendance: null };
    case 'present':
      return { state: 'booked', attendance: 'present' };
    case 'absent_unnoticed':
      return { state: 'booked', attendance: 'absent' };
    default:
      return null;
  }
}

/** Of all the refusals of a locked cell, the one that explains it best to the family. */
const REFUSAL_ORDER: RefusalCode[] = ['closed', 'past_day', 'pending', 'attendance_marked', 'absence_recorded', 'deadline', 'already', 'not_booked'];

/**
 * A cell of the published planning, with the family's own requests still on their way, judged at `pc.now` by the
 * shared rules (transitions.ts) as the office will judge the request on arrival. Places are the office's call: the
 * portal neither knows nor judges them. Until when the day can change is the office's published instant. Its only
 * reading of the clock is through those deadlines and that instant: gridStillFor lists them (keep the two together).
 */
export function cellView(pc: PlanningContext, childId: number, service: ServiceRules, published: FamilyPublication['planning']['children'][number]['rows'][number]['cells'][number]): CellView {
  const overlay = overlayOf(pc);
  const k = key(childId, service.id, published.day);
  const pending = published.state === 'closed' ? undefined : overlay.pending.get(k);
  const state: CellState = pending ? PENDING_STATE[pending.action] : published.state;
  const absenceReason = pending ? (pending.reason ?? undefined) : published.absenceReason;
  const last = overlay.lastDecision.get(k);
  const view: CellView = {
    childId,
    serviceId: service.id,
    day: published.day,
    state,
    symbol: CELL_STATES[state].symbol,
    label: CELL_STATES[state].label,
    late: pending?.late ?? false,
    offers: [],
    ...(published.closedWhy ? { closedWhy: published.closedWhy } : {}),
    ...(absenceReason && (state === 'absent' || state === 'absence_requested') ? { absenceReason } : {}),
    ...(published.refusalReason ? { refusalReason: published.refusalReason } : {}),
    ...(!pending && last?.status === 'refused' && state !== 'refused' ? { lastRefusal: last.refusalReason ?? '', lastRefusalKind: last.kind } : {}),
  };
  const facts: DayFacts = {
    day: published.day,
    opening: published.state === 'closed' ? { open: false, why: published.closedWhy ?? 'fermeture' } : { open: true },
    inscription: { required: false, held: true },
    stored: storedOf(state),
    pending: pending !== undefined || state.endsWith('_requested'),
    places: { booked: 0, capacity: null },
    rules: { deadlines: service.rules, latePolicy: service.latePolicy },
  };
  const refusals: Extract<Judgement, { allowed: false }>[] = [];
  for (const action of FAMILY_CHANGES) {
    const judged = judgeDayChange(facts, { change: action, asker: 'family', at: pc.now, today: pc.today });
    if (judged.allowed) view.offers.push({ action, deadline: judged.deadline!, onTime: !judged.late });
    else refusals.push(judged);
  }
  if (view.offers.length > 0) {
    // The office's published instant; recomputed only for a cell an older office published without one.
    const until = published.changeableUntil ?? (view.offers[0]!.onTime ? view.offers[0]!.deadline : undefined);
    if (until !== undefined && pc.now.getTime() < Date.parse(until)) view.changeableUntil = until;
    return view;
  }
  // The best explanation: the lowest rank, the first judged among equals (as a stable sort would give).
  let refusal = refusals[0]!;
  for (const other of refusals) if (rank(other.code) < rank(refusal.code)) refusal = other;
  switch (refusal.code) {
    case 'closed':
      view.lockedWhy = `Service fermé ce jour : ${published.closedWhy ?? 'fermeture'}.`;
      break;
    case 'pending':
      view.lockedWhy = 'Une demande est déjà en attente de validation pour ce jour.';
      break;
    case 'deadline': {
      const deadline = published.changeableUntil ?? refusal.deadline!;
      view.missedDeadline = deadline;
      view.lockedWhy = `Délai dépassé : les changements de ce jour étaient possibles jusqu’au ${describeDeadline(deadline)}.`;
      break;
    }
    default:
      view.lockedWhy = refusal.why;
  }
  return view;
}

function rank(code: RefusalCode): number {
  const index = REFUSAL_ORDER.indexOf(code);
  return index === -1 ? REFUSAL_ORDER.length : index;
}

/** The whole sentence a screen reader hears for a cell (and what a hover shows). */
export function cellSentence(cell: CellView, serviceName: string): string {
  const parts = [`${serviceName}, ${formatDayFr(cell.day)} : ${cell.label}`];
  if (cell.absenceReason) parts[0] += ` (${ABSENCE_REASONS[cell.absenceReason]})`;
  if (cell.late) parts[0] += ', hors délai';
  if (cell.closedWhy) parts.push(cell.closedWhy);
  if (cell.refusalReason) parts.push(`Motif du refus : ${cell.refusalReason}`);
  if (cell.lastRefusal !== undefined) parts.push(`Dernière demande refusée${cell.lastRefusal ? ` : ${cell.lastRefusal}` : ''}`);
  if (cell.changeableUntil) parts.push(`Modifiable jusqu’au ${describeDeadline(cell.changeableUntil)}`);
  else if (cell.offers.some((o) => !o.onTime)) parts.push('Délai dépassé : une demande sera marquée hors délai');
  else if (cell.lockedWhy && cell.state !== 'closed' && !cell.state.endsWith('_requested')) parts.push(cell.lockedWhy.replace(/\.$/, ''));
  return `${parts.join('. ')}.`;
}

export type ViewKind = 'semaine' | 'mois';

export interface GridRange {
  view: ViewKind;
  from: string;
  to: string;
  previous: string | null;
  next: string | null;
  title: string;
}

function monthEnd(first: string): string {
  return `${first.slice(0, 8)}${String(daysInMonth(Number(first.slice(0, 4)), Number(first.slice(5, 7)))).padStart(2, '0')}`;
}

/**
 * The days shown: the week (Monday to Sunday) or the month holding `anchor`, cut to the published window; the
 * previous and next periods only when they reach into the window. Without an anchor: today's week, or next week
 * on a weekend, since that is the one a family plans for.
 */
export function gridRange(view: ViewKind, anchor: string | null, today: string, window: { from: string; to: string }): GridRange {
  return keptRanges(`${view}|${anchor ?? ''}|${today}|${window.from}|${window.to}`);
}

// A pure function of its five strings, asked on every planning page with the same few: kept (src/shared/memo.ts),
// frozen since every page shares it; a test holds it to computeGridRange. The anchor is checked as an ISO day by the
// page before it comes here (ISO_DAY), so « | » never occurs inside a part.
const keptRanges = memoizeByString((key: string): GridRange => {
  const [view, anchor, today, from, to] = key.split('|') as [ViewKind, string, string, string, string];
  return Object.freeze(computeGridRange(view, anchor === '' ? null : anchor, today, { from, to }));
});

/** gridRange computed every time. */
export function computeGridRange(view: ViewKind, anchor: string | null, today: string, window: { from: string; to: string }): GridRange {
  let start = anchor ?? today;
  if (!anchor && view === 'semaine' && isWeekend(today)) start = addDays(today, 7);
  if (start < window.from) start = window.from;
  if (start > window.to) start = window.to;
  if (view === 'semaine') {
    const from = mondayOf(start);
    const to = addDays(from, 6);
    const previous = addDays(from, -7);
    const next = addDays(from, 7);
    return {
      view,
      from,
      to,
      previous: addDays(previous, 6) >= window.from ? previous : null,
      next: next <= window.to ? next : null,
      title: `Semaine du ${formatDayFr(from)}`,
    };
  }
  const from = `${start.slice(0, 7)}-01`;
  const to = monthEnd(from);
  const previous = `${addDays(from, -1).slice(0, 7)}-01`;
  const next = addDays(to, 1);
  return {
    view,
    from,
    to,
    previous: monthEnd(previous) >= window.from ? previous : null,
    next: next <= window.to ? next : null,
    title: `${monthNameFr(from)} ${from.slice(0, 4)}`.replace(/^./, (c) => c.toUpperCase()),
  };
}

export interface GridRow {
  service: ServiceRules;
  cells: CellView[];
}

/** The rows of a child for the range: one per published service row, weekend columns only where a service runs. */
export function childGrid(pc: PlanningContext, childId: number, range: GridRange): { days: string[]; rows: GridRow[] } {
  const planning = pc.publication.planning.children.find((c) => c.childId === childId);
  const rows: GridRow[] = (planning?.rows ?? []).map((row) => {
    const service = serviceRules(pc.settings, pc.publication, row.serviceId);
    const cells = row.cells.filter((c) => c.day >= range.from && c.day <= range.to).map((c) => cellView(pc, childId, service, c));
    return { service, cells };
  });
  const all = new Set(rows.flatMap((r) => r.cells.map((c) => c.day)));
  const days = [...all]
    .sort()
    .filter((day) => !isWeekend(day) || rows.some((r) => r.cells.some((c) => c.day === day && c.state !== 'closed')));
  for (const row of rows) row.cells = row.cells.filter((c) => days.includes(c.day));
  return { days, rows };
}

/**
 * The instants around `pc.now` between which no cell of the child's grid for the range can change (from inclusive,
 * until exclusive): cellView compares the instant only with each change's deadline of the day and with the published
 * « changeable until » (on time while before it), so the same publication, settings, local requests and day give the
 * same cells anywhere in that span. What planning/page.ts keeps a rendered grid for; a test holds the kept grid to a
 * fresh one at every one of these instants and beside them.
 */
export function gridStillFor(pc: PlanningContext, childId: number, range: GridRange): { from: number; until: number } {
  const now = pc.now.getTime();
  let from = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  const consider = (iso: string | undefined) => {
    if (iso === undefined) return;
    const at = Date.parse(iso);
    if (at <= now) from = Math.max(from, at);
    else until = Math.min(until, at);
  };
  const planning = pc.publication.planning.children.find((c) => c.childId === childId);
  for (const row of planning?.rows ?? []) {
    const service = serviceRules(pc.settings, pc.publication, row.serviceId);
    for (const cell of row.cells) {
      if (cell.day < range.from || cell.day > range.to) continue;
      consider(cell.changeableUntil);
      for (const action of FAMILY_CHANGES) consider(deadlineFor(service.rules[CHANGE_DEADLINE[action]], cell.day));
    }
  }
  // An instant that does not read (NaN) compares false either way: nothing can be kept.
  if (Number.isNaN(from) || Number.isNaN(until)) return { from: now, until: now };
  return { from, until };
}

/** One cell of the family's planning by its coordinates, or null when the publication has no such cell. */
export function findCell(pc: PlanningContext, childId: number, serviceId: number, day: string): { cell: CellView; service: ServiceRules } | null {
  const row = pc.publication.planning.children.find((c) => c.childId === childId)?.rows.find((r) => r.serviceId === serviceId);
  const published = row?.cells.find((c) => c.day === day);
  if (!published) return null;
  const service = serviceRules(pc.settings, pc.publication, serviceId);
  return { cell: cellView(pc, childId, service, published), service };
}
