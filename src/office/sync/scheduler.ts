import type { SyncStatus } from '../../shared/api/contract.js';
import type { Clock } from '../../shared/clock.js';
import type { OfficeDb } from '../db/open.js';
import type { Logger } from '../log.js';
import { runSync, syncStatus, type SyncHooks } from './run.js';

export const SYNC_INTERVAL_MS = 60_000;

export interface SyncScheduler {
  /** Runs every interval from now on (idempotent). */
  start(): void;
  /** No more runs; resolves once the run in progress (if any) has finished, so the database can be closed. */
  stop(): Promise<void>;
  readonly running: boolean;
  /** Runs now, or joins the run in progress: never two at once. */
  runNow(): Promise<SyncStatus>;
}

export interface SchedulerOptions {
  db: OfficeDb;
  clock: Clock;
  log: Logger;
  intervalMs?: number;
  hooks?: SyncHooks;
}

export function createSyncScheduler(options: SchedulerOptions): SyncScheduler {
  const { db, log } = options;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let started = false;
  let current: Promise<SyncStatus> | null = null;

  const runNow = (): Promise<SyncStatus> => {
    current ??= (async () => {
      try {
        const state = await db.selectFrom('sync_state').select(['portal_url', 'secret']).where('id', '=', 1).executeTakeFirstOrThrow();
        if (state.portal_url === '' || state.secret === '') return await syncStatus(db);
        return await runSync({ db, clock: options.clock, log, ...(options.hooks ? { hooks: options.hooks } : {}) });
      } finally {
        current = null;
      }
    })();
    return current;
  };

  const schedule = () => {
    if (!started) return;
    timer = setTimeout(() => {
      runNow()
        .catch((error: unknown) => log.error('scheduled sync failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(schedule);
    }, options.intervalMs ?? SYNC_INTERVAL_MS);
    // The office closing must not wait for the next sync.
    timer.unref?.();
  };

  return {
    start() {
      if (started) return;
      started = true;
      schedule();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await current?.catch(() => undefined);
    },
    get running() {
      return current !== null;
    },
    runNow,
  };
}

/**
 * The one scheduler of an office database, shared by the composition root (which starts it) and the 'sync.now' and
 * 'sync.configure' handlers, so a click during an automatic run joins it instead of starting a second one.
 */
const schedulers = new WeakMap<OfficeDb, SyncScheduler>();

export function syncSchedulerFor(options: SchedulerOptions): SyncScheduler {
  let scheduler = schedulers.get(options.db);
  if (!scheduler) {
    scheduler = createSyncScheduler(options);
    schedulers.set(options.db, scheduler);
  }
  return scheduler;
}

/** The scheduler if the app created one (the handlers do not start timers on their own). */
export function existingSyncScheduler(db: OfficeDb): SyncScheduler | undefined {
  return schedulers.get(db);
}
