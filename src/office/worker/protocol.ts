import type { CallProgress } from '../../shared/api/progress.js';
import type { SessionUser } from '../../shared/auth/roles.js';
import { clockStartingAt, type Clock } from '../../shared/clock.js';
import type { Result } from '../../shared/result.js';

/** What a call gets once the office is closing, from the host or from the worker: one sentence for both threads. */
export const HOST_CLOSING = 'Grenette se ferme : cette action n’a pas été faite.';
import type { DataPaths } from '../config/paths.js';

/*
 * The messages between the host (Electron main process or dev bridge) and the office worker thread. Everything here
 * crosses by structured clone: plain data only.
 */

/** A clock that can cross a thread: a function cannot, so the worker rebuilds it from this. */
export type WorkerClock =
  | { kind: 'system' }
  /** The system clock moved by a fixed offset (the bridge's GRENETTE_CLOCK): restarts keep the same time line. */
  | { kind: 'offset'; offsetMs: number }
  /** Always the same instant (tests). */
  | { kind: 'fixed'; at: string };

/** A clock that reads `start` now and then runs at real speed, across restarts of the worker. */
export function workerClockStartingAt(start: Date, realNow: number = Date.now()): WorkerClock {
  return { kind: 'offset', offsetMs: start.getTime() - realNow };
}

export function clockFrom(spec: WorkerClock): Clock {
  switch (spec.kind) {
    case 'system':
      return () => new Date();
    case 'offset':
      return clockStartingAt(new Date(Date.now() + spec.offsetMs));
    case 'fixed': {
      const at = new Date(spec.at).getTime();
      return () => new Date(at);
    }
  }
}

/** What the worker needs to open the office, as startOfficeApp takes it. */
export interface OfficeWorkerConfig {
  paths: DataPaths;
  clock: WorkerClock;
  demoOnFirstRun: boolean;
  nativeBinding?: string;
  migrationsDir?: string;
  /** The IBAN key (base64 of 32 bytes) from Electron's safeStorage; absent, the key file beside the database. */
  ibanKey?: string;
  /** 'file': JSON lines on stderr and in paths.logFile (the app, the bridge); 'silent': nowhere (tests). */
  log: 'file' | 'silent';
}

/** The session travels with each call, so sessions live in the host and survive a restart of the worker. */
export interface SessionState {
  user: SessionUser | null;
}

export type ToWorker =
  | { type: 'call'; id: number; method: string; args: unknown; session: SessionState }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  /** The office could not start: the error's name and French message (database refusals) and, for the log, its stack. */
  | { type: 'startFailed'; name: string; message: string; stack: string }
  | { type: 'progress'; id: number; progress: CallProgress }
  /** `session` is present when the call changed who is logged in (login, logout). */
  | { type: 'result'; id: number; result: Result<unknown>; session?: SessionState }
  | { type: 'closed' };
