import { sql } from 'kysely';
import { z } from 'zod';
import type { DataChange, RequestKind } from '../../shared/api/contract.js';
import { isIsoDay } from '../../shared/calendar/days.js';
import type { Clock } from '../../shared/clock.js';
import { ABSENCE_REASONS, type AbsenceReason } from '../../shared/planning/reasons.js';
import { firstProblem, parseFrench, REQUEST_KINDS, REQUEST_LIMITS } from '../../shared/requests/schema.js';
import { portalRequestSchema, type PortalRequest, type PullResponse } from '../../shared/sync/contract.js';
import { ApiFailure } from '../api/handler.js';
import { AuditBatch } from '../audit/write.js';
import type { OfficeDb } from '../db/open.js';
import { silentLogger, type Logger } from '../log.js';
import { chunks, type Trx } from '../requests/common.js';
import { submitRequest } from '../requests/submit.js';
import { SubmissionFacts, type FactsRequest } from '../requests/submission-facts.js';
import type { PortalClient } from './client.js';
import { ibanVault } from '../sepa/iban-vault.js';
import { sealedPayload } from '../requests/sealed-changes.js';

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
export async function pullRequests(
  db: OfficeDb,
  client: PortalClient,
  clock: Clock,
  hooks: PullHooks = {},
  pageSize = PULL_PAGE_SIZE,
  log: Logger = silentLogger,
): Promise<PullOutcome> {
  const outcome: PullOutcome = { pages: 0, received: 0 };
  for (;;) {
    const { cursor, portal_id: knownPortal } = await db.selectFrom('sync_state').select(['cursor', 'portal_id']).where('id', '=', 1).executeTakeFirstOrThrow();
    const page = await client.pull(cursor, pageSize);
    if (page.portalId !== undefined && knownPortal !== '' && page.portalId !== knownPortal) {
      // Another database behind the same address (a portal moved to PostgreSQL, or started on an empty folder): its
      // request numbers started over, so a cursor past them would never see its requests. Pull from its first
      // request (uids already held are skipped) and publish every family again, as for a new portal address.
      await startOverWithPortal(db, knownPortal, page.portalId);
      log.info('the portal answers from another database: pulling from its first request and republishing every family', { before: knownPortal, now: page.portalId, cursor });
      continue;
    }
    const received = await db.transaction().execute(async (trx) => {
      // Another run may have stored this page meanwhile (the scheduler forbids it, but the cursor decides).
      const current = await trx.selectFrom('sync_state').select(['cursor', 'portal_id']).where('id', '=', 1).executeTakeFirstOrThrow();
      if (current.cursor !== cursor || current.portal_id !== knownPortal) return 0;
      const stored = await storePortalPage(trx, page.requests, clock, log);
      await trx
        .updateTable('sync_state')
        .set((eb) => ({ cursor: page.next, pulled_requests: eb('pulled_requests', '+', stored), ...(page.portalId !== undefined ? { portal_id: page.portalId } : {}) }))
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

/**
 * The office starts over with the portal's new database: cursor back to the start, the portal's identity recorded, and
 * everything published again (the settings and, by the window's move, every family; family_publications held what
 * the former database had).
 */
async function startOverWithPortal(db: OfficeDb, before: string, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('sync_state')
      .set({ cursor: 0, portal_id: now, settings_hash: '', window_from: '' })
      .where('id', '=', 1)
      .where('portal_id', '=', before)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 1) await trx.deleteFrom('family_publications').execute();
  });
}

/**
 * A page of portal requests, in the portal's order, in the caller's transaction. Services, calendar, families,
 * children, the uids held and the day facts of every cell are read once for the whole page and kept in step in memory
 * as its requests are stored (SubmissionFacts), so each request is judged without a query of its own. Returns how
 * many were new.
 */
export async function storePortalPage(trx: Trx, requests: PullResponse['requests'], clock: Clock, log: Logger = silentLogger): Promise<number> {
  const entries = requests.map(({ seq, request }) => readRequest(seq, request, clock));
  const load = () => SubmissionFacts.load(trx, entries.map(factsOf));
  const state: PageState = { facts: await load(), reload: load, audits: new AuditBatch() };
  let stored = 0;
  for (const entry of entries) {
    if (await storePortalRequest(trx, entry, state, clock, log)) stored += 1;
  }
  // Audit rows have no constraint a request could break: writing them together cannot fail on one request.
  await state.audits.flush(trx);
  return stored;
}

/** Said to the family when the office failed for a reason of its own: the request is not lost, and it may be sent again. */
export const UNEXPECTED_REFUSAL =
  'Le service n’a pas pu enregistrer cette demande à cause d’une erreur de son côté (elle a été signalée). Renouvelez-la ou contactez le service.';

/**
 * What can be read of a request, even one that breaks the contract: enough to keep it as refused under its family
 * (or in sync_rejects) with its reason. Only values the office can store safely are kept; the raw body goes to
 * sync_rejects when there is no family to keep it under.
 */
interface Salvaged {
  uid: string;
  familyId: number | null;
  kind: RequestKind | null;
  submittedAt: string;
  reason: AbsenceReason | null;
  comment: string;
  changes: z.infer<typeof salvagedChange>[] | null;
  items: { childId: number | null; serviceId: number | null; day: string | null }[];
  body: string;
}

/**
 * A change as sent, whatever its key (an older portal's `r1.telMobile`): kept as asked, within the contract's sizes, so
 * the agent reading the refused request sees what the family wanted. Never applied: the request is refused.
 */
const salvagedChange = z.object({
  entity: z.enum(['family', 'child']),
  entityId: z.number().int(),
  field: z.string().max(100),
  label: z.string().max(REQUEST_LIMITS.label),
  oldValue: z.string().max(REQUEST_LIMITS.value),
  newValue: z.string().max(REQUEST_LIMITS.value),
});

const positiveInt = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null);

