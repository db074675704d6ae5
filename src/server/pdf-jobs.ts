import type { InvoiceDocument } from '../shared/billing/invoice.js';
import { invoicePdfPieces } from './billing/invoice-pdf.js';
import { statementPdf, type StatementDocument } from './billing/statement-pdf.js';

/**
 * What the PDF threads (./pdf-pool.ts) lay out: each kind of batch and the function that lays it out, the same in a
 * thread and in the calling thread. Every job answers with PDFs: one per invoice for invoices (cut from one layout),
 * one for the whole batch of statements.
 */
export type PdfJob = { kind: 'invoice-pieces'; documents: InvoiceDocument[] } | { kind: 'statements'; documents: StatementDocument[] };

export async function renderPdfJob(job: PdfJob, onProgress?: (fraction: number) => void): Promise<Buffer[]> {
  switch (job.kind) {
    case 'invoice-pieces':
      return invoicePdfPieces(job.documents, { onProgress });
    case 'statements':
      return [await statementPdf(job.documents, { onProgress })];
  }
}
