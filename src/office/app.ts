import fs from 'node:fs';
import type { Clock } from '../shared/clock.js';
import { createOfficeCore, type OfficeCore } from './api/core.js';
import { scheduleBackups } from './backup/schedule.js';
import type { DataPaths } from './config/paths.js';
import { openOfficeDatabase, type OpenedOfficeDatabase } from './db/open.js';
import { isEmptyOffice, seedDemoCommune } from './demo/seed.js';
import { createLogger, type Logger } from './log.js';
import { closeOcr } from './sepa/scan/ocr.js';
import { syncSchedulerFor } from './sync/scheduler.js';
import { syncStatus } from './sync/run.js';
import { settleDueDebitsBeforeReading } from './sepa/settlement.js';
import { resumeInvoicePdfs } from './billing/pdf-cache.js';

export interface OfficeAppOptions {
  paths: DataPaths;
  clock: Clock;
  /** Load the demo commune when the database is new (the default for `npm start`). */
  demoOnFirstRun: boolean;
  nativeBinding?: string;
  /** migrations/office; required by the Electron bundle, where import.meta.url cannot locate it. */
  migrationsDir?: string;
  /** The IBAN key from Electron's safeStorage (src/main/iban-key.ts); absent, the key file beside the database. */
  ibanKey?: Buffer;
  log?: Logger;
}

export interface OfficeApp {
  core: OfficeCore;
  database: OpenedOfficeDatabase;
  log: Logger;
  close(): Promise<void>;
}

/**
 * The office back end as its worker thread starts it (src/office/worker, for the Electron app and the dev bridge
 * alike): open (and migrate) the database, back it up, load the demo commune on first run, and build the API core.
 */
export async function startOfficeApp(options: OfficeAppOptions): Promise<OfficeApp> {
  fs.mkdirSync(options.paths.backupDir, { recursive: true });
  const log = options.log ?? createLogger(options.paths.logFile);
  const database = openOfficeDatabase({
    file: options.paths.dbFile,
    clock: options.clock,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.migrationsDir ? { migrationsDir: options.migrationsDir } : {}),
    ...(options.ibanKey ? { ibanKey: options.ibanKey } : {}),
  });
  if (options.demoOnFirstRun && (await isEmptyOffice(database.db))) {
    log.info('loading the demo commune', { file: options.paths.dbFile });
    await seedDemoCommune(database.db, { scale: 'default', clock: options.clock });
  }
  await settleDueDebitsBeforeReading(database.db, options.clock, log);
  // A run issued just before the app was last closed: its PDFs are finished now, not at the agent's first print.
  await resumeInvoicePdfs(database.db, options.clock(), log);
  const backups = scheduleBackups(database.sqlite, options.paths.backupDir, options.clock, log);
  const core = createOfficeCore({ db: database.db, clock: options.clock, log });
  // Every minute while the office is open, once paired with a portal ('sync.configure' starts it later otherwise).
  const sync = syncSchedulerFor({ db: database.db, clock: options.clock, log });
  if ((await syncStatus(database.db)).configured) sync.start();
  log.info('office started', { file: options.paths.dbFile });
  return {
    core,
    database,
    log,
    async close() {
      await backups.stop();
      await sync.stop();
      // The RIB reader's tesseract thread, if one is kept (src/office/sepa/scan/ocr.ts).
      await closeOcr();
      await database.close();
    },
  };
}
