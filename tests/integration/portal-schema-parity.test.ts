import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPortalDatabase, type OpenedPortalDatabase } from '../../src/portal/db/open.js';
import BetterSqlite3 from 'better-sqlite3';
import { loadMigrations, NewerDatabaseError } from '../../src/server/migrate.js';
import { portalMigrationsDir } from '../../src/portal/db/open.js';
import { freshPgSchema, scratchPgPortal, scratchSqlitePortal } from '../helpers/portal-db.js';
import { makeTestClock } from '../helpers/office.js';

/**
 * migrations/portal (SQLite) and migrations/portal-pg (PostgreSQL) kept in step: both sets applied, the resulting
 * schemas compared table by table: tables, columns (name, nullability, kind of value), primary keys, indexes by name,
 * unique constraints and foreign keys. The kinds of value pair SQLite's declared types with the PostgreSQL types that
 * hold the same values for the code (migrations/portal-pg/0001_initial.sql says why): INTEGER with integer, bigint
 * and boolean (0/1 flags), TEXT with text, timestamptz (ISO instants) and jsonb, BLOB with bytea.
 */

interface TableShape {
  columns: Record<string, { notNull: boolean; kind: string }>;
  primaryKey: string[];
  /** Indexes created by name (CREATE INDEX), with their columns in order. */
  indexes: Record<string, { unique: boolean; columns: string[] }>;
  /** Unique constraints of the table definition, by their columns (each side names them its own way). */
  uniques: string[];
  foreignKeys: string[];
}
type Schema = Record<string, TableShape>;

const SQLITE_KINDS: Record<string, string> = { INTEGER: 'integer', TEXT: 'text', BLOB: 'bytes' };
const PG_KINDS: Record<string, string> = {
  integer: 'integer',
  bigint: 'integer',
  boolean: 'integer',
  text: 'text',
  'timestamp with time zone': 'text',
  jsonb: 'text',
  bytea: 'bytes',
};

const clock = makeTestClock('2026-11-30T09:00:00.000Z');
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function sqliteSchema(): Promise<Schema> {
  const { sqlite } = await scratchSqlitePortal(clock, cleanups);
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  const schema: Schema = {};
  for (const table of tables) {
    const columns = sqlite.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; type: string; notnull: number; pk: number }>;
    const shape: TableShape = { columns: {}, primaryKey: [], indexes: {}, uniques: [], foreignKeys: [] };
    for (const column of columns) {
      // A primary key's columns are never null (PostgreSQL says so; SQLite's rowid alias does not).
      shape.columns[column.name] = { notNull: column.notnull === 1 || column.pk > 0, kind: SQLITE_KINDS[column.type] ?? `sqlite ${column.type}` };
    }
    shape.primaryKey = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const indexes = sqlite.prepare(`PRAGMA index_list(${table})`).all() as Array<{ name: string; unique: number; origin: string }>;
    for (const index of indexes) {
      const indexColumns = (sqlite.prepare(`PRAGMA index_info(${index.name})`).all() as Array<{ seqno: number; name: string }>).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      if (index.origin === 'c') shape.indexes[index.name] = { unique: index.unique === 1, columns: indexColumns };
      else if (index.origin === 'u') shape.uniques.push(indexColumns.join(','));
    }
    shape.uniques.sort();
    const keys = sqlite.prepare(`PRAGMA foreign_key_list(${table})`).all() as Array<{ from: string; table: string; to: string }>;
    shape.foreignKeys = keys.map((key) => `${key.from} -> ${key.table}(${key.to})`).sort();
    schema[table] = shape;
  }
  return schema;
}

