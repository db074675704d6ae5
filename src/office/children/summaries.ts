import { sql, type Kysely, type Transaction } from 'kysely';
import type { ChildSummary } from '../../shared/api/contract.js';
import { canSeeHealth, type Role } from '../../shared/auth/roles.js';
import { officeQuery } from '../db/office-query.js';
import type { OfficeDatabase } from '../db/schema.js';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/** Children with their school: a summary's columns but the family name. */
function childRowQuery(db: Db) {
  return db
    .selectFrom('children as c')
    .leftJoin('schools as s', 's.id', 'c.school_id')
    .select([
      'c.id',
      'c.family_id',
      'c.nom',
      'c.prenom',
      'c.date_naissance',
      'c.classe',
      'c.pai',
      'c.allergies',
      'c.archived_at',
      sql<string>`coalesce(${sql.ref('s.name')}, '')`.as('ecole'),
    ]);
}

/** The grid query: children with their school and family name, in one statement. */
export function childSummaryQuery(db: Db) {
  return childRowQuery(db)
    .innerJoin('responsables as r1', (join) => join.onRef('r1.family_id', '=', 'c.family_id').on('r1.rank', '=', 1))
    .select(sql<string>`${sql.ref('r1.nom')} || ' ' || ${sql.ref('r1.prenom')}`.as('famille'));
}

/**
 * The children of one family, in the family file's order (active first, then by birth): the family name is the
 * caller's, who has the family's first responsable in hand already.
 */
export const familyChildRows = officeQuery((db, familyId: number) =>
  childRowQuery(db).where('c.family_id', '=', familyId).orderBy('c.archived_at').orderBy('c.date_naissance'),
);

type SummaryRow = Awaited<ReturnType<ReturnType<typeof childSummaryQuery>['execute']>>[number];

export function toChildSummary(row: SummaryRow, role: Role): ChildSummary {
  const health = canSeeHealth(role);
  return {
    id: row.id,
    familyId: row.family_id,
    nom: row.nom,
    prenom: row.prenom,
    dateNaissance: row.date_naissance,
    ecole: row.ecole,
    classe: row.classe,
    famille: row.famille,
    pai: health ? row.pai === 1 : null,
    allergies: health ? row.allergies : null,
    archived: row.archived_at !== null,
  };
}