function salvage(raw: unknown, seq: number, clock: Clock): Salvaged {
  const body = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const uid = typeof body.uid === 'string' && body.uid.trim() !== '' && body.uid.length <= 100 ? body.uid : `portail-seq-${seq}`;
  const submitted = typeof body.submittedAt === 'string' ? new Date(body.submittedAt) : null;
  const changes = z.array(salvagedChange).max(REQUEST_LIMITS.changes).safeParse(body.changes);
  const items = Array.isArray(body.items) && body.items.length <= REQUEST_LIMITS.items ? (body.items as unknown[]) : [];
  return {
    uid,
    familyId: positiveInt(body.familyId),
    kind: (REQUEST_KINDS as readonly unknown[]).includes(body.kind) ? (body.kind as RequestKind) : null,
    submittedAt: submitted && !Number.isNaN(submitted.getTime()) ? submitted.toISOString() : clock().toISOString(),
    reason: typeof body.reason === 'string' && body.reason in ABSENCE_REASONS ? (body.reason as AbsenceReason) : null,
    comment: typeof body.comment === 'string' ? body.comment.trim().slice(0, REQUEST_LIMITS.comment) : '',
    changes: changes.success ? changes.data : null,
    items: items.map((item) => {
      const fields = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
      return {
        childId: positiveInt(fields.childId),
        serviceId: positiveInt(fields.serviceId),
        day: typeof fields.day === 'string' && isIsoDay(fields.day) ? fields.day : null,
      };
    }),
    body: JSON.stringify(raw ?? null) ?? 'null',
  };
}

/** A page's request as read against the contract: the parsed request, or what could be salvaged and why not. */
type PageEntry = { seq: number; request: PortalRequest; problem: null; kept: null } | { seq: number; request: null; problem: string; kept: Salvaged };

function readRequest(seq: number, raw: unknown, clock: Clock): PageEntry {
  const parsed = parseFrench(portalRequestSchema, raw);
  return parsed.success ? { seq, request: parsed.data, problem: null, kept: null } : { seq, request: null, problem: firstProblem(parsed.error), kept: salvage(raw, seq, clock) };
}

function factsOf(entry: PageEntry): FactsRequest {
  if (entry.request) return entry.request;
  const kept = entry.kept;
  return { uid: kept.uid, familyId: kept.familyId, kind: null, items: kept.items };
}

/**
 * The page's facts, and how to read them again when a failed write left them out of step; its audit rows, written
 * together at the end of the page in the order of its requests (those of a request rolled back are dropped with it).
 */
interface PageState {
  facts: SubmissionFacts;
  reload(): Promise<SubmissionFacts>;
  audits: AuditBatch;
}

/**
 * One portal request through the requests service, as the portal timestamped it. A request the office cannot store
 * (it breaks the contract, its day does not exist, the child is unknown, the office's checks refuse it, or an
 * unexpected error) is kept as a refused request with its French reason, which the family sees and is mailed with
 * its next publication; one without a known family is kept in sync_rejects. Nothing here throws on data, so one
 * request never holds back the page or the cursor. Returns whether it was new.
 */
