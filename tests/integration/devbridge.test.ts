import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/office/auth/users.js';
import { openOfficeDatabase } from '../../src/office/db/open.js';
import { silentLogger } from '../../src/office/log.js';
import { startOfficeWorker, type OfficeHost } from '../../src/office/worker/host.js';
import { RENDERER_CSP } from '../../src/devbridge/renderer-files.js';
import { startDevBridge, type DevBridge } from '../../src/devbridge/server.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw node:http so the test controls every header, Host included (fetch would not let it be forged). */
function request(
  bridge: DevBridge,
  options: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: bridge.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { Host: `127.0.0.1:${bridge.port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function call(
  bridge: DevBridge,
  session: string,
  method: string,
  args: unknown,
  token = bridge.token,
  extraHeaders: Record<string, string> = {},
): Promise<Reply> {
  return request(bridge, {
    method: 'POST',
    path: '/api/call',
    headers: { Authorization: `Bearer ${token}`, 'X-Grenette-Session': session, 'Content-Type': 'application/json', ...extraHeaders },
    body: JSON.stringify({ method, args }),
  });
}

describe('dev bridge over a real office database, served from the office worker', () => {
  let dir: string;
  let office: OfficeHost;
  let bridge: DevBridge;
  let childId: number;
  const clock = () => new Date('2026-11-28T10:00:00Z');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-devbridge-'));
    const rendererDir = path.join(dir, 'renderer');
    fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Grenette</title><h1>Accueil</h1>');
    fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("ok");');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'ne pas servir');
    const dbFile = path.join(dir, 'office.sqlite');
    const database = openOfficeDatabase({ file: dbFile, clock });
    await createStaffUser(database.db, { username: 'claire', displayName: 'Claire Dupont', role: 'admin', password: 'motdepasse-solide' }, clock);
    const at = clock().toISOString();
    const family = await database.db.insertInto('families').values({ created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow();
    childId = (
      await database.db
        .insertInto('children')
        .values({ family_id: family.id, nom: 'Martin', prenom: 'Lucas', sexe: 'M', date_naissance: '2019-03-02', created_at: at, updated_at: at })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await database.close();
    office = await startOfficeWorker({
      config: {
        paths: { dbFile, backupDir: path.join(dir, 'backups'), logFile: path.join(dir, 'grenette.log') },
        clock: { kind: 'fixed', at: clock().toISOString() },
        demoOnFirstRun: false,
        log: 'silent',
      },
      log: silentLogger,
    });
    bridge = await startDevBridge({ core: office, rendererDir, port: 0, log: silentLogger });
  });

  afterAll(async () => {
    await bridge.close();
    await office.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives a loopback URL carrying a random token', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/#token=${bridge.token}`);
    expect(bridge.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('refuses API calls without the token or with a wrong one', async () => {
    const none = await request(bridge, {
      method: 'POST',
      path: '/api/call',
      headers: { 'X-Grenette-Session': 'tab-aaaaaaaa', 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'auth.me', args: {} }),
    });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error).toMatch(/Jeton/);
    const wrong = await call(bridge, 'tab-aaaaaaaa', 'auth.me', {}, 'x'.repeat(32));
    expect(wrong.status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding), on the API and on pages', async () => {
    const api = await request(bridge, {
      method: 'POST',
      path: '/api/call',
      headers: {
        Host: `evil.example:${bridge.port}`,
        Authorization: `Bearer ${bridge.token}`,
        'X-Grenette-Session': 'tab-aaaaaaaa',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ method: 'auth.me', args: {} }),
    });
    expect(api.status).toBe(403);
    const page = await request(bridge, { path: '/', headers: { Host: 'evil.example' } });
    expect(page.status).toBe(403);
    const localhost = await request(bridge, { path: '/', headers: { Host: `localhost:${bridge.port}` } });
    expect(localhost.status).toBe(200);
  });

  it('refuses a body over 15 MB with 413', async () => {
    const huge = JSON.stringify({ method: 'auth.me', args: { blob: 'a'.repeat(16 * 1024 * 1024) } });
    const reply = await request(bridge, {
      method: 'POST',
      path: '/api/call',
      headers: { Authorization: `Bearer ${bridge.token}`, 'X-Grenette-Session': 'tab-aaaaaaaa', 'Content-Type': 'application/json' },
      body: huge,
    });
    expect(reply.status).toBe(413);
    // The bridge still answers afterwards.
    expect((await call(bridge, 'tab-aaaaaaaa', 'auth.me', {})).status).toBe(200);
  });

  it("returns the core's Result as JSON, 200 even when the call is refused", async () => {
    const me = await call(bridge, 'tab-anonymous', 'auth.me', {});
    expect(me.status).toBe(200);
    expect(me.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(me.body)).toEqual({ ok: true, value: null });
    const unknown = await call(bridge, 'tab-anonymous', 'nope.nothing', {});
    expect(unknown.status).toBe(200);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('keeps the login of a session id across calls, and only for that id', async () => {
    const login = await call(bridge, 'tab-claire-1', 'auth.login', { username: 'claire', password: 'motdepasse-solide' });
    expect(JSON.parse(login.body)).toMatchObject({ ok: true, value: { username: 'claire', role: 'admin' } });
    const again = await call(bridge, 'tab-claire-1', 'auth.me', {});
    expect(JSON.parse(again.body)).toMatchObject({ ok: true, value: { username: 'claire' } });
    const otherTab = await call(bridge, 'tab-someone-2', 'auth.me', {});
    expect(JSON.parse(otherTab.body)).toEqual({ ok: true, value: null });
  });

  it('streams the progress of a long call then its Result as JSON lines when the page asks for them', async () => {
    const stream = { Accept: 'application/x-ndjson' };
    await call(bridge, 'tab-claire-3', 'auth.login', { username: 'claire', password: 'motdepasse-solide' });
    const printed = await call(bridge, 'tab-claire-3', 'print.childSheets', { scope: { kind: 'child', childId } }, bridge.token, stream);
    expect(printed.status).toBe(200);
    expect(printed.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(printed.headers['cache-control']).toBe('no-store');
    const lines = printed.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.slice(0, -1)).toEqual([
      { progress: { done: 0, total: 1, label: 'Mise en page des fiches' } },
      { progress: { done: 1, total: 1, label: 'Impression des fiches' } },
    ]);
    expect(lines.at(-1)).toMatchObject({ result: { ok: true, value: { fileName: 'fiche-enfant-martin-lucas.pdf', mime: 'application/pdf' } } });

    // A call that reports nothing is one line; the token is checked as for any call.
    const me = await call(bridge, 'tab-claire-3', 'auth.me', {}, bridge.token, stream);
    expect(me.body).toBe(`${JSON.stringify({ result: { ok: true, value: { id: 1, username: 'claire', displayName: 'Claire Dupont', role: 'admin' } } })}\n`);
    expect((await call(bridge, 'tab-claire-3', 'auth.me', {}, 'x'.repeat(32), stream)).status).toBe(401);
  });

  it('refuses a call without a session id or with a malformed body', async () => {
    const noSession = await request(bridge, {
      method: 'POST',
      path: '/api/call',
      headers: { Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'auth.me', args: {} }),
    });
    expect(noSession.status).toBe(400);
    const badJson = await request(bridge, {
      method: 'POST',
      path: '/api/call',
      headers: { Authorization: `Bearer ${bridge.token}`, 'X-Grenette-Session': 'tab-aaaaaaaa', 'Content-Type': 'application/json' },
      body: '{"method":',
    });
    expect(badJson.status).toBe(400);
  });

  it('serves the renderer with the CSP, nosniff and the right content types', async () => {
    const index = await request(bridge, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<h1>Accueil</h1>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(index.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const script = await request(bridge, { path: '/assets/app.js?v=1' });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('refuses path traversal and never lists a directory', async () => {
    for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2E%2E%5Csecret.txt']) {
      const reply = await request(bridge, { path: attempt });
      expect([403, 404]).toContain(reply.status);
      expect(reply.body).not.toContain('ne pas servir');
    }
    const folder = await request(bridge, { path: '/assets/' });
    expect(folder.status).toBe(404);
    expect(folder.body).not.toContain('app.js');
  });
});

describe('dev bridge CLI', () => {
  it('prints exactly one GRENETTE_DEV_URL line, serves the API, and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-devcli-'));
    // One process (tsx as a loader, not npx) so the signal reaches the bridge itself.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/devbridge/cli.ts', '--db', path.join(dir, 'office.sqlite'), '--port', '0', '--no-demo'],
      { env: { ...process.env, GRENETTE_DEV_TOKEN: 'jeton-de-test-0123456789' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => stdout, { timeout: 30_000 }).toContain('\n');
      const match = /^GRENETTE_DEV_URL=http:\/\/127\.0\.0\.1:(\d+)\/#token=jeton-de-test-0123456789\n$/.exec(stdout);
      expect(match, stdout).not.toBeNull();
      const port = Number(match?.[1]);
      const reply = await fetch(`http://127.0.0.1:${port}/api/call`, {
        method: 'POST',
        headers: {
          Authorization: 'Bearer jeton-de-test-0123456789',
          'X-Grenette-Session': 'tab-cli-test',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ method: 'auth.me', args: {} }),
      });
      expect(await reply.json()).toEqual({ ok: true, value: null });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
