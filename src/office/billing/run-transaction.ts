import { sql, type Kysely } from 'kysely';
import type { OfficeDb } from '../db/open.js';
import type { OfficeDatabase } from '../db/schema.js';
import { ApiFailure } from '../api/handler.js';

/**
 * A write transaction that takes SQLite's write lock at its start (BEGIN IMMEDIATE), for the billing and régie writes
 * that read then write what another office process may be writing too (the drafts of a run, invoice numbers, an
 * account's allocations): two processes on the same file serialise here instead of both reading the same state and
 * one failing at its first write (a deferred transaction cannot wait for the lock it upgrades to). Within one core,
 * Kysely's single connection already makes calls take turns; `db.connection()` holds it for the whole transaction.
 *
 * The lock is waited for as long as the connection's busy_timeout (5 s, migrate.ts); past it the user is told to try
 * again, never shown SQLite's code.
 */
export async function immediateTransaction<T>(db: OfficeDb, work: (trx: Kysely<OfficeDatabase>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    try {
      await sql`BEGIN IMMEDIATE`.execute(conn);
    } catch (error) {
      if (isBusy(error)) {
        throw new ApiFailure({
          code: 'conflict',
          message: 'Un autre poste enregistre en ce moment (facturation ou régie) : réessayez dans un instant.',
        });
      }
      throw error;
    }
    try {
      const result = await work(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (error) {
      // A failed COMMIT or statement may already have ended the transaction: rolling back then would throw too.
      try {
        await sql`ROLLBACK`.execute(conn);
      } catch {
        /* nothing left to roll back */
      }
      throw error;
    }
  });
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}
