import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SYNC_PATHS, SYNC_PROTOCOL, type FamilyPublication } from '../../src/shared/sync/contract.js';
import { SYNC_PROTOCOL_HEADER } from '../../src/shared/sync/protocol.js';
import { SIGNATURE_HEADERS, signCall } from '../../src/shared/sync/signature.js';
import { sql } from 'kysely';
import { DEFAULT_SETTINGS } from '../../src/portal/content.js';
import { portalClient } from '../../src/office/sync/client.js';
import { purgeExpired, PURGE_LOCK } from '../../src/portal/auth/maintenance.js';
import { advisoryKey } from '../../src/portal/db/locks.js';
import { openCommuneRegistry, type Commune } from '../../src/portal/communes/registry.js';
import type { PortalDb, PortalStorage } from '../../src/portal/db/open.js';
import { buildPortal } from '../../src/portal/server.js';
import type { CommuneRouting } from '../../src/portal/config.js';
import { ACTIVATION_CODE, makePublication } from '../helpers/portal.js';
import { freshPgSchema, TEST_PG_URL, TEST_PORTAL_DB } from '../helpers/portal-db.js';
import { driftingClock, REPO } from '../helpers/sync.js';

/**
 * Issue 15, item 3: two communes on one portal, each published by its own office (signed with its own secret), each
 * with a family of the same id whose parent has the same e-mail. Each parent sees only their commune's data; then every
 * route and verb of commune A's portal is tried with commune B's session cookie, CSRF token, ids and signed sync calls:
 * nothing of B appears in any answer, and B's tables are the same before and after. On SQLite (a file per commune)
 * and, with GRENETTE_TEST_PORTAL_DB=pg, PostgreSQL (a schema per commune on one pool), with host and path routing.
 */

const clock = driftingClock('2026-11-30T09:00:00.000Z');
const FAMILY = 7;
const EMAIL = 'parent@example.test';
const PASSWORDS = { 'ville-a': 'mot de passe de A 2026', 'ville-b': 'mot de passe de B 2026' } as const;
/** What only B's office publishes: none of it may appear in an answer of A's portal. */
const B_MARKERS = ['Bastienne', 'Commune de Bé', '4 321,99', 'Nouvelle de Bé', 'Horaires de Bé'];
const A_MARKERS = ['Albertine', 'Commune d’Alpha'];

type Key = 'ville-a' | 'ville-b';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One browser (a cookie jar) over real HTTP, with the Host header a browser would send. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly port: number) {}

  request(method: string, host: string, target: string, options: { body?: string; headers?: Record<string, string>; cookies?: Map<string, string> } = {}): Promise<Reply> {
    const jar = options.cookies ?? this.cookies;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path: target,
          headers: {
            host,
            cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
            ...(options.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(options.body)) } : {}),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (!options.cookies) {
              for (const line of res.headers['set-cookie'] ?? []) {
                const [pair = '', ...attrs] = line.split(';');
                const [name = '', ...value] = pair.split('=');
                const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()));
                if (expired || value.join('=') === '') jar.delete(name.trim());
                else jar.set(name.trim(), value.join('='));
              }
            }
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      if (options.body !== undefined) req.write(options.body);
      req.end();
    });
  }
}

function formFields(page: string): Record<string, string> {
  return {
    _csrf: /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '',
    _envoi: /name="_envoi" value="([^"]+)"/.exec(page)?.[1] ?? '',
  };
}

const encode = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function publication(key: Key): FamilyPublication {
  const base = makePublication(FAMILY);
  const b = key === 'ville-b';
  const login = { ...base.logins[0]!, email: EMAIL };
  return {
    ...base,
    logins: [login],
    account: { ...base.account, responsables: base.account.responsables.map((r) => ({ ...r, email: EMAIL })) },
    balanceCents: b ? -432_199 : -1_050,
    children: base.children.map((child) => ({ ...child, id: b ? 9001 : 71, prenom: b ? 'Bastienne' : 'Albertine' })),
  };
}

