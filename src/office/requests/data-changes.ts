import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { DataChange } from '../../shared/api/contract.js';
import { childSchemas, type ChildData } from '../../shared/children/input.js';
import { familySchemas, type FamilyData } from '../../shared/families/input.js';
import { invalid } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { childChanges, loadChild, updateChildSections } from '../children/store.js';
import type { OfficeDatabase } from '../db/schema.js';
import { refreshFamilySearch } from '../families/search-index.js';
import { familySectionChanges, loadFamily, updateFamilyRows } from '../families/store.js';

/**
 * A family asks to change a field of its file ('responsable1.telMobile', 'identity.regime'): the request carries the
 * new value as text, as the portal's form typed it; it is converted back to the field's type and checked with the same
 * schema as the office's own forms, both when the request arrives and again when it is accepted.
 */

type Trx = Transaction<OfficeDatabase>;

const FAMILY_SECTIONS = ['responsable1', 'responsable2', 'household', 'fiscal', 'caf', 'bank'] as const;
const CHILD_SECTIONS = ['identity', 'health', 'authorisations'] as const;
type FamilySection = (typeof FAMILY_SECTIONS)[number];
type ChildSection = (typeof CHILD_SECTIONS)[number];

const NUMBER_FIELDS = new Set(['fiscal.rfrCents', 'fiscal.partsX100', 'fiscal.year', 'caf.qf', 'identity.schoolId']);
const NULLABLE_TEXT_FIELDS = new Set(['dateNaissance', 'caf.qfValidUntil', 'health.paiEnd']);

function fieldValue(path: string, text: string): unknown {
  const [section, key] = path.split('.') as [string, string];
  if (NUMBER_FIELDS.has(path)) {
    if (text.trim() === '') return null;
    const number = Number(text.replace(',', '.').replace(/\s+/g, ''));
    return Number.isFinite(number) ? number : text;
  }
  if (section === 'household' && key === 'resident') return booleanOf(text);
  if (section === 'health' && key === 'pai') return booleanOf(text);
  if (section === 'authorisations') return booleanOf(text);
  if ((NULLABLE_TEXT_FIELDS.has(path) || (section.startsWith('responsable') && key === 'dateNaissance')) && text.trim() === '') return null;
  return text;
}

function booleanOf(text: string): boolean | string {
  const value = text.trim().toLowerCase();
  if (['oui', 'true', '1'].includes(value)) return true;
  if (['non', 'false', '0'].includes(value)) return false;
  return text;
}

function splitPath<S extends string>(path: string, sections: readonly S[]): { section: S; key: string } | null {
  const parts = path.split('.');
  if (parts.length !== 2) return null;
  const [section, key] = parts as [string, string];
  if (!(sections as readonly string[]).includes(section)) return null;
  return { section: section as S, key };
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Valeur invalide.';
}

/** The family's data with the changes applied, or a French refusal naming the field. */
export function changedFamily(current: FamilyData, changes: DataChange[], today: string): FamilyData {
  const schemas = familySchemas(today);
  const next: FamilyData = structuredClone(current);
  for (const change of changes) {
    const target = splitPath<FamilySection>(change.field, FAMILY_SECTIONS);
    const section = target ? (next[target.section] as Record<string, unknown> | null) : null;
    if (!target || !section || !(target.key in section)) {
      throw invalid({ [change.field]: `Champ inconnu : ${change.label || change.field}.` }, `Le champ « ${change.label || change.field} » ne peut pas être modifié par une demande.`);
    }
    section[target.key] = fieldValue(change.field, change.newValue);
  }
  for (const section of new Set(changes.map((change) => change.field.split('.')[0] as FamilySection))) {
    const schema = section === 'responsable1' || section === 'responsable2' ? schemas.responsable : schemas[section];
    const parsed = schema.safeParse(next[section]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = `${section}.${String(issue?.path[0] ?? '')}`;
      throw invalid({ [field]: firstIssue(parsed.error) }, `Nouvelle valeur refusée : ${firstIssue(parsed.error)}`);
    }
    (next as Record<string, unknown>)[section] = parsed.data;
  }
  return next;
}

