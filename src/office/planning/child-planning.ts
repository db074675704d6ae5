import { sql } from 'kysely';
import type { ChildPlanning, ServiceConfig } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import { dayRange } from '../../shared/calendar/days.js';
import { openingOn, type CalendarData } from '../../shared/calendar/opening.js';
import type { PlanningCell } from '../../shared/planning/cells.js';
import { deadlineFor } from '../../shared/planning/deadlines.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { notFound } from '../api/handler.js';
import type { OfficeDb } from '../db/open.js';
import { officeQuery } from '../db/office-query.js';
import { PLANNING_STAFF } from './access.js';
import { loadCalendar, loadServices } from './store.js';

interface StoredDay {
  state: 'booked' | 'cancelled' | 'absent';
  absenceReason: string | null;
  attendance: 'present' | 'absent' | null;
}

interface ItemOnDay {
  id: number;
  kind: 'book' | 'cancel' | 'absence' | 'data_change' | 'photo';
  reason: string | null;
  refusalReason: string | null;
}

const PENDING_STATE = { book: 'booking_requested', cancel: 'cancel_requested', absence: 'absence_requested' } as const;

/**
 * One cell: closed days first (nothing can happen there), then a pending request (the 🚧 the agent must see),
 * then what was marked at attendance, then the stored state, then a refusal on an otherwise empty day.
 */
export function cellFor(
  service: ServiceConfig,
  day: string,
  calendar: CalendarData,
  stored: StoredDay | undefined,
  pending: ItemOnDay | undefined,
  refused: ItemOnDay | undefined,
): PlanningCell {
  const opening = openingOn(service, day, calendar);
  if (!opening.open) return { day, state: 'closed', closedWhy: opening.why };
  if (pending && (pending.kind === 'book' || pending.kind === 'cancel' || pending.kind === 'absence')) {
    const cell: PlanningCell = { day, state: PENDING_STATE[pending.kind], pendingItemId: pending.id };
    if (pending.kind === 'absence' && pending.reason) cell.absenceReason = pending.reason as AbsenceReason;
    return cell;
  }
  if (stored) {
    if (stored.attendance === 'present') return { day, state: 'present' };
    if (stored.state === 'absent') return { day, state: 'absent', ...(stored.absenceReason ? { absenceReason: stored.absenceReason as AbsenceReason } : {}) };
    if (stored.attendance === 'absent') return { day, state: 'absent_unnoticed' };
    if (stored.state === 'cancelled') return { day, state: 'cancelled' };
    // A booked day changes by a cancellation (or an absence): its deadline is the cancellation's.
    return { day, state: 'booked', changeableUntil: deadlineFor(service.deadlines.cancel, day) };
  }
  if (refused) return { day, state: 'refused', ...(refused.refusalReason ? { refusalReason: refused.refusalReason } : {}) };
  return { day, state: 'open', changeableUntil: deadlineFor(service.deadlines.booking, day) };
}

const childRow = officeQuery((db, childId: number) => db.selectFrom('children').select(['id', 'nom', 'prenom', 'archived_at']).where('id', '=', childId));
const inscriptionRows = officeQuery((db, childId: number, from: string, to: string) =>
  db.selectFrom('inscriptions').select('service_id').where('child_id', '=', childId).where('start_date', '<=', to).where('end_date', '>=', from),
);
const dayRows = officeQuery((db, childId: number, from: string, to: string) =>
  db
    .selectFrom('planning_days')
    .select(['service_id', 'day', 'state', 'absence_reason', 'attendance'])
    .where('child_id', '=', childId)
    .where('day', '>=', from)
    .where('day', '<=', to),
);
const itemRows = officeQuery((db, childId: number, from: string, to: string) =>
  db
    .selectFrom('request_items as i')
    .innerJoin('requests as r', 'r.id', 'i.request_id')
    .select(['i.id', 'i.service_id', 'i.day', 'i.status', 'i.refusal_reason', 'r.kind', 'r.absence_reason'])
    .where('i.child_id', '=', childId)
    .where('i.day', '>=', from)
    .where('i.day', '<=', to)
    .where('i.status', 'in', ['pending', 'refused'])
    // Oldest first, so the map below keeps the most recent item of each cell.
    .orderBy(sql`coalesce(${sql.ref('i.decided_at')}, ${sql.ref('r.submitted_at')})`)
    .orderBy('i.id'),
);

/**
 * A fixed handful of queries whatever the range: the child, services, calendar, inscriptions, days and requests,
 * one after the other (one SQLite connection: running them together gains nothing), each compiled once.
 */
export async function childPlanning(db: OfficeDb, role: Role, childId: number, from: string, to: string): Promise<ChildPlanning> {
  const child = await childRow.first(db, childId);
  if (!child) throw notFound('Enfant introuvable.');
  const services = await loadServices(db);
  const calendar = await loadCalendar(db);
  const inscriptions = await inscriptionRows.all(db, childId, from, to);
  const days = await dayRows.all(db, childId, from, to);
  const items = await itemRows.all(db, childId, from, to);

  const stored = new Map<string, StoredDay>();
  const serviceIds = new Set<number>(inscriptions.map((i) => i.service_id));
  for (const row of days) {
    stored.set(`${row.service_id}|${row.day}`, { state: row.state, absenceReason: row.absence_reason, attendance: row.attendance });
    serviceIds.add(row.service_id);
  }
  const pending = new Map<string, ItemOnDay>();
  const refused = new Map<string, ItemOnDay>();
  for (const item of items) {
    if (item.service_id === null || item.day === null) continue;
    const target = item.status === 'pending' ? pending : refused;
    target.set(`${item.service_id}|${item.day}`, { id: item.id, kind: item.kind, reason: item.absence_reason, refusalReason: item.refusal_reason });
    if (item.status === 'pending') serviceIds.add(item.service_id);
  }

  const range = dayRange(from, to);
  const editable = PLANNING_STAFF.includes(role) && child.archived_at === null;
  return {
    childId,
    childName: `${child.prenom} ${child.nom}`,
    days: range,
    rows: services
      .filter((service) => serviceIds.has(service.id))
      .map((service) => ({
        serviceId: service.id,
        serviceName: service.name,
        cells: range.map((day) => {
          const key = `${service.id}|${day}`;
          return cellFor(service, day, calendar, stored.get(key), pending.get(key), refused.get(key));
        }),
      })),
    actions: { edit: editable, markAttendance: editable },
  };
}
