import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { forgetStatements } from './statement-cache.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Thrown when the file was written by a newer Grenette: opening it could damage data we do not understand. */
export class NewerDatabaseError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `Cette base de données a été créée par une version plus récente de Grenette (schéma ${found}, ` +
        `cette version connaît le schéma ${known}). Installez la dernière version de Grenette pour l'ouvrir.`,
    );
    this.name = 'NewerDatabaseError';
  }
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads numbered migrations (0001_name.sql ...) from a folder, in order, refusing gaps and duplicates. */
export function loadMigrations(dir: string): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .map((file) => ({ file, match: FILE_PATTERN.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2] ?? file,
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) throw new Error(`Migration ${m.version} (${m.name}) is out of sequence in ${dir}`);
  });
  return migrations;
}

export function currentVersion(sqlite: BetterSqlite3.Database): number {
  const table = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = sqlite.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/**
 * Applies the pending migrations, each in its own transaction together with its version record, so a crash
 * leaves the database at a whole version. `upTo` stops early (tests build databases at every earlier version).
 */
export function migrate(
  sqlite: BetterSqlite3.Database,
  migrations: Migration[],
  now: () => Date,
  upTo: number = migrations.length,
): { from: number; to: number } {
  sqlite.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const from = currentVersion(sqlite);
  if (from > migrations.length) throw new NewerDatabaseError(from, migrations.length);
  const record = sqlite.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  try {
    for (const m of migrations) {
      if (m.version <= from || m.version > upTo) continue;
      sqlite.transaction(() => {
        sqlite.exec(m.sql);
        record.run(m.version, m.name, now().toISOString());
      })();
    }
  } finally {
    // A migration may drop, recreate or alter any table: no statement prepared before it is trusted after it (see
    // statement-cache.ts). Also after a failed one, whose rollback put the old schema back.
    forgetStatements(sqlite);
  }
  return { from, to: Math.max(from, Math.min(upTo, migrations.length)) };
}

/**
 * Sets an opened file up for the app (office or portal) and brings it to the code's schema. A newer file is refused
 * before anything writes to it: even switching to WAL rewrites its header.
 */
export function prepareDatabase(sqlite: BetterSqlite3.Database, migrations: Migration[], now: () => Date): void {
  const found = currentVersion(sqlite);
  if (found > migrations.length) throw new NewerDatabaseError(found, migrations.length);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  migrate(sqlite, migrations, now);
}