async function postgresSchema(): Promise<Schema> {
  const fresh = await scratchPgPortal(clock, cleanups);
  const client = new pg.Client({ connectionString: fresh.url });
  await client.connect();
  cleanups.push(() => client.end());
  const rows = async <T,>(text: string): Promise<T[]> => (await client.query(text, [fresh.schema])).rows as T[];
  const tables = (await rows<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1")).map((r) => r.name);
  const schema: Schema = {};
  for (const table of tables) schema[table] = { columns: {}, primaryKey: [], indexes: {}, uniques: [], foreignKeys: [] };
  for (const column of await rows<{ table_name: string; column_name: string; is_nullable: string; data_type: string }>(
    'SELECT table_name, column_name, is_nullable, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position',
  )) {
    schema[column.table_name]!.columns[column.column_name] = { notNull: column.is_nullable === 'NO', kind: PG_KINDS[column.data_type] ?? `pg ${column.data_type}` };
  }
  // Every index with its columns in order, and the constraint it carries (p: primary key, u: unique, none: created).
  const indexes = await rows<{ table: string; name: string; unique: boolean; constraint: string | null; columns: string[] }>(`
    SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, c.contype AS constraint,
           ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace s ON s.oid = t.relnamespace
    LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype IN ('p', 'u')
    WHERE s.nspname = $1`);
  for (const index of indexes) {
    const shape = schema[index.table]!;
    if (index.constraint === 'p') shape.primaryKey = index.columns;
    else if (index.constraint === 'u') shape.uniques.push(index.columns.join(','));
    else shape.indexes[index.name] = { unique: index.unique, columns: index.columns };
  }
  const keys = await rows<{ table: string; from: string; target: string; to: string }>(`
    SELECT t.relname AS table, a.attname AS from, r.relname AS target, ra.attname AS to
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace s ON s.oid = t.relnamespace
    JOIN pg_class r ON r.oid = c.confrelid
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND s.nspname = $1`);
  for (const key of keys) schema[key.table]!.foreignKeys.push(`${key.from} -> ${key.target}(${key.to})`);
  for (const shape of Object.values(schema)) {
    shape.uniques.sort();
    shape.foreignKeys.sort();
  }
  return schema;
}

describe('the portal schema on SQLite and on PostgreSQL', () => {
  it('has the same numbered migrations in both folders', () => {
    const names = (kind: 'sqlite' | 'postgres') => loadMigrations(portalMigrationsDir(kind)).map((m) => `${m.version}_${m.name}`);
    expect(names('postgres')).toEqual(names('sqlite'));
  });

  it('has the same tables, columns, keys and indexes once each set is applied', async () => {
    const [lite, postgres] = [await sqliteSchema(), await postgresSchema()];
    expect(Object.keys(lite)).toContain('accounts');
    expect(Object.keys(lite)).toContain('uploads');
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(lite).sort());
    for (const table of Object.keys(lite)) expect({ table, ...postgres[table] }).toEqual({ table, ...lite[table] });
  });

  it('refuses a database of a newer schema on both, before writing to it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-parity-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = new BetterSqlite3(path.join(dir, 'portal.sqlite'));
    file.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL); INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01T00:00:00.000Z')");
    file.close();
    const lite = openPortalDatabase(dir, clock);
    await expect(lite.ready()).rejects.toBeInstanceOf(NewerDatabaseError);
    await lite.close();
    const reopened = new BetterSqlite3(path.join(dir, 'portal.sqlite'), { readonly: true });
    expect(reopened.pragma('journal_mode', { simple: true })).toBe('delete');
    reopened.close();

    const fresh = await freshPgSchema();
    cleanups.push(() => fresh.drop());
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    await client.query("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL); INSERT INTO schema_migrations VALUES (99, 'future', now())");
    await client.end();
    const postgres = openPortalDatabase({ kind: 'postgres', url: fresh.url }, clock);
    await expect(postgres.ready()).rejects.toBeInstanceOf(NewerDatabaseError);
    await postgres.close();
  });

  it('gives the code the same values from both: numbers, ISO instants, 0/1 flags, JSON text, bytes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-parity-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const fresh = await freshPgSchema();
    cleanups.push(() => fresh.drop());
    const read = async (opened: OpenedPortalDatabase) => {
      cleanups.push(() => opened.close());
      const { db } = opened;
      const at = '2026-11-30T09:15:42.123Z';
      const account = await db
        .insertInto('accounts')
        .values({ family_id: 2 ** 40, responsable_rank: 1, email: 'a@example.test', password_hash: null, activation_code_hash: null, activation_expires_at: '2027-01-31T00:00:00.000Z', activated_at: null, disabled: 1, created_at: at, updated_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('publications').values({ family_id: 7, version: 2 ** 52 + 1, data: '{"b": [1, 2.5, "é"], "a": null}', published_at: at }).execute();
      await db.insertInto('requests').values({ uid: 'u1', family_id: 7, account_id: account.id, kind: 'photo', body: '{"kind": "photo"}', submitted_at: at, late: 1 }).execute();
      await db.insertInto('uploads').values({ request_uid: 'u1', family_id: 7, kind: 'photo', child_id: null, sha256: 'x', mime: 'image/jpeg', size: 3, content: Buffer.from([0, 255, 7]), created_at: at }).execute();
      const counted = await db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return {
        account: await db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow(),
        publication: await db.selectFrom('publications').selectAll().executeTakeFirstOrThrow(),
        request: await db.selectFrom('requests').selectAll().executeTakeFirstOrThrow(),
        upload: await db.selectFrom('uploads').selectAll().executeTakeFirstOrThrow(),
        flags: await db.selectFrom('accounts').select('id').where('disabled', '=', 1).execute(),
        count: counted.n,
        before: await db.selectFrom('requests').select('uid').where('submitted_at', '<', '2026-11-30T09:15:42.124Z').execute(),
      };
    };
    const lite = await read(openPortalDatabase(dir, clock));
    const postgres = await read(openPortalDatabase({ kind: 'postgres', url: fresh.url }, clock));
    // jsonb keeps the document, not its spelling: the JSON text is compared once parsed.
    const spelling = (values: typeof lite) => ({ ...values, publication: { ...values.publication, data: JSON.parse(values.publication.data) }, request: { ...values.request, body: JSON.parse(values.request.body) } });
    expect(spelling(postgres)).toEqual(spelling(lite));
    expect(postgres.publication.version).toBe(2 ** 52 + 1);
    expect(postgres.account).toMatchObject({ family_id: 2 ** 40, disabled: 1, created_at: '2026-11-30T09:15:42.123Z' });
    expect(postgres.count).toBe(1);
    expect(postgres.before).toEqual([{ uid: 'u1' }]);
  });
});
