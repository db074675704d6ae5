import type { Kysely, Transaction } from 'kysely';
import { shortDayFr } from '../../shared/calendar/format.js';
import type { OfficeDatabase } from '../db/schema.js';

export interface AuditChange {
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface AuditTarget {
  at: string;
  userId: number | null;
  entity: string;
  entityId: number | null;
  action: 'create' | 'update' | 'archive' | 'unarchive' | string;
  familyId?: number | null;
  childId?: number | null;
}

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/** Writes one audit row per change (or one bare row when there is none), inside the caller's transaction. */
export async function writeAudit(db: Db, target: AuditTarget, changes: AuditChange[] = []): Promise<void> {
  await db.insertInto('audit_log').values(auditRows(target, changes)).execute();
}

/**
 * Audit rows gathered by a batch (a decision of a thousand items) and written in a few statements, in the order they
 * were added. The caller flushes before anything else writes to the log, so the log reads as if written one by one.
 */
export class AuditBatch {
  private rows: ReturnType<typeof auditRows> = [];

  add(target: AuditTarget, changes: AuditChange[] = []): void {
    this.rows.push(...auditRows(target, changes));
  }

  /** Where the batch stands, to drop what is added after it when the caller rolls back to a savepoint. */
  mark(): number {
    return this.rows.length;
  }

  rollbackTo(mark: number): void {
    this.rows.length = Math.min(mark, this.rows.length);
  }

  async flush(db: Db): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    // 10 values a row: well under SQLite's bound parameters per statement.
    for (let start = 0; start < rows.length; start += 300) await db.insertInto('audit_log').values(rows.slice(start, start + 300)).execute();
  }
}

function auditRows(target: AuditTarget, changes: AuditChange[]) {
  const base = {
    at: target.at,
    user_id: target.userId,
    family_id: target.familyId ?? null,
    child_id: target.childId ?? null,
    entity: target.entity,
    entity_id: target.entityId,
    action: target.action,
  };
  const rows =
    changes.length === 0
      ? [{ ...base, field: '', old_value: null, new_value: null }]
      : changes.map((change) => ({ ...base, field: change.field, old_value: change.oldValue, new_value: change.newValue }));
  return rows;
}

/** Text shown in the log for a value: booleans in French, empty values as null. */
export function auditText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  // A day (validity of the QF, end of a PAI, date of birth) reads as agents write it, 31/12/2027, not as stored.
  if (typeof value === 'string' && ISO_DAY.test(value)) return shortDayFr(value);
  return String(value);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Compares old and new values field by field and returns the readable differences. */
export function diffFields<T extends Record<string, unknown>>(
  labels: { [K in keyof T]?: string },
  before: T | null,
  after: T | null,
  format: (key: keyof T, value: unknown) => string | null = (_key, value) => auditText(value),
): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const key of Object.keys(labels) as (keyof T)[]) {
    const label = labels[key];
    if (!label) continue;
    const oldValue = before ? format(key, before[key]) : null;
    const newValue = after ? format(key, after[key]) : null;
    if (oldValue !== newValue) changes.push({ field: label, oldValue, newValue });
  }
  return changes;
}
