import { z } from 'zod';
import type { ServiceConfig, ServiceInput } from '../../shared/api/contract.js';
import { CLASSES } from '../../shared/children/input.js';
import { SERVICE_CODE, SERVICE_CODE_ERROR, type DeadlineRule, type DeadlineRules } from '../../shared/planning/rules.js';
import { ALL_STAFF, invalid, notFound, type Handlers } from '../api/handler.js';
import { diffFields, writeAudit } from '../audit/write.js';
import { markFamiliesForService } from '../sync/dirty.js';
import { ADMIN_ONLY } from './access.js';
import { loadServices } from './store.js';
import { hhmm, weekdays } from './schemas.js';

const deadlineRule: z.ZodType<DeadlineRule> = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('weekday_of_previous_week'), weekday: z.number().int().min(1).max(7, 'Jour de semaine inconnu.'), time: hhmm }),
    z.object({ kind: z.literal('days_before'), days: z.number().int().min(0, 'Nombre de jours invalide.').max(60, 'Au plus 60 jours.'), time: hhmm }),
    z.object({ kind: z.literal('working_days_before'), days: z.number().int().min(0, 'Nombre de jours invalide.').max(40, 'Au plus 40 jours ouvrés.'), time: hhmm }),
    z.object({ kind: z.literal('day_of_previous_month'), day: z.number().int().min(1, 'Jour du mois invalide.').max(28, 'Choisissez un jour entre 1 et 28.'), time: hhmm }),
    z.object({ kind: z.literal('none') }),
  ],
  'Règle de délai inconnue.',
);

const deadlines: z.ZodType<DeadlineRules> = z.object({ booking: deadlineRule, cancel: deadlineRule, absence: deadlineRule });

const serviceInput: z.ZodType<ServiceInput> = z.object({
  id: z.number().int().positive().nullable(),
  code: z.string().trim().regex(SERVICE_CODE, SERVICE_CODE_ERROR),
  name: z.string().trim().min(1, 'Le nom est obligatoire.').max(80, 'Au plus 80 caractères.'),
  kind: z.enum(['cantine', 'matin', 'soir', 'mercredi', 'vacances'], 'Type de service inconnu.'),
  unit: z.string().trim().min(1, "L'unité facturée est obligatoire.").max(30, 'Au plus 30 caractères.'),
  withMeal: z.boolean(),
  capacity: z.number().int('Nombre entier attendu.').min(0, 'La capacité ne peut pas être négative.').nullable(),
  weekdays,
  period: z.enum(['school', 'holidays'], 'Période inconnue.'),
  levels: z
    .array(z.enum(CLASSES, 'Classe inconnue.'))
    .refine((levels) => new Set(levels).size === levels.length, 'Une classe est choisie deux fois.'),
  schoolIds: z.array(z.number().int().positive()),
  deadlines,
  latePolicy: z.enum(['refuse', 'late'], 'Traitement des retards inconnu.'),
  autoRules: z.object({ absencesOnTime: z.boolean(), bookingsWithinCapacity: z.boolean() }),
  requiresInscription: z.boolean(),
  active: z.boolean(),
});

/** What families see of a service: its name, when it runs, its deadlines and late policy, its places, whether it is on. */
const PUBLISHED_FIELDS = ['name', 'weekdays', 'period', 'deadlines', 'latePolicy', 'capacity', 'requiresInscription', 'active'] as const;

const WEEKDAY_SHORT = ['', 'lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim'];

function auditShape(service: ServiceConfig | ServiceInput) {
  return {
    code: service.code,
    name: service.name,
    kind: service.kind,
    unit: service.unit,
    withMeal: service.withMeal,
    capacity: service.capacity === null ? 'Sans limite' : String(service.capacity),
    weekdays: [...service.weekdays].sort().map((d) => WEEKDAY_SHORT[d]).join(', '),
    period: service.period === 'school' ? 'Période scolaire' : 'Vacances scolaires',
    levels: service.levels.join(', ') || 'Toutes',
    schoolIds: [...service.schoolIds].sort((a, b) => a - b).join(', ') || 'Toutes',
    deadlines: JSON.stringify(service.deadlines),
    latePolicy: service.latePolicy === 'refuse' ? 'Refusée' : 'Acceptée en retard',
    autoRules: JSON.stringify(service.autoRules),
    requiresInscription: service.requiresInscription,
    active: service.active,
  };
}

