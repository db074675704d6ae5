import { z } from 'zod';
import type { FileContent } from '../../shared/api/contract.js';
import type { InvoiceDocument } from '../../shared/billing/invoice.js';
import { monthLabelFr, ofMonthFr } from '../../shared/calendar/format.js';
import { invoicePdfFileName } from '../../server/billing/invoice-pdf.js';
import { readPdf, writePdf, type PdfFile, type PdfPart } from '../../server/pdf-merge.js';
import { ALL_STAFF, ApiFailure, notFound, type Handlers } from '../api/handler.js';
import type { OfficeDb } from '../db/open.js';
import { keptInvoicePdfs, renderInvoicePdfs, renderMissingInvoicePdfs, type RenderedBatch } from './pdf-cache.js';

/**
 * The invoice PDFs of the office: one issued invoice, or a month's issued invoices as one PDF for printing and
 * posting. Both print the frozen document stored at issue (invoices.document), never today's data, through each
 * invoice's own PDF kept in invoice_pdfs (src/office/billing/pdf-cache.ts): rendered here if it is not kept yet, and
 * a month is the merge of its invoices' PDFs. The invoices a month's print had to render are taken from the batches
 * just laid out rather than read back from invoice_pdfs: the same pages, without reading and merging a thousand PDFs
 * that each carry their batch's fonts.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function pdfFile(fileName: string, pdf: Buffer): FileContent {
  return { fileName, mime: 'application/pdf', base64: pdf.toString('base64') };
}

const MERGE_LABEL = 'Assemblage des factures';

/**
 * The month's pages in invoice order: an invoice rendered just now is its pages in its batch (consecutive invoices of
 * one batch make one part), any other its kept PDF.
 */
async function monthParts(db: OfficeDb, ids: readonly number[], batches: readonly RenderedBatch[]): Promise<PdfPart[]> {
  const inBatch = new Map<number, { file: () => PdfFile; pages: number[] }>();
  for (const batch of batches) {
    let file: PdfFile | null = null;
    const read = () => (file ??= readPdf(batch.pdf));
    batch.invoiceIds.forEach((id, i) => inBatch.set(id, { file: read, pages: batch.pages[i] as number[] }));
  }
  const kept = ids.filter((id) => !inBatch.has(id));
  const keptFiles = new Map((await keptInvoicePdfs(db, kept)).map((pdf, i) => [kept[i] as number, readPdf(pdf)]));
  const parts: { file: PdfFile; pages?: number[] }[] = [];
  for (const id of ids) {
    const rendered = inBatch.get(id);
    const last = parts[parts.length - 1];
    if (!rendered) parts.push({ file: keptFiles.get(id) as PdfFile });
    else if (last?.pages && last.file === rendered.file()) last.pages.push(...rendered.pages);
    else parts.push({ file: rendered.file(), pages: [...rendered.pages] });
  }
  return parts;
}

function refused(message: string): ApiFailure {
  return new ApiFailure({ code: 'conflict', message });
}

export const invoicePdfHandlers: Handlers<'invoiceRuns.pdf' | 'invoices.pdf'> = {
  'invoices.pdf': {
    access: ALL_STAFF,
    args: z.strictObject({ id: z.number().int().positive() }),
    run: async ({ db }, { id }) => {
      const row = await db.selectFrom('invoices').select(['kind', 'number']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('Cette facture n’existe pas.');
      await renderMissingInvoicePdfs(db, [id]);
      const [pdf] = await keptInvoicePdfs(db, [id]);
      return pdfFile(invoicePdfFileName(row), pdf as Buffer);
    },
  },
  'invoiceRuns.pdf': {
    access: ALL_STAFF,
    args: z.strictObject({ month: z.string().regex(MONTH, 'Mois invalide : attendu AAAA-MM, par exemple 2026-11.') }),
    run: async ({ db, progress }, { month }) => {
      const label = monthLabelFr(month);
      const run = await db.selectFrom('invoice_runs').select(['id', 'status']).where('month', '=', month).executeTakeFirst();
      if (!run) throw notFound(`Aucune facturation n’a été préparée pour ${label}.`);
      if (run.status !== 'issued') throw refused(`La facturation ${ofMonthFr(month)} n’est pas encore émise : il n’y a pas de facture à imprimer.`);
      // The run's own invoices, in number order; credit notes and complementary invoices are printed one by one.
      const rows = await db
        .selectFrom('invoices')
        .select(['id'])
        .where('run_id', '=', run.id)
        .where('kind', '=', 'invoice')
        .orderBy('year')
        .orderBy('seq')
        .execute();
      if (rows.length === 0) throw refused(`La facturation ${ofMonthFr(month)} n’a émis aucune facture.`);
      const ids = rows.map((row) => row.id);
      // Rendered at issue in the background as a rule; whatever is not kept yet is rendered now, with its progress.
      // The progress counts the whole run: the invoices already kept are done from the start.
      const { batches } = await renderInvoicePdfs(db, ids, {
        progress: (done, missing, label) => progress(ids.length - missing + done, ids.length, label),
      });
      const first = await db.selectFrom('invoices').select(['document']).where('id', '=', ids[0] as number).executeTakeFirstOrThrow();
      const issuer = (JSON.parse(first.document) as InvoiceDocument).issuer;
      const parts = await monthParts(db, ids, batches);
      const pdf = writePdf(parts, { title: `Factures ${ofMonthFr(month)}`, author: issuer.communeName, creator: 'Grenette' });
      progress(ids.length, ids.length, MERGE_LABEL);
      return pdfFile(`factures-${month}.pdf`, pdf);
    },
  },
};
