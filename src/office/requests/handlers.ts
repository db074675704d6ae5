import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { NewRequest, OfficeMethod, RefusalReason } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import { isIsoDay } from '../../shared/calendar/days.js';
import { parisDay } from '../../shared/clock.js';
import { ALL_STAFF, ApiFailure, noArgs, notFound, type Handlers } from '../api/handler.js';
import { newRequestSchema as sharedNewRequestSchema } from '../../shared/requests/schema.js';
import { writeAudit } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import { refused } from './common.js';
import { decideItems, REFUSAL_MAX } from './decide.js';
import { declareEventAbsence, EVENT_MAX_DAYS } from './events.js';
import { loadQueue } from './queue.js';
import { submitRequest } from './submit.js';
import { requestViews } from './views.js';

type RequestMethod = Extract<OfficeMethod, `requests.${string}` | `refusalReasons.${string}` | `events.${string}`>;

/** Agents and administrators run the queue; the régie may read it. */
const DECIDERS: readonly Role[] = ['agent', 'admin'];
const ADMIN_ONLY: readonly Role[] = ['admin'];

const day = z.string().refine(isIsoDay, 'Date invalide (jj/mm/aaaa).');
const id = z.number().int().positive();

/** The one request schema (src/shared/requests/schema.ts), as the sync contract uses it too. */
export const newRequestSchema: z.ZodType<NewRequest> = sharedNewRequestSchema;

async function refusalReasons(db: OfficeDb): Promise<RefusalReason[]> {
  const rows = await db.selectFrom('refusal_reasons').select(['id', 'label', 'active']).orderBy('label').execute();
  return rows.map((row) => ({ id: row.id, label: row.label, active: row.active === 1 }));
}

export const requestHandlers: Handlers<RequestMethod> = {
  'requests.create': {
    access: DECIDERS,
    args: newRequestSchema,
    async run({ db, clock, user }, args) {
      const submittedAt = clock();
      const requestId = await db
        .transaction()
        .execute((trx) => submitRequest(trx, { ...args, uid: randomUUID(), source: 'office', submittedAt, submittedBy: user.id }));
      const [view] = await requestViews(db, { requestId });
      if (!view) throw new Error(`request ${requestId} vanished after insert`);
      return view;
    },
  },

  'requests.queue': {
    access: ALL_STAFF,
    args: noArgs,
    run: ({ db }) => loadQueue(db),
  },

  'requests.decide': {
    access: DECIDERS,
    args: z.object({
      itemIds: z.array(id).min(1, 'Sélectionnez au moins une demande.').max(10_000),
      decision: z.enum(['accept', 'refuse']),
      refusalReason: z.string().max(2000).nullable(),
      force: z.boolean().optional(),
    }),
    run: ({ db, clock, user }, args) => {
      const now = clock();
      return db
        .transaction()
        .execute((trx) => decideItems(trx, { ...args, userId: user.id, at: now.toISOString(), today: parisDay(now) }));
    },
  },

  'requests.forFamily': {
    access: ALL_STAFF,
    args: z.object({ familyId: id }),
    async run({ db }, { familyId }) {
      const family = await db.selectFrom('families').select('id').where('id', '=', familyId).executeTakeFirst();
      if (!family) throw notFound('Famille introuvable.');
      return requestViews(db, { familyId });
    },
  },

  'refusalReasons.list': {
    access: ALL_STAFF,
    args: noArgs,
    run: ({ db }) => refusalReasons(db),
  },

  'refusalReasons.save': {
    access: ADMIN_ONLY,
    args: z.object({ id: id.nullable(), label: z.string().max(2000), active: z.boolean() }),
    async run({ db, clock, user }, args) {
      const label = args.label.trim();
      if (label === '') throw refused('Le motif est obligatoire.', 'label');
      if (label.length > REFUSAL_MAX) throw refused(`Le motif fait ${REFUSAL_MAX} caractères au plus.`, 'label');
      const at = clock().toISOString();
      const saved = await db.transaction().execute(async (trx) => {
        const twin = await trx.selectFrom('refusal_reasons').select('id').where('label', '=', label).executeTakeFirst();
        if (twin && twin.id !== args.id) throw new ApiFailure({ code: 'conflict', message: 'Ce motif existe déjà.', fields: { label: 'Ce motif existe déjà.' } });
        let before: { label: string; active: number } | undefined;
        let reasonId: number;
        if (args.id === null) {
          reasonId = (await trx.insertInto('refusal_reasons').values({ label, active: args.active ? 1 : 0 }).returning('id').executeTakeFirstOrThrow()).id;
        } else {
          before = await trx.selectFrom('refusal_reasons').select(['label', 'active']).where('id', '=', args.id).executeTakeFirst();
          if (!before) throw notFound('Motif introuvable.');
          reasonId = args.id;
          await trx.updateTable('refusal_reasons').set({ label, active: args.active ? 1 : 0 }).where('id', '=', reasonId).execute();
        }
        const state = (active: boolean) => (active ? 'Actif' : 'Retiré');
        await writeAudit(trx, { at, userId: user.id, entity: 'refusal_reason', entityId: reasonId, action: before ? 'update' : 'create' }, [
          {
            field: 'Motif de refus',
            oldValue: before ? `${before.label} (${state(before.active === 1)})` : null,
            newValue: `${label} (${state(args.active)})`,
          },
        ]);
        return { id: reasonId, label, active: args.active };
      });
      return saved;
    },
  },

  'events.declareAbsence': {
    access: DECIDERS,
    args: z.object({
      schoolId: id,
      classe: z.string().max(10).nullable(),
      serviceIds: z.array(id).max(50),
      days: z.array(day).max(EVENT_MAX_DAYS, `Un événement couvre ${EVENT_MAX_DAYS} jours au plus.`),
      reason: z.string().max(60) as z.ZodType<NewRequest['reason'] & string>,
      comment: z.string().max(1000),
    }),
    run: ({ db, clock, user }, args) =>
      db.transaction().execute((trx) => declareEventAbsence(trx, { ...args, userId: user.id, at: clock().toISOString() })),
  },
};
