import { z } from 'zod';
import type { ChildFile, ChildSummary, GridPage } from '../../shared/api/contract.js';
import { canSeeHealth, type Role } from '../../shared/auth/roles.js';
import { childSchemas, imageMime, ownMealProblem, PHOTO_MAX_BYTES, settleOwnMeal, type ChildData } from '../../shared/children/input.js';
import { parisDay } from '../../shared/clock.js';
import { formatPhone } from '../../shared/validation/phone.js';
import { ALL_STAFF, ApiFailure, checkedInHandler, invalid, notFound, parseOrFail, type Handlers } from '../api/handler.js';
import { writeAudit, type AuditChange } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import { decodeBase64 } from '../families/documents.js';
import { archivedConflict, gridArgs } from '../families/handlers.js';
import { DEFAULT_SEARCH_LIMIT, planFilter, searchPlan, searchWords, type SearchArgs } from '../families/search.js';
import { normaliseSearch, refreshFamilySearch } from '../families/search-index.js';
import type { OfficeDatabase } from '../db/schema.js';
import type { Transaction } from 'kysely';
import { saveCustomValues } from '../settings/custom-values.js';
import { childChanges, insertChild, loadChild, updateChildSections } from './store.js';
import { childSummaryQuery, toChildSummary } from './summaries.js';

const HEALTH_FORBIDDEN = 'Votre profil ne permet pas de consulter ni de modifier les données de santé.';
const NOT_AN_IMAGE = "Ce fichier n'est pas une image (JPEG, PNG ou WebP).";

function healthForbidden(): ApiFailure {
  return new ApiFailure({ code: 'forbidden', message: HEALTH_FORBIDDEN });
}

function isEmptyHealth(health: ChildData['health']): boolean {
  return (
    health.allergies === '' &&
    !health.pai &&
    health.paiEnd === null &&
    health.paiOwnMeal !== true &&
    health.paiDetails === '' &&
    health.medecinNom === '' &&
    health.medecinTel === '' &&
    health.medicalNotes === '' &&
    health.vaccinations.length === 0
  );
}

export async function childFile(db: OfficeDb, id: number, role: Role): Promise<ChildFile> {
  const child = await loadChild(db, id);
  if (!child) throw notFound('Enfant introuvable.');
  const family = await db
    .selectFrom('responsables')
    .select(['nom', 'prenom'])
    .where('family_id', '=', child.familyId)
    .where('rank', '=', 1)
    .executeTakeFirst();
  const familyArchived = await db.selectFrom('families').select('archived_at').where('id', '=', child.familyId).executeTakeFirst();
  const health = canSeeHealth(role);
  const editable = child.archivedAt === null && familyArchived?.archived_at === null;
  return {
    id,
    familyId: child.familyId,
    familyName: family ? `${family.nom} ${family.prenom}` : '',
    // Phones shown and edited the French way; the schema stores E.164 again when they come back.
    data: {
      ...child.data,
      health: health ? { ...child.data.health, medecinTel: formatPhone(child.data.health.medecinTel) } : null,
      authorisedPersons: child.data.authorisedPersons.map((person) => ({ ...person, tel1: formatPhone(person.tel1), tel2: formatPhone(person.tel2) })),
    },
    photo: child.photo,
    createdAt: child.createdAt,
    updatedAt: child.updatedAt,
    archivedAt: child.archivedAt,
    actions: { edit: editable, editHealth: editable && health, archive: true, print: true },
  };
}

async function schoolNames(db: Transaction<OfficeDatabase>): Promise<(id: number | null) => string | null> {
  const schools = await db.selectFrom('schools').select(['id', 'name']).execute();
  return (id) => (id === null ? null : (schools.find((school) => school.id === id)?.name ?? `École n° ${id}`));
}

async function checkSchool(db: Transaction<OfficeDatabase>, schoolId: number | null): Promise<void> {
  if (schoolId === null) return;
  const school = await db.selectFrom('schools').select('id').where('id', '=', schoolId).executeTakeFirst();
  if (!school) throw invalid({ 'identity.schoolId': 'École inconnue.' });
}

/**
 * One page of the children grid and how many match in all. Without a query, SQL pages the children in the grid's
 * order. With one, the index narrows to families whose haystack (responsables' and children's names) holds every word
 * (archived children, not in the haystack, by their own name when asked); each child then stays only if every word is
 * in its own name or in its family's names, so "lucas" does not list his sisters, and the page is cut from those.
 */
