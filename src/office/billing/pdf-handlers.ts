import { z } from 'zod';
import type { FileContent } from '../../shared/api/contract.js';
import type { InvoiceDocument } from '../../shared/billing/invoice.js';
import { monthLabelFr } from '../../shared/calendar/format.js';
import { invoicePdf, invoicePdfFileName } from '../../server/billing/invoice-pdf.js';
import { ALL_STAFF, ApiFailure, notFound, type Handlers, type ProgressReporter } from '../api/handler.js';

/**
 * The invoice PDFs of the office: one issued invoice, or a month's issued invoices as one PDF for printing and
 * posting. Both print the frozen document stored at issue (invoices.document), never today's data.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** « de novembre 2026 », « d’octobre 2026 »: French elides « de » before a vowel. */
function ofMonth(label: string): string {
  return /^[aeiouyàâéèêîïôû]/i.test(label) ? `d’${label}` : `de ${label}`;
}

function pdfFile(fileName: string, pdf: Buffer): FileContent {
  return { fileName, mime: 'application/pdf', base64: pdf.toString('base64') };
}

function refused(message: string): ApiFailure {
  return new ApiFailure({ code: 'conflict', message });
}

const LAYOUT_LABEL = 'Mise en page des factures';
const DRAW_LABEL = 'Impression des factures';

/**
 * Reports an invoice done each time pdfmake has drawn one more invoice's share of the PDF: its layout, before, reports
 * nothing, so it is announced as a step of its own at 0 (as the child sheets do).
 */
function invoiceProgress(progress: ProgressReporter, total: number): (fraction: number) => void {
  let reported = 0;
  progress(reported, total, LAYOUT_LABEL);
  return (fraction) => {
    const done = Math.min(total, Math.floor(fraction * total));
    if (done === reported) return;
    reported = done;
    progress(done, total, DRAW_LABEL);
  };
}

export const invoicePdfHandlers: Handlers<'invoiceRuns.pdf' | 'invoices.pdf'> = {
  'invoices.pdf': {
    access: ALL_STAFF,
    args: z.strictObject({ id: z.number().int().positive() }),
    run: async ({ db }, { id }) => {
      const row = await db.selectFrom('invoices').select(['document']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('Cette facture n’existe pas.');
      const document = JSON.parse(row.document) as InvoiceDocument;
      return pdfFile(invoicePdfFileName(document), await invoicePdf([document]));
    },
  },
  'invoiceRuns.pdf': {
    access: ALL_STAFF,
    args: z.strictObject({ month: z.string().regex(MONTH, 'Mois invalide : attendu AAAA-MM, par exemple 2026-11.') }),
    run: async ({ db, progress }, { month }) => {
      const label = monthLabelFr(month);
      const run = await db.selectFrom('invoice_runs').select(['id', 'status']).where('month', '=', month).executeTakeFirst();
      if (!run) throw notFound(`Aucune facturation n’a été préparée pour ${label}.`);
      if (run.status !== 'issued') throw refused(`La facturation ${ofMonth(label)} n’est pas encore émise : il n’y a pas de facture à imprimer.`);
      // The run's own invoices, in number order; credit notes and complementary invoices are printed one by one.
      const rows = await db
        .selectFrom('invoices')
        .select(['document'])
        .where('run_id', '=', run.id)
        .where('kind', '=', 'invoice')
        .orderBy('year')
        .orderBy('seq')
        .execute();
      if (rows.length === 0) throw refused(`La facturation ${ofMonth(label)} n’a émis aucune facture.`);
      const documents = rows.map((row) => JSON.parse(row.document) as InvoiceDocument);
      const pdf = await invoicePdf(documents, { onProgress: invoiceProgress(progress, documents.length) });
      progress(documents.length, documents.length, DRAW_LABEL);
      return pdfFile(`factures-${month}.pdf`, pdf);
    },
  },
};
