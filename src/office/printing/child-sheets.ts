import type { FileContent, PrintScope } from '../../shared/api/contract.js';
import type { Clock } from '../../shared/clock.js';
import type { ProgressReporter } from '../api/handler.js';
import type { OfficeDb } from '../db/open.js';
import type { Logger } from '../log.js';
import { slug } from './format.js';
import { renderPdf } from '../../server/pdfmake.js';
import { childSheetsDocument, photoBox } from './sheet-document.js';
import { loadChildSheets, type ChildSheet, type SheetBatch } from './sheet-data.js';

export function sheetsFileName({ scope, sheets, groupName }: SheetBatch): string {
  switch (scope.kind) {
    case 'child': {
      const child = sheets[0];
      return `fiche-enfant-${slug(child?.nom ?? '')}-${slug(child?.prenom ?? '')}.pdf`;
    }
    case 'family':
      return `fiches-famille-${slug(groupName)}.pdf`;
    case 'class':
      return `fiches-${slug(groupName)}-${slug(scope.classe)}.pdf`;
  }
}

/** The sheets with each photo pdfmake cannot embed removed (the same array when every photo is fine). */
async function dropBrokenPhotos(sheets: ChildSheet[]): Promise<ChildSheet[]> {
  let changed = false;
  const checked: ChildSheet[] = [];
  for (const sheet of sheets) {
    if (!sheet.photo) {
      checked.push(sheet);
      continue;
    }
    try {
      await renderPdf({ content: [photoBox(sheet)] });
      checked.push(sheet);
    } catch {
      changed = true;
      checked.push({ ...sheet, photo: null });
    }
  }
  return changed ? checked : sheets;
}

const LAYOUT_LABEL = 'Mise en page des fiches';
const DRAW_LABEL = 'Impression des fiches';

/**
 * Reports a sheet done each time pdfmake has drawn one more child's share of the document (one page per child): its
 * layout, before, reports nothing, so it is announced as a step of its own at 0.
 */
function sheetProgress(progress: ProgressReporter | undefined, total: number): (fraction: number) => void {
  let reported = 0;
  progress?.(reported, total, LAYOUT_LABEL);
  return (fraction) => {
    const done = Math.min(total, Math.floor(fraction * total));
    if (done === reported) return;
    reported = done;
    progress?.(done, total, DRAW_LABEL);
  };
}

/** The printed child sheets of a scope as one PDF (one page per child), reporting its progress child by child. */
export async function printChildSheets(
  deps: { db: OfficeDb; clock: Clock; log: Logger; progress?: ProgressReporter },
  scope: PrintScope,
): Promise<FileContent> {
  const batch = await loadChildSheets(deps.db, scope);
  const fileName = sheetsFileName(batch);
  const printedAt = deps.clock();
  const title = fileName.replace(/\.pdf$/, '');
  const total = batch.sheets.length;
  let pdf: Buffer;
  try {
    pdf = await renderPdf(childSheetsDocument(batch.sheets, printedAt, title), sheetProgress(deps.progress, total));
  } catch (error) {
    // A photo whose first bytes look right can still be damaged: print the sheets with a frame in its place.
    const sheets = await dropBrokenPhotos(batch.sheets);
    if (sheets === batch.sheets) throw error;
    deps.log.error('child photo could not be embedded in the sheet; printed without it', {
      childIds: batch.sheets.filter((sheet, index) => sheet.photo && !sheets[index]?.photo).map((sheet) => sheet.childId),
      error: error instanceof Error ? error.message : String(error),
    });
    pdf = await renderPdf(childSheetsDocument(sheets, printedAt, title), sheetProgress(deps.progress, total));
  }
  return { fileName, mime: 'application/pdf', base64: pdf.toString('base64') };
}
