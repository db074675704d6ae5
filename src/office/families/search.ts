import { sql, type Expression, type SqlBool } from 'kysely';
import type { FamilySummary, GridPage } from '../../shared/api/contract.js';
import { qfInForce } from '../../shared/billing/qf.js';
import { formatPhone, phoneQueryDigits } from '../../shared/validation/phone.js';
import { QF_PROOF_COLUMNS, qfProofsOf } from '../billing/qf-proofs.js';
import { loadBillingSettings } from '../billing/store.js';
import type { OfficeDb } from '../db/open.js';
import { normaliseSearch } from './search-index.js';

/** What `families.search` returns when no limit is asked (the grids ask `families.grid` for every row). */
export const DEFAULT_SEARCH_LIMIT = 200;

/** The words of a typed query as they appear in the haystacks: a phone typed with spaces is one run of digits. */
export function searchWords(query: string): string[] {
  const normalised = normaliseSearch(query);
  if (normalised === '') return [];
  if (/^[\d\s.+()-]+$/.test(normalised) && /\d/.test(normalised)) return [phoneQueryDigits(normalised)];
  return normalised.split(' ');
}

const escapeLike = (word: string) => `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** LIKE patterns for a typed query (every word must appear): the scan the FTS index replaced, kept for the bench. */
export function searchPatterns(query: string): string[] {
  return searchWords(query).map(escapeLike);
}

export function likeAll(column: string, patterns: string[]): Expression<SqlBool>[] {
  return patterns.map((pattern) => sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`);
}

/**
 * How a query is answered from the index. Words of 3 characters or more are FTS5 trigram phrases (a substring match
 * anywhere in the haystack, every phrase required); shorter words have no trigram: with a long word beside them they
 * are a LIKE on the few families the index found; alone, the first one is a prefix of the first responsable's name
 * (family_search.name_key, indexed: "du" lists the Dupont, Durand… in the grid's order), the others a LIKE on those.
 */
export interface SearchPlan {
  /** FTS5 MATCH expression, or null when no word is long enough. */
  match: string | null;
  /** Prefix of name_key, when every word is short. */
  prefix: string | null;
  /** LIKE patterns on the haystack for the short words not used as the prefix. */
  likes: string[];
}

export function searchPlan(query: string): SearchPlan | null {
  const words = searchWords(query);
  if (words.length === 0) return null;
  const long = words.filter((word) => [...word].length >= 3);
  const short = words.filter((word) => [...word].length < 3);
  if (long.length > 0) {
    return { match: long.map((word) => `"${word.replace(/"/g, '""')}"`).join(' '), prefix: null, likes: short.map(escapeLike) };
  }
  const [first, ...rest] = short;
  return { match: null, prefix: first ?? null, likes: rest.map(escapeLike) };
}

/** The plan as a condition on a query holding `family_search` as `alias`. */
export function planFilter(plan: SearchPlan, alias: string): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (plan.match !== null) {
    conditions.push(
      sql<SqlBool>`${sql.ref(`${alias}.family_id`)} in (select rowid from family_search_fts where family_search_fts match ${plan.match})`,
    );
  }
  if (plan.prefix !== null) {
    // A range rather than LIKE 'du%': SQLite's LIKE is case-insensitive, so it would not use the index.
    conditions.push(sql<SqlBool>`${sql.ref(`${alias}.name_key`)} >= ${plan.prefix}`);
    conditions.push(sql<SqlBool>`${sql.ref(`${alias}.name_key`)} < ${`${plan.prefix}\u{10ffff}`}`);
  }
  conditions.push(...likeAll(`${alias}.haystack`, plan.likes));
  return sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
}

export interface SearchArgs {
  query: string;
  includeArchived: boolean;
  offset?: number;
  /** Absent: every row from offset. */
  limit?: number;
}

/** Up to this many matches, the page is read from the index's matches and sorted; beyond, in name order, probing them. */
const SPARSE_MATCHES = 1000;
/** Up to this limit a page is read by its ids first (the grid's first page); the rest of a grid in one statement. */
const PAGE_BY_IDS = 1000;

/** Whether any family is archived at all (through the etat index): otherwise there is nothing to take off. */
async function anyArchived(db: OfficeDb): Promise<boolean> {
  return (await db.selectFrom('family_search').select('family_id').where('etat', '=', 'archivee').limit(1).executeTakeFirst()) !== undefined;
}

function countOf(db: OfficeDb, statement: ReturnType<typeof sql<{ n: number }>>) {
  return statement.execute(db).then((result) => Number(result.rows[0]?.n ?? 0));
}

