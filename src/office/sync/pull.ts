import { sql } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import type { PortalRequest, PullResponse } from '../../shared/sync/contract.js';
import { ApiFailure } from '../api/handler.js';
import { writeAudit } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import type { Trx } from '../requests/common.js';
import { submitRequest } from '../requests/submit.js';
import type { PortalClient } from './client.js';

export const PULL_PAGE_SIZE = 100;

/** Points where tests stop the sync as a crash would; production passes none. */
export interface PullHooks {
  /** After a page is stored, before its transaction commits: throwing rolls the whole page back. */
  beforeCommit?(page: PullResponse): void | Promise<void>;
  /** After a page and its cursor are committed, before the next page is fetched. */
  afterCommit?(page: PullResponse): void | Promise<void>;
}

export interface PullOutcome {
  pages: number;
  received: number;
}

/**
 * Fetches the portal's requests after the stored cursor, page by page. Each page's requests and the new cursor are
 * committed in one transaction, so a crash anywhere leaves either the whole page with its cursor or neither; a
 * request whose uid the office already holds is skipped, so a page fetched again applies nothing twice.
 */
export async function pullRequests(db: OfficeDb, client: PortalClient, clock: Clock, hooks: PullHooks = {}, pageSize = PULL_PAGE_SIZE): Promise<PullOutcome> {
  const outcome: PullOutcome = { pages: 0, received: 0 };
  for (;;) {
    const { cursor } = await db.selectFrom('sync_state').select('cursor').where('id', '=', 1).executeTakeFirstOrThrow();
    const page = await client.pull(cursor, pageSize);
    const received = await db.transaction().execute(async (trx) => {
      // Another run may have stored this page meanwhile (the scheduler forbids it, but the cursor decides).
      const current = await trx.selectFrom('sync_state').select('cursor').where('id', '=', 1).executeTakeFirstOrThrow();
      if (current.cursor !== cursor) return 0;
      let stored = 0;
      for (const { request } of page.requests) {
        if (await storePortalRequest(trx, request, clock)) stored += 1;
      }
      await trx
        .updateTable('sync_state')
        .set((eb) => ({ cursor: page.next, pulled_requests: eb('pulled_requests', '+', stored) }))
        .where('id', '=', 1)
        .execute();
      await hooks.beforeCommit?.(page);
      return stored;
    });
    outcome.pages += 1;
    outcome.received += received;
    await hooks.afterCommit?.(page);
    if (!page.more || page.next <= cursor) return outcome;
  }
}

async function alreadyHeld(trx: Trx, uid: string): Promise<boolean> {
  const [request, reject] = await Promise.all([
    trx.selectFrom('requests').select('id').where('uid', '=', uid).executeTakeFirst(),
    trx.selectFrom('sync_rejects').select('uid').where('uid', '=', uid).executeTakeFirst(),
  ]);
  return request !== undefined || reject !== undefined;
}

/**
 * One portal request through the requests service, as the portal timestamped it. When the office's checks refuse it
 * (closed day, too late for a 'refuse' service ...), it is kept as a refused request with the reason, which the
 * family sees in its next publication; a request for a family the office does not know is kept in sync_rejects.
 * Returns whether it was new.
 */
async function storePortalRequest(trx: Trx, request: PortalRequest, clock: Clock): Promise<boolean> {
  if (await alreadyHeld(trx, request.uid)) return false;
  await sql`SAVEPOINT portal_request`.execute(trx);
  try {
    await submitRequest(trx, { ...request, source: 'portal', submittedAt: new Date(request.submittedAt), submittedBy: null });
    await sql`RELEASE SAVEPOINT portal_request`.execute(trx);
    return true;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT portal_request`.execute(trx);
    await sql`RELEASE SAVEPOINT portal_request`.execute(trx);
    if (!(error instanceof ApiFailure)) throw error;
    await storeRefused(trx, request, error.message, clock);
    return true;
  }
}

async function storeRefused(trx: Trx, request: PortalRequest, reason: string, clock: Clock): Promise<void> {
  const at = clock().toISOString();
  const family = await trx.selectFrom('families').select('id').where('id', '=', request.familyId).executeTakeFirst();
  if (!family) {
    await trx
      .insertInto('sync_rejects')
      .values({ uid: request.uid, family_id: request.familyId, body: JSON.stringify(request), reason, received_at: at })
      .execute();
    return;
  }
  const [children, services] = await Promise.all([
    trx.selectFrom('children').select('id').where('family_id', '=', request.familyId).execute(),
    trx.selectFrom('services').select('id').execute(),
  ]);
  const ownChild = new Set(children.map((child) => child.id));
  const knownService = new Set(services.map((service) => service.id));
  const { id: requestId } = await trx
    .insertInto('requests')
    .values({
      uid: request.uid,
      family_id: request.familyId,
      kind: request.kind,
      absence_reason: request.kind === 'absence' ? request.reason : null,
      comment: request.comment.trim(),
      certificate_document_id: null,
      payload: request.kind === 'data_change' ? JSON.stringify(request.changes) : null,
      source: 'portal',
      submitted_at: new Date(request.submittedAt).toISOString(),
      submitted_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const planning = request.kind === 'book' || request.kind === 'cancel' || request.kind === 'absence';
  const items =
    planning && request.items.length > 0
      ? request.items.map((item) => ({
          child_id: ownChild.has(item.childId) ? item.childId : null,
          service_id: knownService.has(item.serviceId) ? item.serviceId : null,
          day: item.day,
        }))
      : [{ child_id: null, service_id: null, day: null }];
  await trx
    .insertInto('request_items')
    .values(items.map((item) => ({ ...item, request_id: requestId, status: 'refused' as const, refusal_reason: reason, decided_at: at, decided_by: null })))
    .execute();
  await writeAudit(trx, { at, userId: null, entity: 'request', entityId: requestId, familyId: request.familyId, action: 'create' }, [
    { field: 'Demande du portail refusée à la réception', oldValue: null, newValue: reason },
  ]);
}