const LABELS = {
  code: 'Code',
  name: 'Nom',
  kind: 'Type',
  unit: 'Unité facturée',
  withMeal: 'Avec repas',
  capacity: 'Capacité par jour',
  weekdays: 'Jours',
  period: 'Période',
  levels: 'Classes',
  schoolIds: 'Écoles',
  deadlines: 'Délais',
  latePolicy: 'Demande en retard',
  autoRules: 'Acceptation automatique',
  requiresInscription: 'Inscription requise',
  active: 'Actif',
} as const;

export const serviceHandlers: Handlers<'services.list' | 'services.save'> = {
  'services.list': {
    access: ALL_STAFF,
    args: z.object({}) as unknown as z.ZodType<Record<string, never>>,
    run: ({ db }) => loadServices(db),
  },
  'services.save': {
    access: ADMIN_ONLY,
    args: serviceInput,
    async run({ db, clock, user }, input) {
      const at = clock().toISOString();
      return db.transaction().execute(async (trx) => {
        const before = input.id === null ? null : (await loadServices(trx)).find((s) => s.id === input.id);
        if (input.id !== null && !before) throw notFound('Service introuvable.');
        const sameCode = await trx.selectFrom('services').select('id').where('code', '=', input.code).executeTakeFirst();
        if (sameCode && sameCode.id !== input.id) throw invalid({ code: 'Un autre service porte déjà ce code.' });
        if (input.schoolIds.length > 0) {
          const known = await trx.selectFrom('schools').select('id').where('id', 'in', input.schoolIds).execute();
          if (known.length !== new Set(input.schoolIds).size) throw invalid({ schoolIds: 'École inconnue.' });
        }
        const row = {
          code: input.code,
          name: input.name,
          kind: input.kind,
          unit: input.unit,
          with_meal: input.withMeal ? 1 : 0,
          capacity: input.capacity,
          weekdays: [...input.weekdays].sort().join(','),
          period: input.period,
          levels: input.levels.join(','),
          deadline_rules: JSON.stringify(input.deadlines),
          late_policy: input.latePolicy,
          auto_rules: JSON.stringify(input.autoRules),
          requires_inscription: input.requiresInscription ? 1 : 0,
          active: input.active ? 1 : 0,
        };
        let id: number;
        if (input.id === null) {
          const max = await trx.selectFrom('services').select((eb) => eb.fn.max('sort_order').as('m')).executeTakeFirst();
          id = (
            await trx
              .insertInto('services')
              .values({ ...row, sort_order: Number(max?.m ?? 0) + 1 })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
        } else {
          id = input.id;
          await trx.updateTable('services').set(row).where('id', '=', id).execute();
          await trx.deleteFrom('service_schools').where('service_id', '=', id).execute();
        }
        const schoolIds = [...new Set(input.schoolIds)];
        if (schoolIds.length > 0) {
          await trx.insertInto('service_schools').values(schoolIds.map((school_id) => ({ service_id: id, school_id }))).execute();
        }
        const after = (await loadServices(trx)).find((s) => s.id === id);
        if (!after) throw new Error('service vanished after save');
        const shown = (service: ServiceConfig) => JSON.stringify(PUBLISHED_FIELDS.map((field) => service[field]));
        if (before && shown(before) !== shown(after)) await markFamiliesForService(trx, id, clock());
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'service', entityId: id, action: before ? 'update' : 'create' },
          diffFields(LABELS, before ? auditShape(before) : null, auditShape(after)),
        );
        return after;
      });
    },
  },
};
