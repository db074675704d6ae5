import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../../shared/clock.js';
import { CorruptDatabaseError, defaultMigrationsDir, openOfficeDatabase } from '../db/open.js';
import { currentVersion, loadMigrations, NewerDatabaseError } from '../../server/migrate.js';

export interface RestoreOptions {
  backupFile: string;
  /** The office database to replace. */
  dbFile: string;
  clock: Clock;
  migrationsDir?: string;
  nativeBinding?: string;
}

export interface RestoreResult {
  dbFile: string;
  /** Where the replaced database was kept, or null when there was none. */
  previousCopy: string | null;
  schemaBefore: number;
  schemaAfter: number;
  families: number;
  children: number;
}

const DAMAGE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Checks a copy of a backup: a full integrity check (restoring is rare, so the slow check is affordable)
 * and a schema this version of Grenette knows. Returns the backup's schema version.
 */
export function checkBackup(backupFile: string, migrationsDir: string, nativeBinding?: string): number {
  if (!fs.existsSync(backupFile)) throw new Error(`Fichier de sauvegarde introuvable : ${backupFile}`);
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(backupFile, {
      fileMustExist: true,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (error) {
    throw new CorruptDatabaseError(backupFile, error instanceof Error ? error.message : String(error));
  }
  try {
    const check = sqlite.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new CorruptDatabaseError(backupFile, String(check));
    const version = currentVersion(sqlite);
    const known = loadMigrations(migrationsDir).length;
    if (version > known) throw new NewerDatabaseError(version, known);
    if (version === 0) throw new CorruptDatabaseError(backupFile, "ce fichier n'est pas une base Grenette");
    return version;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && DAMAGE_CODES.has(code)) {
      throw new CorruptDatabaseError(backupFile, (error as Error).message);
    }
    throw error;
  } finally {
    sqlite.close();
  }
}

/** 2026-11-28T14:05:09.123Z → 2026-11-28T14-05-09Z: sortable and valid in every file system. */
function fileTimestamp(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** Moves a file if it exists; returns whether it did. */
function moveIfPresent(from: string, to: string): boolean {
  if (!fs.existsSync(from)) return false;
  fs.renameSync(from, to);
  return true;
}

/**
 * Replaces the office database by a backup. Nothing is touched until the backup has passed its checks; the current
 * database is kept (with its WAL, which may hold its latest changes) as `<db>.avant-restauration-<timestamp>`; the
 * backup is copied under a temp name then renamed; opening it applies the migrations an older backup lacks.
 * Grenette must be closed meanwhile.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const dbFile = options.dbFile;
  if (!fs.existsSync(options.backupFile)) throw new Error(`Fichier de sauvegarde introuvable : ${options.backupFile}`);
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });

  // The checks run on the very copy that will be put in place, so the backup folder itself is never written to.
  const temp = `${dbFile}.restauration.tmp`;
  const removeTemp = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${temp}${suffix}`, { force: true });
  };
  let schemaBefore: number;
  try {
    fs.copyFileSync(options.backupFile, temp);
    schemaBefore = checkBackup(temp, migrationsDir, options.nativeBinding);
  } catch (error) {
    removeTemp();
    if (error instanceof CorruptDatabaseError) throw new CorruptDatabaseError(options.backupFile, error.details);
    throw error;
  }

  let previousCopy: string | null = null;
  if (fs.existsSync(dbFile)) {
    previousCopy = `${dbFile}.avant-restauration-${fileTimestamp(options.clock())}`;
    fs.renameSync(dbFile, previousCopy);
    // The WAL belongs to the kept copy: SQLite replays `<file>-wal` when that copy is opened.
    moveIfPresent(`${dbFile}-wal`, `${previousCopy}-wal`);
  }
  fs.rmSync(`${dbFile}-wal`, { force: true });
  fs.rmSync(`${dbFile}-shm`, { force: true });
  fs.rmSync(`${dbFile}-journal`, { force: true });
  try {
    fs.renameSync(temp, dbFile);
  } catch (error) {
    if (previousCopy) {
      // Put the current database back: a failed swap must not leave the office without its data.
      fs.renameSync(previousCopy, dbFile);
      moveIfPresent(`${previousCopy}-wal`, `${dbFile}-wal`);
    }
    throw error;
  } finally {
    removeTemp();
  }

  const opened = openOfficeDatabase({
    file: dbFile,
    clock: options.clock,
    migrationsDir,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    const count = (table: 'families' | 'children') =>
      (opened.statements.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE archived_at IS NULL`).get() as { n: number }).n;
    return {
      dbFile,
      previousCopy,
      schemaBefore,
      schemaAfter: currentVersion(opened.sqlite),
      families: count('families'),
      children: count('children'),
    };
  } finally {
    await opened.close();
  }
}

/** The French summary printed once the restore is done. */
export function describeRestore(result: RestoreResult, backupFile: string): string {
  const lines = [
    `Sauvegarde ${backupFile} restaurée dans ${result.dbFile}.`,
    `${result.families} famille${result.families > 1 ? 's' : ''} et ${result.children} enfant${result.children > 1 ? 's' : ''} (dossiers non archivés).`,
  ];
  if (result.schemaAfter > result.schemaBefore) {
    lines.push(`La sauvegarde a été mise à jour du schéma ${result.schemaBefore} au schéma ${result.schemaAfter}.`);
  }
  lines.push(
    result.previousCopy
      ? `L'ancienne base est conservée sous ${result.previousCopy}.`
      : "Il n'y avait pas de base à cet emplacement : rien n'a été remplacé.",
  );
  return lines.join('\n');
}
