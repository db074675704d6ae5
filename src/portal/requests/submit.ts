import { randomUUID } from 'node:crypto';
import { parisDay } from '../../shared/clock.js';
import { DAILY_QUOTAS, PHOTO_ALREADY_PENDING_MESSAGE, quotaMessage, type QuotaKind } from '../../shared/files/limits.js';
import { portalRequestSchema, type PortalRequest } from '../../shared/sync/contract.js';
import { currentPublication, storedProtocol } from '../../shared/sync/upgrade.js';
import type { FamilySession } from '../auth/sessions.js';
import { sha256Hex } from '../auth/tokens.js';
import { lockUntilCommit } from '../db/locks.js';
import type { PortalDb, PortalTrx } from '../db/open.js';
import { HttpError } from '../http/context.js';

/** The parts a request may leave out (a draft, or a body stored before the field existed), as the contract wants them. */
export const REQUEST_DEFAULTS = {
  items: [],
  reason: null,
  comment: '',
  changes: [],
  photo: null,
  certificate: null,
} satisfies Omit<PortalRequest, 'uid' | 'familyId' | 'submittedAt' | 'kind'>;

export type RequestDraft = Partial<Omit<PortalRequest, 'uid' | 'familyId' | 'submittedAt'>> & Pick<PortalRequest, 'kind'>;

/**
 * Records a family's request: uid born here, submittedAt from the portal's clock (deadlines are judged by it),
 * familyId from the session only. The body is validated against the sync contract before it is stored, so the
 * office never pulls something it cannot read.
 *
 * A photo or a certificate is stored in `uploads`, as bytes, and the body keeps its place with an empty base64: the
 * pull (sync/pull.ts) puts the file back into the request it sends, so the family's requests list, the page of
 * requests and the database do not carry a copy of every file in JSON. The family's quotas of the day
 * (DAILY_QUOTAS) and the refusal of a photo identical to a pending one are checked in the same transaction as the
 * insert, so two posts at once cannot both pass the last place of a quota. `sourceSha256` is the hash of the file as
 * sent (the stored one is re-encoded); without it, the stored file's.
 */
export async function recordRequest(
  db: PortalDb | PortalTrx,
  session: Pick<FamilySession, 'familyId' | 'accountId'>,
  now: Date,
  draft: RequestDraft,
  late = false,
  sourceSha256?: string,
): Promise<PortalRequest> {
  const parsed = portalRequestSchema.safeParse({
    uid: randomUUID(),
    familyId: session.familyId,
    submittedAt: now.toISOString(),
    ...REQUEST_DEFAULTS,
    ...draft,
  });
  if (!parsed.success) throw new HttpError(400, 'La demande est incomplète ou mal formée.');
  const request = parsed.data;
  const files = [
    ...(request.photo ? [{ kind: 'photo' as const, childId: request.photo.childId, mime: request.photo.mime, bytes: Buffer.from(request.photo.base64, 'base64') }] : []),
    ...(request.certificate ? [{ kind: 'certificate' as const, childId: null, mime: request.certificate.mime, bytes: Buffer.from(request.certificate.base64, 'base64') }] : []),
  ];
  const stored: PortalRequest = {
    ...request,
    photo: request.photo ? { ...request.photo, base64: '' } : null,
    certificate: request.certificate ? { ...request.certificate, base64: '' } : null,
  };
  let answer: PortalRequest = request;
  const write = async (trx: PortalTrx) => {
    // The family's requests one at a time (PostgreSQL runs transactions side by side): the quotas and the identical
    // photo or change are judged on everything committed before.
    await lockUntilCommit(trx, 'family', request.familyId);
    // The same change sent again from a page fetched anew (the back button, a second tab): the first one answers.
    if (request.kind === 'data_change') {
      const first = await pendingIdenticalChange(trx, request);
      if (first) {
        answer = first;
        return;
      }
    }
    await checkQuotas(trx, request.familyId, quotaKinds(request), now);
    for (const file of files) {
      const hash = sourceSha256 ?? sha256Hex(file.bytes);
      if (file.kind === 'photo' && (await pendingIdenticalPhoto(trx, session.familyId, file.childId, hash))) throw new HttpError(409, PHOTO_ALREADY_PENDING_MESSAGE);
      await trx
        .insertInto('uploads')
        .values({
          request_uid: request.uid,
          family_id: request.familyId,
          kind: file.kind,
          child_id: file.childId,
          sha256: hash,
          mime: file.mime,
          size: file.bytes.length,
          content: file.bytes,
          created_at: request.submittedAt,
        })
        .execute();
    }
    // The office pulls by seq (sync/pull.ts): a request must never commit after one with a higher seq was pulled. The
    // seq is taken under a lock held until commit, so seqs commit in order (a PostgreSQL sequence alone does not).
    await lockUntilCommit(trx, 'requests');
    await trx
      .insertInto('requests')
      .values({
        uid: request.uid,
        family_id: request.familyId,
        account_id: session.accountId,
        kind: request.kind,
        body: JSON.stringify(stored),
        submitted_at: request.submittedAt,
        late: late ? 1 : 0,
      })
      .execute();
  };
  if (db.isTransaction) await write(db as PortalTrx);
  else await (db as PortalDb).transaction().execute(write);
  return answer;
}

