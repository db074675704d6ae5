export interface StartupErrorDialog {
  title: string;
  message: string;
}

/**
 * The office starts in its worker thread, whose errors reach the main process as copies (OfficeStartError) keeping
 * the original's name: the names of NewerDatabaseError and CorruptDatabaseError are matched, as the instances never
 * cross (and the main process never loads the database code). tests/unit/main-shell.test.ts checks them against the
 * real classes.
 */
const DATABASE_REFUSALS = new Set(['NewerDatabaseError', 'CorruptDatabaseError', 'IbanKeyError']);

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
