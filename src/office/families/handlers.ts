import { z } from 'zod';
import type { FamilyFile } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import { parisDay } from '../../shared/clock.js';
import { DOCUMENT_KINDS, familySchemas, type DocumentKind, type FamilyData } from '../../shared/families/input.js';
import { pastDay, text } from '../../shared/validation/fields.js';
import { formatPhone } from '../../shared/validation/phone.js';
import { isMaskedIban, maskIban } from '../../shared/validation/bank.js';
import { followFamilyBank } from '../sepa/mandates.js';
import { auditRibShown, documentForUser } from '../sepa/rib-documents.js';
import { ALL_STAFF, ApiFailure, checkedInHandler, invalid, noArgs, notFound, parseOrFail, type Handlers } from '../api/handler.js';
import { writeAudit, type AuditChange } from '../audit/write.js';
import { familyChildRows, toChildSummary } from '../children/summaries.js';
import type { OfficeDb } from '../db/open.js';
import { saveCustomValues } from '../settings/custom-values.js';
import { checkedDocumentBytes, insertFamilyDocument, listDocuments } from './documents.js';
import { findFamilyDuplicates } from './duplicates.js';
import { phonesToFix } from './phones-to-fix.js';
import { DEFAULT_SEARCH_LIMIT, searchFamilies } from './search.js';
import { refreshFamilySearch } from './search-index.js';
import { familySectionChanges, insertFamily, loadFamily, updateFamilyRows } from './store.js';

export const ARCHIVED_MESSAGE = 'Cette fiche est archivée : réactivez-la pour la modifier.';

export function archivedConflict(): ApiFailure {
  return new ApiFailure({ code: 'conflict', message: ARCHIVED_MESSAGE });
}

const FAMILY_SECTIONS = ['responsable1', 'responsable2', 'household', 'fiscal', 'caf', 'bank'] as const;

// The shapes are checked by the zod schemas of the service (with today's date); here only "an object".
const anyRecord = z.record(z.string(), z.unknown());
const searchArgs = z.object({
  query: z.string().max(200),
  includeArchived: z.boolean(),
  limit: z.number().int().min(1).max(5000).optional(),
});
export const gridArgs = z.object({
  query: z.string().max(200),
  includeArchived: z.boolean(),
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).optional(),
});

export async function familyFile(db: OfficeDb, id: number, role: Role): Promise<FamilyFile> {
  const family = await loadFamily(db, id);
  if (!family) throw notFound('Famille introuvable.');
  const children = await familyChildRows.all(db, id);
  const { nom, prenom } = family.data.responsable1;
  const famille = `${nom} ${prenom}`;
  const archived = family.archivedAt !== null;
  return {
    id,
    // Shown and edited the French way; the forms send them back and the schema stores E.164 again (no change).
    data: {
      ...family.data,
      // Masked for every role: the form sends it back unchanged (kept), and only 'sepa.revealIban' shows it.
      bank: { ...family.data.bank, iban: maskIban(family.data.bank.iban) },
      responsable1: withPhonesShown(family.data.responsable1),
      responsable2: family.data.responsable2 && withPhonesShown(family.data.responsable2),
    },
    children: children.map((row) => toChildSummary({ ...row, famille }, role)),
    documents: await listDocuments(db, id),
    createdAt: family.createdAt,
    updatedAt: family.updatedAt,
    archivedAt: family.archivedAt,
    actions: { edit: !archived, archive: true, addChild: !archived },
  };
}

/**
 * The bank section comes back from the form with the IBAN as it was shown, masked: that means « unchanged », and the
 * stored IBAN is put back before the checks. Anything else typed in the field is a new IBAN, checked as usual.
 */
async function withStoredIban(db: OfficeDb, id: number, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  const bank = patch.bank as Record<string, unknown> | undefined;
  if (!bank || typeof bank.iban !== 'string' || !isMaskedIban(bank.iban)) return patch;
  const current = await loadFamily(db, id);
  if (!current) throw notFound('Famille introuvable.');
  if (maskIban(current.data.bank.iban) !== maskIban(bank.iban.replace(/\s+/g, ''))) {
    throw invalid({ 'bank.iban': 'Saisissez le nouvel IBAN en entier (l’IBAN masqué ne peut pas être modifié en partie).' });
  }
  return { ...patch, bank: { ...bank, iban: current.data.bank.iban } };
}

