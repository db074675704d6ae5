import { randomUUID } from 'node:crypto';
import { isIsoDay } from '../../shared/calendar/days.js';
import { parisDay } from '../../shared/clock.js';
import { ABSENCE_REASONS, type AbsenceReason } from '../../shared/planning/reasons.js';
import { judgeDayChange } from '../../shared/planning/transitions.js';
import { writeAudit } from '../audit/write.js';
import { DayBook } from '../planning/day-facts.js';
import { loadCalendar, loadServices, setPlanningDay } from '../planning/store.js';
import { chunks, refused, type Trx } from './common.js';

export interface AbsenceEvent {
  schoolId: number;
  classe: string | null;
  serviceIds: number[];
  days: string[];
  reason: AbsenceReason;
  comment: string;
  userId: number;
  at: string;
}

export const EVENT_MAX_DAYS = 31;

/**
 * A strike, a school trip, a teacher absent: every child of the school (or of one class) booked on those days and
 * services is marked absent at once. Each family gets an accepted absence request, so its file and the portal show
 * the absence like any other, and every planning change is audited.
 */
export async function declareEventAbsence(trx: Trx, event: AbsenceEvent): Promise<{ children: number; days: number }> {
  if (!(event.reason in ABSENCE_REASONS)) throw refused(`Motif d'absence inconnu : ${String(event.reason)}.`, 'reason');
  const days = [...new Set(event.days)].sort();
  if (days.length === 0) throw refused('Choisissez au moins un jour.', 'days');
  if (days.length > EVENT_MAX_DAYS) throw refused(`Un événement couvre ${EVENT_MAX_DAYS} jours au plus.`, 'days');
  if (days.some((day) => !isIsoDay(day))) throw refused('Un des jours est invalide.', 'days');
  const serviceIds = [...new Set(event.serviceIds)];
  if (serviceIds.length === 0) throw refused('Choisissez au moins un service.', 'serviceIds');
  const school = await trx.selectFrom('schools').select('name').where('id', '=', event.schoolId).executeTakeFirst();
  if (!school) throw refused('École inconnue.', 'schoolId');
  const services = await trx.selectFrom('services').select('id').where('id', 'in', serviceIds).execute();
  if (services.length !== serviceIds.length) throw refused('Service inconnu.', 'serviceIds');

  const booked = await trx
    .selectFrom('planning_days as pd')
    .innerJoin('children as c', 'c.id', 'pd.child_id')
    .innerJoin('families as f', 'f.id', 'c.family_id')
    .select(['pd.child_id', 'pd.service_id', 'pd.day', 'c.family_id'])
    .where('c.school_id', '=', event.schoolId)
    .$if(event.classe !== null && event.classe !== '', (query) => query.where('c.classe', '=', event.classe as string))
    .where('c.archived_at', 'is', null)
    .where('f.archived_at', 'is', null)
    .where('pd.service_id', 'in', serviceIds)
    .where('pd.day', 'in', days)
    .where('pd.state', '=', 'booked')
    .orderBy('c.family_id')
    .orderBy('pd.day')
    .execute();
  // The day's rules decide, as on the staff grid: a day already marked present (or closed) is left as it is.
  const [allServices, calendar] = await Promise.all([loadServices(trx), loadCalendar(trx)]);
  const book = await DayBook.load(trx, booked.map((cell) => ({ childId: cell.child_id, serviceId: cell.service_id, day: cell.day })), allServices, calendar);
  const at = new Date(event.at);
  const today = parisDay(at);
  const cells = booked.filter((cell) => {
    const judged = judgeDayChange(book.facts({ childId: cell.child_id, serviceId: cell.service_id, day: cell.day }), { change: 'absence', asker: 'grid', at, today });
    return judged.allowed && judged.effect.kind !== 'unchanged';
  });

  const comment = event.comment.trim().slice(0, 1000);
  const byFamily = new Map<number, typeof cells>();
  for (const cell of cells) byFamily.set(cell.family_id, [...(byFamily.get(cell.family_id) ?? []), cell]);
  for (const [familyId, familyCells] of byFamily) {
    const { id: requestId } = await trx
      .insertInto('requests')
      .values({
        uid: randomUUID(),
        family_id: familyId,
        kind: 'absence',
        absence_reason: event.reason,
        comment,
        certificate_document_id: null,
        payload: null,
        source: 'office',
        submitted_at: event.at,
        submitted_by: event.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const slice of chunks(familyCells, 300)) {
      await trx
        .insertInto('request_items')
        .values(
          slice.map((cell) => ({
            request_id: requestId,
            child_id: cell.child_id,
            service_id: cell.service_id,
            day: cell.day,
            status: 'accepted' as const,
            decided_at: event.at,
            decided_by: event.userId,
          })),
        )
        .execute();
    }
    for (const cell of familyCells) {
      const known = {
        before: book.storedDay({ childId: cell.child_id, serviceId: cell.service_id, day: cell.day }),
        familyId: cell.family_id,
        serviceName: book.service(cell.service_id)?.name ?? `Service n° ${cell.service_id}`,
      };
      await setPlanningDay(trx, {
        known,
        childId: cell.child_id,
        serviceId: cell.service_id,
        day: cell.day,
        state: 'absent',
        absenceReason: event.reason,
        userId: event.userId,
        at: event.at,
        auditLabel: `Absence collective (demande n° ${requestId})`,
      });
    }
  }

  const result = { children: new Set(cells.map((cell) => cell.child_id)).size, days: new Set(cells.map((cell) => cell.day)).size };
  await writeAudit(trx, { at: event.at, userId: event.userId, entity: 'event', entityId: event.schoolId, action: 'create' }, [
    {
      field: 'Absence collective',
      oldValue: null,
      newValue: `${ABSENCE_REASONS[event.reason]} · ${school.name}${event.classe ? ` (${event.classe})` : ''} · ${result.children} enfant(s), ${days.join(', ')}`,
    },
  ]);
  return result;
}
