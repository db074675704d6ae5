import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { helmetHeaderSteps, helmetHeaders, portalHelmetOptions } from '../../src/portal/http/helmet-headers.js';

/**
 * Helmet's headers worked out once at start (http/helmet-headers.ts) are those @fastify/helmet sets on every request
 * with the same options: the same names, values and order on a page, a redirect, an error and a 404, over HTTP and
 * HTTPS (HSTS, upgrade-insecure-requests); and options whose headers would depend on the request are refused.
 */

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function server(withHelmet: (app: FastifyInstance) => void): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  withHelmet(app);
  app.get('/page', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send('<p>page</p>'));
  app.get('/redirect', async (_request, reply) => reply.redirect('/page', 303));
  app.get('/fails', async () => {
    throw new Error('boom');
  });
  return app;
}

/** The answer's headers in the order they are written, without the date. */
async function headersOf(app: FastifyInstance, url: string): Promise<Array<[string, unknown]>> {
  const res = await app.inject({ method: 'GET', url });
  return Object.entries(res.headers).filter(([name]) => name !== 'date');
}

describe('helmet’s headers computed once', () => {
  for (const https of [false, true]) {
    it(`are @fastify/helmet’s, in order, on every kind of answer (${https ? 'HTTPS' : 'HTTP'})`, async () => {
      const options = portalHelmetOptions(https);
      const plugin = server((app) => void app.register(fastifyHelmet, options as never));
      const once = server((app) => void app.register(helmetHeaders(options)));
      for (const url of ['/page', '/redirect', '/fails', '/missing']) {
        const expected = await headersOf(plugin, url);
        expect(expected.map(([name]) => name)).toEqual(expect.arrayContaining(['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy']));
        expect(await headersOf(once, url)).toEqual(expected);
      }
      const csp = (await headersOf(once, '/page')).find(([name]) => name === 'content-security-policy')![1];
      expect(String(csp).includes('upgrade-insecure-requests')).toBe(https);
      expect((await headersOf(once, '/page')).some(([name]) => name === 'strict-transport-security')).toBe(https);
    });
  }

  it('refuses options whose headers depend on the request', () => {
    expect(() =>
      helmetHeaderSteps({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", (req) => `'nonce-${String((req as { url?: string }).url)}'`] } } }),
    ).toThrow(/headers cannot be computed once/);
  });
});
