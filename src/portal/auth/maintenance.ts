import type { PortalDb } from '../db/open.js';
import { KEY_RETENTION_MS } from '../http/submission.js';
import { purgeUnreferencedPhotos } from '../photos/store.js';
import { purgeAcknowledgedUploads } from '../uploads/retention.js';
import { IDLE_MS } from './sessions.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes what can no longer serve: dead sessions, old reset links, forgotten login failures, old submission keys,
 * files the office took long ago (uploads/retention.ts) and photos no publication names (photos/store.ts).
 */
export async function purgeExpired(db: PortalDb, now: Date): Promise<void> {
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
