import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../shared/clock.js';
import { purgeExpired } from './auth/maintenance.js';
import type { PortalDb } from './db/open.js';
import { deliverOutbox, startOutboxSender, type Mailer } from './mail/outbox.js';

const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The portal's background work: the mail sender (the outbox, mail/outbox.ts) and the purge of expired rows
 * (auth/maintenance.ts). On one host they run in one process: the single portal process, or the primary of a cluster
 * (cluster.ts), whose workers wake the sender through it. Several hosts on one PostgreSQL database (behind a load
 * balancer) each run theirs: the outbox claims each mail for one sender (mail/outbox.ts) and the purge runs under an
 * advisory lock, the others skipping their turn (purgeExpired).
 */
export interface PortalJobs {
  /** Runs a mail pass soon (after the current one): called when a mail has just been queued. */
  kickMail(): void;
  /** Waits for the passes under way, then delivers the outbox now (tests). */
  flushMail(): Promise<void>;
  stop(): Promise<void>;
}

export function startPortalJobs(db: PortalDb, clock: Clock, mailer: Mailer | null, log: FastifyBaseLogger, mailIntervalMs?: number): PortalJobs {
  const sender = mailer ? startOutboxSender(db, mailer, clock, log, mailIntervalMs) : null;
  const purge = setInterval(() => {
    purgeExpired(db, clock())
      .then((outcome) => {
        if (outcome === 'skipped') log.info('purge skipped: another portal server on this database is purging');
      })
      .catch((error: unknown) => log.error({ err: error }, 'purge failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();
  return {
    kickMail: () => sender?.kick(),
    async flushMail() {
      if (!mailer) return;
      await sender?.idle();
      await deliverOutbox(db, mailer, clock, log);
    },
    async stop() {
      clearInterval(purge);
      await sender?.stop();
    },
  };
}
