import { z } from 'zod';
import type { CalendarPeriod, CalendarView, SchoolYear } from '../../shared/api/contract.js';
import { publicHolidays } from '../../shared/calendar/holidays.js';
import { ALL_STAFF, invalid, notFound, type Handlers } from '../api/handler.js';
import { diffFields, writeAudit } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import { markFamiliesForDays, type ChangedDays } from '../sync/dirty.js';
import { ADMIN_ONLY } from './access.js';
import { frenchDate } from './store.js';
import { id, isoDay, orderedRange } from './schemas.js';

const PERIOD_KINDS = { holidays: 'Vacances scolaires', bridge: 'Pont', closure: 'Fermeture exceptionnelle' } as const;

const periodInput = orderedRange(
  z.object({
    id: id.nullable(),
    kind: z.enum(['holidays', 'bridge', 'closure'], 'Type de période inconnu.'),
    label: z.string().trim().min(1, 'Le libellé est obligatoire.').max(80, 'Au plus 80 caractères.'),
    startDate: isoDay,
    endDate: isoDay,
    serviceId: id.nullable(),
  }),
) as z.ZodType<Omit<CalendarPeriod, 'id'> & { id: number | null }>;

const schoolYearInput = orderedRange(
  z.object({
    id: id.nullable(),
    label: z.string().trim().regex(/^\d{4}-\d{4}$/, 'Libellé attendu : 2026-2027.'),
    startDate: isoDay,
    endDate: isoDay,
  }),
) as z.ZodType<Omit<SchoolYear, 'id'> & { id: number | null }>;

function periodShape(p: Omit<CalendarPeriod, 'id'>) {
  return {
    kind: PERIOD_KINDS[p.kind],
    label: p.label,
    startDate: frenchDate(p.startDate),
    endDate: frenchDate(p.endDate),
    serviceId: p.serviceId === null ? 'Tous' : String(p.serviceId),
  };
}
const PERIOD_LABELS = { kind: 'Type', label: 'Libellé', startDate: 'Début', endDate: 'Fin', serviceId: 'Service' } as const;

/** The days a period opens or closes: a closure for its service (or all), holidays and bridges for every service. */
function periodDays(row: { kind: CalendarPeriod['kind']; start_date: string; end_date: string; service_id: number | null }): ChangedDays {
  return { serviceId: row.kind === 'closure' ? row.service_id : null, from: row.start_date, to: row.end_date };
}

function toPeriod(row: { id: number; kind: CalendarPeriod['kind']; label: string; start_date: string; end_date: string; service_id: number | null }): CalendarPeriod {
  return { id: row.id, kind: row.kind, label: row.label, startDate: row.start_date, endDate: row.end_date, serviceId: row.service_id };
}

export async function calendarView(db: OfficeDb, from: string, to: string): Promise<CalendarView> {
  const [years, periods] = await Promise.all([
    db.selectFrom('school_years').selectAll().where('end_date', '>=', from).where('start_date', '<=', to).orderBy('start_date').execute(),
    db.selectFrom('calendar_periods').selectAll().where('end_date', '>=', from).where('start_date', '<=', to).orderBy('start_date').execute(),
  ]);
  const holidays: CalendarView['publicHolidays'] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year += 1) {
    holidays.push(...publicHolidays(year).filter((h) => h.day >= from && h.day <= to));
  }
  return {
    schoolYears: years.map((y) => ({ id: y.id, label: y.label, startDate: y.start_date, endDate: y.end_date })),
    periods: periods.map(toPeriod),
    publicHolidays: holidays,
  };
}

type CalendarMethod = 'calendar.get' | 'calendar.savePeriod' | 'calendar.removePeriod' | 'calendar.saveSchoolYear';

