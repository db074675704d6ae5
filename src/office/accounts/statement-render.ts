import { statementPdf, type StatementDocument } from '../../server/billing/statement-pdf.js';
import { mergePdfs } from '../../server/pdf-merge.js';
import type { ProgressReporter } from '../api/handler.js';

/**
 * Statements laid out by pdfmake: one family's at once; a batch in parts of BATCH statements, so the progress bar
 * moves as each part is drawn and the parts are merged into one PDF (src/server/pdf-merge.ts). Each statement keeps its
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

/** Every statement as one PDF, each starting on a new page; `progress` hears the statements drawn out of all. */
export async function statementBatchPdf(documents: readonly StatementDocument[], progress: ProgressReporter): Promise<Buffer> {
  const total = documents.length;
  progress(0, total, RENDER_LABEL);
  const parts: Buffer[] = [];
  let done = 0;
  for (const part of chunks(documents, BATCH)) {
    parts.push(await statementPdf(part, { onProgress: (fraction) => progress(done + Math.floor(fraction * part.length), total, RENDER_LABEL) }));
    done += part.length;
    progress(done, total, RENDER_LABEL);
  }
  const first = documents[0];
  const pdf = parts.length === 1 ? (parts[0] as Buffer) : mergePdfs(parts, { title: 'Relevés de compte', author: first?.issuer.communeName ?? '', creator: 'Grenette' });
  progress(total, total, MERGE_LABEL);
  return pdf;
}
