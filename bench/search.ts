import type BetterSqlite3 from 'better-sqlite3';
import { searchPatterns } from '../src/office/families/search.js';
import { normaliseSearch } from '../src/office/families/search-index.js';
import { benchRandom, type BenchOffice } from './database.js';
import { timeEach, type BenchResult } from './stats.js';

/**
 * Search as you type in the families grid: every keystroke of 2 to 5 letters of a surname, of a phone fragment and of
 * an allocataire number is one `families.search` call.
 */

const LIMIT = 200;

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
    const digits = pick(mobiles).replace(/\D/g, '');
    // Typed as people type phone numbers: by pairs, with spaces.
    queries.push(digits.slice(0, 4).replace(/(\d\d)(\d\d)/, '$1 $2'), digits.slice(2, 8).replace(/(\d\d)(\d\d)(\d\d)/, '$1 $2 $3'));
  }
  for (let i = 0; i < 50; i += 1) {
    const number = pick(allocataires);
    queries.push(number.slice(0, 4), number);
  }
  return queries;
}

/** The statement the handler runs, written by hand, one prepared statement per number of words. */
function rawSearch(sqlite: BetterSqlite3.Database): (query: string) => unknown[] {
  const statements = new Map<number, BetterSqlite3.Statement>();
  const statementFor = (words: number) => {
    let statement = statements.get(words);
    if (!statement) {
      const where = Array.from({ length: words }, () => "AND s.haystack LIKE ? ESCAPE '\\'").join(' ');
      statement = sqlite.prepare(`
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
        LEFT JOIN responsables r2 ON r2.family_id = f.id AND r2.rank = 2
        WHERE f.archived_at IS NULL ${where}
        ORDER BY r1.nom, r1.prenom, f.id
        LIMIT ${LIMIT}`);
      statements.set(words, statement);
    }
    return statement;
  };
  return (query) => {
    const patterns = searchPatterns(query);
    return statementFor(patterns.length).all(...patterns);
  };
}

export async function benchFamilySearch(office: BenchOffice): Promise<BenchResult> {
  const queries = typedQueries(office.database.sqlite);
  let empty = 0;
  const core = await timeEach(queries, async (query) => {
    const result = await office.core.call(office.session, 'families.search', { query, includeArchived: false });
    if (!result.ok) throw new Error(`families.search refused "${query}": ${JSON.stringify(result.error)}`);
    if ((result.value as unknown[]).length === 0 && normaliseSearch(query).length > 0) empty += 1;
  });
  if (empty > queries.length / 2) throw new Error(`families.search found nothing for ${empty} of ${queries.length} queries`);
  const raw = rawSearch(office.database.sqlite);
  return { name: `families.search (${queries.length} frappes)`, core, raw: await timeEach(queries, raw), budgetMs: 50 };
}
