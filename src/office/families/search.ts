import { sql, type Expression, type SqlBool } from 'kysely';
import type { FamilySummary } from '../../shared/api/contract.js';
import { qfInForce } from '../../shared/billing/qf.js';
import { QF_PROOF_COLUMNS, qfProofsOf } from '../billing/qf-proofs.js';
import { loadBillingSettings } from '../billing/store.js';
import type { OfficeDb } from '../db/open.js';
import { normaliseSearch } from './search-index.js';

export const DEFAULT_SEARCH_LIMIT = 200;

/** LIKE patterns for a typed query: every word must appear; a phone typed with spaces is one run of digits. */
export function searchPatterns(query: string): string[] {
  const normalised = normaliseSearch(query);
  if (normalised === '') return [];
  const words = /^[\d\s.+-]+$/.test(normalised) && /\d/.test(normalised) ? [normalised.replace(/\D/g, '')] : normalised.split(' ');
  return words.map((word) => `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
}

export function likeAll(column: string, patterns: string[]): Expression<SqlBool>[] {
  return patterns.map((pattern) => sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`);
}

/**
 * One statement whatever the number of families: responsable 2 by a join, children by a grouped subquery. The QF
 * column is the QF in force on `today` by the office's rule: the proofs come with each row and the shared qfInForce
 * judges them in memory, so the grid costs the settings read once, never a query per family.
 */
export async function searchFamilies(
  db: OfficeDb,
  args: { query: string; includeArchived: boolean; limit?: number },
  today: string,
): Promise<FamilySummary[]> {
  const patterns = searchPatterns(args.query);
  const limit = Math.min(Math.max(args.limit ?? DEFAULT_SEARCH_LIMIT, 1), 5000);
  const settingsRead = loadBillingSettings(db);
  const rows = await db
    .selectFrom('families as f')
    .innerJoin('family_search as s', 's.family_id', 'f.id')
    .innerJoin('responsables as r1', (join) => join.onRef('r1.family_id', '=', 'f.id').on('r1.rank', '=', 1))
    .leftJoin('responsables as r2', (join) => join.onRef('r2.family_id', '=', 'f.id').on('r2.rank', '=', 2))
    .select([
      'f.id',
      'r1.nom',
      'r1.prenom',
      sql<string>`coalesce(${sql.ref('r2.prenom')} || ' ' || ${sql.ref('r2.nom')}, '')`.as('responsable2'),
      sql<string>`coalesce((select group_concat(prenom, ', ') from (select c.prenom from children c where c.family_id = ${sql.ref('f.id')} and c.archived_at is null order by c.date_naissance)), '')`.as(
        'enfants',
      ),
      'r1.email',
      sql<string>`case when ${sql.ref('r1.tel_mobile')} <> '' then ${sql.ref('r1.tel_mobile')} else ${sql.ref('r1.tel_fixe')} end`.as(
        'telephone',
      ),
      'f.caf_number',
      'r1.ville',
      'f.resident',
      ...QF_PROOF_COLUMNS.map((column) => `f.${column}` as const),
      'f.archived_at',
    ])
    .$if(!args.includeArchived, (query) => query.where('f.archived_at', 'is', null))
    .$if(patterns.length > 0, (query) => query.where((eb) => eb.and(likeAll('s.haystack', patterns))))
    .orderBy('r1.nom')
    .orderBy('r1.prenom')
    .orderBy('f.id')
    .limit(limit)
    .execute();
  const { qfRule } = await settingsRead;
  return rows.map((row) => {
    const qf = qfInForce(qfProofsOf(row), today, qfRule);
    return {
    id: row.id,
    nom: row.nom,
    prenom: row.prenom,
    responsable2: row.responsable2,
    enfants: row.enfants,
    email: row.email,
    telephone: row.telephone,
    allocataire: row.caf_number,
    ville: row.ville,
    resident: row.resident === 1,
    qf: qf.qf,
    qfFlagged: qf.flagged,
    qfWhy: qf.why,
    archived: row.archived_at !== null,
    };
  });
}
