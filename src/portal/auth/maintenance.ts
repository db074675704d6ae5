import { sql } from 'kysely';
import { advisoryKey, isPostgres } from '../db/locks.js';
import type { PortalDb } from '../db/open.js';
import { KEY_RETENTION_MS } from '../http/submission.js';
import { purgeUnreferencedPhotos } from '../photos/store.js';
import { purgeAcknowledgedUploads } from '../uploads/retention.js';
import { IDLE_MS } from './sessions.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** pg_try_advisory_xact_lock's key for the purge: arbitrary, fixed, apart from the migrations' (db/migrate.ts). */
export const PURGE_LOCK = 7_437_000_002;

/**
 * Deletes what can no longer serve: dead sessions, old reset links, forgotten login failures, old submission keys,
 * files the office took long ago (uploads/retention.ts) and photos no publication names (photos/store.ts).
 *
 * Several portal servers on one PostgreSQL database each run the purge (jobs.ts): one runs it at a time, in one
 * transaction holding an advisory lock, and a purge that finds the lock held skips its turn ('skipped': the other is
 * deleting the same rows, and this one would only wait on its row locks). The lock ends with the transaction, and so
 * with a process that dies. Each commune's purge has its own lock (advisoryKey): one commune's never skips another's.
 * On SQLite each delete takes the file's write lock: purges of several processes on one file
 * run one after the other and the second finds nothing left.
 */
export async function purgeExpired(db: PortalDb, now: Date): Promise<'done' | 'skipped'> {
  if (!isPostgres(db)) {
    await deleteExpired(db, now);
    return 'done';
  }
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean | number }>`SELECT pg_try_advisory_xact_lock(${advisoryKey(trx, PURGE_LOCK)}) AS locked`.execute(trx);
    // The pool's parser reads booleans as 1/0 (db/postgres.ts).
    if (!rows[0]?.locked) return 'skipped';
    await deleteExpired(trx, now);
    return 'done';
  });
}

async function deleteExpired(db: PortalDb, now: Date): Promise<void> {
  const iso = now.toISOString();
  const idleSince = new Date(now.getTime() - IDLE_MS).toISOString();
  const dayAgo = new Date(now.getTime() - DAY_MS).toISOString();
  await db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', iso), eb('last_seen_at', '<=', idleSince)])).execute();
  await db.deleteFrom('password_resets').where('expires_at', '<=', dayAgo).execute();
  await db.deleteFrom('login_throttle').where('last_failure_at', '<=', dayAgo).execute();
  await db.deleteFrom('form_submissions').where('created_at', '<', new Date(now.getTime() - KEY_RETENTION_MS).toISOString()).execute();
  await purgeAcknowledgedUploads(db, now);
  await purgeUnreferencedPhotos(db, now);
}
