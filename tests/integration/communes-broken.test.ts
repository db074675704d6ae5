import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCommuneRegistry } from '../../src/portal/communes/registry.js';
import { buildPortal } from '../../src/portal/server.js';
import { makeTestClock } from '../helpers/portal.js';

/**
 * One commune whose database cannot open (here its SQLite file is a folder, as a file left unwritable by a command run
 * as another user would be) costs that commune alone: `commune add` takes its row back so the command can be run
 * again, and a portal starting with it still serves every other commune.
 */

const clock = makeTestClock('2026-11-30T09:00:00.000Z');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-communes-broken-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const communeFile = (key: string) => path.join(dataDir, 'communes', key, 'portal.sqlite');

describe('a commune whose database cannot open', () => {
  it('is not registered by a failed add, which can be run again once the cause is gone', async () => {
    const registry = openCommuneRegistry({ kind: 'sqlite', dataDir });
    try {
      fs.mkdirSync(communeFile('ville-c'), { recursive: true });
      await expect(registry.add({ key: 'ville-c', name: 'Ville C', hosts: ['famille.ville-c.test'] }, clock)).rejects.toThrow();
      expect((await registry.list()).map((commune) => commune.key)).toEqual([]);
      fs.rmSync(communeFile('ville-c'), { recursive: true });
      const added = await registry.add({ key: 'ville-c', name: 'Ville C', hosts: ['famille.ville-c.test'] }, clock);
      expect(added.hosts).toEqual(['famille.ville-c.test']);
    } finally {
      await registry.close();
    }
  });

  it('leaves the other communes served when the portal starts, and answers its own families with the error page', async () => {
    const registry = openCommuneRegistry({ kind: 'sqlite', dataDir });
    await registry.add({ key: 'ville-d', name: 'Ville D', hosts: ['famille.ville-d.test'] }, clock);
    await registry.close();
    // Ville C's file becomes unusable after it was registered.
    fs.rmSync(communeFile('ville-c'), { force: true });
    fs.mkdirSync(communeFile('ville-c'), { recursive: true });
    const app = buildPortal({
      storage: { kind: 'sqlite', dataDir },
      clock,
      mailer: null,
      config: { communeRouting: 'host', publicUrl: 'http://portail.test', cookieSecret: 'test-cookie-secret-0123456789abcdef', syncSecret: null, production: false },
    });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as { port: number }).port;
      // fetch does not let a caller choose the Host header: node:http does.
      const get = (host: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, path: '/connexion', headers: { host } }, (response) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            })
            .on('error', reject);
        });
      const served = await get('famille.ville-d.test');
      expect(served.status).toBe(200);
      expect(served.body).toContain('Connexion');
      const broken = await get('famille.ville-c.test');
      expect(broken.status).toBe(500);
      expect(broken.body).not.toMatch(/Error|at .*\.ts/);
    } finally {
      await app.close();
    }
  });
});
