import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import { schemaOf } from '../../server/schema-plugin.js';
import type { PortalDb, PortalTrx } from './open.js';

/**
 * What one set of queries needs to know of the dialect under it to stay correct with several connections: PostgreSQL
 * runs transactions side by side (read committed), SQLite one at a time on the portal's one connection, the others
 * waiting for Kysely's turn. So a lock is taken on PostgreSQL only; on SQLite the transaction already has the
 * database to itself.
 */
export function isPostgres(db: PortalDb | PortalTrx): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The things a transaction may lock by id (an advisory lock's high bits, so ids of each kind never meet). */
const LOCK_SCOPES = { family: 1, requests: 2 } as const;
export type LockScope = keyof typeof LOCK_SCOPES;

const ID_BITS = 2 ** 40;

/**
 * The advisory lock key of `key` (a number fixed by the caller) for the database `db` works in. Advisory locks are
 * database-wide, while a commune's rows live in its own schema (src/portal/communes): commune A's family 12 or purge
 * must not wait for, or skip because of, commune B's. In a commune's schema the key is a 64-bit hash of the schema and
 * the number (hashtextextended; a collision, about 2^-64, would only make two transactions wait for each other);
 * without a schema (one portal on the database) it is the number itself, as before.
 */
export function advisoryKey(db: PortalDb | PortalTrx, key: number): RawBuilder<unknown> {
  const schema = schemaOf(db);
  if (schema === null) return sql`${key}::bigint`;
  return sql`hashtextextended(${`${schema}:${key}`}, 0)`;
}

/**
 * Holds the lock of (scope, id) until the transaction ends (PostgreSQL's pg_advisory_xact_lock): another transaction
 * asking for it waits for this one's commit or rollback. Nothing on SQLite (see isPostgres).
 */
export async function lockUntilCommit(trx: PortalTrx, scope: LockScope, id = 0): Promise<void> {
  if (!isPostgres(trx)) return;
  if (!Number.isSafeInteger(id) || id < 0 || id >= ID_BITS) throw new Error(`lock id ${id} out of range`);
  await sql`SELECT pg_advisory_xact_lock(${advisoryKey(trx, LOCK_SCOPES[scope] * ID_BITS + id)})`.execute(trx);
}
