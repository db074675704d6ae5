import { parentPort } from 'node:worker_threads';
import type { InvoiceDocument } from '../../shared/billing/invoice.js';
import { invoicePdfPieces } from './invoice-pdf.js';
import type { FromPdfThread, ToPdfThread } from './invoice-pdf-pool.js';

/**
 * A thread of the invoice PDF pool (./invoice-pdf-pool.ts): lays out the invoices it is sent, one batch at a time, and
 * answers with each invoice's PDF. Built as dist/main/invoice-pdf-worker.cjs for the Electron app.
 */

const port = parentPort;
if (!port) throw new Error('invoice-pdf-worker: not started as a worker thread');

port.on('message', (message: ToPdfThread) => {
  const reply = (answer: FromPdfThread, transfer: ArrayBuffer[] = []) => port.postMessage(answer, transfer);
  invoicePdfPieces(message.documents as InvoiceDocument[], { onProgress: (fraction) => reply({ type: 'progress', id: message.id, fraction }) }).then(
    (pieces) => {
      // Each piece is copied into a buffer of its own, handed over without a second copy.
      const buffers = pieces.map((piece) => piece.buffer.slice(piece.byteOffset, piece.byteOffset + piece.byteLength) as ArrayBuffer);
      reply({ type: 'done', id: message.id, pieces: buffers }, buffers);
    },
    (error: unknown) =>
      reply({ type: 'failed', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
