import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InvoiceDocument } from '../shared/billing/invoice.js';
import type { InvoiceBatchPdf } from './billing/invoice-pdf.js';
import type { StatementDocument } from './billing/statement-pdf.js';
import { renderPdfJob, type PdfJob, type PdfJobResult } from './pdf-jobs.js';
import { threadEntry } from './thread-entry.js';

/**
 * PDFs laid out on several cores: invoices, statements (./pdf-jobs.ts). pdfmake spends some ten milliseconds of CPU per
 * invoice or statement, all of it on one thread: a thousand families are ten seconds or more on one core. The pool
 * spreads batches over worker threads (./pdf-worker.ts), as many as the machine has cores, at most MAX_THREADS, one
 * pool for every kind so that two long prints share the cores instead of each taking them all; on a one-core machine
 * the batches are laid out in the calling thread. Threads are started when first needed, kept while work comes, and
 * stopped after IDLE_MS without any (or by closePdfPool); an idle thread never keeps the process alive.
 *
 * A thread that fails (an exception in pdfmake, or the thread dying) fails its batch with the error; the next batch
 * starts a new thread.
 */

export type ToPdfThread = { id: number; job: PdfJob };
export type FromPdfThread =
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; pdf: ArrayBuffer; pages: number[][]; pieces: ArrayBuffer[] }
  | { type: 'failed'; id: number; message: string };

const MAX_THREADS = 4;
const IDLE_MS = 30_000;

interface Task {
  id: number;
  job: PdfJob;
  onProgress: ((fraction: number) => void) | undefined;
  resolve(result: PdfJobResult): void;
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
  const entry = threadEntry(import.meta.url, './pdf-worker.ts', 'pdf-worker.cjs');
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
    if (message.type === 'done') {
      task.resolve({ pdf: Buffer.from(message.pdf), pages: message.pages, pieces: message.pieces.map((piece) => Buffer.from(piece)) });
    }
    else task.reject(new Error(`PDF thread: ${message.message}`));
    pump();
  });
  thread.worker.on('error', (error) => fail(error));
  thread.worker.on('exit', (code) => {
    if (threads.has(thread)) fail(new Error(`PDF thread exited with code ${code}`));
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
    thread.worker.postMessage({ id: task.id, job: task.job } satisfies ToPdfThread);
  }
  if (queue.length === 0 && [...threads].every((thread) => thread.task === null) && threads.size > 0) {
    idleTimer = setTimeout(() => void closePdfPool(), IDLE_MS);
    idleTimer.unref();
  }
}

/** A batch laid out on a thread of the pool (in this thread on a one-core machine); `onProgress` hears its share drawn. */
export async function runPdfJob(job: PdfJob, options: { onProgress?: (fraction: number) => void } = {}): Promise<PdfJobResult> {
  if (pdfThreadCount() === 1) return renderPdfJob(job, options.onProgress);
  return new Promise<PdfJobResult>((resolve, reject) => {
    queue.push({ id: nextId++, job, onProgress: options.onProgress, resolve, reject });
    pump();
  });
}

/**
 * A batch of invoices as one PDF with each invoice's own PDF cut from it (invoicePdfBatch), laid out on a thread of
 * the pool. Several calls at once are laid out in parallel, up to pdfThreadCount(); more wait their turn in order.
 */
export function invoicePdfBatchOnThread(
  documents: readonly InvoiceDocument[],
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<InvoiceBatchPdf> {
  return runPdfJob({ kind: 'invoice-batch', documents: [...documents] }, options);
}

/** The statements as one PDF (statementPdf), laid out on a thread of the pool. */
export async function statementPdfOnThread(
  documents: readonly StatementDocument[],
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<Buffer> {
  return (await runPdfJob({ kind: 'statements', documents: [...documents] }, options)).pdf;
}

/** Stops every thread of the pool (the office closing); batches still queued or running fail. */
export async function closePdfPool(): Promise<void> {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  const stopping = [...threads];
  threads.clear();
  for (const task of queue.splice(0)) task.reject(new Error('PDF pool closed'));
  for (const thread of stopping) thread.task?.reject(new Error('PDF pool closed'));
  await Promise.all(stopping.map((thread) => thread.worker.terminate()));
}
