import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPortal } from '../../src/portal/server.js';
import { freshPgSchema } from '../helpers/portal-db.js';
import { makeTestClock } from '../helpers/portal.js';

/**
 * A portal whose PostgreSQL server stops answering while it runs (down, a firewall dropping packets, every connection
 * taken): a request waits for a connection at most 10 s (db/postgres.ts), then the family gets the French error page,
 * the log gets the cause, the portal still answers what needs no database, and it serves again once PostgreSQL is back.
 * The portal reaches PostgreSQL through a relay the test can turn silent: it then accepts connections and says nothing,
 * and the connections it carried are cut.
 */

let silent = false;
const sockets: net.Socket[] = [];
const relay = net.createServer((socket) => {
  sockets.push(socket);
  if (silent) return;
  const server = net.connect(5432, '127.0.0.1');
  sockets.push(server);
  socket.pipe(server).pipe(socket);
  const cut = () => (socket.destroy(), server.destroy());
  socket.on('error', cut).on('close', cut);
  server.on('error', cut).on('close', cut);
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => relay.close(resolve));
});

describe('the portal when PostgreSQL stops answering', () => {
  it('answers the French error page after the connection time-out, logs the cause, serves static files meanwhile, and recovers', async () => {
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as net.AddressInfo).port;
    const schema = await freshPgSchema();
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString('utf8')), done()) }));
    const url = new URL(schema.url);
    url.port = String(port);
    const app = buildPortal({
      storage: { kind: 'postgres', url: url.toString() },
      clock: makeTestClock('2026-11-30T09:00:00.000Z'),
      mailer: null,
      log,
      config: { syncSecret: 'un-secret-de-synchronisation-assez-long-0123', cookieSecret: 'cookie-secret-0123456789abcdef0123456789', production: true },
    });
    try {
      await app.ready();
      expect((await app.inject({ method: 'GET', url: '/connexion' })).statusCode).toBe(200);

      silent = true;
      for (const socket of sockets) socket.destroy();
      const css = await app.inject({ method: 'GET', url: '/static/portal.css' });
      expect(css.statusCode).toBe(200);

      const started = Date.now();
      const page = await app.inject({ method: 'GET', url: '/connexion' });
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(9_000);
      expect(waited).toBeLessThan(30_000);
      expect(page.statusCode).toBe(500);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('Une erreur est survenue');
      expect(page.body).not.toMatch(/timeout|Error|at .*\.ts/);
      expect(lines.join('')).toMatch(/timeout/i);

      silent = false;
      expect((await app.inject({ method: 'GET', url: '/connexion' })).statusCode).toBe(200);
    } finally {
      await app.close().catch(() => undefined);
      await schema.drop();
    }
  }, 60_000);
});
