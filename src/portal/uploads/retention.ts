import type { PortalDb } from '../db/open.js';

/**
 * How long a family's file (photo, certificate) stays on the portal once the office has acknowledged its request:
 * 30 days. The office holds it from the pull on (with the request, in its backups); the delay covers an office
 * restored from a backup a few weeks old, whose cursor goes back and pulls the request again with its file. Past it,
 * such a request would reach the office without its file.
 */
export const UPLOAD_RETENTION_AFTER_ACK_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The office pulls after its stored cursor, which it commits with the page's requests: a pull `after` N says every
 * request up to N is at the office. Their files are marked acknowledged (once: the first instant counts).
 */
export async function acknowledgePulled(db: PortalDb, after: number, now: Date): Promise<void> {
  if (after <= 0) return;
  await db
    .updateTable('uploads')
    .set({ acknowledged_at: now.toISOString() })
    .where('acknowledged_at', 'is', null)
    .where((eb) =>
      eb.exists(eb.selectFrom('requests').select('requests.seq').whereRef('requests.uid', '=', 'uploads.request_uid').where('requests.seq', '<=', after)),
    )
    .execute();
}

/** Deletes the files the office acknowledged more than UPLOAD_RETENTION_AFTER_ACK_MS ago. */
export async function purgeAcknowledgedUploads(db: PortalDb, now: Date): Promise<number> {
  const before = new Date(now.getTime() - UPLOAD_RETENTION_AFTER_ACK_MS).toISOString();
  const result = await db.deleteFrom('uploads').where('acknowledged_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
