import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ServiceConfig } from '../../shared/api/contract.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import type { CalendarData } from '../../shared/calendar/opening.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { ABSENCE_REASONS } from '../../shared/planning/reasons.js';
import { DEFAULT_DEADLINE_RULE, type AutoRules, type DeadlineRules } from '../../shared/planning/rules.js';
import { writeAudit, type AuditBatch } from '../audit/write.js';
import { officeQuery } from '../db/office-query.js';
import type { OfficeDatabase, ServiceTable } from '../db/schema.js';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

export type PlanningCalendar = CalendarData;

const schoolYearRows = officeQuery((db) => db.selectFrom('school_years').select(['start_date', 'end_date']).orderBy('start_date'));
const periodRows = officeQuery((db) =>
  db.selectFrom('calendar_periods').select(['kind', 'label', 'start_date', 'end_date', 'service_id']).orderBy('start_date'),
);

export async function loadCalendar(db: Db): Promise<PlanningCalendar> {
  const years = await schoolYearRows.all(db);
  const periods = await periodRows.all(db);
  return {
    schoolYears: years.map((y) => ({ startDate: y.start_date, endDate: y.end_date })),
    periods: periods.map((p) => ({
      kind: p.kind,
      label: p.label,
      startDate: p.start_date,
      endDate: p.end_date,
      serviceId: p.service_id,
    })),
  };
}

function numberList(text: string): number[] {
  return text === '' ? [] : text.split(',').map(Number);
}

function textList(text: string): string[] {
  return text === '' ? [] : text.split(',');
}

/** Rules stored before a kind existed fall back to the default (Wednesday of the previous week, 12:00). */
function parseDeadlines(json: string): DeadlineRules {
  const parsed = JSON.parse(json) as Partial<DeadlineRules>;
  return {
    booking: parsed.booking ?? DEFAULT_DEADLINE_RULE,
    cancel: parsed.cancel ?? DEFAULT_DEADLINE_RULE,
    absence: parsed.absence ?? DEFAULT_DEADLINE_RULE,
  };
}

function parseAutoRules(json: string): AutoRules {
  const parsed = JSON.parse(json) as Partial<AutoRules>;
  return { absencesOnTime: parsed.absencesOnTime ?? false, bookingsWithinCapacity: parsed.bookingsWithinCapacity ?? false };
}

export function toServiceConfig(row: Selectable<ServiceTable>, schoolIds: number[]): ServiceConfig {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    unit: row.unit,
    withMeal: row.with_meal === 1,
    capacity: row.capacity,
    weekdays: numberList(row.weekdays),
    period: row.period,
    levels: textList(row.levels),
    schoolIds,
    deadlines: parseDeadlines(row.deadline_rules),
    latePolicy: row.late_policy,
    autoRules: parseAutoRules(row.auto_rules),
    requiresInscription: row.requires_inscription === 1,
    active: row.active === 1,
  };
}

/** Every service (active or not), in the office's order, with parsed rules. */
const serviceRows = officeQuery((db) => db.selectFrom('services').selectAll().orderBy('sort_order').orderBy('id'));
const serviceSchoolRows = officeQuery((db) => db.selectFrom('service_schools').select(['service_id', 'school_id']).orderBy('school_id'));

export async function loadServices(db: Db): Promise<ServiceConfig[]> {
  const rows = await serviceRows.all(db);
  const links = await serviceSchoolRows.all(db);
  return rows.map((row) =>
    toServiceConfig(
      row,
      links.filter((link) => link.service_id === row.id).map((link) => link.school_id),
    ),
  );
}

export type PlanningState = 'booked' | 'cancelled' | 'absent';

export interface PlanningDayChange {
  childId: number;
  serviceId: number;
  day: string;
  state: PlanningState;
  absenceReason: AbsenceReason | null;
  userId: number | null;
  at: string;
  /** What the audit log shows as the change's origin, e.g. 'Saisie au planning' or 'Demande acceptée'. */
  auditLabel: string;
  /** The change was asked after its deadline (transitions.ts): billing reads it. */
  late?: boolean;
  /**
   * What the caller already holds in memory for a batch (a DayBook, the services, the child's family): the day as
   * stored before the change, so that deciding a thousand items reads nothing per item.
   */
  known?: KnownDay;
  /** Gather the audit row there instead of writing it now (the caller flushes it). */
  audit?: AuditBatch;
}

