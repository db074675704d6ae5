import type BetterSqlite3 from 'better-sqlite3';
import { searchPatterns, searchPlan } from '../src/office/families/search.js';
import { normaliseSearch } from '../src/office/families/search-index.js';
import { benchDatabaseFile, benchRandom, openBenchOffice, type BenchOffice } from './database.js';
import { timeEach, type BenchResult } from './stats.js';

/**
 * Search as you type in the families grid: every keystroke of 2 to 5 letters of a surname, of a phone fragment and of
 * an allocataire number is one `families.grid` call for the grid's first page (the rest of the rows follows it), on
 * the 30,000-family commune and on an intercommunal office of 300,000. Beside it, in the same run: the same statement
 * written by hand, and the LIKE scan over every haystack that the FTS5 trigram index replaced.
 */

/** The grid's first page (src/renderer/grid/SearchGridPage.tsx FIRST_PAGE). */
const FIRST_PAGE = 100;
export const LARGE_FAMILIES = 300_000;

function typedQueries(sqlite: BetterSqlite3.Database): string[] {
  const random = benchRandom(42);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
  const surnames = sqlite.prepare('SELECT DISTINCT nom FROM responsables').pluck().all() as string[];
  const mobiles = sqlite.prepare('SELECT tel_mobile FROM responsables WHERE id % 97 = 0').pluck().all() as string[];
  const allocataires = sqlite.prepare("SELECT caf_number FROM families WHERE caf_number <> '' AND id % 89 = 0").pluck().all() as string[];
  const queries: string[] = [];
  for (let i = 0; i < 60; i += 1) {
    const surname = pick(surnames);
    for (let length = 2; length <= Math.min(5, surname.length); length += 1) queries.push(surname.slice(0, length));
  }
  for (let i = 0; i < 50; i += 1) {
    // Stored +33612345678; typed the French way, by pairs with spaces, and once the international way.
    const national = `0${pick(mobiles).replace(/\D/g, '').slice(2)}`;
    queries.push(national.slice(0, 4).replace(/(\d\d)(\d\d)/, '$1 $2'), national.slice(2, 8).replace(/(\d\d)(\d\d)(\d\d)/, '$1 $2 $3'));
    if (i % 5 === 0) queries.push(`+33 ${national.slice(1, 2)} ${national.slice(2, 4)} ${national.slice(4, 6)}`);
  }
  for (let i = 0; i < 50; i += 1) {
    const number = pick(allocataires);
    queries.push(number.slice(0, 4), number);
  }
  return queries;
}

const SELECT = `
  SELECT f.id, r1.nom, r1.prenom,
    coalesce(r2.prenom || ' ' || r2.nom, '') AS responsable2,
    coalesce((SELECT group_concat(prenom, ', ') FROM (SELECT c.prenom FROM children c
      WHERE c.family_id = f.id AND c.archived_at IS NULL ORDER BY c.date_naissance)), '') AS enfants,
    r1.email, CASE WHEN r1.tel_mobile <> '' THEN r1.tel_mobile ELSE r1.tel_fixe END AS telephone,
    f.caf_number, r1.ville, f.resident, f.caf_regime, f.caf_qf, f.caf_qf_valid_until,
    f.fiscal_rfr_cents, f.fiscal_parts_x100, f.fiscal_year, f.archived_at
  FROM families f
  JOIN family_search s ON s.family_id = f.id
  JOIN responsables r1 ON r1.family_id = f.id AND r1.rank = 1
  LEFT JOIN responsables r2 ON r2.family_id = f.id AND r2.rank = 2`;
const ORDER = `ORDER BY s.name_key, s.family_id LIMIT ${FIRST_PAGE}`;
const COUNT = `
  SELECT count(*) FROM families f
  JOIN family_search s ON s.family_id = f.id
  JOIN responsables r1 ON r1.family_id = f.id AND r1.rank = 1`;

/**
 * What the handler runs, by hand: the index's count less the archived matches, the page's ids (few matches read and
 * sorted, many walked in name order), then the page's columns.
 */
