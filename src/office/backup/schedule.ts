import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { parisDay, type Clock } from '../../shared/clock.js';
import type { Logger } from '../log.js';
import { copyAtomically, dailyBackupPath, monthlyBackupPath, tempNameFor } from './files.js';
import { backupsToDelete, KEEP_DAILY, KEEP_MONTHLY } from './rotation.js';

export interface BackupSchedule {
  /** Stops the schedule and waits for a backup under way, so the database is not closed under it. */
  stop(): Promise<void>;
  /** Takes today's daily backup now (replacing it if present) and returns its path. */
  runNow(): Promise<string>;
}

const HOUR_MS = 60 * 60 * 1000;

function rotate(folder: string, keep: number, log: Logger): void {
  for (const name of backupsToDelete(fs.readdirSync(folder), keep)) {
    fs.rmSync(path.join(folder, name), { force: true });
    log.info('old backup deleted', { file: path.join(folder, name) });
  }
}

/** Leftovers of a backup interrupted by a crash or a power cut: never valid, never needed. */
function removeStaleTemps(folder: string): void {
  for (const name of fs.readdirSync(folder)) {
    if (name.endsWith('.tmp')) fs.rmSync(path.join(folder, name), { force: true });
  }
}

/**
 * Online backups of the open database (SQLite's backup API, so the app keeps working meanwhile): one at start-up if
 * today's is missing, then one each new Paris day while the app runs. The first backup of a month is also kept as that
 * month's backup. 14 daily and 12 monthly copies are kept. A failure is logged and never stops the app.
 */
export function scheduleBackups(
  sqlite: BetterSqlite3.Database,
  backupDir: string,
  clock: Clock,
  log: Logger,
): BackupSchedule {
  const dailyDir = path.join(backupDir, 'daily');
  const monthlyDir = path.join(backupDir, 'monthly');
  let inFlight: Promise<string> | null = null;
  let stopped = false;

  const takeBackup = async (): Promise<string> => {
    fs.mkdirSync(dailyDir, { recursive: true });
    fs.mkdirSync(monthlyDir, { recursive: true });
    const day = parisDay(clock());
    const target = dailyBackupPath(backupDir, day);
    const temp = tempNameFor(target);
    try {
      await sqlite.backup(temp);
      fs.renameSync(temp, target);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
    const monthly = monthlyBackupPath(backupDir, day);
    if (!fs.existsSync(monthly)) copyAtomically(target, monthly);
    rotate(dailyDir, KEEP_DAILY, log);
    rotate(monthlyDir, KEEP_MONTHLY, log);
    log.info('backup written', { file: target });
    return target;
  };

  const runNow = (): Promise<string> => {
    // One backup at a time: a second request while one runs shares its outcome.
    inFlight ??= takeBackup().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const backupIfDue = () => {
    if (stopped || inFlight) return;
    if (fs.existsSync(dailyBackupPath(backupDir, parisDay(clock())))) return;
    runNow().catch((error: unknown) => {
      log.error('backup failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    });
  };

  try {
    fs.mkdirSync(dailyDir, { recursive: true });
    fs.mkdirSync(monthlyDir, { recursive: true });
    removeStaleTemps(dailyDir);
    removeStaleTemps(monthlyDir);
  } catch (error) {
    log.error('backup folder unavailable', { backupDir, error: String(error) });
  }
  backupIfDue();
  const timer = setInterval(backupIfDue, HOUR_MS);
  // The hourly check must never keep the process alive on its own.
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      // Its failure was already logged by whoever started it.
      await inFlight?.catch(() => undefined);
    },
    runNow,
  };
}
