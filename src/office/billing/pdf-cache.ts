import type { InvoiceDocument } from '../../shared/billing/invoice.js';
import { invoicePdfBatchOnThread, pdfThreadCount } from '../../server/pdf-pool.js';
import type { ProgressReporter } from '../api/handler.js';
import { runInBackground } from '../db/background.js';
import type { OfficeDb } from '../db/open.js';
import type { Logger } from '../log.js';

/**
 * Each issued invoice's own PDF, rendered once and kept in invoice_pdfs: an issued invoice never changes, so neither
 * does its PDF, and a month's run is then printed by merging these (src/server/pdf-merge.ts) instead of laying a
 * thousand invoices out again.
 *
 * pdfmake has a fixed cost per PDF (a new document, its fonts subset and embedded) besides its cost per invoice (some
 * 15 ms of CPU): missing PDFs are laid out BATCH invoices at a time as one PDF, which is then cut into one PDF per
 * invoice (invoicePdfBatch), on the threads of the pool (src/server/pdf-pool.ts). Each thread takes the next batch as
 * soon as it is done with one, never waiting for the other threads; as many batches of one call are in the pool at
 * once as it has threads, so that another call (a single invoice downloaded while a month renders in the background)
 * waits for one batch at most, not for the whole month.
 */

const BATCH = 100;
/** Ids per `IN (...)` list, well under SQLite's bound-parameter limit. */
const IDS_PER_QUERY = 500;

export const RENDER_LABEL = 'Impression des factures';

/** A batch rendered by renderInvoicePdfs: the invoices one after the other in one PDF, and the pages of each. */
export interface RenderedBatch {
  invoiceIds: number[];
  pdf: Buffer;
  /** For each of invoiceIds, the pages of `pdf` it spans (0-based, in order). */
  pages: number[][];
}

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
 * The invoices being rendered in this process, per database, each with the promise of its batch being kept: a call
 * that finds an invoice here waits for it instead of rendering it a second time (the background rendering after
 * issue, and a print asked meanwhile).
 */
const inFlight = new WeakMap<OfficeDb, Map<number, Promise<void>>>();

function claimsOf(db: OfficeDb): Map<number, Promise<void>> {
  let claims = inFlight.get(db);
  if (!claims) inFlight.set(db, (claims = new Map()));
  return claims;
}

async function loadDocuments(db: OfficeDb, ids: readonly number[]): Promise<InvoiceDocument[]> {
  const rows = await db.selectFrom('invoices').select(['id', 'document']).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row.document]));
  return ids.map((id) => {
    const document = byId.get(id);
    if (document === undefined) throw new Error(`renderInvoicePdfs: no invoice ${id}`);
    return JSON.parse(document) as InvoiceDocument;
  });
}

async function keep(db: OfficeDb, ids: readonly number[], pieces: readonly Buffer[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [i, id] of ids.entries()) {
      // Another process on the same file may have kept it meanwhile: its PDF is the same invoice printed.
      await trx
        .insertInto('invoice_pdfs')
        .values({ invoice_id: id, pdf: pieces[i] as Buffer })
        .onConflict((conflict) => conflict.column('invoice_id').doNothing())
        .execute();
    }
  });
}

/**
 * Renders and keeps the PDF of each of `invoiceIds` that has none yet. Answers how many this call rendered, and the
 * batches it rendered: a month printed cold is assembled from these directly
 * (src/office/billing/pdf-handlers.ts). `progress` hears the invoices done (rendered here or meanwhile by another
 * call) out of those missing at the start. Asked to stop (`signal`), what is kept stays kept and no further batch is
 * started; the rest is rendered when first printed.
 */