function rawIndexed(sqlite: BetterSqlite3.Database): (query: string) => unknown {
  const count = sqlite.prepare('SELECT count(*) FROM family_search_fts WHERE family_search_fts MATCH ?').pluck();
  const archived = sqlite
    .prepare("SELECT count(*) FROM family_search WHERE etat = 'archivee' AND +family_id IN (SELECT rowid FROM family_search_fts WHERE family_search_fts MATCH ?)")
    .pluck();
  const anyArchived = sqlite.prepare("SELECT 1 FROM family_search WHERE etat = 'archivee' LIMIT 1").pluck();
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepared = (text: string) => {
    let statement = cache.get(text);
    if (!statement) {
      statement = sqlite.prepare(text).pluck();
      cache.set(text, statement);
    }
    return statement;
  };
  const likes = (count: number) => Array.from({ length: count }, () => " AND s.haystack LIKE ? ESCAPE '\\'").join('');
  const MATCHES = 'SELECT rowid FROM family_search_fts WHERE family_search_fts MATCH ?';
  const sparse = (n: number) =>
    prepared(`SELECT s.family_id FROM (${MATCHES}) m CROSS JOIN family_search s ON s.family_id = m.rowid
      WHERE s.etat = 'actif'${likes(n)} ORDER BY s.name_key, s.family_id LIMIT ${FIRST_PAGE}`);
  const walk = (n: number) =>
    prepared(`SELECT s.family_id FROM family_search s WHERE s.etat = 'actif' AND +s.family_id IN (${MATCHES})${likes(n)}
      ORDER BY s.name_key, s.family_id LIMIT ${FIRST_PAGE}`);
  const matchCount = (n: number) => prepared(`SELECT count(*) FROM family_search s WHERE s.etat = 'actif' AND s.family_id IN (${MATCHES})${likes(n)}`);
  const prefix = (n: number) =>
    prepared(`SELECT s.family_id FROM family_search s WHERE s.etat = 'actif' AND s.name_key >= ? AND s.name_key < ?${likes(n)}
      ORDER BY s.name_key, s.family_id LIMIT ${FIRST_PAGE}`);
  const prefixCount = (n: number) =>
    prepared(`SELECT count(*) FROM family_search s WHERE s.etat = 'actif' AND s.name_key >= ? AND s.name_key < ?${likes(n)}`);
  const details = new Map<number, BetterSqlite3.Statement>();
  const detailsOf = (ids: number[]) => {
    let statement = details.get(ids.length);
    if (!statement) {
      statement = sqlite.prepare(`${SELECT} WHERE s.family_id IN (${ids.map(() => '?').join(', ')}) ORDER BY s.name_key, s.family_id`);
      details.set(ids.length, statement);
    }
    return ids.length === 0 ? [] : statement.all(...ids);
  };
  return (query) => {
    const plan = searchPlan(query)!;
    const n = plan.likes.length;
    if (plan.match !== null) {
      const args = [plan.match, ...plan.likes];
      const total =
        n > 0
          ? (matchCount(n).get(...args) as number)
          : (count.get(plan.match) as number) - (anyArchived.get() ? (archived.get(plan.match) as number) : 0);
      const ids = total === 0 ? [] : ((total <= 1000 ? sparse(n) : walk(n)).all(...args) as number[]);
      return [detailsOf(ids), total];
    }
    const args = [plan.prefix, `${plan.prefix}\u{10ffff}`, ...plan.likes];
    const ids = prefix(n).all(...args) as number[];
    return [detailsOf(ids), ids.length < FIRST_PAGE ? ids.length : prefixCount(n).get(...args)];
  };
}

/** Before the index: every word a LIKE over every family's haystack, then the same page and count. */
function rawLikeScan(sqlite: BetterSqlite3.Database): (query: string) => unknown {
  const statements = new Map<number, [BetterSqlite3.Statement, BetterSqlite3.Statement]>();
  return (query) => {
    const patterns = searchPatterns(query);
    let pair = statements.get(patterns.length);
    if (!pair) {
      const where = ['f.archived_at IS NULL', ...patterns.map(() => "s.haystack LIKE ? ESCAPE '\\'")].join(' AND ');
      pair = [sqlite.prepare(`${SELECT} WHERE ${where} ${ORDER}`), sqlite.prepare(`${COUNT} WHERE ${where}`)];
      statements.set(patterns.length, pair);
    }
    const rows = pair[0].all(...patterns);
    return rows.length < FIRST_PAGE ? rows : [rows, pair[1].pluck().get(...patterns)];
  };
}

async function searchOn(office: BenchOffice, label: string, budgetMs: number): Promise<BenchResult> {
  const queries = typedQueries(office.database.sqlite);
  let empty = 0;
  const core = await timeEach(queries, async (query) => {
    const result = await office.core.call(office.session, 'families.grid', { query, includeArchived: false, limit: FIRST_PAGE });
    if (!result.ok) throw new Error(`families.grid refused "${query}": ${JSON.stringify(result.error)}`);
    const page = result.value as { rows: unknown[]; total: number };
    if (page.rows.length === 0 && normaliseSearch(query).length > 0) empty += 1;
    if (page.total < page.rows.length) throw new Error(`families.grid counted ${page.total} for ${page.rows.length} rows`);
  });
  if (empty > queries.length / 2) throw new Error(`families.grid found nothing for ${empty} of ${queries.length} queries`);
  const sqlite = office.database.sqlite;
  const raw = await timeEach(queries, rawIndexed(sqlite));
  const likeScan = await timeEach(queries, rawLikeScan(sqlite));
  return {
    name: `families.grid 1re page, ${label} (${queries.length} frappes)`,
    core,
    raw,
    budgetMs,
    beside: { label: 'balayage LIKE d’avant, SQL brut', timing: likeScan },
  };
}

export async function benchFamilySearch(office: BenchOffice): Promise<BenchResult[]> {
  const results = [await searchOn(office, '30 000 fam.', 10)];
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const large = await openBenchOffice(await benchDatabaseFile(say, LARGE_FAMILIES));
  try {
    results.push(await searchOn(large, '300 000 fam.', 30));
  } finally {
    await large.close();
  }
  return results;
}
