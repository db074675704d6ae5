import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InvoiceDocument } from '../../shared/billing/invoice.js';
import { threadEntry } from '../thread-entry.js';
import { invoicePdfPieces } from './invoice-pdf.js';

/**
 * Invoice PDFs laid out on several cores. pdfmake spends some ten milliseconds of CPU per invoice, all of it on one
 * thread: a month of a thousand families is ten seconds or more on one core. The pool spreads batches over worker
 * threads (./invoice-pdf-worker.ts), as many as the machine has cores, at most MAX_THREADS; on a one-core machine the
 * batches are laid out in the calling thread. Threads are started when first needed, kept while work comes, and
 * stopped after IDLE_MS without any (or by closeInvoicePdfPool); an idle thread never keeps the process alive.
 *
 * A thread that fails (an exception in pdfmake, or the thread dying) fails its batch with the error; the next batch
 * starts a new thread.
 */

export type ToPdfThread = { id: number; documents: InvoiceDocument[] };
export type FromPdfThread =
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; pieces: ArrayBuffer[] }
  | { type: 'failed'; id: number; message: string };

const MAX_THREADS = 4;
const IDLE_MS = 30_000;

interface Task {
  id: number;
  documents: InvoiceDocument[];
  onProgress: ((fraction: number) => void) | undefined;
  resolve(pieces: Buffer[]): void;
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

/**
 * How many batches are laid out at once: the cores of the machine, at most MAX_THREADS, or GRENETTE_PDF_THREADS when
 * set (1: everything in the calling thread).
 */
export function pdfThreadCount(): number {
  const configured = Number(process.env.GRENETTE_PDF_THREADS);
  if (Number.isInteger(configured) && configured >= 1) return Math.min(configured, 16);
  return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism()));
}

function startThread(): Thread {
  const entry = threadEntry(import.meta.url, './invoice-pdf-worker.ts', 'invoice-pdf-worker.cjs');
  const thread: Thread = { worker: new Worker(entry.script, { ...entry.options, execArgv: [] }), task: null };
  const fail = (error: Error) => {
    threads.delete(thread);
    const task = thread.task;
    thread.task = null;
    task?.reject(error);
    void thread.worker.terminate();
    pump();
  };
  thread.worker.on('message', (message: FromPdfThread) => {
    const task = thread.task;
    if (!task || task.id !== message.id) return;
    if (message.type === 'progress') {
      task.onProgress?.(message.fraction);
      return;
    }
    thread.task = null;
    thread.worker.unref();
    if (message.type === 'done') task.resolve(message.pieces.map((piece) => Buffer.from(piece)));
    else task.reject(new Error(`invoice PDF thread: ${message.message}`));
    pump();
  });
  thread.worker.on('error', (error) => fail(error));
  thread.worker.on('exit', (code) => {
    if (threads.has(thread)) fail(new Error(`invoice PDF thread exited with code ${code}`));
  });
  threads.add(thread);
  return thread;
}

/** Hands queued batches to idle threads, starting threads up to the count; arms the idle stop when nothing is left. */
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
    // Busy, the thread keeps the process alive until its batch is done; idle, it does not.
    thread.worker.ref();
    thread.worker.postMessage({ id: task.id, documents: task.documents } satisfies ToPdfThread);
  }
  if (queue.length === 0 && [...threads].every((thread) => thread.task === null) && threads.size > 0) {
    idleTimer = setTimeout(() => void closeInvoicePdfPool(), IDLE_MS);
    idleTimer.unref();
  }
}

/**
 * Each invoice's own PDF (invoicePdfPieces), laid out on a thread of the pool. `onProgress` hears the share of the
 * batch drawn. Several calls at once are laid out in parallel, up to pdfThreadCount().
 */
export async function invoicePdfPiecesOnThread(
  documents: readonly InvoiceDocument[],
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<Buffer[]> {
  if (pdfThreadCount() === 1) return invoicePdfPieces(documents, options);
  return new Promise<Buffer[]>((resolve, reject) => {
    queue.push({ id: nextId++, documents: [...documents], onProgress: options.onProgress, resolve, reject });
    pump();
  });
}

/** Stops every thread of the pool (the office closing); batches still queued or running fail. */
export async function closeInvoicePdfPool(): Promise<void> {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  const stopping = [...threads];
  threads.clear();
  for (const task of queue.splice(0)) task.reject(new Error('invoice PDF pool closed'));
  for (const thread of stopping) thread.task?.reject(new Error('invoice PDF pool closed'));
  await Promise.all(stopping.map((thread) => thread.worker.terminate()));
}
