import type { PlanningAction, ServiceConfig } from '../../shared/api/contract.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import { openingOn } from '../../shared/calendar/opening.js';
import { parisDay, type Clock } from '../../shared/clock.js';
import { invalid } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import { bookedCount, frenchDate, loadCalendar, loadServices, setPlanningDay } from './store.js';

const ATTENDANCE_TEXT = { present: 'Présent', absent: 'Absent sans prévenir' } as const;
const STAFF_EDIT = 'Saisie au planning';

/** 'Complet : 300 places réservées sur 300 le lundi 7 décembre 2026'. */
function fullWhy(booked: number, capacity: number, day: string): string {
  const places = booked > 1 ? 'places réservées' : 'place réservée';
  return `Complet : ${booked} ${places} sur ${capacity} le ${formatDayFr(day)}`;
}

export interface ApplyOutcome {
  changed: number;
  skipped: { day: string; why: string }[];
}

/**
 * A staff edit of several cells at once, in one transaction. Closed days and impossible cells are skipped with the
 * French reason, so one holiday in a selection does not block the other days.
 */
export async function applyPlanning(
  db: OfficeDb,
  clock: Clock,
  userId: number,
  cells: { childId: number; serviceId: number; day: string }[],
  action: PlanningAction,
): Promise<ApplyOutcome> {
  const now = clock();
  const at = now.toISOString();
  const today = parisDay(now);
  return db.transaction().execute(async (trx) => {
    const [services, calendar] = await Promise.all([loadServices(trx), loadCalendar(trx)]);
    const childIds = [...new Set(cells.map((c) => c.childId))];
    const children = await trx
      .selectFrom('children as c')
      .innerJoin('families as f', 'f.id', 'c.family_id')
      .select(['c.id', 'c.family_id', 'c.prenom', 'c.nom', 'c.archived_at', 'f.archived_at as family_archived_at'])
      .where('c.id', 'in', childIds)
      .execute();
    for (const childId of childIds) {
      const child = children.find((c) => c.id === childId);
      if (!child) throw invalid({ cells: 'Enfant introuvable.' });
      if (child.archived_at !== null || child.family_archived_at !== null) {
        throw invalid({ cells: `${child.prenom} ${child.nom} est archivé : son planning ne peut plus être modifié.` });
      }
    }

    const outcome: ApplyOutcome = { changed: 0, skipped: [] };
    for (const cell of cells) {
      const service = services.find((s) => s.id === cell.serviceId);
      if (!service) throw invalid({ cells: 'Service inconnu.' });
      const opening = openingOn(service, cell.day, calendar);
      if (!opening.open) {
        outcome.skipped.push({ day: cell.day, why: opening.why });
        continue;
      }
      const where = trx
        .selectFrom('planning_days')
        .select(['state', 'attendance'])
        .where('child_id', '=', cell.childId)
        .where('service_id', '=', cell.serviceId)
        .where('day', '=', cell.day);
      const base = { childId: cell.childId, serviceId: cell.serviceId, day: cell.day, userId, at, auditLabel: STAFF_EDIT };

      if (action.kind === 'book' || action.kind === 'cancel' || action.kind === 'absent') {
        const existing = await where.executeTakeFirst();
        if (action.kind !== 'book' && !existing) {
          outcome.skipped.push({ day: cell.day, why: 'Pas de réservation ce jour-là.' });
          continue;
        }
        // Counted inside the transaction, so the bookings made earlier in this same call take their places too.
        if (action.kind === 'book' && existing?.state !== 'booked') {
          const full = await fullOn(trx, service, cell.day);
          if (full) {
            outcome.skipped.push({ day: cell.day, why: full });
            continue;
          }
        }
        const state = action.kind === 'book' ? 'booked' : action.kind === 'cancel' ? 'cancelled' : 'absent';
        const changed = await setPlanningDay(trx, { ...base, state, absenceReason: action.kind === 'absent' ? action.reason : null });
        if (changed) outcome.changed += 1;
        continue;
      }

      // Attendance is what happened: it cannot be marked ahead.
      if (cell.day > today) {
        outcome.skipped.push({ day: cell.day, why: 'Le pointage se fait le jour même ou après.' });
        continue;
      }
      let existing = await where.executeTakeFirst();
      if (!existing && action.kind === 'present') {
        // A child who came without a booking is booked after the fact, so billing and counts see the day.
        await setPlanningDay(trx, { ...base, state: 'booked', absenceReason: null });
        existing = { state: 'booked', attendance: null };
      }
      if (!existing) {
        if (action.kind === 'absent_unnoticed') outcome.skipped.push({ day: cell.day, why: 'Pas de réservation ce jour-là.' });
        continue;
      }
      const attendance = action.kind === 'present' ? 'present' : action.kind === 'absent_unnoticed' ? 'absent' : null;
      if (existing.attendance === attendance) continue;
      await trx
        .updateTable('planning_days')
        .set({ attendance, updated_at: at, updated_by: userId })
        .where('child_id', '=', cell.childId)
        .where('service_id', '=', cell.serviceId)
        .where('day', '=', cell.day)
        .execute();
      const child = children.find((c) => c.id === cell.childId);
      await writeAudit(
        trx,
        { at, userId, entity: 'planning', entityId: cell.serviceId, action: 'Pointage', familyId: child?.family_id ?? null, childId: cell.childId },
        [
          {
            field: `${service.name} · ${frenchDate(cell.day)}`,
            oldValue: existing.attendance ? ATTENDANCE_TEXT[existing.attendance] : null,
            newValue: attendance ? ATTENDANCE_TEXT[attendance] : null,
          },
        ],
      );
      outcome.changed += 1;
    }
    return outcome;
  });
}

/** The French reason a service cannot take one more child on a day, or null while it can (no capacity: no limit). */
async function fullOn(trx: Parameters<typeof bookedCount>[0], service: ServiceConfig, day: string): Promise<string | null> {
  if (service.capacity === null) return null;
  const booked = await bookedCount(trx, service.id, day);
  return booked >= service.capacity ? fullWhy(booked, service.capacity, day) : null;
}
