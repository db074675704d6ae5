import type { Kysely, Transaction } from 'kysely';
import { isIsoDay } from '../../shared/validation/fields.js';
import { invalid } from '../api/handler.js';
import { auditText, type AuditChange } from '../audit/write.js';
import { officeQuery } from '../db/office-query.js';
import type { OfficeDatabase } from '../db/schema.js';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

const customValueRows = officeQuery((db, entity: 'family' | 'child', entityId: number) =>
  db
    .selectFrom('custom_values')
    .innerJoin('custom_fields', 'custom_fields.id', 'custom_values.field_id')
    .select(['custom_values.field_id', 'custom_values.value'])
    .where('custom_fields.entity', '=', entity)
    .where('custom_values.entity_id', '=', entityId),
);

/** Complementary values of one family or child, keyed by field id as the forms send them. */
export async function loadCustomValues(db: Db, entity: 'family' | 'child', entityId: number): Promise<Record<string, string>> {
  const rows = await customValueRows.all(db, entity, entityId);
  return Object.fromEntries(rows.map((row) => [String(row.field_id), row.value]));
}

/**
 * Replaces the values sent (an empty value clears one), checked against the fields defined for that entity, and
 * returns the audit lines. Inside the caller's transaction, so a bad value cancels the whole save.
 */
export async function saveCustomValues(
  db: Db,
  entity: 'family' | 'child',
  entityId: number,
  values: Record<string, string>,
): Promise<AuditChange[]> {
  const fields = await db.selectFrom('custom_fields').selectAll().where('entity', '=', entity).execute();
  const current = await loadCustomValues(db, entity, entityId);
  const changes: AuditChange[] = [];
  const errors: Record<string, string> = {};
  for (const [key, raw] of Object.entries(values)) {
    const field = fields.find((candidate) => String(candidate.id) === key);
    const value = raw.trim();
    if (!field) {
      errors[`custom.${key}`] = 'Ce champ complémentaire n’existe pas.';
      continue;
    }
    if (value !== '' && field.kind === 'boolean' && value !== 'true' && value !== 'false') {
      errors[`custom.${key}`] = 'Valeur attendue : oui ou non.';
      continue;
    }
    if (value !== '' && field.kind === 'date' && !isIsoDay(value)) {
      errors[`custom.${key}`] = `${field.label} : date invalide (jj/mm/aaaa).`;
      continue;
    }
    const before = current[key] ?? '';
    if (before === value) continue;
    if (value === '') {
      await db.deleteFrom('custom_values').where('field_id', '=', field.id).where('entity_id', '=', entityId).execute();
    } else {
      await db
        .insertInto('custom_values')
        .values({ field_id: field.id, entity_id: entityId, value })
        .onConflict((conflict) => conflict.columns(['field_id', 'entity_id']).doUpdateSet({ value }))
        .execute();
    }
    // Read as agents write it: Oui / Non, a day jj/mm/aaaa (auditText).
    const show = (text: string) => (text === '' ? null : field.kind === 'boolean' ? (text === 'true' ? 'Oui' : 'Non') : auditText(text));
    changes.push({ field: `Champ complémentaire · ${field.label}`, oldValue: show(before), newValue: show(value) });
  }
  if (Object.keys(errors).length > 0) throw invalid(errors);
  return changes;
}
