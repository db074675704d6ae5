import { parentPort } from 'node:worker_threads';
import { pdfProblem } from './pdf.js';

/**
 * A thread of its own for one certificate's reading by pdfjs (./pdf-isolated.ts): started with a bounded heap, so a
 * PDF whose streams inflate to gigabytes ends this thread, not the portal.
 */
const port = parentPort;
if (!port) throw new Error('pdf-check-worker: not started as a worker thread');
port.once('message', (bytes: Uint8Array) => {
  pdfProblem(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).then(
    (problem) => port.postMessage({ problem }),
    () => port.postMessage({ problem: 'unreadable' }),
  );
});
