import { sql, type Kysely } from 'kysely';
import { NewerDatabaseError, type Migration } from '../../server/migrate.js';

export type PortalDialectName = 'sqlite' | 'postgres';

/**
 * The portal's migration runner, on SQLite and PostgreSQL alike through Kysely: each numbered file once, in its own
 * transaction with its record in schema_migrations (the table and rows the office's runner kept for the portal's
 * SQLite files before, so a file migrated by it goes on from where it was). A database of a newer schema than the
 * code knows is refused before anything is written to it.
 *
 * `runScript` runs one migration file, several statements, in the transaction: SQLite's prepared statements take one
 * statement each, so the SQLite opener executes the file on its connection; PostgreSQL takes the file as one simple
 * query. On PostgreSQL, portal processes starting together on one database wait for each other (an advisory lock held
 * by each migration's transaction) and each migration is read as applied or not once the lock is held.
 */

/** pg_advisory_xact_lock's key for the portal's migrations: arbitrary, fixed, a number pg sends as it is. */
const MIGRATION_LOCK = 7_437_000_001;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs before the schema exists: no typed tables.
type AnyDb = Kysely<any>;

const TABLE_DDL: Record<PortalDialectName, string> = {
  sqlite: 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  postgres: 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
};

async function tableExists(db: AnyDb, dialect: PortalDialectName): Promise<boolean> {
  const query =
    dialect === 'sqlite'
      ? sql<{ found: number }>`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
      : sql<{ found: number }>`SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`;
  return (await query.execute(db)).rows.length > 0;
}

/** The highest version applied (0: none). */
export async function portalSchemaVersion(db: AnyDb, dialect: PortalDialectName): Promise<number> {
  if (!(await tableExists(db, dialect))) return 0;
  const row = await sql<{ version: number | null }>`SELECT MAX(version) AS version FROM schema_migrations`.execute(db);
  return Number(row.rows[0]?.version ?? 0);
}

export async function migratePortal(
  db: AnyDb,
  dialect: PortalDialectName,
  migrations: readonly Migration[],
  runScript: (trx: AnyDb, script: string) => Promise<void>,
  now: () => Date,
  /**
   * PostgreSQL: the schema to migrate (a commune's, src/portal/communes), named as the search_path of each migration's
   * transaction (SET LOCAL: the pooled connection gets its own back at commit), so the files, written without a schema,
   * and the schema_migrations table land in it. Unset: the connection's search_path, as for one portal.
   */
  schema?: string,
): Promise<{ from: number; to: number }> {
  if (schema !== undefined && dialect !== 'postgres') throw new Error('a schema is migrated on PostgreSQL only');
  const inSchema = <T>(work: (trx: AnyDb) => Promise<T>): Promise<T> =>
    db.transaction().execute(async (trx) => {
      if (schema !== undefined) await sql`SET LOCAL search_path TO ${sql.id(schema)}`.execute(trx);
      return work(trx);
    });
  const found = schema === undefined ? await portalSchemaVersion(db, dialect) : await inSchema((trx) => portalSchemaVersion(trx, dialect));
  if (found > migrations.length) throw new NewerDatabaseError(found, migrations.length);
  for (;;) {
    const applied = await inSchema(async (trx) => {
      if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      await sql.raw(TABLE_DDL[dialect]).execute(trx);
      const version = await portalSchemaVersion(trx, dialect);
      if (version > migrations.length) throw new NewerDatabaseError(version, migrations.length);
      const next = migrations[version];
      if (!next) return null;
      await runScript(trx, next.sql);
      await trx.insertInto('schema_migrations').values({ version: next.version, name: next.name, applied_at: now().toISOString() }).execute();
      return next.version;
    });
    if (applied === null) break;
  }
  return { from: found, to: migrations.length };
}