export interface KnownDay {
  before: { state: PlanningState; absenceReason?: string | null } | null;
  familyId: number | null;
  serviceName: string;
}

const STATE_TEXT: Record<PlanningState, string> = {
  booked: 'Réservé',
  cancelled: 'Annulé',
  absent: 'Absent',
};

/** The French text of a planning day's state in the audit log. */
export function planningStateText(state: PlanningState | null, reason: string | null): string | null {
  if (state === null) return null;
  if (state === 'absent' && reason) return `Absent (${ABSENCE_REASONS[reason as AbsenceReason] ?? reason})`;
  return STATE_TEXT[state];
}

/** 'YYYY-MM-DD' as 'DD/MM/YYYY'. */
export const frenchDate = shortDayFr;

// Built once (src/server/reusable-query.ts): deciding a thousand items writes a thousand days, and Kysely's building
// and compiling each cost more than SQLite's update.
const UPDATE_DAY = officeQuery(
  (db, childId: number, serviceId: number, day: string, state: PlanningState, reason: string | null, late: number, at: string, userId: number | null) =>
    db
      .updateTable('planning_days')
      .set({ state, absence_reason: reason, late, walk_in: 0, updated_at: at, updated_by: userId })
      .where('child_id', '=', childId)
      .where('service_id', '=', serviceId)
      .where('day', '=', day),
);

const INSERT_DAY = officeQuery(
  (db, childId: number, serviceId: number, day: string, state: PlanningState, reason: string | null, late: number, at: string, userId: number | null) =>
    db.insertInto('planning_days').values({
      child_id: childId,
      service_id: serviceId,
      day,
      state,
      absence_reason: reason,
      attendance: null,
      inscription_id: null,
      updated_at: at,
      updated_by: userId,
      late,
    }),
);

/** What setPlanningDay needs to know besides the change, read from the database. */
async function readDay(trx: Transaction<OfficeDatabase>, change: PlanningDayChange): Promise<KnownDay> {
  const [before, child, service] = await Promise.all([
    trx
      .selectFrom('planning_days')
      .select(['state', 'absence_reason'])
      .where('child_id', '=', change.childId)
      .where('service_id', '=', change.serviceId)
      .where('day', '=', change.day)
      .executeTakeFirst(),
    trx.selectFrom('children').select('family_id').where('id', '=', change.childId).executeTakeFirst(),
    trx.selectFrom('services').select('name').where('id', '=', change.serviceId).executeTakeFirst(),
  ]);
  return {
    before: before ? { state: before.state, absenceReason: before.absence_reason } : null,
    familyId: child?.family_id ?? null,
    serviceName: service?.name ?? `Service n° ${change.serviceId}`,
  };
}

/**
 * Sets one child's state for one service and day (insert or update) and writes its audit row, inside the caller's
 * transaction. A day left in the same state writes nothing (and answers false). Attendance already marked is kept.
 */
export async function setPlanningDay(trx: Transaction<OfficeDatabase>, change: PlanningDayChange): Promise<boolean> {
  const { before, familyId, serviceName } = change.known ?? (await readDay(trx, change));
  const reason = change.state === 'absent' ? change.absenceReason : null;
  if (before && before.state === change.state && (before.absenceReason ?? null) === reason) return false;
  const late = change.late ? 1 : 0;
  await (before ? UPDATE_DAY : INSERT_DAY).all(trx, change.childId, change.serviceId, change.day, change.state, reason, late, change.at, change.userId);
  const target = { at: change.at, userId: change.userId, entity: 'planning', entityId: change.serviceId, action: change.auditLabel, familyId, childId: change.childId };
  const audited = [
    {
      field: `${serviceName} · ${frenchDate(change.day)}`,
      oldValue: planningStateText(before?.state ?? null, before?.absenceReason ?? null),
      newValue: planningStateText(change.state, reason),
    },
  ];
  if (change.audit) change.audit.add(target, audited);
  else await writeAudit(trx, target, audited);
  return true;
}
