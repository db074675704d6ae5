import { Worker } from 'node:worker_threads';
import { threadEntry } from '../../server/thread-entry.js';
import { PDF_UNREADABLE_MESSAGE } from '../../shared/files/limits.js';

/** A certificate's reading stops after this long (a PDF built to make pdfjs loop or grow). */
const READ_TIMEOUT_MS = 20_000;
/** The reading thread's heap: a certificate of 2 Mo reads in a few tens of Mo; a decompression bomb ends the thread. */
const HEAP_MB = 256;

/**
 * pdfProblem (./pdf.ts) run in a worker thread with a bounded heap and a time limit: pdfjs inflates a PDF's streams
 * without a bound of its own, and a 2 Mo file can expand to gigabytes, which in the portal's own thread would end the
 * whole portal. A thread that runs out of memory, fails or takes too long answers « unreadable » in French.
 */
export function isolatedPdfProblem(bytes: Buffer): Promise<string | null> {
  const entry = threadEntry(import.meta.url, './pdf-check-worker.ts', 'pdf-check-worker.cjs');
  const worker = new Worker(entry.script, { ...entry.options, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: HEAP_MB, maxYoungGenerationSizeMb: 32 } });
  return new Promise<string | null>((resolve) => {
    let settled = false;
    const finish = (problem: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(problem);
    };
    const timer = setTimeout(() => finish(PDF_UNREADABLE_MESSAGE), READ_TIMEOUT_MS);
    worker.once('message', (answer: { problem: string | null }) => finish(answer.problem === 'unreadable' ? PDF_UNREADABLE_MESSAGE : answer.problem));
    worker.once('error', () => finish(PDF_UNREADABLE_MESSAGE));
    worker.once('exit', () => finish(PDF_UNREADABLE_MESSAGE));
    worker.postMessage(new Uint8Array(bytes));
  });
}