export function changedChild(current: ChildData, changes: DataChange[], today: string): Partial<Omit<ChildData, 'custom'>> {
  const schemas = childSchemas(today);
  const next: ChildData = structuredClone(current);
  for (const change of changes) {
    const target = splitPath<ChildSection>(change.field, CHILD_SECTIONS);
    const section = target ? (next[target.section] as Record<string, unknown>) : null;
    if (!target || !section || !(target.key in section) || target.key === 'vaccinations') {
      throw invalid({ [change.field]: `Champ inconnu : ${change.label || change.field}.` }, `Le champ « ${change.label || change.field} » ne peut pas être modifié par une demande.`);
    }
    section[target.key] = fieldValue(change.field, change.newValue);
  }
  const patch: Partial<Omit<ChildData, 'custom'>> = {};
  for (const section of new Set(changes.map((change) => change.field.split('.')[0] as ChildSection))) {
    const parsed = schemas[section].safeParse(next[section]);
    if (!parsed.success) {
      const field = `${section}.${String(parsed.error.issues[0]?.path[0] ?? '')}`;
      throw invalid({ [field]: firstIssue(parsed.error) }, `Nouvelle valeur refusée : ${firstIssue(parsed.error)}`);
    }
    (patch as Record<string, unknown>)[section] = parsed.data;
  }
  return patch;
}

/** Checks every change against the current records (entity of this family, known field, valid value). */
export async function checkDataChanges(trx: Trx, familyId: number, changes: DataChange[], today: string): Promise<void> {
  const familyChanges = changes.filter((change) => change.entity === 'family');
  if (familyChanges.some((change) => change.entityId !== familyId)) {
    throw invalid({ changes: "Une modification porte sur une autre famille." }, 'Une modification porte sur une autre famille.');
  }
  if (familyChanges.length > 0) {
    const family = await loadFamily(trx, familyId);
    if (!family) throw invalid({ familyId: 'Famille introuvable.' }, 'Famille introuvable.');
    changedFamily(family.data, familyChanges, today);
  }
  for (const [childId, childChangesOf] of groupByChild(changes)) {
    const child = await loadChild(trx, childId);
    if (!child || child.familyId !== familyId) {
      throw invalid({ changes: "Cet enfant n'appartient pas à la famille." }, "Une modification porte sur un enfant qui n'appartient pas à la famille.");
    }
    if (child.archivedAt !== null) throw invalid({ changes: 'Fiche enfant archivée.' }, `La fiche de ${child.data.identity.prenom} est archivée.`);
    changedChild(child.data, childChangesOf, today);
  }
}

function groupByChild(changes: DataChange[]): Map<number, DataChange[]> {
  const byChild = new Map<number, DataChange[]>();
  for (const change of changes) {
    if (change.entity !== 'child') continue;
    byChild.set(change.entityId, [...(byChild.get(change.entityId) ?? []), change]);
  }
  return byChild;
}

/** Applies accepted changes to the records, with the same audit lines as an edit at the office. */
export async function applyDataChanges(
  trx: Trx,
  familyId: number,
  changes: DataChange[],
  who: { userId: number | null; at: string; today: string },
): Promise<void> {
  const familyChanges = changes.filter((change) => change.entity === 'family' && change.entityId === familyId);
  if (familyChanges.length > 0) {
    const family = await loadFamily(trx, familyId);
    if (!family) throw invalid({ familyId: 'Famille introuvable.' }, 'Famille introuvable.');
    const next = changedFamily(family.data, familyChanges, who.today);
    const audit = FAMILY_SECTIONS.flatMap((section) => familySectionChanges(section, family.data[section], next[section]));
    if (audit.length > 0) {
      await updateFamilyRows(trx, familyId, next, who.at);
      await writeAudit(trx, { at: who.at, userId: who.userId, entity: 'family', entityId: familyId, familyId, action: 'update' }, audit);
    }
  }
  for (const [childId, childChangesOf] of groupByChild(changes)) {
    const child = await loadChild(trx, childId);
    if (!child || child.familyId !== familyId) continue;
    const patch = changedChild(child.data, childChangesOf, who.today);
    const schools = await trx.selectFrom('schools').select(['id', 'name']).execute();
    const schoolName = (id: number | null) => (id === null ? null : (schools.find((school) => school.id === id)?.name ?? `École n° ${id}`));
    const audit = childChanges(child.data, patch, schoolName);
    if (audit.length === 0) continue;
    await updateChildSections(trx, childId, patch, who.at);
    await writeAudit(trx, { at: who.at, userId: who.userId, entity: 'child', entityId: childId, familyId, childId, action: 'update' }, audit);
  }
  await refreshFamilySearch(trx, familyId);
}
