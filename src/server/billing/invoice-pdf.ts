import type { InvoiceDocument } from '../../shared/billing/invoice.js';

/**
 * The invoice PDF, one code for the office (one invoice, or a month's run for printing) and the portal (a family
 * downloading its own): several documents make one PDF, each starting on a new page.
 */
export async function invoicePdf(documents: readonly InvoiceDocument[]): Promise<Buffer> {
  throw new Error(`invoicePdf not built yet (${documents.length} documents)`);
}
