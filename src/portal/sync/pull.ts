import { SYNC_PROTOCOL, type PullResponse } from '../../shared/sync/contract.js';
import type { SyncProtocol } from '../../shared/sync/protocol.js';
import type { PortalDb } from '../db/open.js';
import { REQUEST_DEFAULTS } from '../requests/submit.js';

/**
 * The files a page of requests carries at most (as bytes; base64 adds a third): the page stops before the request that
 * would pass it, and says `more`, so a day of photos never makes one answer of hundreds of Mo. A page always holds at
 * least one request, however large its file.
 */
export const PULL_PAGE_MAX_FILE_BYTES = 24 * 1024 * 1024;

/** A page of requests, in the protocol of the office asking (the requests have the same shape in 1 and 2). */
export type PullPage = Omit<PullResponse, 'protocol'> & { protocol: SyncProtocol };

/**
 * The page of requests after the office's cursor, oldest first. The stored body is the request as submitted; the
 * columns (uid, family, instant of submission, kind) are the truth, so they win over anything in the body. Bodies
 * are sent as stored: the office checks each against the contract and refuses, with its reason, one it cannot read
 * (a body recorded by an older portal, a bug), so one request never blocks the ones behind it.
 *
 * Protocol 2 changed nothing in a pulled request, so an office of protocol 1 gets the same page saying `protocol: 1`.
 * A later protocol that adds to requests must give an older office what it reads, or stop its page before a request
 * it cannot read (left unacknowledged, said in the log) rather than let it be refused as unreadable.
 */
export async function pullPage(db: PortalDb, after: number, limit: number, maxFileBytes = PULL_PAGE_MAX_FILE_BYTES, protocol: SyncProtocol = SYNC_PROTOCOL): Promise<PullPage> {
  const rows = await db
    .selectFrom('requests')
    .select(['seq', 'uid', 'family_id', 'kind', 'body', 'submitted_at'])
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const uids = rows.slice(0, limit).map((row) => row.uid);
  const uploads = uids.length === 0 ? [] : await db.selectFrom('uploads').select(['request_uid', 'kind', 'size']).where('request_uid', 'in', uids).execute();
  const sizes = new Map<string, number>();
  for (const upload of uploads) sizes.set(upload.request_uid, (sizes.get(upload.request_uid) ?? 0) + upload.size);
  let page = rows.slice(0, limit);
  let bytes = 0;
  const fits = page.findIndex((row, index) => {
    bytes += sizes.get(row.uid) ?? 0;
    return index > 0 && bytes > maxFileBytes;
  });
  if (fits > 0) page = page.slice(0, fits);
  const files = await pageFiles(db, page.filter((row) => sizes.has(row.uid)).map((row) => row.uid));
  const requests = [];
  for (const row of page) {
    const body = storedBody(row.body);
    const columns = { uid: row.uid, familyId: row.family_id, kind: row.kind, submittedAt: row.submitted_at };
    // An unreadable body goes as its columns alone: the office refuses it as unreadable, never as some other request
    // made up from the defaults.
    const request = body === null ? columns : { ...REQUEST_DEFAULTS, ...body, ...withFiles(files.get(row.uid) ?? [], body), ...columns };
    requests.push({ seq: row.seq, request });
  }
  return { protocol, requests, next: page.length > 0 ? page[page.length - 1]!.seq : after, more: rows.length > page.length };
}

/** The files of the page's requests that have some, by request, read in one query once the page is cut. */
async function pageFiles(db: PortalDb, uids: readonly string[]): Promise<Map<string, { kind: string; content: Uint8Array }[]>> {
  const byRequest = new Map<string, { kind: string; content: Uint8Array }[]>();
  if (uids.length === 0) return byRequest;
  const rows = await db.selectFrom('uploads').select(['request_uid', 'kind', 'content']).where('request_uid', 'in', uids).execute();
  for (const row of rows) byRequest.set(row.request_uid, [...(byRequest.get(row.request_uid) ?? []), row]);
  return byRequest;
}

/**
 * The request's photo and certificate with their bytes from `uploads` (recordRequest keeps them there, the body holding
 * an empty base64): the office receives the request as the contract has always sent it. A body recorded before
 * uploads existed still carries its base64 and has no upload row.
 */
function withFiles(files: readonly { kind: string; content: Uint8Array }[], body: Record<string, unknown>): Record<string, unknown> {
  const filled: Record<string, unknown> = {};
  for (const file of files) {
    const part = body[file.kind];
    if (part !== null && typeof part === 'object') filled[file.kind] = { ...(part as Record<string, unknown>), base64: Buffer.from(file.content).toString('base64') };
  }
  return filled;
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
