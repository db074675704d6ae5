import { Worker, type ResourceLimits } from 'node:worker_threads';
import { threadEntry } from '../../server/thread-entry.js';
import type { ProgressListener } from '../../shared/api/progress.js';
import { fail, type Result } from '../../shared/result.js';
import type { OfficeCore } from '../api/core.js';
import type { OfficeSession } from '../api/handler.js';
import type { Logger } from '../log.js';
import { HOST_CLOSING, type FromWorker, type OfficeWorkerConfig, type ToWorker } from './protocol.js';

export { HOST_CLOSING };

/**
 * The office core served from a worker thread, behind the same call as the in-process core: the Electron main process
 * and the dev bridge hand it to their transport unchanged. Sessions stay here and travel with each call.
 */
export interface OfficeHost extends OfficeCore {
  /** Waits for the calls under way and for the worker to close the database (a backup under way finishes first). */
  close(): Promise<void>;
}

export interface OfficeHostOptions {
  config: OfficeWorkerConfig;
  /** Where the host writes what happens to the worker (a crash, a restart). */
  log: Logger;
  /** The built worker (dist/main/office-worker.cjs in the Electron app); by default the TypeScript source under tsx. */
  entryFile?: string;
  /** Bounds the worker's memory (tests use it to crash the worker); unset, the worker has Node's default heap limit. */
  resourceLimits?: ResourceLimits;
}

/** The office could not start; `name` and `message` are the worker's error's, so start-up dialogs can tell them apart. */
export class OfficeStartError extends Error {
  constructor(name: string, message: string, stack: string) {
    super(message);
    this.name = name;
    this.stack = stack;
  }
}

export const WORKER_CRASHED =
  "Le traitement de Grenette s'est arrêté de façon inattendue ; l'action n'a peut-être pas été enregistrée. " +
  "Vérifiez-la, puis réessayez. L'erreur a été enregistrée.";
export const WORKER_RESTART_FAILED =
  "Le traitement de Grenette n'a pas pu redémarrer. Fermez puis rouvrez Grenette ; l'erreur a été enregistrée.";

interface Pending {
  session: OfficeSession;
  onProgress: ProgressListener | undefined;
  resolve(result: Result<unknown>): void;
}

interface Running {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  /** Set once 'close' was sent: the exit that follows is expected. */
  closing: boolean;
  exited: Promise<void>;
}

/**
 * Starts the office in a worker and resolves once it is ready (database opened and migrated, demo loaded, timers on);
 * rejects with an OfficeStartError when it cannot start. A worker that dies later fails the calls it was running with
 * a French message and is started again by the next call (sessions are kept: nobody has to log in again).
 */
export async function startOfficeWorker(options: OfficeHostOptions): Promise<OfficeHost> {
  const { config, log } = options;
  let nextId = 1;
  let current: Running | null = null;
  let closed = false;

  const spawn = (): Running => {
    const base = options.entryFile ? { script: options.entryFile, options: {} } : threadEntry(import.meta.url, './worker-entry.ts', 'office-worker.cjs');
    const worker = new Worker(base.script, {
      ...base.options,
      workerData: config,
      execArgv: [],
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    const pending = new Map<number, Pending>();
    let settleReady: { resolve(): void; reject(error: Error): void } | undefined;
    const ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
    // Nobody may be waiting on `ready` when a crash rejects it (a worker dying long after start).
    ready.catch(() => undefined);
    let lastError: Error | undefined;
    let started = false;
    const running: Running = {
      worker,
      ready,
      pending,
      closing: false,
      exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())),
    };

    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          started = true;
          settleReady?.resolve();
          return;
        case 'startFailed':
          settleReady?.reject(new OfficeStartError(message.name, message.message, message.stack));
          return;
        case 'progress': {
          const listener = pending.get(message.id)?.onProgress;
          try {
            listener?.(message.progress);
          } catch (error) {
            log.error('progress listener failed', { error: error instanceof Error ? error.message : String(error) });
          }
          return;
        }
        case 'result': {
          const call = pending.get(message.id);
          if (!call) return;
          pending.delete(message.id);
          if (message.session) call.session.user = message.session.user;
          call.resolve(message.result);
          return;
        }
        case 'closed':
          // The database is closed: nothing is left to lose.
          void worker.terminate();
          return;
      }
    });
    worker.on('error', (error) => {
      lastError = error;
      log.error('office worker error', { error: error.stack ?? error.message });
    });
    worker.on('exit', (code) => {
      if (current === running) current = null;
      if (!started) {
        settleReady?.reject(
          lastError instanceof OfficeStartError
            ? lastError
            : new OfficeStartError('Error', lastError?.message ?? `office worker exited (${code}) before it was ready`, lastError?.stack ?? ''),
        );
      }
      if (!running.closing) {
        log.error('office worker stopped unexpectedly', { code, pendingCalls: pending.size, error: lastError?.message });
      }
      for (const call of pending.values()) call.resolve(fail({ code: 'internal', message: WORKER_CRASHED }));
      pending.clear();
    });
    return running;
  };

  const send = (running: Running, message: ToWorker): void => running.worker.postMessage(message);

  current = spawn();
  try {
    await current.ready;
  } catch (error) {
    await current?.exited;
    throw error;
  }

  return {
    openSession: () => ({ user: null }),

    async call(session, method, args, onProgress) {
      if (closed) return fail({ code: 'internal', message: HOST_CLOSING });
      let running = current;
      if (!running) {
        log.info('office worker restarting');
        running = current = spawn();
      }
      try {
        await running.ready;
      } catch (error) {
        log.error('office worker restart failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        return fail({ code: 'internal', message: WORKER_RESTART_FAILED });
      }
      if (closed || running.closing) return fail({ code: 'internal', message: HOST_CLOSING });
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        running.pending.set(id, { session, onProgress, resolve });
        try {
          send(running, { type: 'call', id, method, args, session: { user: session.user } });
        } catch (error) {
          // Arguments the structured clone refuses (a function...): cannot come from JSON or IPC, but never hang.
          running.pending.delete(id);
          log.error('office call could not be sent', { method, error: error instanceof Error ? error.message : String(error) });
          resolve(fail({ code: 'validation', message: 'Requête mal formée.' }));
        }
      });
    },

    async close() {
      closed = true;
      const running = current;
      if (!running) return;
      running.closing = true;
      try {
        await running.ready;
      } catch {
        return;
      }
      send(running, { type: 'close' });
      await running.exited;
    },
  };
}
