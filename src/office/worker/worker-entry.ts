import { parentPort, workerData } from 'node:worker_threads';
import { fail, type Result } from '../../shared/result.js';
import type { OfficeSession } from '../api/handler.js';
import { startOfficeApp, type OfficeApp } from '../app.js';
import { createLogger, silentLogger } from '../log.js';
import { clockFrom, HOST_CLOSING, type FromWorker, type OfficeWorkerConfig, type ToWorker } from './protocol.js';

/*
 * The office core in its own thread: it owns the database, the clock and the background jobs (backups, sync), so a
 * long call (a batch of sheets, a sync run, a backup) never blocks the thread that serves the window. Started by
 * ./host.ts; built as dist/main/office-worker.cjs for the Electron app.
 */

function notAWorker(): never {
  throw new Error('office worker: to be started by startOfficeWorker, not run directly');
}
const port = parentPort ?? notAWorker();

const config = workerData as OfficeWorkerConfig;
const log = config.log === 'file' ? createLogger(config.paths.logFile) : silentLogger;
const UNSENDABLE = "Le résultat de l'action n'a pas pu être transmis. L'erreur a été enregistrée ; réessayez.";

function post(message: FromWorker): void {
  port.postMessage(message);
}

function describe(error: unknown): { name: string; message: string; stack: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack ?? error.message };
  return { name: 'Error', message: String(error), stack: String(error) };
}

async function main(): Promise<void> {
  let office: OfficeApp;
  try {
    office = await startOfficeApp({
      paths: config.paths,
      clock: clockFrom(config.clock),
      demoOnFirstRun: config.demoOnFirstRun,
      log,
      ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}),
      ...(config.migrationsDir ? { migrationsDir: config.migrationsDir } : {}),
      ...(config.ibanKey ? { ibanKey: Buffer.from(config.ibanKey, 'base64') } : {}),
    });
  } catch (error) {
    post({ type: 'startFailed', ...describe(error) });
    port.close();
    return;
  }

  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const runCall = async (message: Extract<ToWorker, { type: 'call' }>): Promise<void> => {
    const { id, method, args } = message;
    const sentUser = message.session.user;
    const session: OfficeSession = { user: sentUser };
    const result: Result<unknown> = closing
      ? fail({ code: 'internal', message: HOST_CLOSING })
      : await office.core.call(session, method, args, (progress) => post({ type: 'progress', id, progress }));
    const reply: FromWorker = {
      type: 'result',
      id,
      result,
      ...(session.user !== sentUser ? { session: { user: session.user } } : {}),
    };
    try {
      post(reply);
    } catch (error) {
      // A value the structured clone refuses is a bug of the handler: logged here, a plain message over there.
      log.error('office call result could not be sent', { method, user: sentUser?.username, ...describe(error) });
      post({ type: 'result', id, result: fail({ code: 'internal', message: UNSENDABLE }) });
    }
  };

  const close = async (): Promise<void> => {
    closing = true;
    // The calls under way finish (and answer) before the database closes under them.
    await Promise.allSettled([...inFlight]);
    try {
      await office.close();
      log.info('office worker closed');
    } catch (error) {
      log.error('office close failed', describe(error));
    }
    post({ type: 'closed' });
    port.close();
  };

  port.on('message', (message: ToWorker) => {
    if (message.type === 'close') {
      void close();
      return;
    }
    const running = runCall(message).finally(() => inFlight.delete(running));
    inFlight.add(running);
  });
  post({ type: 'ready' });
}

void main();
