import type { Kysely } from 'kysely';
import type { Role } from '../../shared/auth/roles.js';
import { DOCUMENT_KINDS, type DocumentKind } from '../../shared/families/input.js';
import { mandateStatusOn, type MandateStatus } from '../../shared/sepa/mandate.js';
import { maskIban } from '../../shared/validation/bank.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { ApiFailure, notFound } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import type { OfficeDatabase } from '../db/schema.js';
import { ibanVault, isSealedBytes } from './iban-vault.js';

/**
 * The scan of a RIB shows the IBAN in full, so it is treated like the IBAN itself (issue #12, item 6, after review):
 * sealed at rest with the IBAN key (iban-vault.ts: at insert, and at open for the scans filed before), and served in
 * clear only
 * - to the régisseur, always;
 * - to the other roles while the account is being set up: the document is the scan of a mandate still « à signer »
 *   (the agent checks the form against it before the family signs), or a RIB not attached to any mandate while the
 *   family has no signed mandate (the scan the next set-up will be read from).
 * Every time a RIB is served in clear, to any role, an audit row « IBAN affiché » is written. The document list keeps
 * showing that a RIB is on file (kind, date, file name): only its content is guarded.
 */

type Db = Kysely<OfficeDatabase>;

export const RIB_REFUSAL =
  'Ce RIB montre l’IBAN en entier : une fois le mandat signé, seul le régisseur peut l’afficher (l’IBAN reste visible masqué dans la fiche).';

interface Who {
  userId: number | null;
  at: string;
  today: string;
}

export interface ServedDocument {
  familyId: number;
  fileName: string;
  mime: string;
  bytes: Buffer;
  /** Whether the document is a RIB's scan (the caller audits what it reveals from it). */
  rib: boolean;
}

const SIGNED: readonly MandateStatus[] = ['actif', 'suspendu'];

/** Whether a role other than the régisseur may see this RIB now (the set-up rule above), checked on `today`. */
async function inSetUp(db: Db, documentId: number, familyId: number, today: string): Promise<boolean> {
  const attached = await db
    .selectFrom('sepa_mandate_accounts as a')
    .innerJoin('sepa_mandates as m', 'm.id', 'a.mandate_id')
    .select(['m.status', 'm.signed_on', 'm.last_collection_on'])
    .where('a.document_id', '=', documentId)
    .execute();
  if (attached.length > 0) return attached.some((m) => mandateStatusOn(m.status as MandateStatus, m.signed_on, m.last_collection_on, today) === 'a_signer');
  const mandates = await db.selectFrom('sepa_mandates').select(['status', 'signed_on', 'last_collection_on']).where('family_id', '=', familyId).execute();
  return !mandates.some((m) => SIGNED.includes(mandateStatusOn(m.status as MandateStatus, m.signed_on, m.last_collection_on, today)));
}

/**
 * A family document's content in clear for this user: any document that is not a RIB as it is; a RIB by the rule
 * above, else refused (forbidden, French). `familyId`, when given, must be the document's family. The caller writes
 * the reveal (auditRibShown) in its own words.
 */
export async function documentForUser(db: Db, documentId: number, familyId: number | null, role: Role, today: string): Promise<ServedDocument> {
  const row = await db
    .selectFrom('family_documents')
    .select(['family_id', 'kind', 'file_name', 'mime', 'content', 'archived_at'])
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (!row || (familyId !== null && (row.family_id !== familyId || row.archived_at !== null))) throw notFound('Document introuvable.');
  const content = Buffer.from(row.content);
  const referenced = await db.selectFrom('sepa_mandate_accounts').select('id').where('document_id', '=', documentId).executeTakeFirst();
  const rib = row.kind === 'rib' || referenced !== undefined || isSealedBytes(content);
  if (rib && role !== 'regisseur' && !(await inSetUp(db, documentId, row.family_id, today))) {
    throw new ApiFailure({ code: 'forbidden', message: RIB_REFUSAL });
  }
  return { familyId: row.family_id, fileName: row.file_name, mime: row.mime, bytes: ibanVault(db).openBytes(content), rib };
}

/** « IBAN affiché » for a RIB's scan shown in clear: what was done with it, and the IBAN read from it when known. */
export async function auditRibShown(
  db: Db,
  document: { id: number; familyId: number; fileName: string },
  what: string,
  iban: string | null,
  who: Who,
): Promise<void> {
  const row = await db.selectFrom('family_documents').select(['kind', 'document_date']).where('id', '=', document.id).executeTakeFirst();
  const kind = row ? (DOCUMENT_KINDS[row.kind as DocumentKind] ?? row.kind) : 'Document';
  const dated = row ? ` du ${shortDayFr(row.document_date)}` : '';
  await writeAudit(
    db,
    { at: who.at, userId: who.userId, entity: 'document', entityId: document.id, familyId: document.familyId, action: 'reveal' },
    [{ field: 'IBAN affiché', oldValue: null, newValue: `${what} : ${kind}${dated} (${document.fileName})${iban ? ` · ${maskIban(iban)}` : ''}` }],
  );
}
