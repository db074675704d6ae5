import type { SyncStatus } from '../../shared/api/contract.js';
import type { Clock } from '../../shared/clock.js';
import type { OfficeDb } from '../db/open.js';
import type { Logger } from '../log.js';
import { portalClient, SyncError, type PortalClient } from './client.js';
import { pendingPublications, publishChanges, type PublishHooks } from './publish.js';
import { pullRequests, type PullHooks } from './pull.js';
import { settleDueDebitsBeforeReading } from '../sepa/settlement.js';

export interface SyncHooks extends PullHooks, PublishHooks {}

export interface SyncRunOptions {
  db: OfficeDb;
  clock: Clock;
  log: Logger;
  hooks?: SyncHooks;
  /** Replaces the HTTP client (tests only). */
  client?: PortalClient;
  pageSize?: number;
}

export async function syncStatus(db: OfficeDb): Promise<SyncStatus> {
  const state = await db.selectFrom('sync_state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return {
    configured: state.portal_url !== '' && state.secret !== '',
    portalUrl: state.portal_url,
    lastSuccessAt: state.last_success_at,
    lastAttemptAt: state.last_attempt_at,
    lastError: state.last_error,
    pendingPublications: await pendingPublications(db),
    pulledRequests: state.pulled_requests,
    rejectedRequests: Number((await db.selectFrom('sync_rejects').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  };
}

/** A short French message for the status line; the details go to the log. */
function shortMessage(error: unknown): string {
  if (error instanceof SyncError) return error.message.slice(0, 300);
  return 'Erreur inattendue pendant la synchronisation (voir le journal). Nouvel essai dans une minute.';
}

/**
 * One synchronisation: the families' requests first (they are waiting for an answer), then what changed here. The
 * outcome is recorded in sync_state; a failure keeps what was already committed and is retried at the next run.
 */
export async function runSync(options: SyncRunOptions): Promise<SyncStatus> {
  const { db, clock, log } = options;
  const state = await db.selectFrom('sync_state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  if (state.portal_url === '' || state.secret === '') throw new SyncError('La synchronisation avec le portail famille n’est pas configurée.');
  await db.updateTable('sync_state').set({ last_attempt_at: clock().toISOString() }).where('id', '=', 1).execute();
  const client = options.client ?? portalClient(state.portal_url, state.secret, clock);
  try {
    const pulled = await pullRequests(db, client, clock, options.hooks, options.pageSize, log);
    // Debits whose collection date has come are paid before publishing (issue #12): the family reads « Prélevée » on
    // the day, even when nobody opened the régie's screens (which settle too). A failure is logged, never blocks sync.
    await settleDueDebitsBeforeReading(db, clock, log);
    const published = await publishChanges(db, client, clock, options.hooks);
    await db.updateTable('sync_state').set({ last_success_at: clock().toISOString(), last_error: null }).where('id', '=', 1).execute();
    log.info('sync done', { received: pulled.received, published: published.families, settings: published.settings });
  } catch (error) {
    const message = shortMessage(error);
    log.error('sync failed', {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      cause: error instanceof Error && error.cause !== undefined ? String(error.cause) : undefined,
    });
    await db.updateTable('sync_state').set({ last_error: message }).where('id', '=', 1).execute();
  }
  return syncStatus(db);
}
