import { randomBytes } from 'node:crypto';
import { systemClock } from '../shared/clock.js';
import { readPortalConfig } from './config.js';
import { smtpMailer } from './mail/smtp.js';
import { portalStorage } from './db/open.js';
import { redactedUrl } from './db/postgres.js';
import { buildPortal } from './server.js';

/** `npm run portal`: the portail famille on the configuration of the environment (README: Portail famille). */
async function main(): Promise<void> {
  const config = readPortalConfig(process.env, () => randomBytes(32).toString('hex'));
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : null;
  const storage = portalStorage(config);
  const app = buildPortal({ storage, clock: systemClock, mailer, config, logger: true });
  if (!mailer) app.log.warn('GRENETTE_SMTP_URL is not set: mail stays in the outbox');
  const stop = async (signal: string) => {
    app.log.info({ signal }, 'stopping');
    await app.close();
    mailer?.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  const address = await app.listen({ port: config.port, host: config.host });
  const data = storage.kind === 'postgres' ? `PostgreSQL ${redactedUrl(storage.url)}` : `SQLite dans ${storage.dataDir}`;
  app.log.info(`Portail famille : ${address} (public : ${config.publicUrl} ; données : ${data})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
