/**
 * A portal server's mail sender for the tests of several senders on one database: opens the portal's database
 * (the folder's SQLite file, or the PostgreSQL URL given), prints "ready", waits for the file `go` in the folder (so two
 * of them start together), then runs the portal's own outbox sender (mail/outbox.ts) over SMTP until no mail is waiting
 * any more, claimed or not, and prints "done <mails this process sent>".
 * Args: folder, SMTP URL, claim milliseconds, batch; env GRENETTE_TEST_MAIL_DB_URL: the PostgreSQL URL (else SQLite).
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { openPortalDatabase } from '../../src/portal/db/open.js';
import { startOutboxSender, type Mailer } from '../../src/portal/mail/outbox.js';
import { smtpMailer } from '../../src/portal/mail/smtp.js';

const [dir, smtpUrl, claimMs, batch] = process.argv.slice(2) as [string, string, string, string];
const url = process.env.GRENETTE_TEST_MAIL_DB_URL;
const clock = () => new Date();
const opened = openPortalDatabase(url ? { kind: 'postgres', url } : { kind: 'sqlite', dataDir: dir }, clock);
await opened.ready();
const transport = smtpMailer(smtpUrl, 'Portail famille <no-reply@example.test>');
let sent = 0;
const mailer: Mailer = {
  async send(mail) {
    await transport.send(mail);
    sent += 1;
  },
};
process.stdout.write('ready\n');
while (!fs.existsSync(path.join(dir, 'go'))) await new Promise((resolve) => setTimeout(resolve, 5));
const sender = startOutboxSender(opened.db, mailer, clock, Fastify().log, 50, { claimMs: Number(claimMs), batch: Number(batch) });
sender.kick();
for (;;) {
  const waiting = await opened.db.selectFrom('email_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is', null).executeTakeFirstOrThrow();
  if (Number(waiting.n) === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await sender.stop();
transport.close();
await opened.close();
process.stdout.write(`done ${sent}\n`);
