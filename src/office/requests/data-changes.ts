import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { DataChange } from '../../shared/api/contract.js';
import { childSchemas, settleOwnMeal, type ChildData } from '../../shared/children/input.js';
import { familySchemas, type FamilyData } from '../../shared/families/input.js';
import { parseFrench } from '../../shared/validation/french.js';
import { changeField, fullLabel, type ChangeField, type ChildSection } from '../../shared/requests/change-fields.js';
import { invalid } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import { childChanges, loadChild, updateChildSections, type StoredChild } from '../children/store.js';
import type { OfficeDatabase } from '../db/schema.js';
import { refreshFamilySearch } from '../families/search-index.js';
import { familySectionChanges, loadFamily, updateFamilyRows, type StoredFamily } from '../families/store.js';
import { followFamilyBank, mandateAccountChange } from '../sepa/mandates.js';

/**
 * A family asks to change a field of its file ('responsable1.telMobile', 'health.allergies'): the keys and the
 * canonical form of their values are the one list of src/shared/requests/change-fields.ts. The value is read back
 * into the field's type and the whole section is checked with the same schema as the office's own forms, both when
 * the request arrives and again when it is accepted.
 */

type Trx = Transaction<OfficeDatabase>;

const FAMILY_SECTIONS = ['responsable1', 'responsable2', 'household', 'fiscal', 'caf', 'bank'] as const;
type FamilySectionName = (typeof FAMILY_SECTIONS)[number];
type ChildSectionName = ChildSection;

function refusedChange(change: DataChange, why: string): never {
  throw invalid({ [change.field]: why }, why);
}

/** The field of a change and its new value in the record's type, or a French refusal naming the field. */
function readChange(change: DataChange, entity: 'family' | 'child'): { field: ChangeField; value: unknown } {
  const field = changeField(change.field);
  if (!field || field.entity !== entity) {
    refusedChange(change, `Le champ « ${change.label || change.field} » ne peut pas être modifié par une demande.`);
  }
  const value = field.format.read(change.newValue);
  if (value === undefined) refusedChange(change, `Nouvelle valeur non conforme pour « ${fullLabel(field)} » : « ${change.newValue.slice(0, 80)} ».`);
  return { field, value };
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Valeur invalide.';
}

/** The family's data with the changes applied, or a French refusal naming the field. */
export function changedFamily(current: FamilyData, changes: DataChange[], today: string): FamilyData {
  const schemas = familySchemas(today);
  const next: FamilyData = structuredClone(current);
  for (const change of changes) {
    const { field, value } = readChange(change, 'family');
    const section = next[field.section as FamilySectionName] as Record<string, unknown> | null;
    if (!section) refusedChange(change, `La famille n'a pas de ${field.group.toLowerCase()} : « ${fullLabel(field)} » ne peut pas être modifié.`);
    section[field.name] = value;
  }
  for (const section of new Set(changes.map((change) => changeField(change.field)!.section as FamilySectionName))) {
    const schema = section === 'responsable1' || section === 'responsable2' ? schemas.responsable : schemas[section];
    const parsed = parseFrench(schema, next[section]);
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
    const { field, value } = readChange(change, 'child');
    (next[field.section as ChildSectionName] as Record<string, unknown>)[field.name] = value;
  }
  const patch: Partial<Omit<ChildData, 'custom'>> = {};
  for (const section of new Set(changes.map((change) => changeField(change.field)!.section as ChildSectionName))) {
    const parsed = parseFrench(schemas[section], next[section]);
    if (!parsed.success) {
      const field = `${section}.${String(parsed.error.issues[0]?.path[0] ?? '')}`;
      throw invalid({ [field]: firstIssue(parsed.error) }, `Nouvelle valeur refusée : ${firstIssue(parsed.error)}`);
    }
    (patch as Record<string, unknown>)[section] = parsed.data;
  }
  // A family ending its child's PAI ends the PAI meal basket with it (the office's rule, src/shared/children/input.ts).
  if (patch.health) patch.health = settleOwnMeal(patch.health, current.health.paiOwnMeal === true);
  return patch;
}

/** The changes as the office keeps them: each labelled by the office's own list, whatever label the sender gave. */
export function officeLabelled(changes: DataChange[]): DataChange[] {
  return changes.map((change) => {
    const field = changeField(change.field);
    return field ? { ...change, label: fullLabel(field) } : change;
  });
}