async function searchChildren(db: OfficeDb, role: Role, args: SearchArgs): Promise<GridPage<ChildSummary>> {
  const plan = searchPlan(args.query);
  const offset = Math.max(args.offset ?? 0, 0);
  const base = () =>
    childSummaryQuery(db)
      .innerJoin('family_search as fs', 'fs.family_id', 'c.family_id')
      .$if(!args.includeArchived, (query) => query.where('c.archived_at', 'is', null));
  if (plan === null) {
    const rows = await base()
      .orderBy('c.nom')
      .orderBy('c.prenom')
      .orderBy('c.id')
      .limit(args.limit ?? -1)
      .offset(offset)
      .execute();
    const complete = offset === 0 && (args.limit === undefined || rows.length < args.limit);
    const total = complete
      ? rows.length
      : Number((await base().clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { offset, total, rows: rows.map((row) => toChildSummary(row, role)) };
  }
  const words = searchWords(args.query);
  const patterns = words.map((word) => `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
  const rows = await base()
    .leftJoin('responsables as r2', (join) => join.onRef('r2.family_id', '=', 'c.family_id').on('r2.rank', '=', 2))
    .innerJoin('families as f', 'f.id', 'c.family_id')
    .select(['r2.nom as r2_nom', 'r2.prenom as r2_prenom', 'f.caf_number'])
    .where((eb) =>
      args.includeArchived
        ? eb.or([
            planFilter(plan, 'fs'),
            eb.and([eb('c.archived_at', 'is not', null), ...patterns.map((pattern) => eb.or([eb('c.nom', 'like', pattern), eb('c.prenom', 'like', pattern)]))]),
          ])
        : planFilter(plan, 'fs'),
    )
    .orderBy('c.nom')
    .orderBy('c.prenom')
    .orderBy('c.id')
    .execute();
  const matching = rows.filter((row) => {
    const own = normaliseSearch(`${row.nom} ${row.prenom}`);
    const family = normaliseSearch(`${row.famille} ${row.r2_nom ?? ''} ${row.r2_prenom ?? ''} ${row.caf_number}`);
    return words.every((word) => own.includes(word) || family.includes(word));
  });
  const page = args.limit === undefined ? matching.slice(offset) : matching.slice(offset, offset + args.limit);
  return { offset, total: matching.length, rows: page.map((row) => toChildSummary(row, role)) };
}

const anyRecord = z.record(z.string(), z.unknown());

export const childHandlers: Handlers<
  'children.search' | 'children.grid' | 'children.get' | 'children.create' | 'children.update' | 'children.setPhoto' | 'children.archive'
> = {
  'children.search': {
    access: ALL_STAFF,
    args: z.object({ query: z.string().max(200), includeArchived: z.boolean(), limit: z.number().int().min(1).max(5000).optional() }),
    run: async ({ db, user }, args) => (await searchChildren(db, user.role, { ...args, limit: args.limit ?? DEFAULT_SEARCH_LIMIT })).rows,
  },

  'children.grid': {
    access: ALL_STAFF,
    args: gridArgs,
    run: ({ db, user }, args) => searchChildren(db, user.role, args),
  },

  'children.get': {
    access: ALL_STAFF,
    args: z.object({ id: z.number().int() }),
    run: ({ db, user }, { id }) => childFile(db, id, user.role),
  },

  'children.create': {
    access: ALL_STAFF,
    args: checkedInHandler(z.object({ familyId: z.number().int(), data: anyRecord })),
    async run({ db, clock, user }, { familyId, data }) {
      const parsed = parseOrFail(childSchemas(parisDay(clock())).input, data);
      if (!canSeeHealth(user.role) && !isEmptyHealth(parsed.health)) throw healthForbidden();
      const problem = ownMealProblem(parsed.health);
      if (problem) throw invalid(problem);
      const valid = { ...parsed, health: settleOwnMeal(parsed.health, false) };
      const at = clock().toISOString();
      const id = await db.transaction().execute(async (trx) => {
        const family = await trx.selectFrom('families').select('archived_at').where('id', '=', familyId).executeTakeFirst();
        if (!family) throw notFound('Famille introuvable.');
        if (family.archived_at !== null) throw archivedConflict();
        await checkSchool(trx, valid.identity.schoolId);
        const childId = await insertChild(trx, familyId, valid, at);
        const changes: AuditChange[] = childChanges({}, valid, await schoolNames(trx));
        changes.push(...(await saveCustomValues(trx, 'child', childId, valid.custom)));
        await writeAudit(trx, { at, userId: user.id, entity: 'child', entityId: childId, familyId, childId, action: 'create' }, changes);
        await refreshFamilySearch(trx, familyId);
        return childId;
      });
      return childFile(db, id, user.role);
    },
  },

  'children.update': {
    access: ALL_STAFF,
    args: checkedInHandler(z.object({ id: z.number().int(), patch: anyRecord })),
    async run({ db, clock, user }, { id, patch }) {
      if (!canSeeHealth(user.role) && patch.health !== undefined) throw healthForbidden();
      const valid = parseOrFail(childSchemas(parisDay(clock())).patch, patch);
      const problem = valid.health ? ownMealProblem(valid.health) : null;
      if (problem) throw invalid(problem);
      const at = clock().toISOString();
      await db.transaction().execute(async (trx) => {
        const current = await loadChild(trx, id);
        if (!current) throw notFound('Enfant introuvable.');
        const family = await trx.selectFrom('families').select('archived_at').where('id', '=', current.familyId).executeTakeFirst();
        if (current.archivedAt !== null || family?.archived_at !== null) throw archivedConflict();
        if (valid.identity) await checkSchool(trx, valid.identity.schoolId);
        const { custom, ...sections } = valid;
        if (sections.health) sections.health = settleOwnMeal(sections.health, current.data.health.paiOwnMeal === true);
        const changes = childChanges(current.data, sections, await schoolNames(trx));
        if (custom) changes.push(...(await saveCustomValues(trx, 'child', id, custom)));
        if (changes.length === 0) return;
        await updateChildSections(trx, id, sections, at);
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'child', entityId: id, familyId: current.familyId, childId: id, action: 'update' },
          changes,
        );
        await refreshFamilySearch(trx, current.familyId);
      });
      return childFile(db, id, user.role);
    },
  },

  'children.setPhoto': {
    access: ALL_STAFF,
    args: z.object({ id: z.number().int(), mime: z.string().max(100), base64: z.string() }),
    async run({ db, clock, user }, { id, base64 }) {
      const bytes = decodeBase64(base64);
      if (!bytes || bytes.length === 0) throw invalid({ photo: NOT_AN_IMAGE });
      if (bytes.length > PHOTO_MAX_BYTES) throw invalid({ photo: `La photo dépasse ${PHOTO_MAX_BYTES / 1024 / 1024} Mo.` });
      const mime = imageMime(bytes);
      if (!mime) throw invalid({ photo: NOT_AN_IMAGE });
      const at = clock().toISOString();
      await db.transaction().execute(async (trx) => {
        const child = await trx.selectFrom('children').select(['family_id', 'archived_at', 'photo_mime']).where('id', '=', id).executeTakeFirst();
        if (!child) throw notFound('Enfant introuvable.');
        if (child.archived_at !== null) throw archivedConflict();
        await trx.updateTable('children').set({ photo: bytes, photo_mime: mime, updated_at: at }).where('id', '=', id).execute();
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'child', entityId: id, familyId: child.family_id, childId: id, action: 'update' },
          [{ field: 'Enfant · Photo', oldValue: child.photo_mime ? 'Photo précédente' : null, newValue: `Nouvelle photo (${Math.ceil(bytes.length / 1024)} Ko)` }],
        );
      });
      return childFile(db, id, user.role);
    },
  },

  'children.archive': {
    access: ALL_STAFF,
    args: z.object({ id: z.number().int(), archived: z.boolean() }),
    async run({ db, clock, user }, { id, archived }) {
      const at = clock().toISOString();
      await db.transaction().execute(async (trx) => {
        const child = await trx.selectFrom('children').select(['family_id', 'archived_at']).where('id', '=', id).executeTakeFirst();
        if (!child) throw notFound('Enfant introuvable.');
        if ((child.archived_at !== null) === archived) return;
        await trx.updateTable('children').set({ archived_at: archived ? at : null, updated_at: at }).where('id', '=', id).execute();
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'child', entityId: id, familyId: child.family_id, childId: id, action: archived ? 'archive' : 'unarchive' },
          [{ field: 'Fiche enfant', oldValue: archived ? 'Active' : 'Archivée', newValue: archived ? 'Archivée' : 'Active' }],
        );
        await refreshFamilySearch(trx, child.family_id);
      });
      return childFile(db, id, user.role);
    },
  },
};
