import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Inscription, ServiceConfig } from '../../shared/api/contract.js';
import { addDays } from '../../shared/calendar/days.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import type { CalendarData } from '../../shared/calendar/opening.js';
import { parisDay } from '../../shared/clock.js';
import { judgeDayChange } from '../../shared/planning/transitions.js';
import { ALL_STAFF, invalid, notFound, type Handlers } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import type { OfficeDatabase } from '../db/schema.js';
import { PLANNING_STAFF } from './access.js';
import { DayBook } from './day-facts.js';
import { inscriptionDays, insertPlanningRows, schoolYearSpans } from './generate.js';
import { id, isoDay, orderedRange, weekdays } from './schemas.js';
import { frenchDate, loadCalendar, loadServices } from './store.js';

const WEEKDAY_SHORT = ['', 'lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim'];

function describePattern(startDate: string, endDate: string, days: readonly number[]): string {
  return `du ${frenchDate(startDate)} au ${frenchDate(endDate)}, ${[...days].sort().map((d) => WEEKDAY_SHORT[d]).join(', ')}`;
}

type Trx = Transaction<OfficeDatabase>;

/** How many full days a refusal names before it counts the others. */
const FULL_DAYS_NAMED = 5;

/**
 * An inscription books its days as a staff booking would: a day already full is not booked without a word. The
 * whole inscription is refused, naming the full days, so the agent chooses (other weekdays, a later start, or a
 * higher capacity) instead of finding a planning that silently lacks days. Days the child already has are not new.
 */
async function refuseOverCapacity(trx: Trx, service: ServiceConfig, calendar: CalendarData, wanted: { childId: number; days: string[] }[], now: Date): Promise<void> {
  if (service.capacity === null) return;
  const cells = wanted.flatMap(({ childId, days }) => days.map((day) => ({ childId, serviceId: service.id, day })));
  const book = await DayBook.load(trx, cells, [service], calendar);
  const full: string[] = [];
  const today = parisDay(now);
  for (const cell of cells) {
    if (book.storedDay(cell)) continue;
    const judged = judgeDayChange(book.facts(cell), { change: 'book', asker: 'grid', at: now, today });
    if (judged.allowed) book.record(cell, judged.effect);
    else if (judged.code === 'full' && !full.includes(cell.day)) full.push(cell.day);
  }
  if (full.length === 0) return;
  full.sort();
  const named = full.slice(0, FULL_DAYS_NAMED).map((day) => `${formatDayFr(day)} (${book.bookedOn(service.id, day)}/${service.capacity})`);
  const more = full.length > FULL_DAYS_NAMED ? ` et ${full.length - FULL_DAYS_NAMED} autre${full.length - FULL_DAYS_NAMED > 1 ? 's' : ''} jour${full.length - FULL_DAYS_NAMED > 1 ? 's' : ''}` : '';
  const message = `${service.name} est complet le ${named.join(', le ')}${more} : l'inscription n'est pas enregistrée. Choisissez d'autres jours ou une autre date de début, ou augmentez la capacité du service.`;
  throw invalid({ weekdays: message }, message);
}

async function serviceOrFail(trx: Trx, serviceId: number): Promise<ServiceConfig> {
  const service = (await loadServices(trx)).find((s) => s.id === serviceId);
  if (!service) throw invalid({ serviceId: 'Service inconnu.' });
  return service;
}

function checkWeekdays(service: ServiceConfig, days: readonly number[]): void {
  const outside = days.filter((day) => !service.weekdays.includes(day));
  if (outside.length > 0) {
    throw invalid({ weekdays: `${service.name} n'a pas lieu le ${outside.map((d) => WEEKDAY_SHORT[d]).join(', ')}.` });
  }
}

function toInscription(
  row: { id: number; child_id: number; service_id: number; start_date: string; end_date: string; weekdays: string; ended_at: string | null },
  serviceName: string,
): Inscription {
  return {
    id: row.id,
    childId: row.child_id,
    serviceId: row.service_id,
    serviceName,
    startDate: row.start_date,
    endDate: row.end_date,
    weekdays: row.weekdays.split(',').map(Number),
    endedAt: row.ended_at,
  };
}

