import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Transaction } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { loadMigrations, prepareDatabase } from '../../server/migrate.js';
import { StatementCache } from '../../server/statement-cache.js';
import { ImmediateSqliteDialect } from './immediate.js';
import type { PortalDatabase } from './schema.js';

export type PortalDb = Kysely<PortalDatabase>;
export type PortalTrx = Transaction<PortalDatabase>;

export interface OpenedPortalDatabase {
  file: string;
  sqlite: BetterSqlite3.Database;
  /** The prepared statements Kysely runs, kept by SQL text (see server/statement-cache.ts). */
  statements: StatementCache;
  db: PortalDb;
  close(): Promise<void>;
}

export function portalMigrationsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return process.env.GRENETTE_PORTAL_MIGRATIONS_DIR ?? path.resolve(here, '../../../migrations/portal');
}

/**
 * Opens (creating if needed) the portal's SQLite file in `dataDir`: WAL, foreign keys, a busy timeout (another portal
 * process's write is waited for, not failed), pending migrations; transactions begin IMMEDIATE (immediate.ts).
 */
export function openPortalDatabase(dataDir: string, clock: Clock): OpenedPortalDatabase {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'portal.sqlite');
  const sqlite = new BetterSqlite3(file);
  try {
    prepareDatabase(sqlite, loadMigrations(portalMigrationsDir()), clock);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const statements = new StatementCache(sqlite);
  const db = new Kysely<PortalDatabase>({ dialect: new ImmediateSqliteDialect({ database: statements }) });
  return {
    file,
    sqlite,
    statements,
    db,
    async close() {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}
