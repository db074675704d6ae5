/** Rotation of the backup folders: which files to delete so only the `keep` most recent backups remain. */

/** grenette-YYYY-MM-DD.sqlite (daily) or grenette-YYYY-MM.sqlite (monthly): the date sorts as text. */
const BACKUP_NAME = /^grenette-\d{4}-\d{2}(-\d{2})?\.sqlite$/;

export function isBackupName(fileName: string): boolean {
  return BACKUP_NAME.test(fileName);
}

/**
 * The backups beyond the `keep` most recent, oldest first. Files that are not backups (a temp file being written,
 * something the user put there) are never returned: rotation must not delete what it does not own.
 */
export function backupsToDelete(fileNames: readonly string[], keep: number): string[] {
  const backups = [...new Set(fileNames.filter(isBackupName))].sort();
  const excess = backups.length - Math.max(0, keep);
  return excess > 0 ? backups.slice(0, excess) : [];
}

export const KEEP_DAILY = 14;
export const KEEP_MONTHLY = 12;
