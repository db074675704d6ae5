import type { Kysely, Transaction } from 'kysely';
import { tariffInForce } from '../../shared/billing/tariffs.js';
import { formatDayShortFr } from '../../shared/calendar/format.js';
import type { Clock } from '../../shared/clock.js';
import { pointedTimesProblems, type PointedTimes } from '../../shared/planning/times.js';
import { invalid, notFound } from '../api/handler.js';
import { writeAudit, type AuditChange } from '../audit/write.js';
import { loadTariffs } from '../billing/store.js';
import type { OfficeDb } from '../db/open.js';
import type { OfficeDatabase } from '../db/schema.js';
import { frenchDate } from './store.js';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/**
 * Arrival and departure pointed for services billed by time ('hh:mm', Paris wall clock), stored on the planning day
 * for the invoice run to count blocks with timeUnits. Checked with the billing's own timeProblem, never a second parser.
 */

/** The service's tariff in force on `day` bills by time. */
export async function billedByTime(db: Db, serviceId: number, day: string): Promise<boolean> {
  return tariffInForce(await loadTariffs(db, serviceId), day)?.unit === 'time';
}

const ARRIVAL = 'arrivée';
const DEPARTURE = 'départ';

/** Audit lines of the times changing on one planning day (« Cantine · 03/12/2026 · arrivée »). */
export function timeChanges(label: string, before: PointedTimes, after: PointedTimes): AuditChange[] {
  const changes: AuditChange[] = [];
  if (before.arrival !== after.arrival) changes.push({ field: `${label} · ${ARRIVAL}`, oldValue: before.arrival, newValue: after.arrival });
  if (before.departure !== after.departure) changes.push({ field: `${label} · ${DEPARTURE}`, oldValue: before.departure, newValue: after.departure });
  return changes;
}

export async function setPlanningTimes(
  db: OfficeDb,
  clock: Clock,
  userId: number,
  cell: { childId: number; serviceId: number; day: string } & PointedTimes,
): Promise<PointedTimes> {
  const after: PointedTimes = { arrival: cell.arrival, departure: cell.departure };
  const problems = pointedTimesProblems(after);
  if (problems) throw invalid(problems);
  const at = clock().toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('planning_days as p')
      .innerJoin('children as c', 'c.id', 'p.child_id')
      .innerJoin('families as f', 'f.id', 'c.family_id')
      .innerJoin('services as s', 's.id', 'p.service_id')
      .select(['p.attendance', 'p.arrival', 'p.departure', 'c.family_id', 'c.prenom', 'c.nom', 'c.archived_at', 'f.archived_at as family_archived_at', 's.name'])
      .where('p.child_id', '=', cell.childId)
      .where('p.service_id', '=', cell.serviceId)
      .where('p.day', '=', cell.day)
      .executeTakeFirst();
    if (!row) throw notFound('Aucun pointage pour cet enfant ce jour-là.');
    if (row.archived_at !== null || row.family_archived_at !== null) {
      throw invalid({ arrival: `${row.prenom} ${row.nom} est archivé : son pointage ne peut plus être modifié.` });
    }
    const clearing = after.arrival === null && after.departure === null;
    if (!clearing) {
      if (row.attendance !== 'present') throw invalid({ arrival: `Pointez d’abord ${row.prenom} ${row.nom} présent, puis ses heures.` });
      if (!(await billedByTime(trx, cell.serviceId, cell.day))) {
        throw invalid({ arrival: `${row.name} n’est pas facturé au temps le ${formatDayShortFr(cell.day)} : pas d’heures à pointer.` });
      }
    }
    const changes = timeChanges(`${row.name} · ${frenchDate(cell.day)}`, row, after);
    if (changes.length === 0) return after;
    await trx
      .updateTable('planning_days')
      .set({ arrival: after.arrival, departure: after.departure, updated_at: at, updated_by: userId })
      .where('child_id', '=', cell.childId)
      .where('service_id', '=', cell.serviceId)
      .where('day', '=', cell.day)
      .execute();
    await writeAudit(
      trx,
      { at, userId, entity: 'planning', entityId: cell.serviceId, action: 'Pointage', familyId: row.family_id, childId: cell.childId },
      changes,
    );
    return after;
  });
}
