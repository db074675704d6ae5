import type { Insertable, Transaction } from 'kysely';
import type { ServiceConfig } from '../../shared/api/contract.js';
import { isoWeekday } from '../../shared/calendar/days.js';
import type { InscriptionTable, OfficeDatabase, PlanningDayTable } from '../db/schema.js';
import { inscriptionDays, insertPlanningRows, schoolYearSpans } from '../planning/generate.js';
import { loadCalendar, loadServices } from '../planning/store.js';
import { seededRandom } from './prng.js';

/** Above this many families the demo leaves inscriptions out: the benchmark commune measures the family file. */
export const DEMO_INSCRIPTIONS_MAX_FAMILIES = 2000;

const SCHOOL_WEEK = [1, 2, 4, 5];

/** Places the demo leaves free on each day (5 %, at least one), so that an agent trying the demo can still book. */
export function demoReserve(capacity: number): number {
  return Math.max(1, Math.ceil(capacity * 0.05));
}

/**
 * Inscriptions of the demo children for the school year under way (or the next one in the summer), with their
 * booked days: about 75 % at the canteen, 25 % at the accueil du soir, 15 % du matin, 20 % on Wednesdays.
 * A random stream of its own, so adding this left the families and children of a given seed unchanged.
 */
export async function seedDemoInscriptions(
  trx: Transaction<OfficeDatabase>,
  children: { id: number }[],
  seed: number,
  today: string,
  now: string,
): Promise<number> {
  const [services, calendar] = await Promise.all([loadServices(trx), loadCalendar(trx)]);
  const year = calendar.schoolYears
    .filter((y) => y.endDate >= today)
    .sort((a, b) => a.startDate.localeCompare(b.startDate))[0];
  if (!year || children.length === 0) return 0;
  const span = schoolYearSpans(calendar).find((s) => s.startDate === year.startDate);
  if (!span) return 0;
  const byCode = new Map(services.map((s) => [s.code, s]));

  // Each service's open days of the year, computed once; a child's pattern then only filters by weekday.
  const openDays = new Map<number, { day: string; weekday: number }[]>();
  const daysOf = (service: ServiceConfig) => {
    let days = openDays.get(service.id);
    if (!days) {
      days = inscriptionDays(service, calendar, year.startDate, year.endDate, service.weekdays).map((day) => ({ day, weekday: isoWeekday(day) }));
      openDays.set(service.id, days);
    }
    return days;
  };

  const random = seededRandom(seed ^ 0x5eed);
  const first = await trx.selectFrom('inscriptions').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
  let nextId = Number(first?.max ?? 0) + 1;
  const inscriptions: Insertable<InscriptionTable>[] = [];
  const planning: Insertable<PlanningDayTable>[] = [];
  // Places taken per service and day: an inscription that would take a day over the service's capacity (less a
  // reserve left for the counter) is not made, as the office refuses it (inscriptions.ts).
  const taken = new Map<string, number>();
  const register = (childId: number, code: string, weekdays: number[]) => {
    const service = byCode.get(code);
    if (!service) return;
    const days = daysOf(service).filter(({ weekday }) => weekdays.includes(weekday));
    if (service.capacity !== null) {
      const limit = service.capacity - demoReserve(service.capacity);
      if (days.some(({ day }) => (taken.get(`${service.id}:${day}`) ?? 0) + 1 > limit)) return;
      for (const { day } of days) taken.set(`${service.id}:${day}`, (taken.get(`${service.id}:${day}`) ?? 0) + 1);
    }
    const id = nextId;
    nextId += 1;
    inscriptions.push({
      id,
      child_id: childId,
      service_id: service.id,
      start_date: year.startDate,
      end_date: year.endDate,
      weekdays: [...weekdays].sort().join(','),
      created_at: now,
      created_by: null,
      ended_at: null,
    });
    for (const { day } of days) {
      planning.push({
        child_id: childId,
        service_id: service.id,
        day,
        state: 'booked',
        absence_reason: null,
        attendance: null,
        inscription_id: id,
        updated_at: now,
        updated_by: null,
      });
    }
  };
  const someDays = (count: number) => {
    const days = [...SCHOOL_WEEK];
    while (days.length > count) days.splice(random.int(0, days.length - 1), 1);
    return days;
  };

  for (const child of children) {
    if (random.chance(0.75)) register(child.id, 'cantine', random.chance(0.85) ? SCHOOL_WEEK : someDays(2));
    if (random.chance(0.25)) register(child.id, 'soir', random.chance(0.6) ? SCHOOL_WEEK : someDays(random.int(1, 3)));
    if (random.chance(0.15)) register(child.id, 'matin', random.chance(0.5) ? SCHOOL_WEEK : someDays(random.int(1, 3)));
    if (random.chance(0.2)) {
      register(child.id, 'mercredi_matin', [3]);
      if (random.chance(0.7)) register(child.id, 'mercredi_repas', [3]);
      if (random.chance(0.4)) register(child.id, 'mercredi_apres_midi', [3]);
    }
  }

  const size = 2000;
  for (let start = 0; start < inscriptions.length; start += size) {
    await trx.insertInto('inscriptions').values(inscriptions.slice(start, start + size)).execute();
  }
  await insertPlanningRows(trx, planning);
  return inscriptions.length;
}
