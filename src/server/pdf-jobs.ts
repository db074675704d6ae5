import type { InvoiceDocument } from '../shared/billing/invoice.js';
import { invoicePdfBatch, type InvoiceBatchPdf } from './billing/invoice-pdf.js';
import { statementPdf, type StatementDocument } from './billing/statement-pdf.js';

/**
 * What the PDF threads (./pdf-pool.ts) lay out: each kind of batch and the function that lays it out, the same in a
 * thread and in the calling thread. Every job answers with the batch as one PDF; an invoice batch also with each
 * invoice's own PDF cut from it and the pages each invoice spans (InvoiceBatchPdf), a statement batch with none.
 */
export type PdfJob = { kind: 'invoice-batch'; documents: InvoiceDocument[] } | { kind: 'statements'; documents: StatementDocument[] };

export type PdfJobResult = InvoiceBatchPdf;

export async function renderPdfJob(job: PdfJob, onProgress?: (fraction: number) => void): Promise<PdfJobResult> {
  switch (job.kind) {
    case 'invoice-batch':
      return invoicePdfBatch(job.documents, { onProgress });
    case 'statements':
      return { pdf: await statementPdf(job.documents, { onProgress }), pages: [], pieces: [] };
  }
}
