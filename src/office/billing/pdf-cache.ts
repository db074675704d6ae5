import type { InvoiceDocument } from '../../shared/billing/invoice.js';
import { invoicePdfPiecesOnThread, pdfThreadCount } from '../../server/pdf-pool.js';
import type { ProgressReporter } from '../api/handler.js';
import type { OfficeDb } from '../db/open.js';

/**
 * Each issued invoice's own PDF, rendered once and kept in invoice_pdfs: an issued invoice never changes, so neither
 * does its PDF, and a month's run is then printed by merging these (src/server/pdf-merge.ts) instead of laying a
 * thousand invoices out again.
 *
 * pdfmake has a fixed cost per PDF (the fonts parsed and shaped afresh: about 150 ms of CPU) besides its cost per
 * invoice (about 12 ms): missing PDFs are laid out BATCH invoices at a time as one PDF, which is then cut into one PDF
 * per invoice (invoicePdfPieces), and as many batches at once as the pool has threads (src/server/billing/
 * src/server/pdf-pool.ts): a wave.
 */

const BATCH = 100;
/** Ids per `IN (...)` list, well under SQLite's bound-parameter limit. */
const IDS_PER_QUERY = 500;

export const RENDER_LABEL = 'Impression des factures';

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The ids among `invoiceIds` whose PDF is not kept yet, in the order given. */
async function missing(db: OfficeDb, invoiceIds: readonly number[]): Promise<number[]> {
  const kept = new Set<number>();
  for (const ids of chunks(invoiceIds, IDS_PER_QUERY)) {
    const rows = await db.selectFrom('invoice_pdfs').select('invoice_id').where('invoice_id', 'in', ids).execute();
    for (const row of rows) kept.add(row.invoice_id);
  }
  return [...new Set(invoiceIds)].filter((id) => !kept.has(id));
}

/**
 * One batch rendered at a time per database: a print asked while the PDFs issued a moment ago are still being rendered
 * in the background takes its turn between two batches, then finds the batches done meanwhile already kept.
 */
const turns = new WeakMap<OfficeDb, Promise<unknown>>();

async function inTurn<T>(db: OfficeDb, work: () => Promise<T>): Promise<T> {
  const before = turns.get(db) ?? Promise.resolve();
  const mine = before.then(work, work);
  turns.set(db, mine.catch(() => undefined));
  return mine;
}

/**
 * Renders and keeps the PDF of each of `invoiceIds` that has none yet; returns how many this call rendered. `progress`
 * hears the invoices done (rendered here or meanwhile by another call) out of those missing at the start. Meant to be
 * started, without being awaited, right after a run is issued, and awaited by the print handlers.
 */
export async function renderMissingInvoicePdfs(
  db: OfficeDb,
  invoiceIds: readonly number[],
  progress?: ProgressReporter,
  signal?: AbortSignal,
): Promise<number> {
  const todo = await missing(db, invoiceIds);
  progress?.(0, todo.length, RENDER_LABEL);
  let done = 0;
  let rendered = 0;
  for (const wave of chunks(todo, BATCH * pdfThreadCount())) {
    // Asked to stop (the office closing): what is kept stays kept; the rest is rendered when first printed.
    if (signal?.aborted) break;
    rendered += await inTurn(db, async () => {
      const ids = await missing(db, wave);
      if (ids.length === 0) return 0;
      const rows = await db.selectFrom('invoices').select(['id', 'document']).where('id', 'in', ids).execute();
      if (rows.length !== ids.length) {
        const found = new Set(rows.map((row) => row.id));
        throw new Error(`renderMissingInvoicePdfs: no invoice ${ids.filter((id) => !found.has(id)).join(', ')}`);
      }
      const documents = rows.map((row) => JSON.parse(row.document) as InvoiceDocument);
      const skipped = wave.length - ids.length;
      const batches = chunks(documents, Math.ceil(documents.length / Math.min(pdfThreadCount(), Math.ceil(documents.length / BATCH))));
      const drawn = batches.map(() => 0);
      const report = () => progress?.(done + skipped + Math.floor(drawn.reduce((sum, share) => sum + share, 0)), todo.length, RENDER_LABEL);
      const pieces = (
        await Promise.all(
          batches.map((batch, index) =>
            invoicePdfPiecesOnThread(batch, {
              onProgress: (fraction) => {
                drawn[index] = fraction * batch.length;
                report();
              },
            }),
          ),
        )
      ).flat();
      await db.transaction().execute(async (trx) => {
        for (const [i, row] of rows.entries()) {
          // Another process on the same file may have kept it meanwhile: its PDF is the same invoice printed.
          await trx
            .insertInto('invoice_pdfs')
            .values({ invoice_id: row.id, pdf: pieces[i] as Buffer })
            .onConflict((conflict) => conflict.column('invoice_id').doNothing())
            .execute();
        }
      });
      return rows.length;
    });
    done += wave.length;
    progress?.(done, todo.length, RENDER_LABEL);
  }
  return rendered;
}

/** The kept PDFs of `invoiceIds`, in the order given; throws if one is missing (render them first). */
export async function keptInvoicePdfs(db: OfficeDb, invoiceIds: readonly number[]): Promise<Buffer[]> {
  const byId = new Map<number, Buffer>();
  for (const ids of chunks(invoiceIds, IDS_PER_QUERY)) {
    const rows = await db.selectFrom('invoice_pdfs').select(['invoice_id', 'pdf']).where('invoice_id', 'in', ids).execute();
    for (const row of rows) byId.set(row.invoice_id, Buffer.from(row.pdf.buffer, row.pdf.byteOffset, row.pdf.byteLength));
  }
  return invoiceIds.map((id) => {
    const pdf = byId.get(id);
    if (!pdf) throw new Error(`keptInvoicePdfs: the PDF of invoice ${id} is not kept`);
    return pdf;
  });
}