/**
 * The records data changes read, kept for a decision of many items: a request's family and children are read once for
 * both its check and its application (instead of twice), and the schools once for the whole decision. Whatever a
 * request writes is forgotten at once, so the next request of the same family reads the records as they now are.
 */
export class DataChangeRecords {
  private readonly families = new Map<number, StoredFamily | null>();
  private readonly children = new Map<number, StoredChild | null>();
  private schoolList: { id: number; name: string }[] | null = null;

  async family(trx: Trx, id: number): Promise<StoredFamily | null> {
    if (!this.families.has(id)) this.families.set(id, await loadFamily(trx, id));
    return this.families.get(id) ?? null;
  }

  async child(trx: Trx, id: number): Promise<StoredChild | null> {
    if (!this.children.has(id)) this.children.set(id, await loadChild(trx, id));
    return this.children.get(id) ?? null;
  }

  /** Data changes never change the schools: read once per decision. */
  async schools(trx: Trx): Promise<{ id: number; name: string }[]> {
    this.schoolList ??= await trx.selectFrom('schools').select(['id', 'name']).execute();
    return this.schoolList;
  }

  forgetFamily(id: number): void {
    this.families.delete(id);
  }

  forgetChild(id: number): void {
    this.children.delete(id);
  }
}

/** Checks every change against the current records (entity of this family, known field, valid value). */
export async function checkDataChanges(
  trx: Trx,
  familyId: number,
  changes: DataChange[],
  today: string,
  records: DataChangeRecords = new DataChangeRecords(),
): Promise<void> {
  const familyChanges = changes.filter((change) => change.entity === 'family');
  if (familyChanges.some((change) => change.entityId !== familyId)) {
    throw invalid({ changes: "Une modification porte sur une autre famille." }, 'Une modification porte sur une autre famille.');
  }
  if (familyChanges.length > 0) {
    const family = await records.family(trx, familyId);
    if (!family) throw invalid({ familyId: 'Famille introuvable.' }, 'Famille introuvable.');
    const next = changedFamily(family.data, familyChanges, today);
    // A live SEPA mandate must be able to follow the new bank details (the item is refused with the reason otherwise).
    if (familyChanges.some((change) => change.field.startsWith('bank.'))) await mandateAccountChange(trx, familyId, next.bank, today);
  }
  for (const [childId, childChangesOf] of groupByChild(changes)) {
    const child = await records.child(trx, childId);
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
  records: DataChangeRecords = new DataChangeRecords(),
): Promise<void> {
  const familyChanges = changes.filter((change) => change.entity === 'family' && change.entityId === familyId);
  if (familyChanges.length > 0) {
    const family = await records.family(trx, familyId);
    if (!family) throw invalid({ familyId: 'Famille introuvable.' }, 'Famille introuvable.');
    const next = changedFamily(family.data, familyChanges, who.today);
    const audit = FAMILY_SECTIONS.flatMap((section) => familySectionChanges(section, family.data[section], next[section]));
    if (audit.length > 0) {
      records.forgetFamily(familyId);
      await updateFamilyRows(trx, familyId, next, who.at);
      await writeAudit(trx, { at: who.at, userId: who.userId, entity: 'family', entityId: familyId, familyId, action: 'update' }, audit);
      // A live SEPA mandate follows the family's new bank details (src/office/sepa/mandates.ts).
      if (familyChanges.some((change) => change.field.startsWith('bank.'))) await followFamilyBank(trx, familyId, next.bank, who);
    }
  }
  for (const [childId, childChangesOf] of groupByChild(changes)) {
    const child = await records.child(trx, childId);
    if (!child || child.familyId !== familyId) continue;
    const patch = changedChild(child.data, childChangesOf, who.today);
    const schools = await records.schools(trx);
    const schoolName = (id: number | null) => (id === null ? null : (schools.find((school) => school.id === id)?.name ?? `École n° ${id}`));
    const audit = childChanges(child.data, patch, schoolName);
    if (audit.length === 0) continue;
    records.forgetChild(childId);
    await updateChildSections(trx, childId, patch, who.at);
    await writeAudit(trx, { at: who.at, userId: who.userId, entity: 'child', entityId: childId, familyId, childId, action: 'update' }, audit);
  }
  await refreshFamilySearch(trx, familyId);
}
