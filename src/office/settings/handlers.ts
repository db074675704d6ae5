import { z } from 'zod';
import { customFieldLabelProblem, CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_KINDS } from '../../shared/families/custom-fields.js';
import type { CustomField } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import { ALL_STAFF, invalid, noArgs, notFound, type Handlers } from '../api/handler.js';
import { diffFields, writeAudit } from '../audit/write.js';
import type { CustomFieldTable } from '../db/schema.js';
import type { Selectable } from 'kysely';

const ADMIN_ONLY: readonly Role[] = ['admin'];

function toCustomField(row: Selectable<CustomFieldTable>): CustomField {
  return { id: row.id, entity: row.entity, label: row.label, kind: row.kind, active: row.active === 1 };
}

export const settingsHandlers: Handlers<'schools.list' | 'customFields.list' | 'customFields.save'> = {
  'schools.list': {
    access: ALL_STAFF,
    args: noArgs,
    async run({ db }) {
      return db.selectFrom('schools').select(['id', 'name']).orderBy('name').execute();
    },
  },

  'customFields.list': {
    access: ALL_STAFF,
    args: noArgs,
    async run({ db }) {
      const rows = await db.selectFrom('custom_fields').selectAll().orderBy('entity').orderBy('label').execute();
      return rows.map(toCustomField);
    },
  },

  'customFields.save': {
    access: ADMIN_ONLY,
    args: z.object({
      id: z.number().int().nullable(),
      entity: z.enum(['family', 'child']),
      label: z.string().max(200),
      kind: z.enum(['text', 'boolean', 'date']),
      active: z.boolean(),
    }),
    async run({ db, clock, user }, args) {
      const label = args.label.trim();
      const labelProblem = customFieldLabelProblem(label);
      if (labelProblem) throw invalid({ label: labelProblem });
      const at = clock().toISOString();
      const labels = { label: 'Champ complémentaire · Libellé', kind: 'Champ complémentaire · Type', active: 'Champ complémentaire · Actif' };
      const id = await db.transaction().execute(async (trx) => {
        const clash = await trx
          .selectFrom('custom_fields')
          .select('id')
          .where('entity', '=', args.entity)
          .where('label', '=', label)
          .$if(args.id !== null, (query) => query.where('id', '!=', args.id ?? 0))
          .executeTakeFirst();
        if (clash) throw invalid({ label: `Un champ « ${label} » existe déjà pour les fiches ${CUSTOM_FIELD_ENTITIES[args.entity].toLowerCase()}.` });
        const after = { label, kind: CUSTOM_FIELD_KINDS[args.kind], active: args.active };
        if (args.id === null) {
          const created = await trx
            .insertInto('custom_fields')
            .values({ entity: args.entity, label, kind: args.kind, active: args.active ? 1 : 0 })
            .returning('id')
            .executeTakeFirstOrThrow();
          await writeAudit(trx, { at, userId: user.id, entity: 'custom_field', entityId: created.id, action: 'create' }, diffFields(labels, null, after));
          return created.id;
        }
        const existing = await trx.selectFrom('custom_fields').selectAll().where('id', '=', args.id).executeTakeFirst();
        if (!existing) throw notFound('Champ complémentaire introuvable.');
        // Values already typed stay meaningful only if the kind and the record type do not change.
        if (existing.entity !== args.entity || existing.kind !== args.kind) {
          throw invalid({ kind: "Le type d'un champ existant ne peut pas changer : créez un nouveau champ." });
        }
        const changes = diffFields(labels, { label: existing.label, kind: CUSTOM_FIELD_KINDS[existing.kind], active: existing.active === 1 }, after);
        if (changes.length > 0) {
          await trx.updateTable('custom_fields').set({ label, active: args.active ? 1 : 0 }).where('id', '=', existing.id).execute();
          await writeAudit(trx, { at, userId: user.id, entity: 'custom_field', entityId: existing.id, action: 'update' }, changes);
        }
        return existing.id;
      });
      const row = await db.selectFrom('custom_fields').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return toCustomField(row);
    },
  },
};
