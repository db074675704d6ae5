import type BetterSqlite3 from 'better-sqlite3';
import { benchRandom, type BenchOffice } from './database.js';
import { ALL_INPUTS, timeEach, type BenchResult } from './stats.js';

/** Opening a family file (`families.get`) for random families: the family, its responsables, children and documents. */

const CALLS = 400;

/**
 * The same reads with prepared statements: family, responsables, children with their school, documents (in the file's
 * order, newest first, as the core must give them), custom values.
 */
function rawFamilyFile(sqlite: BetterSqlite3.Database): (id: number) => unknown {
  const family = sqlite.prepare('SELECT * FROM families WHERE id = ?');
  const responsables = sqlite.prepare('SELECT * FROM responsables WHERE family_id = ?');
  const custom = sqlite.prepare(
    "SELECT v.field_id, v.value FROM custom_values v JOIN custom_fields f ON f.id = v.field_id WHERE f.entity = 'family' AND v.entity_id = ?",
  );
  const children = sqlite.prepare(`
    SELECT c.id, c.family_id, c.nom, c.prenom, c.date_naissance, s.name AS ecole, c.classe, c.pai, c.allergies, c.archived_at
    FROM children c LEFT JOIN schools s ON s.id = c.school_id
    WHERE c.family_id = ? ORDER BY c.archived_at, c.date_naissance`);
  const documents = sqlite.prepare(
    `SELECT id, kind, label, document_date, file_name, mime, length(content) AS size FROM family_documents
     WHERE family_id = ? AND archived_at IS NULL ORDER BY document_date DESC, id DESC`,
  );
  return (id) => ({
    family: family.get(id),
    responsables: responsables.all(id),
    custom: custom.all(id),
    children: children.all(id),
    documents: documents.all(id),
  });
}

export async function benchFamilyFile(office: BenchOffice): Promise<BenchResult> {
  const sqlite = office.database.sqlite;
  const maxId = sqlite.prepare('SELECT MAX(id) FROM families').pluck().get() as number;
  const random = benchRandom(7);
  const ids = Array.from({ length: CALLS }, () => 1 + Math.floor(random() * maxId));
  // Each side first reads every file once untimed: both then meet the same warm pages.
  const core = await timeEach(
    ids,
    async (id) => {
      const result = await office.core.call(office.session, 'families.get', { id });
      if (!result.ok) throw new Error(`families.get refused ${id}: ${JSON.stringify(result.error)}`);
    },
    ALL_INPUTS,
  );
  return { name: `families.get (${CALLS} dossiers)`, core, raw: await timeEach(ids, rawFamilyFile(sqlite), ALL_INPUTS), budgetMs: 100 };
}
