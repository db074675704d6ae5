import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { loadMigrations, migrate } from './migrate.js';
import type { OfficeDatabase } from './schema.js';

export type OfficeDb = Kysely<OfficeDatabase>;

export interface OpenedOfficeDatabase {
  file: string;
  sqlite: BetterSqlite3.Database;
  db: OfficeDb;
  close(): Promise<void>;
}

export interface OpenOptions {
  file: string;
  clock: Clock;
  /** Path of a better_sqlite3.node built for Electron's ABI (the Node build serves tests and the dev bridge). */
  nativeBinding?: string;
  migrationsDir?: string;
}

/** Thrown when SQLite's integrity check finds damage: the office must restore a backup rather than write on. */
export class CorruptDatabaseError extends Error {
  constructor(
    readonly file: string,
    readonly details: string,
  ) {
    super(
      `La base de données ${file} est endommagée (${details}). Restaurez la dernière sauvegarde (voir le README).`,
    );
    this.name = 'CorruptDatabaseError';
  }
}

/** migrations/office, found from this file in the sources and from the bundle in dist/. */
export function defaultMigrationsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const fromSource = path.resolve(here, '../../../migrations/office');
  return process.env.GRENETTE_MIGRATIONS_DIR ?? fromSource;
}

/** Opens (creating if needed) the office database: integrity check, WAL, foreign keys, pending migrations. */
export function openOfficeDatabase(options: OpenOptions): OpenedOfficeDatabase {
  const sqlite = new BetterSqlite3(
    options.file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  try {
    const check = sqlite.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new CorruptDatabaseError(options.file, String(check));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    migrate(sqlite, loadMigrations(options.migrationsDir ?? defaultMigrationsDir()), options.clock);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<OfficeDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    file: options.file,
    sqlite,
    db,
    close: () => db.destroy(),
  };
}
