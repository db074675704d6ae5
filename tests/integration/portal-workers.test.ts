import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/crypto/password.js';
import { MAX_WORKERS, parseWorkers, readPortalConfig } from '../../src/portal/config.js';
import { openPortalDatabase } from '../../src/portal/db/open.js';
import { SIGNATURE_HEADERS, signCall } from '../../src/shared/sync/signature.js';
import { SYNC_PATHS, SYNC_PROTOCOL } from '../../src/shared/sync/contract.js';
import { SYNC_PROTOCOL_HEADER } from '../../src/shared/sync/protocol.js';
import { insertPublication, insertSettings, makePublication, PLANNING_SETTINGS, startSmtp, type TestSmtp } from '../helpers/portal.js';
import { exited, REPO, spawnTsx, SYNC_SECRET } from '../helpers/sync.js';

/**
 * Issue 14, « Use the cores »: the real portal CLI with GRENETTE_PORTAL_WORKERS=2, as a process of its own on a temp
 * data folder, a real SMTP server catching its mail. Every request goes on a new connection, so the cluster's primary
 * hands them round to both workers; each answer names its worker (x-grenette-worker, turned on by
 * GRENETTE_PORTAL_WORKER_HEADER for tests only), so the test knows which one answered.
 */

const PASSWORD = 'une phrase de passe assez longue';
const LOGGED_IN = 'Bonjour Claire Martin';
/** Families 2..7 get a decision each; family 1 logs in, family 8 is the one whose password is guessed. */
const DECIDED = [2, 3, 4, 5, 6, 7];
const GUESSED = 8;
const emailOf = (familyId: number) => `famille${familyId}@example.test`;

interface Answer {
  status: number;
  body: string;
  location: string | null;
  setCookies: string[];
  slot: number;
  pid: number;
}

let port = 0;
let portal: ChildProcess;
let output = '';
let smtp: TestSmtp;
let dataDir: string;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/**
 * One request on a connection of its own (agent: false), so the cluster may give it to either worker. A connection
 * handed to a worker as it is killed is never answered: the time-out ends it.
 */
