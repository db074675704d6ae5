import { parentPort } from 'node:worker_threads';
import type { FromStatementThread, ToStatementThread } from './statement-pdf-pool.js';
import { statementPdf } from './statement-pdf.js';

/**
 * A thread of the statement PDF pool (./statement-pdf-pool.ts): lays out the statements it is sent, one batch at a
 * time, and answers with their PDF. Built as dist/main/statement-pdf-worker.cjs for the Electron app.
 */

const port = parentPort;
if (!port) throw new Error('statement-pdf-worker: not started as a worker thread');

port.on('message', (message: ToStatementThread) => {
  const reply = (answer: FromStatementThread, transfer: ArrayBuffer[] = []) => port.postMessage(answer, transfer);
  statementPdf(message.documents, { onProgress: (fraction) => reply({ type: 'progress', id: message.id, fraction }) }).then(
    (pdf) => {
      const buffer = pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength) as ArrayBuffer;
      reply({ type: 'done', id: message.id, pdf: buffer }, [buffer]);
    },
    (error: unknown) => reply({ type: 'failed', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
