import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../shared/clock.js';
import { hasControlChars, headerSafe } from '../../shared/text/control-chars.js';
import { isPostgres } from '../db/locks.js';
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

/**
 * How long a sender holds a mail it claimed before another may take it (its process died, or it lost the database):
 * renewed before each mail is sent, and longer than one SMTP exchange may last (smtp.ts bounds it to about two
 * minutes), so a mail under way is never taken by another sender.
 */
export const CLAIM_MS = 5 * 60 * 1000;
const BATCH = 50;

export interface DeliveryOptions {
  /** CLAIM_MS by default; shorter in the tests of a sender that dies. */
  claimMs?: number;
  /** Mails claimed by one pass at most (50). */
  batch?: number;
}

type OutboxRow = Awaited<ReturnType<typeof claimBatch>>[number];

/**
 * Takes up to `batch` waiting mails for this pass (its `token`), oldest first: those never claimed, and those whose
 * claim expired. The ids are read, then claimed, in one transaction. On PostgreSQL, several senders (portal servers on
 * one database) claim at once: the read locks its rows and skips those another sender holds (FOR UPDATE SKIP LOCKED),
 * and a row another claimed meanwhile is read again under the lock, no longer matches and is left out. (One
 * `UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` may claim more than n rows: PostgreSQL may run the
 * subquery again for each row, each run skipping the rows the previous ones locked.) On SQLite the transaction has the
 * file to itself.
 */
async function claimBatch(db: PortalDb, token: string, now: Date, claimMs: number, batch: number) {
  const nowIso = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const waiting = trx
      .selectFrom('email_outbox')
      .select('id')
      .where('sent_at', 'is', null)
      .where('attempts', '<', MAX_ATTEMPTS)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowIso)]))
      .orderBy('id')
      .limit(batch);
    const ids = (await (isPostgres(trx) ? waiting.forUpdate().skipLocked() : waiting).execute()).map((row) => row.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable('email_outbox')
      .set({ claim_token: token, claimed_until: new Date(now.getTime() + claimMs).toISOString() })
      .where('id', 'in', ids)
      .returningAll()
      .execute()
      .then((rows) => rows.sort((a, b) => a.id - b.id));
  });
}

/**
 * Renews this pass's claim on one mail just before it is sent: false when the claim expired meanwhile and another
 * sender took the mail (or sent it), which this pass then leaves to it.
 */
async function renewClaim(db: PortalDb, row: OutboxRow, token: string, now: Date, claimMs: number): Promise<boolean> {
  const result = await db
    .updateTable('email_outbox')
    .set({ claimed_until: new Date(now.getTime() + claimMs).toISOString() })
    .where('id', '=', row.id)
    .where('claim_token', '=', token)
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Sends what is waiting, oldest first; a failure is recorded on the row and retried at a later pass. Several senders
 * may run at once on one database (portal servers behind a load balancer, each with its own): each mail is claimed by
 * one pass before it is sent (claimBatch), so it is sent once. A sender that dies leaves its claims to expire (after
 * `claimMs`), and another sends those mails then. The one case sent twice: a process that dies between the SMTP
 * server's acceptance and the row's update; a mail is never lost for it.
 */
export async function deliverOutbox(db: PortalDb, mailer: Mailer, clock: Clock, log: FastifyBaseLogger, options: DeliveryOptions = {}): Promise<number> {
  const claimMs = options.claimMs ?? CLAIM_MS;
  const token = randomUUID();
  const claimed = await claimBatch(db, token, clock(), claimMs, options.batch ?? BATCH);
  // Every update of a claimed row names this pass's claim: a row another sender took over is never written here.
  const mine = (id: number) => db.updateTable('email_outbox').where('id', '=', id).where('claim_token', '=', token);
  let sent = 0;
  for (const row of claimed) {
    if (hasControlChars(row.to_address, 'single-line')) {
      log.warn({ mailId: row.id }, 'mail address with a control character: not sent');
      await mine(row.id).set({ attempts: MAX_ATTEMPTS, last_error: BAD_ADDRESS, claimed_until: null }).execute();
      continue;
    }
    if (!(await renewClaim(db, row, token, clock(), claimMs))) continue;
    try {
      await mailer.send({ to: row.to_address, subject: headerSafe(row.subject), text: row.text_body });
      await mine(row.id).set({ sent_at: clock().toISOString(), attempts: row.attempts + 1, last_error: null, claimed_until: null }).execute();
      sent += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ mailId: row.id, err: message }, 'mail not sent');
      // Released: the next pass of any sender tries again.
      await mine(row.id).set({ attempts: row.attempts + 1, last_error: message.slice(0, 500), claimed_until: null }).execute();
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
export function startOutboxSender(db: PortalDb, mailer: Mailer, clock: Clock, log: FastifyBaseLogger, intervalMs = 30_000, options: DeliveryOptions = {}): OutboxSender {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    running = running
      .then(() => (stopped ? 0 : deliverOutbox(db, mailer, clock, log, options)))
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
