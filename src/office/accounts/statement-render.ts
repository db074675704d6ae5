import { statementPdf, type StatementDocument } from '../../server/billing/statement-pdf.js';
import { statementPdfOnThread } from '../../server/pdf-pool.js';
import { mergePdfs } from '../../server/pdf-merge.js';
import type { ProgressReporter } from '../api/handler.js';

/**
 * Statements laid out by pdfmake: one family's at once, in this thread (a few tens of milliseconds); a batch in parts
 * of BATCH statements laid out on the pool's threads (src/server/pdf-pool.ts), so the progress bar
 * moves as each part is drawn, and the parts merged into one PDF (src/server/pdf-merge.ts). Each statement keeps its
 * own page numbering whatever part it is in.
 */

const BATCH = 100;
export const RENDER_LABEL = 'Mise en page des relevés';
export const MERGE_LABEL = 'Assemblage des relevés';

export async function statementsPdf(documents: readonly StatementDocument[]): Promise<Buffer> {
  return statementPdf(documents);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Every statement as one PDF, each starting on a new page; `progress` hears the statements drawn out of all. The parts
 * are laid out at once on the PDF pool's threads (one part per thread at a time), then merged in order.
 */
export async function statementBatchPdf(documents: readonly StatementDocument[], progress: ProgressReporter): Promise<Buffer> {
  const total = documents.length;
  progress(0, total, RENDER_LABEL);
  const parts = chunks(documents, BATCH);
  const drawn = parts.map(() => 0);
  let reported = 0;
  const report = () => {
    const done = Math.floor(drawn.reduce((sum, share) => sum + share, 0));
    // Parts report from several threads: the bar only moves forward.
    if (done > reported) progress((reported = done), total, RENDER_LABEL);
  };
  const pdfs = await Promise.all(
    parts.map((part, index) =>
      statementPdfOnThread(part, {
        onProgress: (fraction) => {
          drawn[index] = fraction * part.length;
          report();
        },
      }).then((pdf) => {
        drawn[index] = part.length;
        report();
        return pdf;
      }),
    ),
  );
  const first = documents[0];
  const pdf = pdfs.length === 1 ? (pdfs[0] as Buffer) : mergePdfs(pdfs, { title: 'Relevés de compte', author: first?.issuer.communeName ?? '', creator: 'Grenette' });
  progress(total, total, MERGE_LABEL);
  return pdf;
}
