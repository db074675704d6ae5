import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from '@playwright/test';
import { DEFAULT_SETTINGS } from '../../src/portal/content.js';
import { openCommuneRegistry, type Commune } from '../../src/portal/communes/registry.js';
import type { PortalStorage } from '../../src/portal/db/open.js';
import { buildPortal } from '../../src/portal/server.js';
import { freshPgSchema, TEST_PG_URL, TEST_PORTAL_DB } from '../helpers/portal-db.js';
import pg from 'pg';
import { SYNC_PATHS, SYNC_PROTOCOL } from '../../src/shared/sync/contract.js';
import { ACTIVATION_CODE, makePublication } from '../helpers/portal.js';
import { signedFetch } from '../helpers/sync.js';
import { E2E_NOW, test } from './bridge.js';

/**
 * Two communes on one portal with path routing, in one browser: the same parent (same e-mail, same family id in
 * both) activates an account at each, stays logged in at both (cookies named per commune), and every page reached by
 * clicking stays under its commune's prefix and shows its commune's child. (The cross-commune probes of every route
 * are in tests/integration/portal-communes.test.ts.) SQLite files, or a PostgreSQL schema per commune with
 * GRENETTE_TEST_PORTAL_DB=pg.
 */

const EMAIL = 'parent@example.test';
const CHILD = { 'ville-a': 'Albertine', 'ville-b': 'Bastienne' } as const;
type Key = keyof typeof CHILD;

let portal: FastifyInstance | undefined;
let url = '';
let dir = '';
let dropPg: (() => Promise<void>) | null = null;
const communes = {} as Record<Key, Commune>;

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-communes-e2e-'));
  const clock = () => new Date(E2E_NOW);
  let storage: PortalStorage = { kind: 'sqlite', dataDir: dir };
  if (TEST_PORTAL_DB === 'pg') {
    const fresh = await freshPgSchema();
    storage = { kind: 'postgres', url: fresh.url };
    dropPg = async () => {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      for (const commune of Object.values(communes)) if (commune.schema) await client.query(`DROP SCHEMA IF EXISTS "${commune.schema}" CASCADE`);
      await client.end();
      await fresh.drop();
    };
  }
  const registry = openCommuneRegistry(storage);
  for (const key of Object.keys(CHILD) as Key[]) communes[key] = await registry.add({ key, name: key }, clock);
  await registry.close();
  portal = buildPortal({
    storage,
    clock,
    mailer: null,
    config: { communeRouting: 'path', publicUrl: 'http://127.0.0.1', cookieSecret: 'recette-cookie-secret-0123456789abcdef', production: false },
  });
  url = await portal.listen({ port: 0, host: '127.0.0.1' });
  for (const key of Object.keys(CHILD) as Key[]) {
    const base = makePublication(7);
    const family = {
      ...base,
      logins: [{ ...base.logins[0]!, email: EMAIL }],
      children: base.children.map((child) => ({ ...child, prenom: CHILD[key] })),
    };
    const settings = { ...DEFAULT_SETTINGS, commune: { ...DEFAULT_SETTINGS.commune, name: `Commune ${key}` } };
    const body = JSON.stringify({ protocol: SYNC_PROTOCOL, settings, families: [family] });
    // The office signs the portal's path without its address's prefix (src/office/sync/client.ts).
    const response = await signedFetch(`${url}/${key}`, SYNC_PATHS.publish, { body, secret: communes[key].syncSecret, now: clock(), protocol: SYNC_PROTOCOL });
    expect(response.status).toBe(200);
  }
});

test.afterAll(async () => {
  await portal?.close();
  await dropPg?.();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('one parent, two communes under one address: logged in at both, each page in its own commune', async ({ page, consoleProblems }) => {
  // Chromium asks every site for /favicon.ico, which the portal does not serve (as portal-acceptance.spec.ts); any
  // other missing resource counts: its 404 reaches the console only, with its address.
  const missing: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && new URL(message.location().url || 'http://x/').pathname !== '/favicon.ico') missing.push(message.location().url);
  });
  for (const key of Object.keys(CHILD) as Key[]) {
    await page.goto(`${url}/${key}/activation`);
    await page.fill('input[name="email"]', EMAIL);
    await page.fill('input[name="code"]', ACTIVATION_CODE);
    await page.fill('input[name="password"]', `mot de passe ${key} 2026`);
    await page.fill('input[name="password2"]', `mot de passe ${key} 2026`);
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    await expect(page).toHaveURL(`${url}/${key}/`);
    await expect(page.locator('body')).toContainText(`Commune ${key}`);
  }
  // Both sessions held by the one browser: back to A, still logged in, its own child only.
  for (const key of Object.keys(CHILD) as Key[]) {
    await page.goto(`${url}/${key}/`);
    await page.getByRole('link', { name: 'Mes enfants' }).first().click();
    await expect(page).toHaveURL(`${url}/${key}/mes-enfants`);
    await expect(page.locator('main')).toContainText(CHILD[key]);
    const other = key === 'ville-a' ? CHILD['ville-b'] : CHILD['ville-a'];
    await expect(page.locator('body')).not.toContainText(other);
    // The style sheet is the shared one.
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
  }
  const names = (await page.context().cookies()).map((cookie) => cookie.name);
  expect(names).toEqual(expect.arrayContaining(['grenette_session_ville_a', 'grenette_session_ville_b']));
  expect(missing).toEqual([]);
  expect(consoleProblems.filter((problem) => !problem.includes('status of 404'))).toEqual([]);
});
