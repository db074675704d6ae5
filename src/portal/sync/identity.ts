import { randomUUID } from 'node:crypto';
import type { PortalDb } from '../db/open.js';

/** portal_content key of the database's identity. */
const IDENTITY_KEY = 'portal_id';

const known = new WeakMap<PortalDb, string>();

/**
 * The identity of this portal's database, made once (a random UUID) and kept in it: the office pulls requests by their
 * number in this database, and learns from a new identity that the numbers started over (a portal moved to
 * PostgreSQL, or started on an empty folder, under the same address), so it pulls from the first again and
 * republishes every family instead of waiting for numbers past its old cursor. A backup restored keeps its identity
 * and its numbers. Several processes may make it at once: the first insert wins and every one reads that one.
 */
export async function portalIdentity(db: PortalDb): Promise<string> {
  const cached = known.get(db);
  if (cached) return cached;
  await db
    .insertInto('portal_content')
    .values({ key: IDENTITY_KEY, version: 1, data: JSON.stringify(randomUUID()), published_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('portal_content').select('data').where('key', '=', IDENTITY_KEY).executeTakeFirstOrThrow();
  const id = JSON.parse(row.data) as string;
  known.set(db, id);
  return id;
}