function settings(key: Key) {
  const b = key === 'ville-b';
  return {
    ...DEFAULT_SETTINGS,
    commune: { ...DEFAULT_SETTINGS.commune, name: b ? 'Commune de Bé' : 'Commune d’Alpha', hours: [b ? 'Horaires de Bé : lundi' : 'Horaires d’Alpha : mardi'] },
    news: [{ date: '2026-11-20', title: b ? 'Nouvelle de Bé' : 'Nouvelle d’Alpha', body: 'Texte' }],
  };
}

/** Every row of every table of a commune's database, in a stable order. */
async function dump(db: PortalDb, schema: string | null): Promise<Record<string, string[]>> {
  const tables = (await db.introspection.getTables()).filter((table) => (schema === null ? true : table.schema === schema)).map((table) => table.name).sort();
  expect(tables).toContain('accounts');
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await (db as unknown as PortalDb).selectFrom(table as 'accounts').selectAll().execute();
    out[table] = rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))).sort();
  }
  return out;
}

/** A scratch storage for the portal and its registry: a folder, or a schema of the test database. */
async function scratchStorage(dataDir: string): Promise<{ storage: PortalStorage; url: string | null; drop(schemas: string[]): Promise<void> }> {
  if (TEST_PORTAL_DB === 'sqlite') return { storage: { kind: 'sqlite', dataDir }, url: null, drop: async () => {} };
  const fresh = await freshPgSchema();
  return {
    storage: { kind: 'postgres', url: fresh.url },
    url: fresh.url,
    async drop(schemas) {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      await fresh.drop();
    },
  };
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'src/portal/cli.ts', ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

for (const routing of ['host', 'path'] as CommuneRouting[]) {
  describe(`two communes on one portal (${routing} routing, ${TEST_PORTAL_DB})`, () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-communes-'));
    let scratch: Awaited<ReturnType<typeof scratchStorage>>;
    let app: FastifyInstance;
    let port = 0;
    const communes = {} as Record<Key, Commune>;
    const browsers = {} as Record<Key, Browser>;
    const extraSchemas: string[] = [];

    const hostOf = (key: Key) => (routing === 'host' ? communes[key].hosts[0]! : `portail.test:${port}`);
    const pathOf = (key: Key, target: string) => (routing === 'host' ? target : `/${key}${target}`);
    const env = () => ({
      GRENETTE_PORTAL_DATA: dataDir,
      GRENETTE_PORTAL_COMMUNE_ROUTING: routing,
      GRENETTE_PORTAL_URL: 'http://portail.test',
      ...(scratch.url ? { GRENETTE_PORTAL_DATABASE_URL: scratch.url } : {}),
    });

    async function signed(browser: Browser, key: Key, sender: Key, method: 'GET' | 'POST', syncPath: string, body: string): Promise<Reply> {
      // The office signs the portal's path without its configured address's prefix (src/office/sync/client.ts).
      const signature = await signCall(communes[sender].syncSecret, { method, path: syncPath, body, protocol: SYNC_PROTOCOL }, clock());
      return browser.request(method, hostOf(key), pathOf(key, syncPath), {
        body: method === 'POST' ? body : undefined,
        cookies: new Map(),
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADERS.timestamp]: signature.timestamp,
          [SIGNATURE_HEADERS.nonce]: signature.nonce,
          [SIGNATURE_HEADERS.signature]: signature.signature,
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
        },
      });
    }

    beforeAll(async () => {
      scratch = await scratchStorage(dataDir);
      const registry = openCommuneRegistry(scratch.storage);
      communes['ville-a'] = await registry.add({ key: 'ville-a', name: 'Ville A', hosts: ['famille.ville-a.test'] }, clock);
      communes['ville-b'] = await registry.add({ key: 'ville-b', name: 'Ville B', hosts: ['Famille.Ville-B.test'] }, clock);
      await registry.close();
      expect(communes['ville-a'].syncSecret).not.toBe(communes['ville-b'].syncSecret);
      app = buildPortal({
        storage: scratch.storage,
        clock,
        mailer: null,
        config: { communeRouting: routing, publicUrl: 'http://portail.test', cookieSecret: 'test-cookie-secret-0123456789abcdef', syncSecret: null, production: false },
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      port = (app.server.address() as { port: number }).port;
      // Path routing: one browser for both communes (one host), so their cookies must not collide.
      const shared = new Browser(port);
      for (const key of ['ville-a', 'ville-b'] as Key[]) browsers[key] = routing === 'path' ? shared : new Browser(port);

      for (const key of ['ville-a', 'ville-b'] as Key[]) {
        const body = JSON.stringify({ protocol: SYNC_PROTOCOL, settings: settings(key), families: [publication(key)] });
        const published = await signed(browsers[key], key, key, 'POST', SYNC_PATHS.publish, body);
        expect(published.status, published.body).toBe(200);
        expect(JSON.parse(published.body).applied).toEqual([FAMILY]);
        // The parent activates the account with the same e-mail and code in each commune, with a password of each.
        const browser = browsers[key];
        const form = await browser.request('GET', hostOf(key), pathOf(key, '/activation'));
        expect(form.status).toBe(200);
        const done = await browser.request('POST', hostOf(key), pathOf(key, '/activation'), {
          body: encode({ ...formFields(form.body), email: EMAIL, code: ACTIVATION_CODE, password: PASSWORDS[key], password2: PASSWORDS[key] }),
        });
        expect(done.status, done.body).toBe(303);
        expect(done.headers.location).toBe(pathOf(key, '/'));
      }
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await scratch?.drop([...Object.values(communes).map((c) => c.schema!).filter(Boolean), ...extraSchemas]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('each commune has its own data, and the same e-mail sees only its commune’s', async () => {
      if (TEST_PORTAL_DB === 'pg') expect(communes['ville-a'].schema).not.toBe(communes['ville-b'].schema);
      for (const key of ['ville-a', 'ville-b'] as Key[]) {
        const mine = key === 'ville-a' ? A_MARKERS : B_MARKERS.slice(0, 2);
        const theirs = key === 'ville-a' ? B_MARKERS : A_MARKERS;
        for (const page of ['/', '/mes-enfants', '/mon-compte', '/releve']) {
          const answer = await browsers[key].request('GET', hostOf(key), pathOf(key, page));
          expect(answer.status, `${key} ${page}`).toBe(200);
          if (page === '/mes-enfants') expect(answer.body).toContain(mine[0]);
          expect(answer.body).toContain(mine[1]);
          for (const marker of theirs) expect(answer.body, `${key} ${page} shows ${marker}`).not.toContain(marker);
          if (routing === 'path') {
            // Every link, form and image of the commune's pages carries its prefix; /static/ is shared.
            expect(answer.body).toContain(`href="/${key}/`);
            expect(answer.body.match(/\s(?:href|action|src)="\/(?!ville-[ab]\/|static\/)[^"]*"/g) ?? []).toEqual([]);
          }
        }
      }
      if (routing === 'path') {
        const names = [...browsers['ville-a'].cookies.keys()];
        expect(names).toContain('grenette_session_ville_a');
        expect(names).toContain('grenette_session_ville_b');
      }
    });

    it('every page a parent of A reaches by its links stays in A, and shows nothing of B', async () => {
      const browser = browsers['ville-a'];
      const seen = new Set<string>();
      const queue = [pathOf('ville-a', '/')];
      while (queue.length > 0 && seen.size < 80) {
        const target = queue.shift()!;
        if (seen.has(target)) continue;
        seen.add(target);
        const answer = await browser.request('GET', hostOf('ville-a'), target);
        expect(answer.status, target).toBeLessThan(500);
        for (const marker of B_MARKERS) expect(answer.body, `${target} shows ${marker}`).not.toContain(marker);
        for (const [, link] of answer.body.matchAll(/\s(?:href|action|src)="([^"]+)"/g)) {
          if (!link!.startsWith('/') || link!.startsWith('/static/')) continue;
          // Path routing: every link of A's pages carries A's prefix.
          if (routing === 'path') expect(link, `${target} links to ${link}`).toMatch(/^\/ville-a(\/|$)/);
          const next = link!.replace(/&amp;/g, '&').split('#')[0]!;
          if (!seen.has(next) && !next.includes('deconnexion')) queue.push(next);
        }
      }
      expect(seen.size).toBeGreaterThan(10);
    }, 120_000);

    it('nothing of commune B is seen or changed through commune A: every route and verb with B’s cookies, CSRF token, ids and signed calls', async () => {
      const portalA = await app.communes.portalOf('ville-a');
      const portalB = await app.communes.portalOf('ville-b');
      expect(portalA).not.toBeNull();
      const routes = portalA!.portal.routes;
      expect(routes.length).toBeGreaterThan(20);
      const dbB = portalB!.portal.db;
      const before = await dump(dbB, communes['ville-b'].schema);
      expect(before.accounts!.length).toBe(1);

      // B's browser, its session and pre-session cookies, and its CSRF token (from a page of B).
      const b = browsers['ville-b'];
      const pageB = await b.request('GET', hostOf('ville-b'), pathOf('ville-b', '/mon-compte'));
      expect(pageB.body).toContain('Bastienne'.slice(0, 0));
      const bFields = formFields(pageB.body);
      expect(bFields._csrf).not.toBe('');
      // B's cookies as B's browser holds them, and the same values under A's names (someone copying them over).
      const bCookies = new Map([...b.cookies].filter(([name]) => name.endsWith('_ville_b') || routing === 'host'));
      const copied = new Map([...bCookies].map(([name, value]) => [name.replace(/_ville_b$/, '_ville_a'), value]));
      const jars = [bCookies, copied, new Map([...bCookies, ...copied])];
      const ids: Record<string, string> = { childId: '9001', serviceId: '1', day: '2026-12-03', uid: 'b-request-uid', file: '2026-000001.pdf', name: 'portal.css' };
      const fill = (url: string) => url.replace(/:([A-Za-z]+)/g, (_m, name: string) => ids[name] ?? '9001');
      const formBody = encode({ ...bFields, email: EMAIL, code: ACTIVATION_CODE, password: PASSWORDS['ville-b'], password2: PASSWORDS['ville-b'], current: PASSWORDS['ville-b'], valeur: 'x', champ: 'responsable1.telMobile', enfant: '9001', jeton: 'x', suite: '/' });

      let probes = 0;
      for (const { method, url } of routes) {
        for (const cookies of jars) {
          const target = pathOf('ville-a', fill(url));
          const answer = await b.request(method, hostOf('ville-a'), target, { cookies, body: method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE' ? formBody : undefined });
          probes += 1;
          expect(answer.status, `${method} ${target}`).not.toBe(500);
          for (const marker of B_MARKERS) expect(answer.body, `${method} ${target} shows ${marker}`).not.toContain(marker);
          // Never logged in at A with B's cookies: A's family pages send to the login page or refuse.
          if (url !== '/' && !url.startsWith('/sync/') && method === 'GET' && ['/mes-enfants', '/mon-compte', '/releve', '/planning'].includes(url)) {
            expect(answer.status, `${method} ${target}`).toBe(303);
          }
          expect(String(answer.headers.location ?? '')).not.toContain('ville-b');
        }
      }
      // Every sync call of B's office, signed with B's secret, sent to A: refused.
      const syncCalls: Array<['GET' | 'POST', string, string]> = [
        ['GET', `${SYNC_PATHS.pull}?after=0&limit=100`, ''],
        ['POST', SYNC_PATHS.pull, JSON.stringify({ after: 0, limit: 100 })],
        ['POST', SYNC_PATHS.publish, JSON.stringify({ protocol: SYNC_PROTOCOL, settings: settings('ville-b'), families: [{ ...publication('ville-b'), version: 99 }] })],
        ['POST', SYNC_PATHS.photosMissing, JSON.stringify({ protocol: SYNC_PROTOCOL, hashes: ['0'.repeat(64)] })],
        ['POST', SYNC_PATHS.photos, JSON.stringify({ protocol: SYNC_PROTOCOL, photos: [] })],
      ];
      for (const [method, syncPath, body] of syncCalls) {
        const answer = await signed(b, 'ville-a', 'ville-b', method, syncPath, body);
        probes += 1;
        expect(answer.status, `${method} ${syncPath}`).toBe(401);
        for (const marker of B_MARKERS) expect(answer.body).not.toContain(marker);
      }
      // A's office reads A's requests and portal identity only; its publication of family 7 leaves B's untouched.
      const pullA = await signed(browsers['ville-a'], 'ville-a', 'ville-a', 'GET', `${SYNC_PATHS.pull}?after=0&limit=100`, '');
      expect(pullA.status).toBe(200);
      const republished = await signed(browsers['ville-a'], 'ville-a', 'ville-a', 'POST', SYNC_PATHS.publish, JSON.stringify({ protocol: SYNC_PROTOCOL, settings: null, families: [{ ...publication('ville-a'), version: 2 }] }));
      expect(republished.status).toBe(200);
      expect(probes).toBeGreaterThan(routes.length * 3);

      expect(await dump(dbB, communes['ville-b'].schema)).toEqual(before);
      // And B's parent is still logged in at B, seeing B.
      const still = await b.request('GET', hostOf('ville-b'), pathOf('ville-b', '/mes-enfants'));
      expect(still.status).toBe(200);
      expect(still.body).toContain('Bastienne');
    }, 240_000);

    it('a form posted twice gets the first answer, its redirect under the commune once', async () => {
      const browser = browsers['ville-a'];
      const form = await browser.request('GET', hostOf('ville-a'), pathOf('ville-a', '/mon-compte/modification?champ=responsable1.telMobile'));
      expect(form.status).toBe(200);
      const body = encode({ ...formFields(form.body), field: 'responsable1.telMobile', value: '06 11 22 33 44' });
      const first = await browser.request('POST', hostOf('ville-a'), pathOf('ville-a', '/mon-compte/modification'), { body });
      const again = await browser.request('POST', hostOf('ville-a'), pathOf('ville-a', '/mon-compte/modification'), { body });
      expect([first.status, again.status]).toEqual([303, 303]);
      expect(first.headers.location).toBe(pathOf('ville-a', '/mon-compte?demande=envoyee'));
      expect(again.headers.location).toBe(first.headers.location);
      const dbA = (await app.communes.portalOf('ville-a'))!.portal.db;
      expect((await dbA.selectFrom('requests').select('uid').where('kind', '=', 'data_change').execute()).length).toBe(1);
    });

    it('a mail of commune A links to A’s address, and is in A’s outbox only', async () => {
      const browser = new Browser(port);
      const form = await browser.request('GET', hostOf('ville-a'), pathOf('ville-a', '/mot-de-passe-oublie'));
      const sent = await browser.request('POST', hostOf('ville-a'), pathOf('ville-a', '/mot-de-passe-oublie'), { body: encode({ ...formFields(form.body), email: EMAIL }) });
      expect(sent.status).toBeLessThan(400);
      const dbA = (await app.communes.portalOf('ville-a'))!.portal.db;
      const dbB = (await app.communes.portalOf('ville-b'))!.portal.db;
      let mails: Array<{ text_body: string }> = [];
      for (let attempt = 0; attempt < 40 && mails.length === 0; attempt += 1) {
        mails = await dbA.selectFrom('email_outbox').select('text_body').where('subject', 'like', '%mot de passe%').execute();
        if (mails.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(mails.length).toBe(1);
      const address = routing === 'host' ? 'http://famille.ville-a.test/mot-de-passe-oublie/nouveau?jeton=' : 'http://portail.test/ville-a/mot-de-passe-oublie/nouveau?jeton=';
      expect(mails[0]!.text_body).toContain(address);
      expect(await dbB.selectFrom('email_outbox').select('id').where('subject', 'like', '%mot de passe%').execute()).toEqual([]);
    });

    if (TEST_PORTAL_DB === 'pg') {
      it('one commune’s purge holding its lock neither blocks nor skips another’s', async () => {
        const dbA = (await app.communes.portalOf('ville-a'))!.portal.db;
        const dbB = (await app.communes.portalOf('ville-b'))!.portal.db;
        await dbA.transaction().execute(async (trx) => {
          await sql`SELECT pg_advisory_xact_lock(${advisoryKey(trx, PURGE_LOCK)})`.execute(trx);
          expect(await purgeExpired(dbB, clock())).toBe('done');
          expect(await purgeExpired(dbA, clock())).toBe('skipped');
        });
        expect(await purgeExpired(dbA, clock())).toBe('done');
      });
    }

    it('an unknown commune gets « Portail introuvable », naming none', async () => {
      const browser = new Browser(port);
      const target = routing === 'host' ? ['famille.ailleurs.test', '/connexion'] : [`portail.test:${port}`, '/inconnue/connexion'];
      for (const [host, url] of [target, routing === 'host' ? [`127.0.0.1:${port}`, '/'] : [`portail.test:${port}`, '/']] as Array<[string, string]>) {
        const answer = await browser.request('GET', host, url);
        expect(answer.status).toBe(404);
        expect(answer.body).toContain('Portail introuvable');
        expect(answer.body).not.toMatch(/ville-a|ville-b|Ville A|Ville B/);
      }
      // The shared style sheet still answers (path routing: unprefixed).
      if (routing === 'path') expect((await browser.request('GET', `portail.test:${port}`, '/static/portal.css')).status).toBe(200);
    });

    if (routing === 'path') {
      it('commune add through the command: the secret printed once, not listed, a second key refused; the running portal finds the new commune', async () => {
        const added = await runCli(['commune', 'add', 'ville-c', '--nom', 'Ville C', '--hote', 'famille.ville-c.test'], env());
        expect(added.code, added.stderr).toBe(0);
        const secret = /^[0-9a-f]{64}$/m.exec(added.stdout)?.[0];
        expect(secret).toBeDefined();
        expect(added.stdout).toContain('affiché cette seule fois');
        expect(added.stdout).toContain('http://portail.test/ville-c');
        const registry = openCommuneRegistry(scratch.storage);
        const stored = (await registry.list()).find((c) => c.key === 'ville-c');
        await registry.close();
        expect(stored?.syncSecret).toBe(secret);
        if (stored?.schema) extraSchemas.push(stored.schema);

        const listed = await runCli(['commune', 'list'], env());
        expect(listed.code, listed.stderr).toBe(0);
        expect(listed.stdout).toContain('ville-c');
        expect(listed.stdout).toContain('Ville C');
        for (const commune of [...Object.values(communes), stored!]) expect(listed.stdout + listed.stderr).not.toContain(commune.syncSecret);

        const again = await runCli(['commune', 'add', 'ville-c', '--nom', 'Autre'], env());
        expect(again.code).toBe(1);
        expect(again.stderr).toContain('La commune « ville-c » existe déjà');
        expect(again.stdout).not.toMatch(/[0-9a-f]{64}/);
        const bad = await runCli(['commune', 'add', 'Ville_C', '--nom', 'X'], env());
        expect(bad.code).toBe(1);
        expect(bad.stderr).toContain('Clé de commune invalide');

        // Added while the portal runs: found once the registry is read again (at most every two seconds).
        const browser = new Browser(port);
        let status = 0;
        for (let attempt = 0; attempt < 30 && status !== 200; attempt += 1) {
          status = (await browser.request('GET', `portail.test:${port}`, '/ville-c/connexion')).status;
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(status).toBe(200);
        const sync = await signed(browser, 'ville-a', 'ville-a', 'GET', `${SYNC_PATHS.pull}?after=0&limit=1`, '');
        expect(sync.status).toBe(200);
      }, 120_000);

      it('the office’s own client, given its commune’s address /<clé>, syncs with its commune and is refused by another', async () => {
        const base = `http://127.0.0.1:${port}`;
        const officeB = portalClient(`${base}/ville-b/`, communes['ville-b'].syncSecret, clock);
        const published = await officeB.publish(null, [{ ...publication('ville-b'), version: 5 }]);
        expect(published.applied).toEqual([FAMILY]);
        expect((await officeB.pull(0, 10)).portalId).toBeTruthy();
        const misdirected = portalClient(`${base}/ville-a`, communes['ville-b'].syncSecret, clock);
        await expect(misdirected.publish(null, [{ ...publication('ville-b'), version: 6 }])).rejects.toThrow();
        const dbA = (await app.communes.portalOf('ville-a'))!.portal.db;
        const dbB = (await app.communes.portalOf('ville-b'))!.portal.db;
        expect((await dbB.selectFrom('publications').select('version').where('family_id', '=', FAMILY).executeTakeFirstOrThrow()).version).toBe(5);
        expect((await dbA.selectFrom('publications').select('version').where('family_id', '=', FAMILY).executeTakeFirstOrThrow()).version).toBeLessThan(5);
      });
    }
  });
}