export async function renderInvoicePdfs(
  db: OfficeDb,
  invoiceIds: readonly number[],
  options: { progress?: ProgressReporter; signal?: AbortSignal } = {},
): Promise<{ rendered: number; batches: RenderedBatch[] }> {
  const { progress, signal } = options;
  const todo = await missing(db, invoiceIds);
  progress?.(0, todo.length, RENDER_LABEL);
  if (todo.length === 0) return { rendered: 0, batches: [] };

  const claims = claimsOf(db);
  const mine: number[] = [];
  const theirs = new Map<Promise<void>, number[]>();
  for (const id of todo) {
    const claim = claims.get(id);
    if (claim) theirs.set(claim, [...(theirs.get(claim) ?? []), id]);
    else mine.push(id);
  }

  let done = 0;
  const drawn = new Map<number, number>();
  const report = () => {
    let share = 0;
    for (const value of drawn.values()) share += value;
    progress?.(done + Math.floor(share), todo.length, RENDER_LABEL);
  };

  const batches = chunks(mine, BATCH).map((ids, index) => {
    let settle!: (error?: unknown) => void;
    const kept = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error as Error));
    });
    // Waited for by other calls only; one that fails is reported by this call.
    kept.catch(() => undefined);
    for (const id of ids) claims.set(id, kept);
    return { ids, index, kept, settle, result: null as RenderedBatch | null };
  });
  const release = (batch: (typeof batches)[number], error?: unknown) => {
    for (const id of batch.ids) if (claims.get(id) === batch.kept) claims.delete(id);
    batch.settle(error);
  };

  const queue = [...batches];
  let failing = false;
  const slot = async (): Promise<void> => {
    while (queue.length > 0 && !signal?.aborted && !failing) {
      const current = queue.shift() as (typeof batches)[number];
      try {
        const documents = await loadDocuments(db, current.ids);
        const { pdf, pages, pieces } = await invoicePdfBatchOnThread(documents, {
          onProgress: (fraction) => {
            drawn.set(current.index, fraction * current.ids.length);
            report();
          },
        });
        await keep(db, current.ids, pieces);
        current.result = { invoiceIds: current.ids, pdf, pages };
        release(current);
      } catch (error) {
        failing = true;
        release(current, error);
        throw error;
      } finally {
        drawn.delete(current.index);
      }
      done += current.ids.length;
      report();
    }
  };
  const waits = [...theirs].map(async ([claim, ids]) => {
    await claim.catch(() => undefined);
    done += ids.length;
    report();
  });
  const slots = await Promise.allSettled(Array.from({ length: Math.min(pdfThreadCount(), batches.length) }, slot));
  // Batches never started (stopped, or a batch failed) are no longer claimed: another call renders them.
  for (const batch of queue) release(batch);
  await Promise.all(waits);
  const failed = slots.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;

  let rendered = batches.reduce((sum, batch) => sum + (batch.result ? batch.ids.length : 0), 0);
  const rendering = batches.flatMap((batch) => (batch.result ? [batch.result] : []));
  // What another call was rendering and failed to keep is rendered here.
  const left = signal?.aborted ? [] : await missing(db, [...theirs.values()].flat());
  if (left.length > 0) {
    const more = await renderInvoicePdfs(db, left, { signal });
    rendered += more.rendered;
    rendering.push(...more.batches);
  }
  return { rendered, batches: rendering };
}

/**
 * renderInvoicePdfs, answering how many PDFs this call rendered. Meant to be started, without being awaited, right
 * after a run is issued.
 */
export async function renderMissingInvoicePdfs(
  db: OfficeDb,
  invoiceIds: readonly number[],
  progress?: ProgressReporter,
  signal?: AbortSignal,
): Promise<number> {
  return (await renderInvoicePdfs(db, invoiceIds, { progress, signal })).rendered;
}

/**
 * The PDFs of `invoiceIds` made in the background (after a run is issued), so that printing them later is a merge of
 * kept PDFs; a failure is logged with `context`, never shown to the agent who did not ask for anything.
 */
export function renderInvoicePdfsInBackground(db: OfficeDb, invoiceIds: readonly number[], log: Logger, context: Record<string, unknown>): void {
  runInBackground(db, async (signal) => {
    try {
      await renderMissingInvoicePdfs(db, invoiceIds, undefined, signal);
    } catch (error) {
      log.error('invoice PDFs not rendered in the background', { ...context, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
}

/** How far back the office's start resumes the PDFs a closed app left unmade: the runs an agent may still print. */
export const RESUME_PDF_DAYS = 62;

/**
 * At the office's start: the invoices issued in the last RESUME_PDF_DAYS whose PDF is not kept (the app was closed
 * while their background rendering ran) are rendered again in the background, so that « Imprimer le mois » stays a
 * merge however the last session ended. Returns how many were queued.
 */
export async function resumeInvoicePdfs(db: OfficeDb, now: Date, log: Logger): Promise<number> {
  const since = new Date(now.getTime() - RESUME_PDF_DAYS * 24 * 60 * 60 * 1000).toISOString();
  const rows = await db
    .selectFrom('invoices')
    .leftJoin('invoice_pdfs', 'invoice_pdfs.invoice_id', 'invoices.id')
    .select('invoices.id')
    .where('invoice_pdfs.invoice_id', 'is', null)
    .where('invoices.issued_at', '>=', since)
    .orderBy('invoices.year')
    .orderBy('invoices.seq')
    .execute();
  if (rows.length === 0) return 0;
  log.info('resuming invoice PDFs left unmade', { invoices: rows.length });
  renderInvoicePdfsInBackground(db, rows.map((row) => row.id), log, { resumed: rows.length });
  return rows.length;
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
