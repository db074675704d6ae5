import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildPortal } from '../../src/portal/server.js';
import { clockStartingAt } from '../../src/shared/clock.js';
import { testPortalStorage, type TestPortalStorage } from '../helpers/portal-db.js';
import { officeApi } from './api.js';
import { E2E_NOW, expect, login, test, useOfficeBridge } from './bridge.js';

/**
 * The top bar follows a save that queues families for the portal at once, not at its next 30-second refresh: an
 * administrator who adds a closure sees that the families concerned wait to be published.
 */

const bridge = useOfficeBridge();
const SECRET = 'secret-de-recette-publication-0123456789abcdef';

let portal: FastifyInstance;
let portalDir = '';
/** The portal's database: the SQLite file in portalDir, or a PostgreSQL schema (GRENETTE_TEST_PORTAL_DB=pg). */
let database: TestPortalStorage | undefined;

test.beforeAll(async () => {
  portalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-e2e-'));
  database = await testPortalStorage(portalDir);
  portal = buildPortal({
    storage: database.storage,
    // The office runs on E2E_NOW: the portal too, or it refuses the office's signed calls as too old.
    clock: clockStartingAt(new Date(E2E_NOW)),
    config: { syncSecret: SECRET, cookieSecret: 'recette-cookie-secret-0123456789abcdef', production: false },
  });
  await portal.listen({ port: 0, host: '127.0.0.1' });
});

test.afterAll(async () => {
  await portal?.close();
  await database?.drop();
  if (portalDir) fs.rmSync(portalDir, { recursive: true, force: true });
});

test('a closure saved in Paramètres shows the families waiting for publication in the top bar at once', async ({ page, consoleProblems }) => {
  const admin = await officeApi(bridge, 'admin');
  const address = portal.server.address();
  if (address === null || typeof address === 'string') throw new Error('portal not listening');
  await admin('sync.configure', { portalUrl: `http://127.0.0.1:${address.port}`, secret: SECRET });
  // Publish the whole demo commune first, so that nothing waits.
  for (let run = 0; run < 5 && (await admin('sync.now', {})).pendingPublications > 0; run += 1);
  const synced = await admin('sync.status', {});
  expect(synced).toMatchObject({ lastError: null, pendingPublications: 0 });

  await login(page, bridge, 'admin');
  const indicator = page.getByRole('group', { name: 'Synchronisation avec le portail famille' });
  await expect(indicator).toContainText('aucune publication en attente');

  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Calendrier' }).click();
  await page.getByRole('button', { name: 'Ajouter une période' }).click();
  const form = page.getByRole('region', { name: 'Nouvelle période' });
  await form.getByLabel('Type').selectOption('Fermeture exceptionnelle');
  await form.getByLabel('Libellé').fill('Fermeture pour inventaire');
  await form.getByLabel('Du').fill('2026-12-14');
  await form.getByLabel('Au (inclus)').fill('2026-12-14');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Période enregistrée.')).toBeVisible();
  // Well before the 30-second refresh.
  await expect(indicator).toContainText(/\d+ publications? en attente d’envoi/, { timeout: 5_000 });
  expect(consoleProblems).toEqual([]);
});
