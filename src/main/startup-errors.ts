import { CorruptDatabaseError } from '../office/db/open.js';
import { NewerDatabaseError } from '../office/db/migrate.js';

export interface StartupErrorDialog {
  title: string;
  message: string;
}

/**
 * The office starts in a worker thread, whose errors reach this thread as copies (OfficeStartError) with the original
 * name: the classes' own names are matched, as the instances themselves never cross.
 */
const DATABASE_REFUSALS = new Set([new NewerDatabaseError(0, 0).name, new CorruptDatabaseError('', '').name]);

function isDatabaseRefusal(error: unknown): error is Error {
  return error instanceof Error && DATABASE_REFUSALS.has(error.name);
}

/**
 * What the agent reads when the office cannot start. Database refusals carry their own French explanation (what to
 * install or restore); anything else gets a short message pointing to the log, where the details were written.
 */
export function startupErrorDialog(error: unknown, logFile: string): StartupErrorDialog {
  if (isDatabaseRefusal(error)) {
    return { title: 'Grenette ne peut pas ouvrir la base de données', message: error.message };
  }
  return {
    title: 'Grenette ne peut pas démarrer',
    message: `Une erreur inattendue empêche le démarrage. Le détail est enregistré dans le journal : ${logFile}`,
  };
}
