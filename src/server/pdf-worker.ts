import { parentPort } from 'node:worker_threads';
import { renderPdfJob } from './pdf-jobs.js';
import type { FromPdfThread, ToPdfThread } from './pdf-pool.js';

/**
 * A thread of the PDF pool (./pdf-pool.ts): lays out the batch it is sent (./pdf-jobs.ts), one at a time, and answers
 * with its PDFs. Built as dist/main/pdf-worker.cjs for the Electron app.
 */

const port = parentPort;
if (!port) throw new Error('pdf-worker: not started as a worker thread');

/**
 * pdfmake reports its progress after every item it draws, some two hundred per invoice: a message each would cost the
 * two threads about a millisecond of CPU per invoice. The share is passed on only when it has grown by this much.
 */
const PROGRESS_STEP = 0.01;

/** Copies `piece` into an ArrayBuffer of its own, handed over without a second copy. */
function own(piece: Buffer): ArrayBuffer {
  return piece.buffer.slice(piece.byteOffset, piece.byteOffset + piece.byteLength) as ArrayBuffer;
}

port.on('message', (message: ToPdfThread) => {
  const reply = (answer: FromPdfThread, transfer: ArrayBuffer[] = []) => port.postMessage(answer, transfer);
  let reported = 0;
  const onProgress = (fraction: number) => {
    if (fraction < 1 && fraction - reported < PROGRESS_STEP) return;
    reported = fraction;
    reply({ type: 'progress', id: message.id, fraction });
  };
  renderPdfJob(message.job, onProgress).then(
    ({ pdf, pages, pieces }) => {
      const whole = own(pdf);
      const owned = pieces.map(own);
      reply({ type: 'done', id: message.id, pdf: whole, pages, pieces: owned }, [whole, ...owned]);
    },
    (error: unknown) =>
      reply({ type: 'failed', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
