import { SYNC_PROTOCOL, type PullResponse } from '../../shared/sync/contract.js';
import type { PortalDb } from '../db/open.js';
import { REQUEST_DEFAULTS } from '../requests/submit.js';

/**
 * The page of requests after the office's cursor, oldest first. The stored body is the request as submitted; the
 * columns (uid, family, instant of submission, kind) are the truth, so they win over anything in the body. Bodies
 * are sent as stored: the office checks each against the contract and refuses, with its reason, one it cannot read
 * (a body recorded by an older portal, a bug), so one request never blocks the ones behind it.
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
    const body = storedBody(row.body);
    const columns = { uid: row.uid, familyId: row.family_id, kind: row.kind, submittedAt: row.submitted_at };
    // An unreadable body goes as its columns alone: the office refuses it as unreadable, never as some other request
    // made up from the defaults.
    const request = body === null ? columns : { ...REQUEST_DEFAULTS, ...body, ...columns };
    return { seq: row.seq, request };
  });
  return { protocol: SYNC_PROTOCOL, requests, next: page.length > 0 ? page[page.length - 1]!.seq : after, more: rows.length > limit };
}

/** A stored request body as an object, or null when it is not one (not JSON, or JSON of another shape). */
export function storedBody(text: string): Record<string, unknown> | null {
  try {
    const body: unknown = JSON.parse(text);
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
