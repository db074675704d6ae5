import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { shellBuildOptions } from '../../scripts/build-shell.mjs';
import { benchInvoiceDocument } from '../../bench/invoice-pdf.js';
import { benchRandom } from '../../bench/database.js';
import { invoicePdfPieces } from '../../src/server/billing/invoice-pdf.js';
import { closePdfPool, invoicePdfBatchOnThread, pdfThreadCount } from '../../src/server/pdf-pool.js';
import type { InvoiceDocument } from '../../src/shared/billing/invoice.js';
import type * as PoolModule from '../../src/server/pdf-pool.js';

/** The invoice PDF pool (src/server/pdf-pool.ts): the same PDFs as laid out in the calling thread. */

// Threads even on a one-core machine: what is tested is the pool.
const threadsBefore = process.env.GRENETTE_PDF_THREADS;
process.env.GRENETTE_PDF_THREADS = '2';
const work = fs.mkdtempSync(path.join(process.cwd(), '.test-pdf-pool-'));
afterAll(async () => {
  if (threadsBefore === undefined) delete process.env.GRENETTE_PDF_THREADS;
  else process.env.GRENETTE_PDF_THREADS = threadsBefore;
  await closePdfPool();
  fs.rmSync(work, { recursive: true, force: true });
});

const random = benchRandom(42);
const documents = Array.from({ length: 12 }, (_, index) => benchInvoiceDocument(index, index + 1, random));

/** What a reader sees of a PDF: its text, laid out. */
function text(pdf: Buffer): string {
  const file = path.join(work, `piece-${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('the invoice PDF pool', () => {
  it('lays batches out on several threads at once, each invoice the same PDF as laid out here, with progress', async () => {
    const batches = [documents.slice(0, 5), documents.slice(5, 9), documents.slice(9)];
    const heard: number[][] = batches.map(() => []);
    const onThreads = await Promise.all(
      batches.map((batch, index) => invoicePdfBatchOnThread(batch, { onProgress: (fraction) => heard[index]!.push(fraction) })),
    );
    const here = await invoicePdfPieces(documents);
    const pieces = onThreads.flatMap((batch) => batch.pieces);
    // The whole batch comes back too, with the pages of each invoice: those pages are the invoice's own PDF.
    const [first] = onThreads;
    expect(first!.pages.flat()).toEqual([...Array(first!.pages.flat().length).keys()]);
    expect(text(first!.pdf)).toBe(first!.pieces.map((piece) => text(piece)).join(''));
    // Progress is passed on by steps, not after every item drawn, and always up to the end.
    for (const fractions of heard) expect(fractions.length).toBeLessThanOrEqual(101);
    expect(pieces).toHaveLength(documents.length);
    for (const [index, piece] of pieces.entries()) {
      expect(text(piece)).toBe(text(here[index]!));
      expect(text(piece)).toContain(`Facture n° ${documents[index]!.number}`);
    }
    expect(pdfThreadCount()).toBe(2);
    for (const fractions of heard) expect(fractions[fractions.length - 1]).toBe(1);
  });

  it('fails a batch that cannot be laid out with its error, and lays the next one out', async () => {
    const broken = { ...documents[0]!, lines: null } as unknown as InvoiceDocument;
    await expect(invoicePdfBatchOnThread([broken])).rejects.toThrow();
    const [piece] = (await invoicePdfBatchOnThread([documents[1]!])).pieces;
    expect(text(piece!)).toContain(`Facture n° ${documents[1]!.number}`);
  });

  it('starts its threads from the built bundle next to the office worker in the Electron app', async () => {
    // The pool bundled as the office worker bundles it, beside the thread's own bundle: the packaged layout.
    const [, , officeWorker, pdfThread] = shellBuildOptions(process.cwd());
    const dir = path.join(work, 'dist', 'main');
    await esbuild.build({ ...pdfThread, outfile: path.join(dir, 'pdf-worker.cjs'), sourcemap: false, logLevel: 'error' });
    await esbuild.build({
      ...officeWorker,
      entryPoints: [path.resolve('src/server/pdf-pool.ts')],
      outfile: path.join(dir, 'pool.cjs'),
      sourcemap: false,
      logLevel: 'error',
    });
    const pool = createRequire(import.meta.url)(path.join(dir, 'pool.cjs')) as typeof PoolModule;
    try {
      const { pieces } = await pool.invoicePdfBatchOnThread(documents.slice(0, 2));
      expect(pieces.map((piece) => text(piece))).toEqual((await invoicePdfPieces(documents.slice(0, 2))).map((piece) => text(piece)));
    } finally {
      await pool.closePdfPool();
    }
  });
});
