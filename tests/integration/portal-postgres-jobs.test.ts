import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/portal/auth/maintenance.js';
import { openPortalDatabase, type OpenedPortalDatabase, type PortalDb } from '../../src/portal/db/open.js';
import { deliverOutbox, enqueueMail } from '../../src/portal/mail/outbox.js';
import { smtpMailer } from '../../src/portal/mail/smtp.js';
import { freshPgSchema } from '../helpers/portal-db.js';
import { exited, spawnTsx } from '../helpers/sync.js';

/**
 * The portal's background jobs with several portal servers on one PostgreSQL database (behind a load balancer, each
 * with its own mail sender and purge, jobs.ts): every mail of the outbox is sent once, also when a sender dies with
 * mails claimed, and one purge runs at a time. The two senders also on one SQLite file, whose claim is the same
 * statement without PostgreSQL's row locks.
 */

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A real SMTP server keeping the subjects it accepted; `holdAt`: the n-th message's DATA is never answered. */
async function smtpServer(options: { delayMs?: number; holdAt?: number } = {}) {
  const subjects: string[] = [];
  let received = 0;
  let held: string | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      received += 1;
      const index = received;
      simpleParser(stream)
        .then(async (mail) => {
          if (index === options.holdAt) {
            // Read but never accepted: the sender waits for the answer, as on a slow server, until it is killed.
            held = mail.subject ?? '';
            return;
          }
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          subjects.push(mail.subject ?? '');
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, subjects, held: () => held };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * `count` mails queued in a fresh schema (its URL), or with `sqlite` in the SQLite file of the folder (URL ''), and
 * the folder, where the senders wait for the `go` file.
 */
async function queued(count: number, kind: 'postgres' | 'sqlite' = 'postgres'): Promise<{ url: string; dir: string; subjects: string[]; db: PortalDb }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-mail-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const schema = kind === 'postgres' ? await freshPgSchema() : null;
  if (schema) cleanups.push(schema.drop);
  const opened = openPortalDatabase(schema ? { kind: 'postgres', url: schema.url } : { kind: 'sqlite', dataDir: dir }, () => new Date());
  cleanups.push(() => opened.close());
  const subjects = Array.from({ length: count }, (_, n) => `Courrier ${n + 1}`);
  for (const subject of subjects) await enqueueMail(opened.db, { to: 'famille@example.test', subject, text: `Bonjour (${subject}).` }, new Date());
  return { url: schema?.url ?? '', dir, subjects, db: opened.db };
}

/** A sender process: resolves once it has opened the database and waits for the `go` file. */
function sender(dir: string, url: string, smtpUrl: string, claimMs: number, batch: number): { process: ChildProcess; ready: Promise<void>; done: Promise<number> } {
  let ready!: () => void;
  let done!: (sent: number) => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const donePromise = new Promise<number>((resolve) => (done = resolve));
  const child = spawnTsx('portal-mail-child.ts', [dir, smtpUrl, String(claimMs), String(batch)], { GRENETTE_TEST_MAIL_DB_URL: url }, (line) => {
    if (line === 'ready') ready();
    if (line.startsWith('done ')) done(Number(line.slice('done '.length)));
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  });
  return { process: child, ready: readyPromise, done: donePromise };
}

const counts = (subjects: string[]) => subjects.reduce((map, subject) => map.set(subject, (map.get(subject) ?? 0) + 1), new Map<string, number>());

describe('the portal jobs with several servers on one PostgreSQL database', () => {
  it.each(['postgres', 'sqlite'] as const)('two senders at once on %s, each in its own process with its own SMTP server: every mail is delivered once', async (kind) => {
    const { url, dir, subjects, db } = await queued(150, kind);
    const smtps = [await smtpServer({ delayMs: 10 }), await smtpServer({ delayMs: 10 })];
    const senders = smtps.map((smtp) => sender(dir, url, smtp.url, 60_000, 10));
    await Promise.all(senders.map((one) => one.ready));
    fs.writeFileSync(path.join(dir, 'go'), '');
    const sent = await Promise.all(senders.map((one) => one.done));

    const delivered = [...smtps[0]!.subjects, ...smtps[1]!.subjects];
    expect(delivered).toHaveLength(subjects.length);
    expect([...counts(delivered)].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(delivered)).toEqual(new Set(subjects));
    // Both took part: the claims were contended, not taken by one sender before the other started.
    expect(smtps[0]!.subjects.length).toBeGreaterThan(0);
    expect(smtps[1]!.subjects.length).toBeGreaterThan(0);
    expect(sent[0]! + sent[1]!).toBe(subjects.length);
    const rows = await db.selectFrom('email_outbox').select(['sent_at', 'attempts']).execute();
    expect(rows.every((row) => row.sent_at !== null && row.attempts === 1)).toBe(true);
  });

  it('claims raced by many passes at once from two pools on one schema: every mail is delivered once', async () => {
    const { url, subjects } = await queued(120);
    const opened = [openPortalDatabase({ kind: 'postgres', url }, () => new Date()), openPortalDatabase({ kind: 'postgres', url }, () => new Date())];
    for (const one of opened) cleanups.push(() => one.close());
    const smtp = await smtpServer();
    const transport = smtpMailer(smtp.url, 'Portail famille <no-reply@example.test>');
    cleanups.push(async () => transport.close());
    const log = Fastify().log;
    // Six passes of each pool claim at the same moment, five mails each, again until nothing is left.
    for (let round = 0; round < 10 && smtp.subjects.length < subjects.length; round += 1) {
      await Promise.all(Array.from({ length: 12 }, (_, n) => deliverOutbox(opened[n % 2]!.db, transport, () => new Date(), log, { batch: 5 })));
    }
    expect([...counts(smtp.subjects)].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(smtp.subjects)).toEqual(new Set(subjects));
  });

  it('a sender killed while sending: the mails it had claimed are sent later by the other, once each', async () => {
    const { url, dir, subjects, db } = await queued(60);
    // The first sender's server never answers its fifth message: it is killed while waiting for it.
    const slow = await smtpServer({ holdAt: 5 });
    const other = await smtpServer();
    const claimMs = 3_000;
    const doomed = sender(dir, url, slow.url, claimMs, 10);
    await doomed.ready;
    fs.writeFileSync(path.join(dir, 'go'), '');
    await until(() => slow.held() !== null);
    // What the killed sender had claimed and not sent: its held mail and the rest of its batch.
    const claimedByIt = await db.selectFrom('email_outbox').select('subject').where('sent_at', 'is', null).where('claimed_until', 'is not', null).execute();
    expect(claimedByIt.map((row) => row.subject)).toContain(slow.held());
    expect(claimedByIt).toHaveLength(6);
    doomed.process.kill('SIGKILL');
    await exited(doomed.process);

    const survivor = sender(dir, url, other.url, claimMs, 10);
    await survivor.done;
    expect(other.subjects).toEqual(expect.arrayContaining(claimedByIt.map((row) => row.subject)));
    const delivered = [...slow.subjects, ...other.subjects];
    expect(slow.subjects).toHaveLength(4);
    expect([...counts(delivered)].filter(([, n]) => n !== 1)).toEqual([]);
    expect(new Set(delivered)).toEqual(new Set(subjects));
    const rows = await db.selectFrom('email_outbox').select(['subject', 'sent_at', 'attempts']).execute();
    expect(rows.filter((row) => row.sent_at === null)).toEqual([]);
  });

  it('two purges at once: one runs, the other skips its turn at once, and the rows are right', async () => {
    const schema = await freshPgSchema();
    cleanups.push(schema.drop);
    const opened: OpenedPortalDatabase[] = [openPortalDatabase({ kind: 'postgres', url: schema.url }, () => new Date()), openPortalDatabase({ kind: 'postgres', url: schema.url }, () => new Date())];
    for (const one of opened) cleanups.push(() => one.close());
    const [a, b] = [opened[0]!.db, opened[1]!.db];
    const now = new Date('2026-11-30T09:00:00.000Z');
    const twoDaysAgo = '2026-11-28T09:00:00.000Z';
    await a
      .insertInto('login_throttle')
      .values([
        { key: 'login:ip:198.51.100.1', failures: 4, last_failure_at: twoDaysAgo, locked_until: null },
        { key: 'login:ip:198.51.100.2', failures: 4, last_failure_at: twoDaysAgo, locked_until: null },
        { key: 'login:ip:198.51.100.3', failures: 1, last_failure_at: '2026-11-30T08:00:00.000Z', locked_until: null },
      ])
      .execute();

    // A third connection holds one of the expired rows: the first purge, lock taken, waits on it in its delete.
    const holder = new pg.Client({ connectionString: schema.url });
    await holder.connect();
    cleanups.push(() => holder.end());
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await holder.query('BEGIN');
    await holder.query("SELECT * FROM login_throttle WHERE key = 'login:ip:198.51.100.1' FOR UPDATE");
    const first = purgeExpired(a, now);
    await until(async () => {
      const { rows } = await holder.query<{ n: string }>('SELECT COUNT(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [holderPid]);
      return Number(rows[0]!.n) > 0;
    }, 10_000);

    // The second, from the other portal, neither waits nor deletes anything.
    const second = await Promise.race([purgeExpired(b, now), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3_000))]);
    expect(second).toBe('skipped');
    expect(await Promise.race([first.then(() => 'over'), new Promise((resolve) => setTimeout(() => resolve('running'), 100))])).toBe('running');

    await holder.query('ROLLBACK');
    expect(await first).toBe('done');
    const left = await b.selectFrom('login_throttle').select('key').orderBy('key').execute();
    expect(left).toEqual([{ key: 'login:ip:198.51.100.3' }]);
    // The lock went with the first purge's transaction: the next turn runs.
    expect(await purgeExpired(b, now)).toBe('done');
  });
});
