import { randomBytes } from 'node:crypto';
import cluster from 'node:cluster';
import fs from 'node:fs';
import path from 'node:path';
import { systemClock } from '../shared/clock.js';
import { communeCommand } from './communes/command.js';
import { attachWorker, clusterWorker, runPrimary } from './cluster.js';
import { readPortalConfig } from './config.js';
import { smtpMailer } from './mail/smtp.js';
import { portalStorage } from './db/open.js';
import { redactedUrl } from './db/postgres.js';
import { buildPortal } from './server.js';

/** `npm run portal`: the portail famille on the configuration of the environment (README: Portail famille). */
async function main(): Promise<void> {
  const config = readPortalConfig(process.env, () => randomBytes(32).toString('hex'));
  if (process.argv[2] === 'commune') {
    process.exitCode = await communeCommand(process.argv.slice(3), config, (line) => process.stdout.write(`${line}\n`), (line) => console.error(line));
    return;
  }
  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config);
    return;
  }
  // In a cluster (cluster.ts) the primary sends the mail and purges: a worker has no mailer and wakes the primary's.
  const worker = clusterWorker();
  const mailer = !worker && config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : null;
  const storage = portalStorage(config);
  const app = buildPortal({
    storage,
    clock: systemClock,
    mailer,
    config,
    logger: true,
    kickMailElsewhere: worker ? () => worker.kickMail() : undefined,
    kickCommuneMailElsewhere: worker ? (commune) => worker.kickMail(commune) : undefined,
  });
  if (!mailer && !worker) app.log.warn('GRENETTE_SMTP_URL is not set: mail stays in the outbox');
  if (!config.communeRouting && storage.kind === 'sqlite' && fs.existsSync(path.join(storage.dataDir, 'communes.sqlite'))) {
    // The communes added by `commune add` are served only with the routing set: say so rather than serve one commune silently.
    app.log.warn('communes are registered in this data folder but GRENETTE_PORTAL_COMMUNE_ROUTING is unset: serving the single portal.sqlite');
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await app.close();
    mailer?.close();
    process.exit(0);
  };
  if (worker) attachWorker(app, worker, (reason) => void stop(reason));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  const address = await app.listen({ port: config.port, host: config.host });
  const data = storage.kind === 'postgres' ? `PostgreSQL ${redactedUrl(storage.url)}` : `SQLite dans ${storage.dataDir}`;
  if (worker) app.log.info({ worker: worker.slot }, `worker listening on ${address}`);
  else app.log.info(`Portail famille : ${address} (public : ${config.publicUrl} ; données : ${data})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