export const calendarHandlers: Handlers<CalendarMethod> = {
  'calendar.get': {
    access: ALL_STAFF,
    args: z.object({ from: isoDay, to: isoDay }),
    async run({ db }, { from, to }) {
      if (from > to) throw invalid({ to: 'La date de fin doit suivre la date de début.' });
      if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) > 10) throw invalid({ to: 'Période trop longue (10 ans au plus).' });
      return calendarView(db, from, to);
    },
  },
  'calendar.savePeriod': {
    access: ADMIN_ONLY,
    args: periodInput,
    async run({ db, clock, user }, input) {
      const at = clock().toISOString();
      return db.transaction().execute(async (trx) => {
        if (input.serviceId !== null) {
          const service = await trx.selectFrom('services').select('id').where('id', '=', input.serviceId).executeTakeFirst();
          if (!service) throw invalid({ serviceId: 'Service inconnu.' });
        }
        const before = input.id === null ? undefined : await trx.selectFrom('calendar_periods').selectAll().where('id', '=', input.id).executeTakeFirst();
        if (input.id !== null && !before) throw notFound('Période introuvable.');
        const row = { kind: input.kind, label: input.label, start_date: input.startDate, end_date: input.endDate, service_id: input.serviceId };
        const saved = before
          ? (await trx.updateTable('calendar_periods').set(row).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow())
          : (await trx.insertInto('calendar_periods').values(row).returningAll().executeTakeFirstOrThrow());
        const period = toPeriod(saved);
        await markFamiliesForDays(trx, before ? [periodDays(before), periodDays(saved)] : [periodDays(saved)], clock());
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'calendar', entityId: period.id, action: before ? 'update' : 'create' },
          diffFields(PERIOD_LABELS, before ? periodShape(toPeriod(before)) : null, periodShape(period)),
        );
        return period;
      });
    },
  },
  'calendar.removePeriod': {
    access: ADMIN_ONLY,
    args: z.object({ id }),
    async run({ db, clock, user }, { id: periodId }) {
      const at = clock().toISOString();
      return db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('calendar_periods').selectAll().where('id', '=', periodId).executeTakeFirst();
        if (!before) throw notFound('Période introuvable.');
        await trx.deleteFrom('calendar_periods').where('id', '=', periodId).execute();
        await markFamiliesForDays(trx, [periodDays(before)], clock());
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'calendar', entityId: periodId, action: 'delete' },
          diffFields(PERIOD_LABELS, periodShape(toPeriod(before)), null),
        );
        return null;
      });
    },
  },
  'calendar.saveSchoolYear': {
    access: ADMIN_ONLY,
    args: schoolYearInput,
    async run({ db, clock, user }, input) {
      const at = clock().toISOString();
      return db.transaction().execute(async (trx) => {
        const before = input.id === null ? undefined : await trx.selectFrom('school_years').selectAll().where('id', '=', input.id).executeTakeFirst();
        if (input.id !== null && !before) throw notFound('Année scolaire introuvable.');
        const overlap = await trx
          .selectFrom('school_years')
          .select('label')
          .where('end_date', '>=', input.startDate)
          .where('start_date', '<=', input.endDate)
          .where('id', '!=', input.id ?? 0)
          .executeTakeFirst();
        if (overlap) throw invalid({ startDate: `Chevauche l'année scolaire ${overlap.label}.` });
        const sameLabel = await trx.selectFrom('school_years').select('id').where('label', '=', input.label).executeTakeFirst();
        if (sameLabel && sameLabel.id !== input.id) throw invalid({ label: 'Cette année scolaire existe déjà.' });
        const row = { label: input.label, start_date: input.startDate, end_date: input.endDate };
        const saved = before
          ? await trx.updateTable('school_years').set(row).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow()
          : await trx.insertInto('school_years').values(row).returningAll().executeTakeFirstOrThrow();
        // A school year also moves the summer between two years, when holiday centres open: every visible day may change.
        await markFamiliesForDays(trx, [{ serviceId: null, from: '0000-01-01', to: '9999-12-31' }], clock());
        const shape = (y: { label: string; start_date: string; end_date: string }) => ({
          label: y.label,
          startDate: frenchDate(y.start_date),
          endDate: frenchDate(y.end_date),
        });
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'school_year', entityId: saved.id, action: before ? 'update' : 'create' },
          diffFields({ label: 'Année scolaire', startDate: 'Début', endDate: 'Fin' }, before ? shape(before) : null, shape(saved)),
        );
        return { id: saved.id, label: saved.label, startDate: saved.start_date, endDate: saved.end_date };
      });
    },
  },
};