async function storePortalRequest(trx: Trx, entry: PageEntry, page: PageState, clock: Clock, log: Logger): Promise<boolean> {
  const { seq, request } = entry;
  if (!request) {
    if (page.facts.holds(entry.kept.uid)) return false;
    await keepRefused(trx, entry.kept, `Demande illisible par le service : ${entry.problem}`, page, clock, log);
    return true;
  }
  if (page.facts.holds(request.uid)) return false;
  const mark = page.audits.mark();
  await sql`SAVEPOINT portal_request`.execute(trx);
  try {
    await submitRequest(trx, { ...request, source: 'portal', submittedAt: new Date(request.submittedAt), submittedBy: null }, page.facts, page.audits);
    await sql`RELEASE SAVEPOINT portal_request`.execute(trx);
    return true;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT portal_request`.execute(trx);
    await sql`RELEASE SAVEPOINT portal_request`.execute(trx);
    page.audits.rollbackTo(mark);
    // submitRequest records the uid in the facts before anything else in them: if it is there, the facts hold what
    // the savepoint just rolled back, and are read again.
    if (page.facts.holds(request.uid)) page.facts = await page.reload();
    let reason: string;
    if (error instanceof ApiFailure) {
      reason = error.message;
    } else {
      log.error('portal request could not be stored', {
        seq,
        uid: request.uid,
        familyId: request.familyId,
        kind: request.kind,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      reason = UNEXPECTED_REFUSAL;
    }
    await keepRefused(trx, salvage(request, seq, clock), reason, page, clock, log);
    return true;
  }
}

/** Refused under its family when the office can, else in sync_rejects; only a failure of both stops the page. */
async function keepRefused(trx: Trx, request: Salvaged, reason: string, page: PageState, clock: Clock, log: Logger): Promise<void> {
  const { facts, audits } = page;
  const mark = audits.mark();
  await sql`SAVEPOINT portal_refusal`.execute(trx);
  try {
    facts.held(request.uid, await storeRefused(trx, request, reason, facts, audits, clock));
    await sql`RELEASE SAVEPOINT portal_refusal`.execute(trx);
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT portal_refusal`.execute(trx);
    await sql`RELEASE SAVEPOINT portal_refusal`.execute(trx);
    audits.rollbackTo(mark);
    log.error('portal request could not be kept as refused', {
      uid: request.uid,
      familyId: request.familyId,
      reason,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    await reject(trx, request, reason, clock);
    facts.held(request.uid, null);
  }
}

async function reject(trx: Trx, request: Salvaged, reason: string, clock: Clock): Promise<void> {
  await trx
    .insertInto('sync_rejects')
    .values({ uid: request.uid, family_id: request.familyId ?? 0, body: request.body, reason, received_at: clock().toISOString() })
    .execute();
}

/** Returns the refused request's id, or null when it went to sync_rejects. */
async function storeRefused(trx: Trx, request: Salvaged, reason: string, facts: SubmissionFacts, audits: AuditBatch, clock: Clock): Promise<number | null> {
  const at = clock().toISOString();
  const family = request.familyId === null ? undefined : facts.family(request.familyId);
  if (!family || request.kind === null) {
    await reject(trx, request, reason, clock);
    return null;
  }
  const ownChild = (childId: number) => facts.child(childId)?.family_id === family.id;
  const knownService = (serviceId: number) => facts.services.has(serviceId);
  const { id: requestId } = await trx
    .insertInto('requests')
    .values({
      uid: request.uid,
      family_id: family.id,
      kind: request.kind,
      absence_reason: request.kind === 'absence' ? request.reason : null,
      comment: request.comment,
      certificate_document_id: null,
      payload: request.kind === 'data_change' && request.changes ? sealedPayload(ibanVault(trx), request.changes as DataChange[]) : null,
      source: 'portal',
      submitted_at: request.submittedAt,
      submitted_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const planning = request.kind === 'book' || request.kind === 'cancel' || request.kind === 'absence';
  const items =
    planning && request.items.length > 0
      ? request.items.map((item) => ({
          child_id: item.childId !== null && ownChild(item.childId) ? item.childId : null,
          service_id: item.serviceId !== null && knownService(item.serviceId) ? item.serviceId : null,
          day: item.day,
        }))
      : [{ child_id: null, service_id: null, day: null }];
  for (const slice of chunks(items.map((item) => ({ ...item, request_id: requestId, status: 'refused' as const, refusal_reason: reason, decided_at: at, decided_by: null })), 100)) {
    await trx.insertInto('request_items').values(slice).execute();
  }
  audits.add({ at, userId: null, entity: 'request', entityId: requestId, familyId: family.id, action: 'create' }, [
    { field: 'Demande du portail refusée à la réception', oldValue: null, newValue: reason },
  ]);
  return requestId;
}
