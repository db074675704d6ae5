import fs from 'node:fs';

export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** JSON lines on stderr and, when given, appended to a log file next to the database. */
export function createLogger(file?: string): Logger {
  const write = (level: string, message: string, context?: Record<string, unknown>) => {
    const line = JSON.stringify({ at: new Date().toISOString(), level, message, ...context });
    process.stderr.write(`${line}\n`);
    if (file) fs.appendFileSync(file, `${line}\n`);
  };
  return {
    info: (message, context) => write('info', message, context),
    error: (message, context) => write('error', message, context),
  };
}

export const silentLogger: Logger = { info: () => {}, error: () => {} };