/**
 * The families matching a query, as `family_search as s` rows, and how many they are when the index alone knows it.
 * All through an index: no query walks the names in order ((etat, name_key)); a query of short words is a range of
 * name_key; a query with a long word asks the FTS5 trigram index how many families hold it, then either reads those
 * few and sorts them (a phone, an allocataire number), or walks the names in order, probing the matches, and stops
 * at the page's end (« mar » at 300,000 families).
 */
async function matchingFamilies(db: OfficeDb, args: SearchArgs) {
  const plan = searchPlan(args.query);
  const activeOnly = !args.includeArchived;
  let known: number | null = null;
  let query = db.selectFrom('family_search as s');
  if (activeOnly) query = query.where('s.etat', '=', 'actif');
  if (plan?.match) {
    const matches = sql`(select rowid from family_search_fts where family_search_fts match ${plan.match})`;
    // The index counts every match; the archived among them (few) are counted through the etat index and taken off.
    const all = await countOf(db, sql<{ n: number }>`select count(*) as n from family_search_fts where family_search_fts match ${plan.match}`);
    const archived =
      activeOnly && all > 0 && (await anyArchived(db))
        ? await countOf(db, sql<{ n: number }>`select count(*) as n from family_search where etat = 'archivee' and +family_id in ${matches}`)
        : 0;
    known = all - archived;
    if (known <= SPARSE_MATCHES) {
      // CROSS JOIN: SQLite keeps the matches as the outer loop (a hint its planner honours), then sorts them.
      let sparse = db
        .selectFrom(sql<{ rowid: number }>`${matches}`.as('m'))
        .crossJoin('family_search as s')
        .whereRef('s.family_id', '=', 'm.rowid') as unknown as typeof query;
      if (activeOnly) sparse = sparse.where('s.etat', '=', 'actif');
      query = sparse;
    } else {
      // The unary + keeps SQLite from driving by the matches' ids: it walks the name index and probes them.
      query = query.where(sql<SqlBool>`+${sql.ref('s.family_id')} in ${matches}`);
    }
  } else if (plan?.prefix) {
    query = query.where('s.name_key', '>=', plan.prefix).where('s.name_key', '<', `${plan.prefix}\u{10ffff}`);
  }
  if (plan && plan.likes.length > 0) {
    query = query.where((eb) => eb.and(likeAll('s.haystack', plan.likes)));
    known = null;
  }
  return { query, known };
}

/**
 * One page of the families grid and how many families match in all, so a screen can always say « N sur M ».
 * One statement whatever the number of families: responsable 2 by a join, children by a subquery per row of the page.
 * The QF column is the QF in force on `today` by the office's rule: the proofs come with each row and the shared
 * qfInForce judges them in memory, so the grid costs the settings read once, never a query per family.
 */
export async function searchFamilies(db: OfficeDb, args: SearchArgs, today: string): Promise<GridPage<FamilySummary>> {
  const offset = Math.max(args.offset ?? 0, 0);
  const settingsRead = loadBillingSettings(db);
  const { query, known } = await matchingFamilies(db, args);
  const details = (families: typeof query) =>
    families
      .innerJoin('families as f', 'f.id', 's.family_id')
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
      // The first responsable's name, accents and case aside (Élise with the E), as the index holds it.
      .orderBy('s.name_key')
      .orderBy('s.family_id');
  const ordered = query.orderBy('s.name_key').orderBy('s.family_id').limit(args.limit ?? -1).offset(offset);
  let rows: Awaited<ReturnType<ReturnType<typeof details>['execute']>> = [];
  if (known === 0) rows = [];
  else if (args.limit !== undefined && args.limit <= PAGE_BY_IDS) {
    // A page: its ids first, sorted on the narrow index table, then the columns of those rows only (SQLite would
    // otherwise compute every column, children's names included, for every match before sorting them).
    const ids = (await ordered.select('s.family_id').execute()).map((row) => row.family_id);
    if (ids.length > 0) rows = await details(db.selectFrom('family_search as s').where('s.family_id', 'in', ids)).execute();
  } else {
    rows = await details(ordered).execute();
  }
  // A first page that holds fewer rows than asked is every match; otherwise the index's count, or a count.
  const complete = offset === 0 && (args.limit === undefined || rows.length < args.limit);
  const total = complete
    ? rows.length
    : (known ?? Number((await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));
  const { qfRule } = await settingsRead;
  return {
    offset,
    total,
    rows: rows.map((row) => {
      const qf = qfInForce(qfProofsOf(row), today, qfRule);
      return {
        id: row.id,
        nom: row.nom,
        prenom: row.prenom,
        responsable2: row.responsable2,
        enfants: row.enfants,
        email: row.email,
        telephone: formatPhone(row.telephone),
        allocataire: row.caf_number,
        ville: row.ville,
        resident: row.resident === 1,
        qf: qf.qf,
        qfFlagged: qf.flagged,
        qfWhy: qf.why,
        archived: row.archived_at !== null,
      };
    }),
  };
}