const createArgs = orderedRange(
  z.object({
    childIds: z
      .array(id)
      .min(1, 'Choisissez au moins un enfant.')
      .max(12, 'Au plus 12 enfants à la fois.')
      .refine((ids) => new Set(ids).size === ids.length, 'Un enfant est choisi deux fois.'),
    serviceId: id,
    startDate: isoDay,
    endDate: isoDay,
    weekdays,
  }),
);

const updateArgs = z.object({ id, from: isoDay, endDate: isoDay, weekdays });

type InscriptionMethod = 'inscriptions.list' | 'inscriptions.create' | 'inscriptions.update';

export const inscriptionHandlers: Handlers<InscriptionMethod> = {
  'inscriptions.list': {
    access: ALL_STAFF,
    args: z.object({ childId: id }),
    async run({ db }, { childId }) {
      const rows = await db
        .selectFrom('inscriptions as i')
        .innerJoin('services as s', 's.id', 'i.service_id')
        .select(['i.id', 'i.child_id', 'i.service_id', 'i.start_date', 'i.end_date', 'i.weekdays', 'i.ended_at', 's.name'])
        .where('i.child_id', '=', childId)
        .orderBy('i.start_date', 'desc')
        .orderBy('s.sort_order')
        .execute();
      return rows.map((row) => toInscription(row, row.name));
    },
  },

  'inscriptions.create': {
    access: PLANNING_STAFF,
    args: createArgs,
    async run({ db, clock, user }, args) {
      const at = clock().toISOString();
      return db.transaction().execute(async (trx) => {
        const service = await serviceOrFail(trx, args.serviceId);
        if (!service.active) throw invalid({ serviceId: `${service.name} n'est plus proposé.` });
        checkWeekdays(service, args.weekdays);
        const calendar = await loadCalendar(trx);
        const span = schoolYearSpans(calendar).find((s) => s.startDate <= args.startDate && args.endDate <= s.endDate);
        if (!span) {
          throw invalid({ endDate: "La période doit tenir dans une seule année scolaire : inscrivez l'enfant année par année." });
        }

        const children = await trx
          .selectFrom('children as c')
          .innerJoin('families as f', 'f.id', 'c.family_id')
          .leftJoin('schools as s', 's.id', 'c.school_id')
          .select(['c.id', 'c.family_id', 'c.prenom', 'c.nom', 'c.classe', 'c.school_id', 'c.archived_at', 'f.archived_at as family_archived_at', 's.name as school'])
          .where('c.id', 'in', args.childIds)
          .execute();
        if (children.length !== args.childIds.length) throw notFound('Enfant introuvable.');
        for (const child of children) {
          const who = `${child.prenom} ${child.nom}`;
          if (child.archived_at !== null || child.family_archived_at !== null) {
            throw invalid({ childIds: `${who} est archivé : réactivez son dossier avant de l'inscrire.` });
          }
          if (service.levels.length > 0 && !service.levels.includes(child.classe)) {
            throw invalid({ childIds: `${service.name} n'accueille pas la classe de ${who} (${child.classe || 'classe non renseignée'}).` });
          }
          if (service.schoolIds.length > 0 && (child.school_id === null || !service.schoolIds.includes(child.school_id))) {
            throw invalid({ childIds: `${service.name} n'accueille pas les enfants de l'école de ${who} (${child.school ?? 'école non renseignée'}).` });
          }
          const overlapping = await trx
            .selectFrom('inscriptions')
            .select(['start_date', 'end_date'])
            .where('child_id', '=', child.id)
            .where('service_id', '=', service.id)
            .where('start_date', '<=', args.endDate)
            .where('end_date', '>=', args.startDate)
            .executeTakeFirst();
          if (overlapping) {
            throw invalid({
              childIds: `${who} est déjà inscrit à ${service.name} du ${frenchDate(overlapping.start_date)} au ${frenchDate(overlapping.end_date)} : modifiez cette inscription.`,
            });
          }
        }

        const days = inscriptionDays(service, calendar, args.startDate, args.endDate, args.weekdays);
        await refuseOverCapacity(trx, service, calendar, args.childIds.map((childId) => ({ childId, days })), clock());
        const weekdayText = [...args.weekdays].sort().join(',');
        const created: Inscription[] = [];
        for (const childId of args.childIds) {
          const child = children.find((c) => c.id === childId);
          if (!child) continue;
          const row = await trx
            .insertInto('inscriptions')
            .values({
              child_id: childId,
              service_id: service.id,
              start_date: args.startDate,
              end_date: args.endDate,
              weekdays: weekdayText,
              created_at: at,
              created_by: user.id,
              ended_at: null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await insertPlanningRows(
            trx,
            days.map((day) => ({
              child_id: childId,
              service_id: service.id,
              day,
              state: 'booked' as const,
              absence_reason: null,
              attendance: null,
              inscription_id: row.id,
              updated_at: at,
              updated_by: user.id,
            })),
          );
          await writeAudit(
            trx,
            { at, userId: user.id, entity: 'inscription', entityId: row.id, action: 'create', familyId: child.family_id, childId },
            [{ field: `Inscription · ${service.name}`, oldValue: null, newValue: `${describePattern(args.startDate, args.endDate, args.weekdays)} (${days.length} jours réservés)` }],
          );
          created.push(toInscription(row, service.name));
        }
        return created;
      });
    },
  },

  'inscriptions.update': {
    access: PLANNING_STAFF,
    args: updateArgs,
    async run({ db, clock, user }, args) {
      const now = clock();
      const at = now.toISOString();
      return db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('inscriptions').selectAll().where('id', '=', args.id).executeTakeFirst();
        if (!before) throw notFound('Inscription introuvable.');
        const service = await serviceOrFail(trx, before.service_id);
        checkWeekdays(service, args.weekdays);
        if (args.from < before.start_date) throw invalid({ from: `L'inscription commence le ${frenchDate(before.start_date)}.` });
        if (args.endDate < addDays(args.from, -1)) {
          throw invalid({ endDate: 'La date de fin ne peut pas précéder la date de prise en compte.' });
        }
        const calendar = await loadCalendar(trx);
        const span = schoolYearSpans(calendar).find((s) => s.startDate <= before.start_date && before.start_date <= s.endDate);
        if (!span || args.endDate > span.endDate) {
          throw invalid({ endDate: "La période doit tenir dans une seule année scolaire : inscrivez l'enfant année par année." });
        }
        const child = await trx.selectFrom('children').select(['family_id', 'archived_at']).where('id', '=', before.child_id).executeTakeFirstOrThrow();

        // The past is what happened: only days from the later of `from` and today (in Paris) move.
        const today = parisDay(now);
        const effective = args.from > today ? args.from : today;
        const wanted = new Set(inscriptionDays(service, calendar, effective, args.endDate, args.weekdays));
        const current = await trx
          .selectFrom('planning_days')
          .select(['day', 'attendance'])
          .where('inscription_id', '=', before.id)
          .where('day', '>=', effective)
          .execute();
        const removable = current.filter((row) => !wanted.has(row.day) && row.attendance === null).map((row) => row.day);
        await refuseOverCapacity(trx, service, calendar, [{ childId: before.child_id, days: [...wanted] }], now);
        for (let start = 0; start < removable.length; start += 500) {
          await trx
            .deleteFrom('planning_days')
            .where('inscription_id', '=', before.id)
            .where('child_id', '=', before.child_id)
            .where('service_id', '=', before.service_id)
            .where('day', 'in', removable.slice(start, start + 500))
            .execute();
        }
        await insertPlanningRows(
          trx,
          [...wanted].map((day) => ({
            child_id: before.child_id,
            service_id: before.service_id,
            day,
            state: 'booked' as const,
            absence_reason: null,
            attendance: null,
            inscription_id: before.id,
            updated_at: at,
            updated_by: user.id,
          })),
        );
        const weekdayText = [...args.weekdays].sort().join(',');
        const after = await trx
          .updateTable('inscriptions')
          .set({
            end_date: args.endDate,
            weekdays: weekdayText,
            ended_at: args.endDate < before.end_date ? at : before.ended_at,
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'inscription', entityId: before.id, action: 'update', familyId: child.family_id, childId: before.child_id },
          [
            {
              field: `Inscription · ${service.name} (à partir du ${frenchDate(effective)})`,
              oldValue: describePattern(before.start_date, before.end_date, before.weekdays.split(',').map(Number)),
              newValue: describePattern(before.start_date, args.endDate, args.weekdays),
            },
          ],
        );
        return toInscription(after, service.name);
      });
    },
  },
};
