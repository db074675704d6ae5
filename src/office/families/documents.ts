import type { DocumentSummary } from '../../shared/api/contract.js';
import type { DocumentKind } from '../../shared/families/input.js';
import type { OfficeDb } from '../db/open.js';

export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

/** PDF, JPEG or PNG recognised by their first bytes; the name and the browser's type can lie. */
export function documentMime(bytes: Uint8Array): 'application/pdf' | 'image/jpeg' | 'image/png' | null {
  if (bytes.length > 5 && String.fromCharCode(...bytes.slice(0, 5)) === '%PDF-') return 'application/pdf';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  return null;
}

/** Strict base64 (the browser's FileReader output): anything else is refused rather than silently truncated. */
export function decodeBase64(text: string): Buffer | null {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  return Buffer.from(clean, 'base64');
}

export async function listDocuments(db: OfficeDb, familyId: number): Promise<DocumentSummary[]> {
  const rows = await db
    .selectFrom('family_documents')
    .select(['id', 'kind', 'label', 'document_date', 'file_name', 'mime', (eb) => eb.fn<number>('length', ['content']).as('size')])
    .where('family_id', '=', familyId)
    .where('archived_at', 'is', null)
    .orderBy('document_date', 'desc')
    .orderBy('id', 'desc')
    .execute();
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