function withPhonesShown<R extends { telMobile: string; telFixe: string; telPro: string }>(person: R): R {
  return { ...person, telMobile: formatPhone(person.telMobile), telFixe: formatPhone(person.telFixe), telPro: formatPhone(person.telPro) };
}

export const familyHandlers: Handlers<
  | 'families.search'
  | 'families.grid'
  | 'families.get'
  | 'families.duplicates'
  | 'families.phonesToFix'
  | 'families.create'
  | 'families.update'
  | 'families.archive'
  | 'documents.add'
  | 'documents.get'
  | 'documents.archive'
> = {
  'families.search': {
    access: ALL_STAFF,
    args: searchArgs,
    run: async ({ db, clock }, args) =>
      (await searchFamilies(db, { ...args, limit: args.limit ?? DEFAULT_SEARCH_LIMIT }, parisDay(clock()))).rows,
  },

  'families.grid': {
    access: ALL_STAFF,
    args: gridArgs,
    run: ({ db, clock }, args) => searchFamilies(db, args, parisDay(clock())),
  },

  'families.get': {
    access: ALL_STAFF,
    args: z.object({ id: z.number().int() }),
    run: ({ db, user }, { id }) => familyFile(db, id, user.role),
  },

  'families.phonesToFix': {
    access: ALL_STAFF,
    args: noArgs,
    run: ({ db, user }) => phonesToFix(db, user.role),
  },
  'families.duplicates': {
    access: ALL_STAFF,
    args: checkedInHandler(z.object({ data: anyRecord })),
    run: ({ db, clock }, { data }) => findFamilyDuplicates(db, parseOrFail(familySchemas(parisDay(clock())).input, data)),
  },

  'families.create': {
    access: ALL_STAFF,
    args: checkedInHandler(z.object({ data: anyRecord })),
    async run({ db, clock, user }, { data }) {
      const valid = parseOrFail(familySchemas(parisDay(clock())).input, data);
      const at = clock().toISOString();
      const id = await db.transaction().execute(async (trx) => {
        const familyId = await insertFamily(trx, valid, at);
        const changes: AuditChange[] = FAMILY_SECTIONS.flatMap((section) => familySectionChanges(section, null, valid[section]));
        changes.push(...(await saveCustomValues(trx, 'family', familyId, valid.custom)));
        await writeAudit(trx, { at, userId: user.id, entity: 'family', entityId: familyId, familyId, action: 'create' }, changes);
        await refreshFamilySearch(trx, familyId);
        return familyId;
      });
      return familyFile(db, id, user.role);
    },
  },

  'families.update': {
    access: ALL_STAFF,
    args: checkedInHandler(z.object({ id: z.number().int(), patch: anyRecord })),
    async run({ db, clock, user }, { id, patch }) {
      const today = parisDay(clock());
      const valid = parseOrFail(familySchemas(today).patch, await withStoredIban(db, id, patch));
      const at = clock().toISOString();
      await db.transaction().execute(async (trx) => {
        const current = await loadFamily(trx, id);
        if (!current) throw notFound('Famille introuvable.');
        if (current.archivedAt !== null) throw archivedConflict();
        const next: FamilyData = { ...current.data };
        const changes: AuditChange[] = [];
        for (const section of FAMILY_SECTIONS) {
          if (valid[section] === undefined) continue;
          changes.push(...familySectionChanges(section, current.data[section], valid[section]));
          (next as Record<string, unknown>)[section] = valid[section];
        }
        if (valid.custom) changes.push(...(await saveCustomValues(trx, 'family', id, valid.custom)));
        if (changes.length === 0) return;
        await updateFamilyRows(trx, id, next, at);
        if (valid.bank !== undefined) await followFamilyBank(trx, id, next.bank, { userId: user.id, at, today });
        await writeAudit(trx, { at, userId: user.id, entity: 'family', entityId: id, familyId: id, action: 'update' }, changes);
        await refreshFamilySearch(trx, id);
      });
      return familyFile(db, id, user.role);
    },
  },

  'families.archive': {
    access: ALL_STAFF,
    args: z.object({ id: z.number().int(), archived: z.boolean() }),
    async run({ db, clock, user }, { id, archived }) {
      const at = clock().toISOString();
      await db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('families').select(['archived_at']).where('id', '=', id).executeTakeFirst();
        if (!row) throw notFound('Famille introuvable.');
        if ((row.archived_at !== null) === archived) return;
        await trx
          .updateTable('families')
          .set({ archived_at: archived ? at : null, updated_at: at })
          .where('id', '=', id)
          .execute();
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'family', entityId: id, familyId: id, action: archived ? 'archive' : 'unarchive' },
          [{ field: 'Fiche famille', oldValue: archived ? 'Active' : 'Archivée', newValue: archived ? 'Archivée' : 'Active' }],
        );
        await refreshFamilySearch(trx, id);
      });
      return familyFile(db, id, user.role);
    },
  },

  'documents.add': {
    access: ALL_STAFF,
    args: checkedInHandler(
      z.object({
        familyId: z.number().int(),
        kind: z.string(),
        label: z.string(),
        documentDate: z.string(),
        fileName: z.string(),
        mime: z.string(),
        base64: z.string(),
      }),
    ),
    async run({ db, clock, user }, args) {
      const today = parisDay(clock());
      const meta = parseOrFail(
        z.object({
          kind: z.enum(Object.keys(DOCUMENT_KINDS) as [DocumentKind, ...DocumentKind[]], 'Type de document inconnu.'),
          label: text(120),
          documentDate: pastDay('La date du document', today),
          fileName: z.string().trim().min(1, 'Le nom du fichier est obligatoire.').max(200, '200 caractères au plus.'),
        }),
        args,
      );
      const { bytes, mime } = checkedDocumentBytes(args.base64);
      const at = clock().toISOString();
      const id = await db.transaction().execute(async (trx) => {
        const family = await trx.selectFrom('families').select('archived_at').where('id', '=', args.familyId).executeTakeFirst();
        if (!family) throw notFound('Famille introuvable.');
        if (family.archived_at !== null) throw archivedConflict();
        return insertFamilyDocument(
          trx,
          { familyId: args.familyId, kind: meta.kind, label: meta.label, documentDate: meta.documentDate, fileName: meta.fileName, bytes, mime },
          { at, userId: user.id },
        );
      });
      const added = (await listDocuments(db, args.familyId)).find((doc) => doc.id === id);
      if (!added) throw new Error('document vanished after insert');
      return added;
    },
  },

  'documents.get': {
    access: ALL_STAFF,
    args: z.object({ id: z.number().int() }),
    // A RIB's scan shows the IBAN in full: served by the rule of src/office/sepa/rib-documents.ts, and audited.
    async run({ db, clock, user }, { id }) {
      const now = clock();
      const who = { userId: user.id, at: now.toISOString(), today: parisDay(now) };
      const document = await documentForUser(db, id, null, user.role, who.today);
      if (document.rib) await auditRibShown(db, { id, familyId: document.familyId, fileName: document.fileName }, 'RIB ouvert', null, who);
      return { fileName: document.fileName, mime: document.mime, base64: document.bytes.toString('base64') };
    },
  },

  'documents.archive': {
    access: ALL_STAFF,
    args: z.object({ id: z.number().int() }),
    async run({ db, clock, user }, { id }) {
      const at = clock().toISOString();
      await db.transaction().execute(async (trx) => {
        const doc = await trx.selectFrom('family_documents').selectAll().where('id', '=', id).executeTakeFirst();
        if (!doc) throw notFound('Document introuvable.');
        if (doc.archived_at !== null) return;
        await trx.updateTable('family_documents').set({ archived_at: at }).where('id', '=', id).execute();
        const kind = DOCUMENT_KINDS[doc.kind as DocumentKind] ?? doc.kind;
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'document', entityId: id, familyId: doc.family_id, action: 'archive' },
          [{ field: 'Document retiré', oldValue: `${kind} du ${doc.document_date} (${doc.file_name})`, newValue: null }],
        );
      });
      return null;
    },
  },
};