function call(method: 'GET' | 'POST', pathName: string, headers: Record<string, string> = {}, body?: string, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: pathName, method, agent: false, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const [slot, pid] = String(response.headers['x-grenette-worker'] ?? '0 0').split(' ').map(Number) as [number, number];
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          location: (response.headers.location as string | undefined) ?? null,
          setCookies: response.headers['set-cookie'] ?? [],
          slot,
          pid,
        });
      });
      response.on('error', reject);
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`${method} ${pathName}: no answer after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** A browser without JavaScript: cookies kept, a form posted with the hidden fields of the last page. */
class Browser {
  readonly cookies = new Map<string, string>();
  last = '';

  private keep(answer: Answer): Answer {
    for (const line of answer.setCookies) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      if (at > 0) this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1));
    }
    if (answer.body.startsWith('<!doctype')) this.last = answer.body;
    return answer;
  }

  private cookie(): Record<string, string> {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(pathName: string, timeoutMs?: number): Promise<Answer> {
    return this.keep(await call('GET', pathName, this.cookie(), undefined, timeoutMs));
  }

  async post(action: string, fields: Record<string, string>): Promise<Answer> {
    const form = new RegExp(`<form[^>]*action="${action}"[^>]*>([\\s\\S]*?)</form>`).exec(this.last);
    if (!form) throw new Error(`no form posting to ${action} on the last page`);
    const hidden: Record<string, string> = {};
    for (const input of form[1]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden[input[1]!] = input[2]!;
    const body = new URLSearchParams({ ...hidden, ...fields }).toString();
    return this.keep(await call('POST', action, { ...this.cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body));
  }

  async login(email: string, password: string): Promise<Answer> {
    await this.get('/connexion');
    return this.post('/connexion', { email, password });
  }
}

/**
 * The primary hands connections round in turn: an attempt of two requests (a form, then its post) would post to the
 * same worker every time. One extra request after every second attempt moves the turn, whatever an attempt's length.
 */
async function moveTurn(attempts: number): Promise<void> {
  if (attempts % 2 === 0) await call('GET', '/connexion');
}

/** Calls `attempt` until its answers came from both workers (or fails after `max` tries), returning them all. */
async function fromBothWorkers(attempt: () => Promise<Answer>, max = 40): Promise<Answer[]> {
  const answers: Answer[] = [];
  while (new Set(answers.map((a) => a.slot)).size < 2) {
    if (answers.length >= max) throw new Error(`${max} answers, all from worker ${answers[0]?.slot}`);
    answers.push(await attempt());
    await moveTurn(answers.length);
  }
  return answers;
}

/** A publication call signed as the office signs it, in the current protocol. */
async function publish(body: string): Promise<Answer> {
  const signed = await signCall(SYNC_SECRET, { method: 'POST', path: SYNC_PATHS.publish, body, protocol: SYNC_PROTOCOL }, new Date());
  return call('POST', SYNC_PATHS.publish, {
    'content-type': 'application/json',
    [SIGNATURE_HEADERS.timestamp]: signed.timestamp,
    [SIGNATURE_HEADERS.nonce]: signed.nonce,
    [SIGNATURE_HEADERS.signature]: signed.signature,
    [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
  }, body);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the portal with two workers (GRENETTE_PORTAL_WORKERS=2)', () => {
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-workers-'));
    // The commune as the office's publications leave it, written before the portal starts.
    const seed = openPortalDatabase(dataDir, () => new Date());
    await insertSettings(seed.db, PLANNING_SETTINGS);
    for (const familyId of [1, ...DECIDED, GUESSED]) await insertPublication(seed.db, makePublication(familyId));
    const hash = await hashPassword(PASSWORD);
    await seed.db.updateTable('accounts').set({ password_hash: hash, activated_at: new Date().toISOString() }).where('email', 'in', [emailOf(1), emailOf(GUESSED)]).execute();
    await seed.close();

    smtp = await startSmtp();
    port = await freePort();
    // No GRENETTE_PORTAL_COOKIE_SECRET: the primary's random one must serve both workers.
    const { GRENETTE_PORTAL_COOKIE_SECRET: _unset, ...env } = process.env;
    portal = spawn(process.execPath, ['--import', 'tsx', 'src/portal/cli.ts'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...env,
        GRENETTE_PORTAL_WORKERS: '2',
        GRENETTE_PORTAL_WORKER_HEADER: '1',
        GRENETTE_PORTAL_DATA: dataDir,
        GRENETTE_PORTAL_PORT: String(port),
        GRENETTE_PORTAL_HOST: '127.0.0.1',
        GRENETTE_SMTP_URL: smtp.url,
        GRENETTE_SYNC_SECRET: SYNC_SECRET,
      },
    });
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-30_000));
    portal.stdout!.on('data', keep);
    portal.stderr!.on('data', keep);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (portal.exitCode !== null) throw new Error(`portal exited (${portal.exitCode}): ${output}`);
      if (output.includes('2 processus')) break;
      if (Date.now() > deadline) throw new Error(`portal not up after 60 s: ${output}`);
      await sleep(200);
    }
  }, 90_000);

  afterAll(async () => {
    if (portal && portal.exitCode === null && portal.signalCode === null) {
      portal.kill('SIGKILL');
      await exited(portal);
    }
    await smtp?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const browser = new Browser();
  const pids = new Map<number, number>();

  it('a family logged in through one worker is logged in on the other, with a form cookie signed by either', async () => {
    // The login form's cookie is signed once by whichever worker answered first; the other accepts it and sets none.
    const forms = await fromBothWorkers(() => browser.get('/connexion'));
    expect(forms.map((f) => f.status)).toEqual(forms.map(() => 200));
    expect(forms.slice(1).flatMap((f) => f.setCookies.filter((c) => c.startsWith('grenette_csrf=')))).toEqual([]);

    const login = await browser.post('/connexion', { email: emailOf(1), password: PASSWORD });
    expect(login.status, login.body).toBe(303);

    const homes = await fromBothWorkers(() => browser.get('/'));
    for (const home of homes) {
      expect(home.status).toBe(200);
      expect(home.body).toContain(LOGGED_IN);
      pids.set(home.slot, home.pid);
    }
    expect([...pids.keys()].sort()).toEqual([1, 2]);
    expect(pids.get(1)).not.toBe(pids.get(2));
  }, 60_000);

  it('a login throttle counts the failures made on both workers', async () => {
    // Three free failures for an (address, account) pair, then the wait doubles: 1 s, 2 s, 4 s, 8 s after the sixth.
    // A refusal while a wait runs is not a failure: the next failure is tried once it has passed.
    const failures: Answer[] = [];
    for (let attempts = 1; failures.length < 6; attempts += 1) {
      const attempt = await new Browser().login(emailOf(GUESSED), 'pas le bon mot de passe');
      await moveTurn(attempts);
      if (attempt.status === 401) failures.push(attempt);
      else if (attempt.status === 429) await sleep(250);
      else throw new Error(`attempt answered ${attempt.status}`);
    }
    expect(new Set(failures.map((f) => f.slot))).toEqual(new Set([1, 2]));

    // Now even the right password waits, on either worker, though neither saw six failures itself.
    const refused = await fromBothWorkers(() => new Browser().login(emailOf(GUESSED), PASSWORD));
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.body).toContain('Trop de tentatives. Réessayez dans');
    }
    const db = new Database(path.join(dataDir, 'portal.sqlite'), { readonly: true });
    const row = db.prepare('SELECT failures FROM login_throttle WHERE key = ?').get(`login:pair:127.0.0.1:${emailOf(GUESSED)}`) as { failures: number };
    db.close();
    expect(row.failures).toBe(6);
  }, 60_000);

  it('a killed worker is replaced in its place, and the family is still logged in there', async () => {
    const victim = pids.get(2)!;
    process.kill(victim, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    let replaced: Answer | undefined;
    while (!replaced) {
      if (Date.now() > deadline) throw new Error(`worker 2 not replaced after 30 s: ${output.slice(-3000)}`);
      const answer = await browser.get('/', 3_000).catch(() => null);
      if (answer?.slot === 2 && answer.pid !== victim) replaced = answer;
      else await sleep(100);
    }
    expect(alive(victim)).toBe(false);
    expect(replaced.status).toBe(200);
    expect(replaced.body).toContain(LOGGED_IN);
    pids.set(2, replaced.pid);
    expect(output).toContain('worker died: replacing it');
  }, 60_000);

  it('each decision mail is sent once, whichever worker stored the publication', async () => {
    // Each family's new publication, with a request the office accepted, sent twice at once (the office resending it
    // after a cut): the calls land on both workers, the second of each is ignored, and the primary sends each mail.
    const bodies = DECIDED.map((familyId) =>
      JSON.stringify({
        protocol: SYNC_PROTOCOL,
        settings: null,
        families: [
          makePublication(familyId, {
            version: 2,
            requests: [{
              uid: `00000000-0000-4000-8000-00000000000${familyId}`,
              kind: 'book',
              submittedAt: '2026-11-27T09:00:00.000Z',
              reason: null,
              items: [{ childId: familyId * 10 + 1, serviceId: 1, day: '2026-12-10', status: 'accepted', refusalReason: null, decidedAt: '2026-11-28T09:00:00.000Z' }],
            }],
          }),
        ],
      }),
    );
    const answers = await Promise.all(bodies.flatMap((body) => [publish(body), publish(body)]));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.slot))).toEqual(new Set([1, 2]));
    const applied = answers.flatMap((a) => (JSON.parse(a.body) as { applied: number[] }).applied).sort((a, b) => a - b);
    expect(applied).toEqual(DECIDED);

    for (const familyId of DECIDED) await smtp.waitForMail((mail) => mail.to !== undefined && JSON.stringify(mail.to).includes(emailOf(familyId)), 20_000);
    // Past any second pass a second sender would have made (the kicks came from both workers at once).
    await sleep(3_000);
    const decisions = smtp.mails.filter((mail) => mail.subject === 'Votre demande de réservation a été acceptée');
    const recipients = decisions.map((mail) => (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((to) => to!.value.map((v) => v.address)).join(','));
    expect(recipients.sort()).toEqual(DECIDED.map(emailOf).sort());

    const db = new Database(path.join(dataDir, 'portal.sqlite'), { readonly: true });
    const outbox = db.prepare('SELECT to_address, attempts, sent_at FROM email_outbox ORDER BY to_address').all() as { to_address: string; attempts: number; sent_at: string | null }[];
    db.close();
    expect(outbox.map((row) => row.to_address)).toEqual(DECIDED.map(emailOf).sort());
    for (const row of outbox) {
      expect(row.attempts).toBe(1);
      expect(row.sent_at).not.toBeNull();
    }
  }, 60_000);

  it('stops with its workers on SIGTERM', async () => {
    portal.kill('SIGTERM');
    const { code } = await exited(portal);
    expect(code).toBe(0);
    for (const pid of pids.values()) expect(alive(pid)).toBe(false);
  }, 30_000);
});

describe('GRENETTE_PORTAL_WORKERS', () => {
  it('is one process when unset, a whole number up to MAX_WORKERS otherwise, and refused in French else', () => {
    expect(parseWorkers(undefined)).toBe(1);
    expect(parseWorkers(' ')).toBe(1);
    expect(parseWorkers('2')).toBe(2);
    expect(parseWorkers(String(MAX_WORKERS))).toBe(MAX_WORKERS);
    for (const bad of ['0', '-1', '1.5', 'deux', '2 workers', String(MAX_WORKERS + 1)]) {
      expect(() => parseWorkers(bad), bad).toThrow(`GRENETTE_PORTAL_WORKERS invalide : « ${bad} » (un nombre de processus de 1 à ${MAX_WORKERS}`);
    }
    expect(() => readPortalConfig({ GRENETTE_PORTAL_WORKERS: 'auto' }, () => 'secret')).toThrow('GRENETTE_PORTAL_WORKERS invalide');
    expect(readPortalConfig({}, () => 'secret').workers).toBe(1);
  });
});

describe('two portal processes writing the same rows', () => {
  it('wait for each other: a transaction that reads then writes begins IMMEDIATE, and no failure is lost', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-writers-'));
    try {
      (await openPortalDatabase(dir, () => new Date())).close();
      const COUNT = 300;
      const ready: Promise<void>[] = [];
      const done: Promise<{ errors: number; first: string | null }>[] = [];
      const children = [0, 1].map(() => {
        let isReady: () => void = () => undefined;
        let isDone: (value: { errors: number; first: string | null }) => void = () => undefined;
        ready.push(new Promise<void>((resolve) => (isReady = resolve)));
        done.push(new Promise((resolve) => (isDone = resolve)));
        return spawnTsx('portal-throttle-child.ts', [dir, String(COUNT)], {}, (line) => {
          if (line === 'ready') isReady();
          if (line.startsWith('done ')) isDone(JSON.parse(line.slice(5)) as { errors: number; first: string | null });
        });
      });
      await Promise.all(ready);
      fs.writeFileSync(path.join(dir, 'go'), '');
      const outcomes = await Promise.all(done);
      await Promise.all(children.map(exited));
      expect(outcomes).toEqual([{ errors: 0, first: null }, { errors: 0, first: null }]);
      const db = new Database(path.join(dir, 'portal.sqlite'), { readonly: true });
      const row = db.prepare('SELECT failures FROM login_throttle').get() as { failures: number };
      db.close();
      expect(row.failures).toBe(2 * COUNT);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
