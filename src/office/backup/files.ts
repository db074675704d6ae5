import fs from 'node:fs';
import path from 'node:path';

/** Where each backup goes: daily/grenette-YYYY-MM-DD.sqlite and monthly/grenette-YYYY-MM.sqlite. */
export function dailyBackupPath(backupDir: string, day: string): string {
  return path.join(backupDir, 'daily', `grenette-${day}.sqlite`);
}

export function monthlyBackupPath(backupDir: string, day: string): string {
  return path.join(backupDir, 'monthly', `grenette-${day.slice(0, 7)}.sqlite`);
}

/** A temp name in the same folder, so the final rename is atomic (same file system). */
export function tempNameFor(target: string): string {
  return `${target}.${process.pid}.${Date.now()}.tmp`;
}

/**
 * Copies a finished file under its final name through a temp file: a crash mid-copy leaves a *.tmp file, never a
 * truncated backup under a backup's name.
 */
export function copyAtomically(source: string, target: string): void {
  const temp = tempNameFor(target);
  try {
    fs.copyFileSync(source, temp);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
