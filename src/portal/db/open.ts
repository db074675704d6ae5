import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  sql,
  SqliteDialect,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryCompiler,
  type TransactionSettings,
  type Transaction,
} from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { loadMigrations, NewerDatabaseError, type Migration } from '../../server/migrate.js';
import { StatementCache } from '../../server/statement-cache.js';
import { SchemaPlugin } from '../../server/schema-plugin.js';
import { ImmediateSqliteDialect } from './immediate.js';
import { migratePortal, portalSchemaVersion, type PortalDialectName } from './migrate.js';
import { portalPool, redactedUrl } from './postgres.js';
import type { PortalDatabase } from './schema.js';

export type PortalDb = Kysely<PortalDatabase>;
export type PortalTrx = Transaction<PortalDatabase>;

/** Where the portal keeps its data: a SQLite file in a folder (the default), or a PostgreSQL database. */
export type PortalStorage = { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string; poolMax?: number };

/** GRENETTE_PORTAL_DATABASE_URL (postgres://…) when set, else the SQLite file in the data folder. */
export function portalStorage(config: { dataDir: string; databaseUrl: string | null; databasePool?: number }): PortalStorage {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolMax: config.databasePool } : { kind: 'sqlite', dataDir: config.dataDir };
}

export interface OpenedPortalDatabase {
  kind: PortalDialectName;
  /** The SQLite file, or the PostgreSQL URL without its password. */
  location: string;
  db: PortalDb;
  /** Resolves once the schema is migrated: the first query waits for it anyway; call it to fail early (at start). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenedSqlitePortalDatabase extends OpenedPortalDatabase {
  kind: 'sqlite';
  file: string;
  sqlite: BetterSqlite3.Database;
  /** The prepared statements Kysely runs, kept by SQL text (see server/statement-cache.ts). */
  statements: StatementCache;
}

export function portalMigrationsDir(kind: PortalDialectName = 'sqlite'): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  if (kind === 'postgres') return path.resolve(here, '../../../migrations/portal-pg');
  return process.env.GRENETTE_PORTAL_MIGRATIONS_DIR ?? path.resolve(here, '../../../migrations/portal');
}

/**
 * Opens the portal's database: the SQLite file `portal.sqlite` in a data folder (given as a string, or as storage),
 * created if needed, in WAL with foreign keys; or a pool on a PostgreSQL database. The pending migrations of its
 * dialect (migrations/portal, migrations/portal-pg) run before the first query, which waits for them: opening stays
 * synchronous for the server and the tests, and `ready()` reports a refusal (a newer schema) at start.
 */
export function openPortalDatabase(dataDir: string, clock: Clock): OpenedSqlitePortalDatabase;
export function openPortalDatabase(storage: PortalStorage, clock: Clock): OpenedPortalDatabase;
export function openPortalDatabase(target: string | PortalStorage, clock: Clock): OpenedPortalDatabase {
  const storage: PortalStorage = typeof target === 'string' ? { kind: 'sqlite', dataDir: target } : target;
  return storage.kind === 'sqlite' ? openSqlite(storage.dataDir, clock) : openPostgres(storage.url, clock, storage.poolMax);
}

function opened(kind: PortalDialectName, location: string, db: PortalDb, close: () => Promise<void>): OpenedPortalDatabase {
  return {
    kind,
    location,
    db,
    async ready() {
      // Any query acquires a connection, which first runs the migrations (migratingDialect).
      await db.selectFrom('accounts').select('id').limit(1).execute();
    },
    close,
  };
}

function openSqlite(dataDir: string, clock: Clock): OpenedSqlitePortalDatabase {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'portal.sqlite');
  const migrations = loadMigrations(portalMigrationsDir('sqlite'));
  const sqlite = new BetterSqlite3(file);
  const statements = new StatementCache(sqlite);
  // Transactions begin IMMEDIATE (immediate.ts): several portal processes may share the file (GRENETTE_PORTAL_WORKERS).
  const dialect = new ImmediateSqliteDialect({
    database: statements,
    // A newer file is refused before anything is written to it: even switching to WAL rewrites its header.
    async onCreateConnection(connection) {
      // Waiting for another process's lock writes nothing: set first, so the check below waits rather than fails.
      await connection.executeQuery(CompiledQuery.raw('PRAGMA busy_timeout = 5000'));
      const found = await portalSchemaVersion(connectionDb(connection, new SqliteDialect({ database: statements })), 'sqlite');
      if (found > migrations.length) throw new NewerDatabaseError(found, migrations.length);
      for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON']) {
        await connection.executeQuery(CompiledQuery.raw(`PRAGMA ${pragma}`));
      }
    },
  });
  // A migration file holds several statements: SQLite runs them on the connection, inside the migration's transaction
  // (the one connection Kysely holds for it), then forgets every statement prepared against the older schema.
  const runScript = async (_trx: unknown, script: string) => {
    sqlite.exec(script);
    statements.clear();
  };
  const db = new Kysely<PortalDatabase>({ dialect: migratingDialect(dialect, 'sqlite', migrations, runScript, clock) });
  const base = opened('sqlite', file, db, async () => {
    await db.destroy();
    if (sqlite.open) sqlite.close();
  });
  return { ...base, kind: 'sqlite', file, sqlite, statements };
}

