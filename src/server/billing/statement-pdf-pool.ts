import { Worker } from 'node:worker_threads';
import { threadEntry } from '../thread-entry.js';
import { pdfThreadCount } from './invoice-pdf-pool.js';
import { statementPdf, type StatementDocument } from './statement-pdf.js';

/**
 * Statement PDFs laid out on several cores, as the invoices are (./invoice-pdf-pool.ts, whose thread count it follows:
 * GRENETTE_PDF_THREADS or the machine's cores, at most four). pdfmake spends some ten milliseconds of CPU per
 * statement on one thread: a thousand families would be ten seconds or more on one core. Threads are started when
 * first needed and stopped after IDLE_MS without work (or by closeStatementPdfPool); an idle thread never keeps the
 * process alive. A thread that fails fails its batch; the next batch starts a new thread.
 */

export type ToStatementThread = { id: number; documents: StatementDocument[] };
export type FromStatementThread =
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; pdf: ArrayBuffer }
  | { type: 'failed'; id: number; message: string };

const IDLE_MS = 30_000;

interface Task {
  id: number;
  documents: StatementDocument[];
  onProgress: ((fraction: number) => void) | undefined;
  resolve(pdf: Buffer): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  task: Task | null;
}

let nextId = 1;
const threads = new Set<Thread>();
const queue: Task[] = [];
let idleTimer: NodeJS.Timeout | null = null;

function startThread(): Thread {
  const entry = threadEntry(import.meta.url, './statement-pdf-worker.ts', 'statement-pdf-worker.cjs');
  const thread: Thread = { worker: new Worker(entry.script, { ...entry.options, execArgv: [] }), task: null };
  const fail = (error: Error) => {
    threads.delete(thread);
    const task = thread.task;
    thread.task = null;
    task?.reject(error);
    void thread.worker.terminate();
    pump();
  };
  thread.worker.on('message', (message: FromStatementThread) => {
    const task = thread.task;
    if (!task || task.id !== message.id) return;
    if (message.type === 'progress') {
      task.onProgress?.(message.fraction);
      return;
    }
    thread.task = null;
    thread.worker.unref();
    if (message.type === 'done') task.resolve(Buffer.from(message.pdf));
    else task.reject(new Error(`statement PDF thread: ${message.message}`));
    pump();
  });
  thread.worker.on('error', (error) => fail(error));
  thread.worker.on('exit', (code) => {
    if (threads.has(thread)) fail(new Error(`statement PDF thread exited with code ${code}`));
  });
  threads.add(thread);
  return thread;
}

function pump(): void {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  while (queue.length > 0) {
    let thread = [...threads].find((one) => one.task === null);
    if (!thread && threads.size < pdfThreadCount()) thread = startThread();
    if (!thread) break;
    const task = queue.shift()!;
    thread.task = task;
    thread.worker.ref();
    thread.worker.postMessage({ id: task.id, documents: task.documents } satisfies ToStatementThread);
  }
  if (queue.length === 0 && [...threads].every((thread) => thread.task === null) && threads.size > 0) {
    idleTimer = setTimeout(() => void closeStatementPdfPool(), IDLE_MS);
    idleTimer.unref();
  }
}

/** The statements as one PDF (statementPdf), laid out on a thread of the pool; in this thread on a one-core machine. */
export async function statementPdfOnThread(documents: readonly StatementDocument[], options: { onProgress?: (fraction: number) => void } = {}): Promise<Buffer> {
  if (pdfThreadCount() === 1) return statementPdf(documents, options);
  return new Promise<Buffer>((resolve, reject) => {
    queue.push({ id: nextId++, documents: [...documents], onProgress: options.onProgress, resolve, reject });
    pump();
  });
}

/** Stops every thread of the pool (the office closing); batches still queued or running fail. */
export async function closeStatementPdfPool(): Promise<void> {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  const stopping = [...threads];
  threads.clear();
  for (const task of queue.splice(0)) task.reject(new Error('statement PDF pool closed'));
  for (const thread of stopping) thread.task?.reject(new Error('statement PDF pool closed'));
  await Promise.all(stopping.map((thread) => thread.worker.terminate()));
}
