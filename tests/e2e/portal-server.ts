import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { clockStartingAt } from '../../src/shared/clock.js';
import { buildPortal } from '../../src/portal/server.js';
import { testPortalStorage, type TestPortalStorage } from '../helpers/portal-db.js';
import { E2E_NOW, test } from './bridge.js';

/**
 * A real portail famille for the specs of a file, started before them on its own data folder and the office's clock
 * (E2E_NOW: a portal on another clock refuses the office's signed calls as too old), stopped after them. Mails stay
 * in its outbox. `url` is known once the specs start.
 */
export function usePortalServer(secret: string): { readonly url: string } {
  let portal: FastifyInstance | undefined;
  let dir = '';
  let url = '';
  let database: TestPortalStorage | undefined;
  test.beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-e2e-'));
    database = await testPortalStorage(dir);
    portal = buildPortal({
      storage: database.storage,
      clock: clockStartingAt(new Date(E2E_NOW)),
      mailer: null,
      config: { syncSecret: secret, cookieSecret: 'recette-cookie-secret-0123456789abcdef', production: false },
    });
    url = await portal.listen({ port: 0, host: '127.0.0.1' });
    portal.portal.config.publicUrl = url;
  });
  test.afterAll(async () => {
    await portal?.close();
    await database?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get url() {
      return url;
    },
  };
}
