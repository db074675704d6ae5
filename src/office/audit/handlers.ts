import { sql } from 'kysely';
import { z } from 'zod';
import type { AuditEntry } from '../../shared/api/contract.js';
import { canSeeHealth, type Role } from '../../shared/auth/roles.js';
import { ALL_STAFF, type Handlers } from '../api/handler.js';
import { HEALTH_AUDIT_FIELDS } from '../children/store.js';
import type { OfficeDb } from '../db/open.js';

const HIDDEN = 'Donnée de santé masquée';

function auditQuery(db: OfficeDb) {
  return db
    .selectFrom('audit_log as a')
    .leftJoin('staff_users as u', 'u.id', 'a.user_id')
    .leftJoin('children as c', 'c.id', 'a.child_id')
    .leftJoin('responsables as r1', (join) => join.onRef('r1.family_id', '=', 'a.family_id').on('r1.rank', '=', 1))
    .select([
      'a.id',
      'a.at',
      'a.entity',
      'a.entity_id',
      'a.action',
      'a.field',
      'a.old_value',
      'a.new_value',
      sql<string>`coalesce(${sql.ref('u.display_name')}, 'Système')`.as('user'),
      sql<string>`case when ${sql.ref('c.id')} is not null then ${sql.ref('c.prenom')} || ' ' || ${sql.ref('c.nom')}
        when ${sql.ref('r1.id')} is not null then 'Famille ' || ${sql.ref('r1.nom')} || ' ' || ${sql.ref('r1.prenom')}
        else '' end`.as('subject'),
    ])
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc');
}

type Row = Awaited<ReturnType<ReturnType<typeof auditQuery>['execute']>>[number];

/** The régie reads the log too, but never the values of health fields. */
function toEntry(row: Row, role: Role): AuditEntry {
  const hide = !canSeeHealth(role) && HEALTH_AUDIT_FIELDS.has(row.field);
  return {
    id: row.id,
    at: row.at,
    user: row.user,
    entity: row.entity,
    entityId: row.entity_id,
    subject: row.subject,
    action: row.action,
    field: row.field,
    oldValue: hide && row.old_value !== null ? HIDDEN : row.old_value,
    newValue: hide && row.new_value !== null ? HIDDEN : row.new_value,
  };
}

export const auditHandlers: Handlers<'audit.forFamily' | 'audit.forChild'> = {
  'audit.forFamily': {
    access: ALL_STAFF,
    args: z.object({ familyId: z.number().int() }),
    async run({ db, user }, { familyId }) {
      const rows = await auditQuery(db).where('a.family_id', '=', familyId).limit(2000).execute();
      return rows.map((row) => toEntry(row, user.role));
    },
  },
  'audit.forChild': {
    access: ALL_STAFF,
    args: z.object({ childId: z.number().int() }),
    async run({ db, user }, { childId }) {
      const rows = await auditQuery(db).where('a.child_id', '=', childId).limit(2000).execute();
      return rows.map((row) => toEntry(row, user.role));
    },
  },
};
