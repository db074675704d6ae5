import { portalRequestSchema, SYNC_PROTOCOL, type PullResponse } from '../../shared/sync/contract.js';
import type { PortalDb } from '../db/open.js';
import { REQUEST_DEFAULTS } from '../requests/submit.js';

/**
 * The page of requests after the office's cursor, oldest first. The stored body is the request as submitted; the
 * columns (uid, family, instant of submission, kind) are the truth, so they win over anything in the body.
 */
export async function pullPage(db: PortalDb, after: number, limit: number): Promise<PullResponse> {
  const rows = await db
    .selectFrom('requests')
    .select(['seq', 'uid', 'family_id', 'kind', 'body', 'submitted_at'])
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const requests = page.map((row) => {
    const body = JSON.parse(row.body) as Record<string, unknown>;
    // A malformed stored request is a bug here: failing loudly keeps the cursor before it rather than skipping it.
    const request = portalRequestSchema.parse({
      ...REQUEST_DEFAULTS,
      ...body,
      uid: row.uid,
      familyId: row.family_id,
      kind: row.kind,
      submittedAt: row.submitted_at,
    });
    return { seq: row.seq, request };
  });
  return { protocol: SYNC_PROTOCOL, requests, next: page.length > 0 ? page[page.length - 1]!.seq : after, more: rows.length > limit };
}
