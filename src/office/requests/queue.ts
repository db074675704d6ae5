import { sql } from 'kysely';
import type { QueueRow, RequestKind } from '../../shared/api/contract.js';
import { openingOn, type Opening } from '../../shared/calendar/opening.js';
import { parisDay } from '../../shared/clock.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { dayState, judgeDayChange, type DayState, type RefusalCode } from '../../shared/planning/transitions.js';
import type { OfficeDb } from '../db/open.js';
import { loadCalendar, loadServices } from '../planning/store.js';
import { isPlanningKind } from './common.js';
import { ibanVault } from '../sepa/iban-vault.js';
import { maskedChanges } from './sealed-changes.js';

/** The queue's words for what stands in the way of accepting an item now. */
function conflictText(code: RefusalCode, state: DayState, why: string): string {
  if (code === 'full') return 'Plus de place ce jour-là';
  if (code === 'already') return 'Jour déjà réservé';
  if (state === 'cancelled') return 'Jour déjà annulé';
  if (state === 'absent') return 'Absence déjà enregistrée ce jour-là';
  if (state === 'none') return "Ce jour n'est pas réservé";
  return why.replace(/\.$/, '');
}

interface PendingRow {
  item_id: number;
  request_id: number;
  submitted_at: string;
  family_id: number;
  family_name: string;
  child_id: number | null;
  child_name: string | null;
  child_archived: string | null;
  service_id: number | null;
  service_name: string | null;
  capacity: number | null;
  requires_inscription: number | null;
  day: string | null;
  kind: RequestKind;
  absence_reason: string | null;
  comment: string;
  late: number;
  changes: string | null;
  state: 'booked' | 'cancelled' | 'absent' | null;
  attendance: 'present' | 'absent' | null;
  registered: number;
}

/**
 * The validation queue: every pending item, oldest first, in one statement (plus one for the day counts), so that
 * thousands of pending requests open at once. Conflicts are what changed since the family asked.
 */
export async function loadQueue(db: OfficeDb): Promise<QueueRow[]> {
  const [pending, counts, services, calendar] = await Promise.all([
    sql<PendingRow>`
      SELECT i.id AS item_id, r.id AS request_id, r.submitted_at, r.family_id,
             r1.nom || ' ' || r1.prenom AS family_name,
             i.child_id, c.prenom || ' ' || c.nom AS child_name, c.archived_at AS child_archived,
             i.service_id, s.name AS service_name, s.capacity, s.requires_inscription,
             i.day, r.kind, r.absence_reason, r.comment, i.late,
             CASE WHEN r.kind = 'data_change' THEN r.payload END AS changes,
             pd.state, pd.attendance,
             EXISTS (SELECT 1 FROM inscriptions ins
                     WHERE ins.child_id = i.child_id AND ins.service_id = i.service_id
                       AND ins.start_date <= i.day AND ins.end_date >= i.day) AS registered
      FROM request_items i
      JOIN requests r ON r.id = i.request_id
      JOIN responsables r1 ON r1.family_id = r.family_id AND r1.rank = 1
      LEFT JOIN children c ON c.id = i.child_id
      LEFT JOIN services s ON s.id = i.service_id
      LEFT JOIN planning_days pd ON pd.child_id = i.child_id AND pd.service_id = i.service_id AND pd.day = i.day
      WHERE i.status = 'pending'
      ORDER BY r.submitted_at, i.id`.execute(db),
    sql<{ service_id: number; day: string; booked: number }>`
      SELECT x.service_id, x.day,
             (SELECT COUNT(*) FROM planning_days pd
              WHERE pd.service_id = x.service_id AND pd.day = x.day AND pd.state = 'booked') AS booked
      FROM (SELECT DISTINCT i.service_id, i.day FROM request_items i JOIN requests r ON r.id = i.request_id
            WHERE i.status = 'pending' AND r.kind = 'book') x`.execute(db),
    loadServices(db),
    loadCalendar(db),
  ]);
  const booked = new Map(counts.rows.map((row) => [`${row.service_id}:${row.day}`, Number(row.booked)]));
  const serviceById = new Map(services.map((service) => [service.id, service]));
  const openings = new Map<string, Opening>();
  const openingFor = (serviceId: number, day: string): Opening => {
    const key = `${serviceId}:${day}`;
    let opening = openings.get(key);
    if (!opening) {
      const service = serviceById.get(serviceId);
      opening = service ? openingOn(service, day, calendar) : { open: false, why: 'Service supprimé' };
      openings.set(key, opening);
    }
    return opening;
  };
  // Pending bookings take their places in the queue's order (oldest first): the second booking of a day with one
  // place left shows the conflict, as accepting both in that order would refuse it.
  const queued = new Map<string, number>();

  return pending.rows.map((row) => {
    const conflicts: string[] = [];
    let capacityLeft: number | null = null;
    if (row.child_archived !== null) conflicts.push("Fiche de l'enfant archivée depuis la demande");
    const service = row.service_id !== null ? serviceById.get(row.service_id) : undefined;
    if (row.service_id !== null && row.day !== null && isPlanningKind(row.kind)) {
      const place = `${row.service_id}:${row.day}`;
      const taken = (booked.get(place) ?? 0) + (queued.get(place) ?? 0);
      const opening = openingFor(row.service_id, row.day);
      const stored = row.state === null ? null : { state: row.state, attendance: row.attendance };
      const judged = service
        ? judgeDayChange(
            {
              day: row.day,
              opening,
              inscription: { required: row.requires_inscription === 1, held: row.registered === 1 },
              stored,
              pending: false,
              places: { booked: taken, capacity: row.capacity },
              rules: { deadlines: service.deadlines, latePolicy: service.latePolicy },
            },
            { change: row.kind, asker: 'decision', at: new Date(row.submitted_at), today: parisDay(new Date(row.submitted_at)) },
          )
        : null;
      if (!judged || !opening.open) conflicts.push(`Service fermé ce jour-là depuis la demande (${opening.open ? 'service supprimé' : opening.why})`);
      else if (!judged.allowed) conflicts.push(conflictText(judged.code, dayState(stored), judged.why));
      else conflicts.push(...judged.warnings);
      if (row.kind === 'book' && row.capacity !== null) capacityLeft = row.capacity - taken - 1;
      if (row.kind === 'book' && judged?.allowed) queued.set(place, (queued.get(place) ?? 0) + 1);
    }
    return {
      itemId: row.item_id,
      requestId: row.request_id,
      submittedAt: row.submitted_at,
      familyId: row.family_id,
      familyName: row.family_name,
      childId: row.child_id,
      childName: row.child_name ?? '',
      serviceId: row.service_id,
      serviceName: row.service_name ?? '',
      day: row.day,
      kind: row.kind,
      reason: row.absence_reason as AbsenceReason | null,
      comment: row.comment,
      late: row.late === 1,
      capacityLeft,
      conflicts,
      changes: row.changes ? maskedChanges(ibanVault(db), row.changes) : [],
    };
  });
}
