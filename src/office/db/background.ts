import type { OfficeDb } from './open.js';

/**
 * Work the office starts without making the agent wait (the PDFs of a run just issued), tied to its database: closing
 * the database asks each task to stop (between two steps: the signal) and waits for it, so nothing writes into a
 * closed file and the app quits promptly. A failure is the task's to log; it never reaches the caller.
 */
const tasks = new WeakMap<OfficeDb, { controller: AbortController; running: Set<Promise<void>> }>();

export function runInBackground(db: OfficeDb, task: (signal: AbortSignal) => Promise<void>): void {
  let entry = tasks.get(db);
  if (!entry) tasks.set(db, (entry = { controller: new AbortController(), running: new Set() }));
  if (entry.controller.signal.aborted) return;
  const running = entry.running;
  const promise = task(entry.controller.signal)
    .catch(() => undefined)
    .finally(() => running.delete(promise));
  running.add(promise);
}

/** Asks the database's background tasks to stop and waits until they have. */
export async function stopBackground(db: OfficeDb): Promise<void> {
  const entry = tasks.get(db);
  if (!entry) return;
  entry.controller.abort();
  await Promise.all([...entry.running]);
}
