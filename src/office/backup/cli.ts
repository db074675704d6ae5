import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../shared/clock.js';
import { resolveDataPaths } from '../config/paths.js';
import { CorruptDatabaseError } from '../db/open.js';
import { describeRestore, restoreBackup } from './restore.js';

/** `npm run backup:restore -- <backup file> [--db <target>]`: Grenette must be closed meanwhile. */

const USAGE = 'Usage : npm run backup:restore -- <fichier de sauvegarde> [--db <base à remplacer>]';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv.slice(2);
  if (command !== 'restore') {
    console.error(USAGE);
    return 2;
  }
  const positional = rest.filter((arg, index) => !arg.startsWith('--') && rest[index - 1] !== '--db');
  const backupFile = positional[0];
  if (!backupFile) {
    console.error(USAGE);
    return 2;
  }
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const { dbFile } = resolveDataPaths(argv, process.env, path.join(repo, '.data'));
  try {
    const result = await restoreBackup({ backupFile: path.resolve(backupFile), dbFile, clock: systemClock });
    process.stdout.write(`${describeRestore(result, path.resolve(backupFile))}\n`);
    return 0;
  } catch (error) {
    // The checks run before anything is touched, so a refused backup leaves the current database as it was.
    if (error instanceof CorruptDatabaseError) {
      console.error(
        `Restauration impossible : la sauvegarde ${error.file} est endommagée (${error.details}). ` +
          'Choisissez-en une autre (dossiers backups/daily et backups/monthly). La base actuelle est inchangée.',
      );
    } else {
      console.error(`Restauration impossible : ${error instanceof Error ? error.message : String(error)}`);
    }
    return 1;
  }
}

process.exitCode = await main(process.argv);
