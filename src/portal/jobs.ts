import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../shared/clock.js';
import { purgeExpired } from './auth/maintenance.js';
import type { PortalDb } from './db/open.js';
import { deliverOutbox, startOutboxSender, type Mailer } from './mail/outbox.js';

const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The portal's background work: the mail sender (the outbox, mail/outbox.ts) and the purge of expired rows
 * (auth/maintenance.ts). They run in one process only: the single portal process, or the primary of a cluster
 * (cluster.ts), whose workers wake the sender through it. Two senders would each read the same unsent rows and mail
 * them twice.
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
    purgeExpired(db, clock()).catch((error: unknown) => log.error({ err: error }, 'purge failed'));
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