/** The quotas a request counts against: a photo, a certificate (with an absence), a change of data. */
function quotaKinds(request: PortalRequest): QuotaKind[] {
  return [
    ...(request.kind === 'photo' ? (['photo'] as const) : []),
    ...(request.certificate ? (['certificate'] as const) : []),
    ...(request.kind === 'data_change' ? (['data_change'] as const) : []),
  ];
}

/**
 * Refuses (429, in French) a request over one of the family's quotas for the Paris day of `now`. Called again, before
 * any decoding, by the upload forms: a family past its quota never makes the portal decode its files. The rows of the last
 * 26 hours are read and kept when their Paris day is today's (a Paris day lasts 23 to 25 hours).
 */
export async function checkQuotas(trx: PortalDb | PortalTrx, familyId: number, kinds: readonly QuotaKind[], now: Date): Promise<void> {
  const today = parisDay(now);
  const since = new Date(now.getTime() - 26 * 3600_000).toISOString();
  const sameDay = (rows: Array<{ at: string }>) => rows.filter((row) => parisDay(new Date(row.at)) === today).length;
  for (const kind of kinds) {
    const rows =
      kind === 'certificate'
        ? await trx.selectFrom('uploads').select('created_at as at').where('family_id', '=', familyId).where('kind', '=', 'certificate').where('created_at', '>=', since).execute()
        : await trx.selectFrom('requests').select('submitted_at as at').where('family_id', '=', familyId).where('kind', '=', kind).where('submitted_at', '>=', since).execute();
    if (sameDay(rows) >= DAILY_QUOTAS[kind]) throw new HttpError(429, quotaMessage(kind));
  }
}

/** The family's requests the service has decided on (published back with no item pending). */
async function decidedUids(trx: PortalTrx, familyId: number): Promise<Set<string>> {
  const row = await trx.selectFrom('publications').select(['data', 'protocol']).where('family_id', '=', familyId).executeTakeFirst();
  // A row that does not read decides nothing: the identical photo stays refused while one is pending.
  const published = row ? await currentPublication(storedProtocol(row.protocol), JSON.parse(row.data)).catch(() => null) : null;
  return new Set(
    published ? published.requests.filter((r) => r.items.length > 0 && r.items.every((item) => item.status !== 'pending')).map((r) => r.uid) : [],
  );
}

/**
 * Whether the family already sent this very file as a photo of this child and the service has not decided on it: not
 * yet published back, or published with an item still pending.
 */
async function pendingIdenticalPhoto(trx: PortalTrx, familyId: number, childId: number | null, hash: string): Promise<boolean> {
  let query = trx.selectFrom('uploads').select('request_uid').where('family_id', '=', familyId).where('kind', '=', 'photo').where('sha256', '=', hash);
  if (childId !== null) query = query.where('child_id', '=', childId);
  const same = await query.execute();
  if (same.length === 0) return false;
  const decided = await decidedUids(trx, familyId);
  return same.some((upload) => !decided.has(upload.request_uid));
}

/** What a change asks, whatever the order of its fields: the same key for the same fields and new values. */
function changeKey(request: PortalRequest): string {
  return JSON.stringify(request.changes.map((change) => [change.entity, change.entityId, change.field, change.newValue]).sort());
}

/**
 * The family's earlier request asking exactly the same changes, not decided yet, if any: sending it again (from a
 * form fetched anew, which carries a new submission key) would only put it twice in the office's queue.
 */
async function pendingIdenticalChange(trx: PortalTrx, request: PortalRequest): Promise<PortalRequest | null> {
  const rows = await trx.selectFrom('requests').select(['uid', 'body']).where('family_id', '=', request.familyId).where('kind', '=', 'data_change').execute();
  if (rows.length === 0) return null;
  const key = changeKey(request);
  const decided = await decidedUids(trx, request.familyId);
  for (const row of rows) {
    if (decided.has(row.uid)) continue;
    const earlier = portalRequestSchema.safeParse(JSON.parse(row.body));
    if (earlier.success && changeKey(earlier.data) === key) return earlier.data;
  }
  return null;
}
