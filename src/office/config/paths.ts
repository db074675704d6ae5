import path from 'node:path';

export interface DataPaths {
  /** The SQLite file, the source of truth. */
  dbFile: string;
  /** Rotated online backups, next to the database. */
  backupDir: string;
  /** The application log. */
  logFile: string;
}

/**
 * Where the office database lives: `--db=<file>` on the command line wins, then GRENETTE_DB, then
 * grenette.sqlite in the app's user-data folder (Electron's app.getPath('userData'), or .data/ for the dev bridge).
 */
export function resolveDataPaths(argv: readonly string[], env: NodeJS.ProcessEnv, userDataDir: string): DataPaths {
  const flagIndex = argv.findIndex((arg) => arg === '--db' || arg.startsWith('--db='));
  const flag = flagIndex < 0 ? undefined : argv[flagIndex]?.startsWith('--db=') ? argv[flagIndex]?.slice(5) : argv[flagIndex + 1];
  const dbFile = path.resolve(flag || env.GRENETTE_DB || path.join(userDataDir, 'grenette.sqlite'));
  const dir = path.dirname(dbFile);
  return { dbFile, backupDir: path.join(dir, 'backups'), logFile: path.join(dir, 'grenette.log') };
}
