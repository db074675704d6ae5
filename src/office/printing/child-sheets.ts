import type { FileContent, PrintScope } from '../../shared/api/contract.js';
import type { Clock } from '../../shared/clock.js';
import type { OfficeDb } from '../db/open.js';
import type { Logger } from '../log.js';
import { slug } from './format.js';
import { renderPdf } from './pdfmake.js';
import { childSheetsDocument, withoutPhotos } from './sheet-document.js';
import { loadChildSheets, type SheetBatch } from './sheet-data.js';

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

/** The printed child sheets of a scope as one PDF (one page per child). */
export async function printChildSheets(
  deps: { db: OfficeDb; clock: Clock; log: Logger },
  scope: PrintScope,
): Promise<FileContent> {
  const batch = await loadChildSheets(deps.db, scope);
  const fileName = sheetsFileName(batch);
  const printedAt = deps.clock();
  const title = fileName.replace(/\.pdf$/, '');
  let pdf: Buffer;
  try {
    pdf = await renderPdf(childSheetsDocument(batch.sheets, printedAt, title));
  } catch (error) {
    // A photo whose bytes pass the format check can still be damaged: the sheets matter more than the picture.
    if (!batch.sheets.some((sheet) => sheet.photo)) throw error;
    deps.log.error('child sheet photo could not be embedded; printing without photos', {
      scope,
      error: error instanceof Error ? error.message : String(error),
    });
    pdf = await renderPdf(childSheetsDocument(withoutPhotos(batch.sheets), printedAt, title));
  }
  return { fileName, mime: 'application/pdf', base64: pdf.toString('base64') };
}
