import cluster, { type Worker } from 'node:cluster';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { systemClock } from '../shared/clock.js';
import type { PortalConfig } from './config.js';
import { openMigratedPortalDatabase, portalStorage } from './db/open.js';
import { startPortalJobs } from './jobs.js';
import { smtpMailer } from './mail/smtp.js';
import type { Mailer } from './mail/outbox.js';
import { startCommunesJobs } from './communes/jobs.js';
import { openCommuneRegistry } from './communes/registry.js';

/**
 * GRENETTE_PORTAL_WORKERS=n (n > 1): n portal processes serve the same port through node:cluster (the primary accepts
 * the connections and hands them round to the workers). Everything a request reads or writes is in the shared SQLite
 * file (sessions, login throttles, submission keys, nonces, quotas, the outbox; WAL, busy timeout and IMMEDIATE
 * transactions: db/open.ts), so any worker answers any request. What is held in memory is either the same in every
 * worker (the cookie secret, handed by the primary) or a cache checked against the database on each use (content.ts).
 *
 * The primary serves no page: it migrates the file before any worker opens it, runs the mail sender and the purge
 * (jobs.ts) exactly once whatever happens to the workers, and replaces a worker that dies.
 */

/** Each worker's place, 1 to n, kept by its replacement (logs, the test header). */
export const WORKER_SLOT_ENV = 'GRENETTE_PORTAL_WORKER_ID';
/** Set to 1, each answer says which worker gave it (x-grenette-worker: slot and pid): for tests, never needed in service. */
export const WORKER_HEADER_ENV = 'GRENETTE_PORTAL_WORKER_HEADER';
const KICK_MAIL = 'grenette:kick-mail';
/** A worker that dies sooner than this after its start is replaced after this long, so a crash at start does not spin. */
const QUICK_DEATH_MS = 5_000;
const STOP_GRACE_MS = 10_000;

export interface ClusterWorker {
  slot: number;
  /**
   * Wakes the primary's mail sender (a mail was just queued), the commune's with several (communes/jobs.ts); without
   * it the mail goes at the sender's next pass.
   */
  kickMail(commune?: string): void;
}

/** This process's part in a cluster, or null when it is the single portal process. */
export function clusterWorker(): ClusterWorker | null {
  if (!cluster.isWorker) return null;
  return {
    slot: Number(process.env[WORKER_SLOT_ENV] ?? cluster.worker?.id ?? 0),
    kickMail(commune) {
      if (process.connected) process.send?.({ type: KICK_MAIL, commune }, undefined, {}, () => undefined);
    },
  };
}

/** The worker's hooks on its server: the test header when asked for, and an exit when the primary is gone. */
export function attachWorker(app: FastifyInstance, worker: ClusterWorker, stop: (reason: string) => void): void {
  if (process.env[WORKER_HEADER_ENV] === '1') {
    const value = `${worker.slot} ${process.pid}`;
    app.addHook('onRequest', async (_request, reply) => {
      reply.header('x-grenette-worker', value);
    });
  }
  // The primary holds the listening socket: without it this worker would get no more requests.
  process.once('disconnect', () => stop('primary gone'));
}

/** The primary: opens and migrates the database (the SQLite file or PostgreSQL), starts the jobs, forks `config.workers` workers and keeps them alive. */
export async function runPrimary(config: PortalConfig): Promise<void> {
  // The workers' logger (pino, JSON lines on stdout), for the primary's own lines and its jobs'.
  const log = Fastify({ logger: true }).log;
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : null;
  if (!mailer) log.warn('GRENETTE_SMTP_URL is not set: mail stays in the outbox');
  // One commune: its database, migrated here once before any worker opens it (a refusal, such as a newer schema, stops
  // the start). Several: the registry, each commune's database migrated as its jobs start.
  const { jobs, close } = config.communeRouting ? await communesJobs(config, mailer, log) : await singleJobs(config, mailer, log);

  const slots = new Map<Worker, { slot: number; startedAt: number; listening: boolean }>();
  let up = false;
  let stopping = false;
  let allExited: () => void = () => undefined;

  // The same cookie secret in every worker, a replacement included: a form or device cookie signed by one is valid on all.
  const env = { GRENETTE_PORTAL_COOKIE_SECRET: config.cookieSecret };
  const fork = (slot: number) => {
    if (stopping) return;
    const worker = cluster.fork({ ...env, [WORKER_SLOT_ENV]: String(slot) });
    slots.set(worker, { slot, startedAt: Date.now(), listening: false });
    log.info({ worker: slot, workerPid: worker.process.pid }, 'worker started');
  };

  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'stopping');
    const exited = new Promise<void>((resolve) => (allExited = resolve));
    if (slots.size === 0) allExited();
    for (const worker of slots.keys()) worker.process.kill('SIGTERM');
    const late = setTimeout(() => {
      for (const worker of slots.keys()) worker.process.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(late);
    await jobs.stop();
    await close();
    mailer?.close();
    process.exit(code);
  };

  cluster.on('message', (_worker, message: unknown) => {
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== KICK_MAIL) return;
    const commune = (message as { commune?: unknown }).commune;
    jobs.kickMail(typeof commune === 'string' ? commune : undefined);
  });
  cluster.on('listening', (worker, address) => {
    const entry = slots.get(worker);
    if (entry) entry.listening = true;
    if (!up && [...slots.values()].filter((e) => e.listening).length === config.workers) {
      up = true;
      log.info(`Portail famille : http://${address.address ?? config.host}:${address.port} (public : ${config.publicUrl}), ${config.workers} processus`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const entry = slots.get(worker);
    slots.delete(worker);
    if (stopping) {
      if (slots.size === 0) allExited();
      return;
    }
    if (!entry) return;
    if (!up && !entry.listening) {
      // At start, a worker that cannot listen (a port taken, a file it cannot open) would fail again: stop, say why above.
      log.error({ worker: entry.slot, code, signal }, 'worker failed to start: stopping');
      void stop('a worker failed to start', 1);
      return;
    }
    const quick = Date.now() - entry.startedAt < QUICK_DEATH_MS;
    log.warn({ worker: entry.slot, workerPid: worker.process.pid, code, signal }, 'worker died: replacing it');
    setTimeout(() => fork(entry.slot), quick ? QUICK_DEATH_MS : 0);
  });

  process.once('SIGTERM', () => void stop('SIGTERM', 0));
  process.once('SIGINT', () => void stop('SIGINT', 0));
  for (let slot = 1; slot <= config.workers; slot += 1) fork(slot);
}

interface PrimaryJobs {
  jobs: { kickMail(commune?: string): void; stop(): Promise<void> };
  close(): Promise<void>;
}

async function singleJobs(config: PortalConfig, mailer: Mailer | null, log: FastifyBaseLogger): Promise<PrimaryJobs> {
  const opened = await openMigratedPortalDatabase(portalStorage(config), systemClock);
  const jobs = startPortalJobs(opened.db, systemClock, mailer, log);
  return { jobs: { kickMail: () => jobs.kickMail(), stop: () => jobs.stop() }, close: () => opened.close() };
}

async function communesJobs(config: PortalConfig, mailer: Mailer | null, log: FastifyBaseLogger): Promise<PrimaryJobs> {
  const registry = openCommuneRegistry(portalStorage(config));
  try {
    const jobs = await startCommunesJobs(registry, systemClock, mailer, log);
    return { jobs: { kickMail: (commune) => commune !== undefined && jobs.kickMail(commune), stop: () => jobs.stop() }, close: () => registry.close() };
  } catch (error) {
    await registry.close();
    throw error;
  }
}
