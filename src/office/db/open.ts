import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { loadMigrations, prepareDatabase } from '../../server/migrate.js';
import { StatementCache } from '../../server/statement-cache.js';
import { normalisePhone } from '../../shared/validation/phone.js';
import { rebuildFamilySearchIfStale } from '../families/search-index.js';
import { stopBackground } from './background.js';
import { attachVault, hasSealedIbans, IbanKeyError, keyFileFor, keyFromFile, sealPlainIbans, vaultWithKey } from '../sepa/iban-vault.js';
import type { OfficeDatabase } from './schema.js';

export type OfficeDb = Kysely<OfficeDatabase>;

export interface OpenedOfficeDatabase {
  file: string;
  sqlite: BetterSqlite3.Database;
  /** The prepared statements Kysely runs, kept by SQL text: statements prepared by hand ask it too. */
  statements: StatementCache;
  db: OfficeDb;
  close(): Promise<void>;
}

export interface OpenOptions {
  file: string;
  clock: Clock;
  /** Path of a better_sqlite3.node built for Electron's ABI (the Node build serves tests and the dev bridge). */
  nativeBinding?: string;
  migrationsDir?: string;
  /** The key sealing IBANs at rest (Electron: from safeStorage); otherwise the key file beside the database. */
  ibanKey?: Buffer;
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

/**
 * Functions the migrations call so that a rule stays in one place: grenette_phone(text) is the shared phone rule
 * (E.164, or the value as it was when it is not a phone).
 */
export function registerOfficeFunctions(sqlite: BetterSqlite3.Database): void {
  sqlite.function('grenette_phone', { deterministic: true }, (value: unknown) => {
    if (typeof value !== 'string') return value;
    const parsed = normalisePhone(value);
    return parsed.ok ? parsed.value : value;
  });
}

/** SQLite's ways of saying the bytes on disk are not a sound database (garbage file, torn pages). */
const DAMAGE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

function isDamage(error: unknown): error is Error & { code: string } {
  return error instanceof Error && DAMAGE_CODES.has((error as { code?: unknown }).code as string);
}

/**
 * Runs SQLite's quick check and turns every sign of damage (a failed check, or a file SQLite cannot even read)
 * into a CorruptDatabaseError, so the user gets the French "restore a backup" message instead of an SQLite code.
 */
export function assertSoundDatabase(sqlite: BetterSqlite3.Database, file: string): void {
  try {
    const check = sqlite.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new CorruptDatabaseError(file, String(check));
  } catch (error) {
    if (isDamage(error)) throw new CorruptDatabaseError(file, error.message);
    throw error;
  }
}

/** Opens (creating if needed) the office database: integrity check, WAL, foreign keys, pending migrations. */
export function openOfficeDatabase(options: OpenOptions): OpenedOfficeDatabase {
  const sqlite = new BetterSqlite3(
    options.file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  let vault;
  try {
    assertSoundDatabase(sqlite, options.file);
    registerOfficeFunctions(sqlite);
    prepareDatabase(sqlite, loadMigrations(options.migrationsDir ?? defaultMigrationsDir()), options.clock);
    rebuildFamilySearchIfStale(sqlite);
    const keyFile = keyFileFor(options.file);
    // IBANs already sealed and no key given nor on file: a new key would not open them (and would be left behind).
    if (!options.ibanKey && keyFile && !fs.existsSync(keyFile) && hasSealedIbans(sqlite)) throw new IbanKeyError();
    vault = vaultWithKey(options.ibanKey ?? (keyFile ? keyFromFile(keyFile) : crypto.randomBytes(32)));
    // After the migrations: IBANs of older databases sealed, and a wrong key refused (IbanKeyError) before any call.
    sealPlainIbans(sqlite, vault);
  } catch (error) {
    sqlite.close();
    if (isDamage(error)) throw new CorruptDatabaseError(options.file, error.message);
    throw error;
  }
  const statements = new StatementCache(sqlite);
  const db = new Kysely<OfficeDatabase>({ dialect: new SqliteDialect({ database: statements }) });
  attachVault(db, vault);
  return {
    file: options.file,
    sqlite,
    statements,
    db,
    async close() {
      await stopBackground(db);
      await db.destroy();
      // Kysely connects lazily: if no query went through it, destroy() never closes the handle.
      if (sqlite.open) sqlite.close();
    },
  };
}
