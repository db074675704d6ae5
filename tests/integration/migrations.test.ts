import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { currentVersion, loadMigrations, migrate, NewerDatabaseError } from '../../src/server/migrate.js';
import { ibanVault } from '../../src/office/sepa/iban-vault.js';
import { CorruptDatabaseError, defaultMigrationsDir, openOfficeDatabase, registerOfficeFunctions } from '../../src/office/db/open.js';

const clock = () => new Date('2026-11-28T10:00:00Z');
const migrations = loadMigrations(defaultMigrationsDir());
const LATEST = migrations.length;
const dirs: string[] = [];

function tempFile(name = 'office.sqlite'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-migrations-'));
  dirs.push(dir);
  return path.join(dir, name);
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Known values for columns with a CHECK constraint; every other column gets a value of its declared type. Together with
 * PRAGMA table_info this fills a row of whatever shape a table had at an older version.
 */
const CHECKED: Record<string, unknown> = {
  role: 'admin', sexe: 'F', rank: 1, civilite: 'Mme', regime: 'sans_porc', caf_regime: 'CAF', entity: 'family', kind: 'text',
};

/** Tables in foreign-key order, with the parent each references. */
const FIXTURE_TABLES: { table: string; parents: Record<string, string> }[] = [
  { table: 'staff_users', parents: {} },
  { table: 'schools', parents: {} },
  { table: 'families', parents: {} },
  { table: 'responsables', parents: { family_id: 'families' } },
  { table: 'children', parents: { family_id: 'families', school_id: 'schools' } },
  { table: 'authorised_persons', parents: { child_id: 'children' } },
  { table: 'vaccinations', parents: { child_id: 'children' } },
  { table: 'family_search', parents: { family_id: 'families' } },
  { table: 'settings', parents: {} },
  { table: 'audit_log', parents: { user_id: 'staff_users' } },
];

/** Columns computed from others, rebuilt at opening rather than kept. */
const DERIVED = new Set(['family_search.haystack', 'family_search.etat', 'family_search.name_key']);

interface Inserted {
  table: string;
  rowid: number;
  values: Record<string, unknown>;
}

/** Inserts one row in each fixture table that exists at this version, using only the columns it has. */
function insertFixtureRows(sqlite: BetterSqlite3.Database): Inserted[] {
  const inserted: Inserted[] = [];
  const ids: Record<string, number> = {};
  for (const { table, parents } of FIXTURE_TABLES) {
    const columns = sqlite.prepare(`PRAGMA table_info(${table})`).all() as { name: string; type: string; pk: number }[];
    if (columns.length === 0) continue;
    const values: Record<string, unknown> = {};
    for (const column of columns) {
      if (column.pk === 1 && column.type.toUpperCase() === 'INTEGER' && column.name === 'id') continue;
      const parent = parents[column.name];
      if (parent !== undefined) values[column.name] = ids[parent] ?? null;
      else if (column.name in CHECKED) values[column.name] = CHECKED[column.name];
      else if (/INT/i.test(column.type)) values[column.name] = 1;
      else if (/BLOB/i.test(column.type)) values[column.name] = Buffer.from([1, 2, 3]);
      else values[column.name] = `${table}.${column.name} d'origine é`;
    }
    const names = Object.keys(values);
    const result = sqlite
      .prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      .run(...names.map((name) => values[name]));
    ids[table] = Number(result.lastInsertRowid);
    inserted.push({ table, rowid: Number(result.lastInsertRowid), values });
  }
  return inserted;
}

describe('office database migrations', () => {
  it('knows at least the initial schema', () => {
    expect(LATEST).toBeGreaterThanOrEqual(1);
  });

  // One case per earlier version, generated from migrations/office: a new migration is covered without editing this file.
  for (let version = 0; version < LATEST; version += 1) {
    it(`upgrades a database left at schema ${version} to schema ${LATEST}, keeping its data`, async () => {
      const file = tempFile();
      const old = new BetterSqlite3(file);
      // As openOfficeDatabase does: migration 0006 calls the shared phone rule.
      registerOfficeFunctions(old);
      migrate(old, migrations, clock, version);
      expect(currentVersion(old)).toBe(version);
      const inserted = insertFixtureRows(old);
      if (version >= 1) expect(inserted.map((row) => row.table)).toContain('families');
      old.close();

      const opened = openOfficeDatabase({ file, clock });
      try {
        expect(currentVersion(opened.sqlite)).toBe(LATEST);
        for (const row of inserted) {
          const now = opened.sqlite.prepare(`SELECT * FROM ${row.table} WHERE rowid = ?`).get(row.rowid) as Record<string, unknown>;
          expect(now, `${row.table} row kept`).toBeDefined();
          for (const [column, value] of Object.entries(row.values)) {
            if (DERIVED.has(`${row.table}.${column}`)) continue;
            // Sealed at open since issue #12 (src/office/sepa/iban-vault.ts): the same value once opened.
            if (`${row.table}.${column}` === 'families.bank_iban') {
              expect(ibanVault(opened.db).open(String(now[column])), `${row.table}.${column}`).toEqual(value);
              continue;
            }
            expect(now[column], `${row.table}.${column}`).toEqual(value);
          }
        }
        // The search index is rebuilt from the family's own rows, and finds it.
        const found = opened.sqlite
          .prepare("SELECT rowid FROM family_search_fts WHERE family_search_fts MATCH '\"responsables.nom d''origine e\"'")
          .pluck()
          .all();
        if (version >= 1) expect(found).toEqual([inserted.find((row) => row.table === 'families')!.rowid]);
        // The upgraded schema accepts what today's code writes.
        const tables = opened.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
        expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['families', 'children', 'family_search']));
      } finally {
        await opened.close();
      }
    });
  }

  it('refuses a database written by a newer Grenette and leaves the file untouched', async () => {
    const file = tempFile();
    const opened = openOfficeDatabase({ file, clock });
    opened.sqlite.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST + 1, 'from_the_future', clock().toISOString());
    await opened.close();
    const before = sha(file);

    let error: unknown;
    try {
      openOfficeDatabase({ file, clock });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NewerDatabaseError);
    expect((error as Error).message).toMatch(/version plus récente de Grenette/);
    expect(sha(file)).toBe(before);
    const check = new BetterSqlite3(file, { readonly: true });
    expect(currentVersion(check)).toBe(LATEST + 1);
    check.close();
  });

  it('leaves the database at the previous whole version when a migration fails midway', async () => {
    const migrationsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-broken-migrations-'));
    dirs.push(migrationsDir);
    fs.copyFileSync(path.join(defaultMigrationsDir(), '0001_initial.sql'), path.join(migrationsDir, '0001_initial.sql'));
    const file = tempFile();
    const first = openOfficeDatabase({ file, clock, migrationsDir });
    first.sqlite.prepare("INSERT INTO families (created_at, updated_at) VALUES ('2026-01-01', '2026-01-01')").run();
    await first.close();
    fs.writeFileSync(
      path.join(migrationsDir, '0002_broken.sql'),
      "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\nALTER TABLE families ADD COLUMN added TEXT NOT NULL DEFAULT 'x';\nINSERT INTO no_such_table VALUES (1);\n",
    );

    expect(() => openOfficeDatabase({ file, clock, migrationsDir })).toThrow(/no_such_table/);

    const check = new BetterSqlite3(file, { readonly: true });
    expect(currentVersion(check)).toBe(1);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    const columns = (check.prepare('PRAGMA table_info(families)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('added');
    expect(check.prepare('SELECT COUNT(*) AS n FROM families').get()).toEqual({ n: 1 });
    check.close();
  });

  it('reports a file that is not a database as a damaged database, in French', () => {
    const file = tempFile();
    fs.writeFileSync(file, crypto.randomBytes(8192));
    let error: unknown;
    try {
      openOfficeDatabase({ file, clock });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorruptDatabaseError);
    expect((error as Error).message).toMatch(/endommagée.*Restaurez la dernière sauvegarde/);
  });

  it('reports a database with damaged pages as damaged', async () => {
    const file = tempFile();
    const opened = openOfficeDatabase({ file, clock });
    const insert = opened.sqlite.prepare("INSERT INTO families (notes, created_at, updated_at) VALUES (?, '2026-01-01', '2026-01-01')");
    for (let i = 0; i < 400; i += 1) insert.run(`famille ${i} `.repeat(20));
    await opened.close();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over a few pages in the middle of the file, past the schema page.
    bytes.fill(0x5a, pageSize * 3, pageSize * 6);
    fs.writeFileSync(file, bytes);
    expect(() => openOfficeDatabase({ file, clock })).toThrow(CorruptDatabaseError);
  });
});
