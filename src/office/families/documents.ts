import type { DocumentSummary } from '../../shared/api/contract.js';
import type { DocumentKind } from '../../shared/families/input.js';
import type { OfficeDb } from '../db/open.js';
import { officeQuery } from '../db/office-query.js';

export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

/** PDF, JPEG or PNG recognised by their first bytes (src/shared/files/sniff.ts, shared with the portal). */
export { documentMime } from '../../shared/files/sniff.js';

/** Strict base64 (the browser's FileReader output): anything else is refused rather than silently truncated. */
export function decodeBase64(text: string): Buffer | null {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  return Buffer.from(clean, 'base64');
}

const documentRows = officeQuery((db, familyId: number) =>
  db
    .selectFrom('family_documents')
    .select(['id', 'kind', 'label', 'document_date', 'file_name', 'mime', (eb) => eb.fn<number>('length', ['content']).as('size')])
    .where('family_id', '=', familyId)
    .where('archived_at', 'is', null)
    .orderBy('document_date', 'desc')
    .orderBy('id', 'desc'),
);

export async function listDocuments(db: OfficeDb, familyId: number): Promise<DocumentSummary[]> {
  const rows = await documentRows.all(db, familyId);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind as DocumentKind,
    label: row.label,
    documentDate: row.document_date,
    fileName: row.file_name,
    mime: row.mime,
    size: row.size,
  }));
}
