import type { PlanningAction } from '../../shared/api/contract.js';
import { parisDay, type Clock } from '../../shared/clock.js';
import { judgeDayChange } from '../../shared/planning/transitions.js';
import { invalid } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import { DayBook } from './day-facts.js';
import { frenchDate, loadCalendar, loadServices, setPlanningDay } from './store.js';
import { timeChanges } from './times.js';

const ATTENDANCE_TEXT = { present: 'Présent', absent: 'Absent sans prévenir' } as const;
const STAFF_EDIT = 'Saisie au planning';

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

    const familyOf = new Map(children.map((child) => [child.id, child.family_id]));
    for (const cell of cells) if (!services.some((s) => s.id === cell.serviceId)) throw invalid({ cells: 'Service inconnu.' });
    const book = await DayBook.load(trx, cells, services, calendar);
    // Pointed times of the cells (services billed by time), read at once: an attendance no longer « present » clears them.
    const pointed = await trx
      .selectFrom('planning_days')
      .select(['child_id', 'service_id', 'day', 'arrival', 'departure'])
      .where('child_id', 'in', childIds)
      .where('day', 'in', [...new Set(cells.map((c) => c.day))])
      .where((eb) => eb.or([eb('arrival', 'is not', null), eb('departure', 'is not', null)]))
      .execute();
    const timesOf = new Map(pointed.map((row) => [`${row.child_id}|${row.service_id}|${row.day}`, row]));
    const change = action.kind === 'absent' ? 'absence' : action.kind;
    const outcome: ApplyOutcome = { changed: 0, skipped: [] };
    for (const cell of cells) {
      const service = book.service(cell.serviceId)!;
      const before = book.storedDay(cell);
      const judged = judgeDayChange(book.facts(cell), { change, asker: 'grid', at: now, today });
      if (!judged.allowed) {
        outcome.skipped.push({ day: cell.day, why: judged.why });
        continue;
      }
      const effect = judged.effect;
      if (effect.kind === 'unchanged') continue;
      const familyId = familyOf.get(cell.childId) ?? null;
      // The DayBook holds the day as stored: setPlanningDay reads nothing per cell.
      const known = { before, familyId, serviceName: service.name };
      const base = { childId: cell.childId, serviceId: cell.serviceId, day: cell.day, userId, at, auditLabel: STAFF_EDIT, known };
      if (effect.kind === 'state') {
        const reason = action.kind === 'absent' ? action.reason : null;
        const changed = await setPlanningDay(trx, { ...base, state: effect.state, absenceReason: reason, late: judged.late });
        book.record(cell, effect, { absenceReason: reason, late: judged.late });
        if (changed) outcome.changed += 1;
        continue;
      }
      if (effect.walkIn) {
        // A child who came without a booking is booked after the fact, so billing and counts see the day.
        await setPlanningDay(trx, { ...base, state: 'booked', absenceReason: null, auditLabel: 'Présent sans réservation' });
      }
      await trx
        .updateTable('planning_days')
        .set({
          attendance: effect.attendance,
          ...(effect.walkIn ? { walk_in: 1 } : effect.attendance === null ? { walk_in: 0 } : {}),
          ...(effect.attendance === 'present' ? {} : { arrival: null, departure: null }),
          updated_at: at,
          updated_by: userId,
        })
        .where('child_id', '=', cell.childId)
        .where('service_id', '=', cell.serviceId)
        .where('day', '=', cell.day)
        .execute();
      book.record(cell, effect);
      const was = before?.attendance ?? null;
      const label = `${service.name} · ${frenchDate(cell.day)}`;
      const times = timesOf.get(`${cell.childId}|${cell.serviceId}|${cell.day}`);
      await writeAudit(
        trx,
        { at, userId, entity: 'planning', entityId: cell.serviceId, action: 'Pointage', familyId, childId: cell.childId },
        [
          {
            field: label,
            oldValue: was ? ATTENDANCE_TEXT[was] : null,
            newValue: effect.attendance ? ATTENDANCE_TEXT[effect.attendance] : null,
          },
          ...(times && effect.attendance !== 'present' ? timeChanges(label, times, { arrival: null, departure: null }) : []),
        ],
      );
      outcome.changed += 1;
    }
    return outcome;
  });
}
