import { parentPort } from 'node:worker_threads';
import { renderPdfJob } from './pdf-jobs.js';
import type { FromPdfThread, ToPdfThread } from './pdf-pool.js';

/**
 * A thread of the PDF pool (./pdf-pool.ts): lays out the batch it is sent (./pdf-jobs.ts), one at a time, and answers
 * with its PDFs. Built as dist/main/pdf-worker.cjs for the Electron app.
 */

const port = parentPort;
if (!port) throw new Error('pdf-worker: not started as a worker thread');

port.on('message', (message: ToPdfThread) => {
  const reply = (answer: FromPdfThread, transfer: ArrayBuffer[] = []) => port.postMessage(answer, transfer);
  renderPdfJob(message.job, (fraction) => reply({ type: 'progress', id: message.id, fraction })).then(
    (pieces) => {
      // Each PDF is copied into a buffer of its own, handed over without a second copy.
      const buffers = pieces.map((piece) => piece.buffer.slice(piece.byteOffset, piece.byteOffset + piece.byteLength) as ArrayBuffer);
      reply({ type: 'done', id: message.id, pieces: buffers }, buffers);
    },
    (error: unknown) =>
      reply({ type: 'failed', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
