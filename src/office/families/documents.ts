import type { DocumentSummary } from '../../shared/api/contract.js';
import { sql, type Kysely } from 'kysely';
import { DOCUMENT_KINDS, type DocumentKind } from '../../shared/families/input.js';
import { documentMime } from '../../shared/files/sniff.js';
import { invalid } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import { officeQuery } from '../db/office-query.js';
import type { OfficeDatabase } from '../db/schema.js';
import { ibanVault, RIB_DOCUMENT, SEALED_BYTES_OVERHEAD } from '../sepa/iban-vault.js';

/** One limit for documents and scanned RIBs (src/shared/files/limits.ts). */
export { DOCUMENT_MAX_BYTES } from '../../shared/files/limits.js';
import { DOCUMENT_MAX_BYTES, DOCUMENT_TOO_BIG_MESSAGE } from '../../shared/files/limits.js';

/** PDF, JPEG or PNG recognised by their first bytes (src/shared/files/sniff.ts, shared with the portal). */
export { documentMime };

/** Strict base64 (the browser's FileReader output): anything else is refused rather than silently truncated. */
export function decodeBase64(text: string): Buffer | null {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  return Buffer.from(clean, 'base64');
}

const documentRows = officeQuery((db, familyId: number) =>
  db
    .selectFrom('family_documents')
    .select(['id', 'kind', 'label', 'document_date', 'file_name', 'mime'])
    // A RIB's scan is sealed (src/office/sepa/rib-documents.ts): its size shown is the file's, not the sealed value's.
    // Told by RIB_DOCUMENT, the documents sealed, not by the content's first bytes: length() reads no blob, substr() would.
    .select(sql<number>`length(content) - (CASE WHEN ${sql.raw(RIB_DOCUMENT)} THEN ${sql.lit(SEALED_BYTES_OVERHEAD)} ELSE 0 END)`.as('size'))
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

/**
 * The checks of an uploaded file, the same for 'documents.add' and a RIB scanned for a mandate: strict base64, not
 * empty, 10 MB at most, a PDF, JPEG or PNG by its first bytes. French messages keyed by `field`.
 */
export function checkedDocumentBytes(base64: string, field = 'file'): { bytes: Buffer; mime: string } {
  const bytes = decodeBase64(base64);
  if (!bytes || bytes.length === 0) throw invalid({ [field]: 'Le fichier est vide ou illisible.' });
  if (bytes.length > DOCUMENT_MAX_BYTES) throw invalid({ [field]: DOCUMENT_TOO_BIG_MESSAGE });
  const mime = documentMime(bytes);
  if (!mime) throw invalid({ [field]: 'Seuls les fichiers PDF, JPEG ou PNG sont acceptés.' });
  return { bytes, mime };
}

/**
 * Files a checked document for a family (not archived: the caller checks) and writes its audit line. A RIB is sealed
 * with the IBAN key: its scan shows the IBAN in full (src/office/sepa/rib-documents.ts says who may open it).
 */
export async function insertFamilyDocument(
  trx: Kysely<OfficeDatabase>,
  document: { familyId: number; kind: DocumentKind; label: string; documentDate: string; fileName: string; bytes: Buffer; mime: string },
  who: { at: string; userId: number | null },
): Promise<number> {
  const inserted = await trx
    .insertInto('family_documents')
    .values({
      family_id: document.familyId,
      kind: document.kind,
      label: document.label,
      document_date: document.documentDate,
      file_name: document.fileName,
      mime: document.mime,
      content: document.kind === 'rib' ? ibanVault(trx).sealBytes(document.bytes) : document.bytes,
      created_at: who.at,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await writeAudit(
    trx,
    { at: who.at, userId: who.userId, entity: 'document', entityId: inserted.id, familyId: document.familyId, action: 'create' },
    [{ field: 'Document ajouté', oldValue: null, newValue: `${DOCUMENT_KINDS[document.kind]} du ${document.documentDate} (${document.fileName})` }],
  );
  return inserted.id;
}
