import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely, Transaction } from 'kysely';
import { phoneSearchForms } from '../../shared/validation/phone.js';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * Search as you type over 30,000 (or 300,000) families: one pre-normalised text per family (family_search.haystack),
 * written by the store layer in the same transaction as each change. SQLite keeps the FTS5 trigram index over it
 * (family_search_fts, migration 0006) in step by triggers, so a keystroke is an index lookup, not a scan.
 */

/** Bump when the haystack's composition changes: the next opening of the database rebuilds every haystack. */
export const SEARCH_INDEX_VERSION = '3';
const VERSION_KEY = 'search_index_version';

/** Lowercase, accents stripped (NFD), spaces collapsed: "Hélène  DUPONT" → "helene dupont". Used on both sides. */
export function normaliseSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export interface HaystackInput {
  cafNumber: string;
  /** By rank: the first one's name starts the haystack (family_search.name_key, for queries under 3 letters). */
  responsables: { nom: string; prenom: string; email: string; phones: string[] }[];
  /** Active children only. */
  children: { nom: string; prenom: string }[];
}

/** One family's haystack: names, e-mails, every phone as national and international digits, allocataire number. */
export function familyHaystack(input: HaystackInput): string {
  const parts: string[] = [];
  for (const person of input.responsables) {
    parts.push(`${person.nom} ${person.prenom}`, person.email);
    for (const tel of person.phones) parts.push(...phoneSearchForms(tel));
  }
  for (const child of input.children) parts.push(`${child.nom} ${child.prenom}`);
  parts.push(input.cafNumber);
  return normaliseSearch(parts.filter((part) => part.trim() !== '').join(' | '));
}

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/** family_search.etat: the index counts active families without visiting the families table. */
export function familyEtat(archivedAt: string | null): 'actif' | 'archivee' {
  return archivedAt === null ? 'actif' : 'archivee';
}

/** Recomputes one family's haystack; call it in the same transaction as the change it reflects. */
export async function refreshFamilySearch(db: Db, familyId: number): Promise<void> {
  const family = await db
    .selectFrom('families')
    .select(['id', 'caf_number', 'archived_at'])
    .where('id', '=', familyId)
    .executeTakeFirst();
  if (!family) {
    await db.deleteFrom('family_search').where('family_id', '=', familyId).execute();
    return;
  }
  const responsables = await db
    .selectFrom('responsables')
    .select(['nom', 'prenom', 'email', 'tel_mobile', 'tel_fixe', 'tel_pro'])
    .where('family_id', '=', familyId)
    .orderBy('rank')
    .execute();
  const children = await db
    .selectFrom('children')
    .select(['nom', 'prenom'])
    .where('family_id', '=', familyId)
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute();
  const haystack = familyHaystack({
    cafNumber: family.caf_number,
    responsables: responsables.map((person) => ({ ...person, phones: [person.tel_mobile, person.tel_fixe, person.tel_pro] })),
    children,
  });
  const etat = familyEtat(family.archived_at);
  await db
    .insertInto('family_search')
    .values({ family_id: familyId, haystack, etat })
    .onConflict((conflict) => conflict.column('family_id').doUpdateSet({ haystack, etat }))
    .execute();
}

/**
 * Every family's haystack in one pass, when SEARCH_INDEX_VERSION changed (or never ran): at opening, before any
 * search. Three reads in family order, merged in memory; the FTS triggers follow each write.
 */
export function rebuildFamilySearchIfStale(sqlite: BetterSqlite3.Database): number {
  // A database built by other migrations (tests of the runner) has no search index to keep.
  if (!sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = 'family_search_fts'").get()) return 0;
  const stored = sqlite.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(VERSION_KEY) as string | undefined;
  if (stored === SEARCH_INDEX_VERSION) return 0;
  const families = sqlite.prepare('SELECT id, caf_number, archived_at FROM families ORDER BY id').all() as {
    id: number;
    caf_number: string;
    archived_at: string | null;
  }[];
  const responsables = sqlite
    .prepare('SELECT family_id, nom, prenom, email, tel_mobile, tel_fixe, tel_pro FROM responsables ORDER BY family_id, rank')
    .all() as { family_id: number; nom: string; prenom: string; email: string; tel_mobile: string; tel_fixe: string; tel_pro: string }[];
  const children = sqlite
    .prepare('SELECT family_id, nom, prenom FROM children WHERE archived_at IS NULL ORDER BY family_id, id')
    .all() as { family_id: number; nom: string; prenom: string }[];
  const upsert = sqlite.prepare(
    `INSERT INTO family_search (family_id, haystack, etat) VALUES (?, ?, ?) ON CONFLICT (family_id) DO UPDATE
     SET haystack = excluded.haystack, etat = excluded.etat WHERE haystack <> excluded.haystack OR etat <> excluded.etat`,
  );
  let count = 0;
  sqlite.transaction(() => {
    let r = 0;
    let c = 0;
    for (const family of families) {
      while (r < responsables.length && responsables[r]!.family_id < family.id) r += 1;
      const people: HaystackInput['responsables'] = [];
      for (; r < responsables.length && responsables[r]!.family_id === family.id; r += 1) {
        const person = responsables[r]!;
        people.push({ ...person, phones: [person.tel_mobile, person.tel_fixe, person.tel_pro] });
      }
      while (c < children.length && children[c]!.family_id < family.id) c += 1;
      const kids: HaystackInput['children'] = [];
      for (; c < children.length && children[c]!.family_id === family.id; c += 1) kids.push(children[c]!);
      upsert.run(family.id, familyHaystack({ cafNumber: family.caf_number, responsables: people, children: kids }), familyEtat(family.archived_at));
      count += 1;
    }
    sqlite
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(VERSION_KEY, SEARCH_INDEX_VERSION);
  })();
  return count;
}
