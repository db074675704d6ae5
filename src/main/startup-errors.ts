import { CorruptDatabaseError } from '../office/db/open.js';
import { NewerDatabaseError } from '../server/migrate.js';

export interface StartupErrorDialog {
  title: string;
  message: string;
}

/**
 * What the agent reads when the office cannot start. Database refusals carry their own French explanation (what to
 * install or restore); anything else gets a short message pointing to the log, where the details were written.
 */
export function startupErrorDialog(error: unknown, logFile: string): StartupErrorDialog {
  if (error instanceof NewerDatabaseError || error instanceof CorruptDatabaseError) {
    return { title: 'Grenette ne peut pas ouvrir la base de données', message: error.message };
  }
  return {
    title: 'Grenette ne peut pas démarrer',
    message: `Une erreur inattendue empêche le démarrage. Le détail est enregistré dans le journal : ${logFile}`,
  };
}