function openPostgres(url: string, clock: Clock, poolMax?: number): OpenedPortalDatabase {
  const migrations = loadMigrations(portalMigrationsDir('postgres'));
  const pool = portalPool(url, { max: poolMax });
  const dialect = new PostgresDialect({ pool });
  const runScript = async (trx: Kysely<unknown>, script: string) => {
    // No parameters: pg sends it as one simple query, which may hold several statements.
    await trx.executeQuery(CompiledQuery.raw(script, []));
  };
  const db = new Kysely<PortalDatabase>({ dialect: migratingDialect(dialect, 'postgres', migrations, runScript, clock) });
  return opened('postgres', redactedUrl(url), db, async () => {
    await db.destroy();
    // Kysely leaves the pool open when the migrations failed (no driver to destroy): end it here.
    if (!pool.ended) await pool.end();
  });
}

/**
 * A pool on a PostgreSQL database holding several communes' portals (src/portal/communes), each in a schema of its own:
 * `base` works in the URL's own schema (its search_path: the communes' registry) and runs no portal migration;
 * `communeDb` migrates a commune's schema (creating it) and gives the Kysely whose every table is qualified by it.
 */
export interface PortalPgPool {
  base: Kysely<unknown>;
  location: string;
  communeDb(schema: string, clock: Clock): Promise<PortalDb>;
  close(): Promise<void>;
}

export function openPortalPgPool(url: string, poolMax?: number): PortalPgPool {
  const migrations = loadMigrations(portalMigrationsDir('postgres'));
  const pool = portalPool(url, { max: poolMax });
  const base = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const runScript = async (trx: Kysely<unknown>, script: string) => {
    await trx.executeQuery(CompiledQuery.raw(script, []));
  };
  return {
    base,
    location: redactedUrl(url),
    async communeDb(schema, clock) {
      // Two processes creating it at once: one of them gets a duplicate error, and the schema is there all the same.
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(base).catch(async (error: unknown) => {
        const { rows } = await sql`SELECT 1 FROM pg_namespace WHERE nspname = ${schema}`.execute(base);
        if (rows.length === 0) throw error;
      });
      await migratePortal(base, 'postgres', migrations, runScript as never, clock, schema);
      return (base as unknown as PortalDb).withPlugin(new SchemaPlugin(schema));
    },
    async close() {
      await base.destroy();
      if (!pool.ended) await pool.end();
    },
  };
}

/** A small SQLite file of the portal's own (the communes' registry): WAL, foreign keys, a busy timeout for other processes. */
export function openPlainSqlite(file: string): { db: Kysely<unknown>; close(): Promise<void> } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    async close() {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * The portal's database opened and migrated now, closed again when it cannot be (a newer schema, a file it may not
 * write, an unreachable server): for whoever needs it ready before going on (a cluster's primary, a commune's file).
 */
export async function openMigratedPortalDatabase(storage: PortalStorage, clock: Clock): Promise<OpenedPortalDatabase> {
  const opened = openPortalDatabase(storage, clock);
  try {
    await opened.ready();
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

/**
 * The dialect with a driver that migrates the schema when Kysely initialises it (before its first connection), on a
 * Kysely of its own over the same, already initialised driver.
 */
function migratingDialect(
  inner: Dialect,
  name: PortalDialectName,
  migrations: readonly Migration[],
  runScript: (trx: Kysely<unknown>, script: string) => Promise<void>,
  clock: Clock,
): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => {
      const driver = inner.createDriver();
      return new DelegatingDriver(driver, async () => {
        await driver.init();
        const db = new Kysely<unknown>({ dialect: withDriver(inner, new DelegatingDriver(driver, async () => {}, async () => {})) });
        await migratePortal(db, name, migrations, runScript as never, clock);
      });
    },
  };
}

/** A Kysely on one connection that is already open (the SQLite connection while it is being set up). */
function connectionDb(connection: DatabaseConnection, dialect: Dialect): Kysely<unknown> {
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {
      throw new Error('no transaction while the connection is set up');
    },
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  return new Kysely<unknown>({ dialect: withDriver(dialect, driver) });
}

/** The dialect's SQL with another driver. */
function withDriver(dialect: Dialect, driver: Driver): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => driver,
  };
}

/** A driver passing everything to another one, except its initialisation and destruction. */
class DelegatingDriver implements Driver {
  constructor(
    readonly inner: Driver,
    readonly initialise: () => Promise<void>,
    readonly destroyer: () => Promise<void> = () => inner.destroy(),
  ) {}
  init(): Promise<void> {
    return this.initialise();
  }
  acquireConnection(): Promise<DatabaseConnection> {
    return this.inner.acquireConnection();
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#savepoints().savepoint!(connection, name, compile);
  }
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#savepoints().rollbackToSavepoint!(connection, name, compile);
  }
  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#savepoints().releaseSavepoint!(connection, name, compile);
  }
  #savepoints(): Driver {
    if (!this.inner.savepoint || !this.inner.rollbackToSavepoint || !this.inner.releaseSavepoint) throw new Error('this driver has no savepoints');
    return this.inner;
  }
  destroy(): Promise<void> {
    return this.destroyer();
  }
}
