import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../shared/clock.js';
import { hasControlChars, headerSafe } from '../../shared/text/control-chars.js';
import type { PortalDb, PortalTrx } from '../db/open.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Delivers one message; throws when the SMTP server refuses or cannot be reached. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/**
 * Queues a mail in the caller's transaction, so it goes out if and only if what caused it was saved. The subject is a
 * header: its control characters become spaces (src/shared/text/control-chars.ts), so nothing a family or the office
 * typed can add a header. An address with one is never sent to (deliverOutbox): spaced out, « a@b.fr Bcc: c@d.fr »
 * would still read as two recipients.
 */
export async function enqueueMail(db: PortalDb | PortalTrx, mail: OutgoingMail, now: Date): Promise<void> {
  await db
    .insertInto('email_outbox')
    .values({ to_address: mail.to, subject: headerSafe(mail.subject), text_body: mail.text, created_at: now.toISOString(), sent_at: null, last_error: null })
    .execute();
}

const MAX_ATTEMPTS = 10;
const BAD_ADDRESS = 'Adresse refusée : elle contient un caractère de contrôle (retour à la ligne, caractère invisible).';

/** Sends what is waiting, oldest first; a failure is recorded on the row and retried at a later pass. */
export async function deliverOutbox(db: PortalDb, mailer: Mailer, clock: Clock, log: FastifyBaseLogger): Promise<number> {
  const pending = await db
    .selectFrom('email_outbox')
    .selectAll()
    .where('sent_at', 'is', null)
    .where('attempts', '<', MAX_ATTEMPTS)
    .orderBy('id')
    .limit(50)
    .execute();
  let sent = 0;
  for (const row of pending) {
    if (hasControlChars(row.to_address, 'single-line')) {
      log.warn({ mailId: row.id }, 'mail address with a control character: not sent');
      await db.updateTable('email_outbox').set({ attempts: MAX_ATTEMPTS, last_error: BAD_ADDRESS }).where('id', '=', row.id).execute();
      continue;
    }
    try {
      await mailer.send({ to: row.to_address, subject: headerSafe(row.subject), text: row.text_body });
      await db.updateTable('email_outbox').set({ sent_at: clock().toISOString(), attempts: row.attempts + 1, last_error: null }).where('id', '=', row.id).execute();
      sent += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ mailId: row.id, err: message }, 'mail not sent');
      await db.updateTable('email_outbox').set({ attempts: row.attempts + 1, last_error: message.slice(0, 500) }).where('id', '=', row.id).execute();
    }
  }
  return sent;
}

export interface OutboxSender {
  /** Runs a delivery pass soon (after the current one, if any). */
  kick(): void;
  /** Resolves once every pass started so far has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** A loop delivering the outbox every `intervalMs`, and right away when kicked. */
export function startOutboxSender(db: PortalDb, mailer: Mailer, clock: Clock, log: FastifyBaseLogger, intervalMs = 30_000): OutboxSender {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    running = running
      .then(() => (stopped ? 0 : deliverOutbox(db, mailer, clock, log)))
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error }, 'mail outbox pass failed'));
  };
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    kick: pass,
    idle: () => running,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
