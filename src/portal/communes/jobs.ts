import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../shared/clock.js';
import { startPortalJobs, type PortalJobs } from '../jobs.js';
import type { Mailer } from '../mail/outbox.js';
import type { CommuneDatabase, CommuneRegistry } from './registry.js';

/** How often the primary of a cluster looks for communes added since (a worker's mail for one also makes it look). */
const RESCAN_MS = 60_000;

export interface CommunesJobs {
  /** Wakes the mail sender of the commune (a worker queued a mail there). */
  kickMail(commune: string): void;
  stop(): Promise<void>;
}

/**
 * The jobs (jobs.ts: mail sender, purge) of every commune of the registry, in the primary of a cluster (cluster.ts),
 * whose workers run none: one set per commune, on the commune's database, so each commune's mail leaves with its
 * links and its purge runs under its own lock (db/locks.ts advisoryKey). A commune added while the portal runs gets
 * its jobs at the next scan.
 */
export async function startCommunesJobs(registry: CommuneRegistry, clock: Clock, mailer: Mailer | null, log: FastifyBaseLogger): Promise<CommunesJobs> {
  const running = new Map<string, { database: CommuneDatabase; jobs: PortalJobs }>();
  let scanning: Promise<void> | null = null;
  let stopped = false;
  const scan = (): Promise<void> =>
    (scanning ??= (async () => {
      for (const commune of await registry.list()) {
        if (stopped || running.has(commune.key)) continue;
        // One commune whose database cannot open is logged and tried at the next scan; the others get their jobs.
        try {
          const database = await registry.openDatabase(commune, clock);
          running.set(commune.key, { database, jobs: startPortalJobs(database.db, clock, mailer, log.child({ commune: commune.key })) });
        } catch (error) {
          log.error({ err: error, commune: commune.key }, 'commune jobs failed to start');
        }
      }
    })().finally(() => {
      scanning = null;
    }));
  await scan();
  const timer = setInterval(() => void scan().catch((error: unknown) => log.error({ err: error }, 'communes scan failed')), RESCAN_MS);
  timer.unref();
  return {
    kickMail(commune) {
      const entry = running.get(commune);
      if (entry) entry.jobs.kickMail();
      else void scan().then(() => running.get(commune)?.jobs.kickMail(), (error: unknown) => log.error({ err: error }, 'communes scan failed'));
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await scanning?.catch(() => undefined);
      for (const { database, jobs } of running.values()) {
        await jobs.stop();
        await database.close();
      }
    },
  };
}
