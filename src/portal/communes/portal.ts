import { createHmac } from 'node:crypto';
import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { systemClock } from '../../shared/clock.js';
import { isHttps, type PortalConfig } from '../config.js';
import { portalStorage, type PortalStorage } from '../db/open.js';
import { helmetHeaders, portalHelmetOptions } from '../http/helmet-headers.js';
import { registerStatic } from '../http/static.js';
import type { BuildPortalOptions } from '../server.js';
import { hostName, openCommuneRegistry, type Commune, type CommuneDatabase, type CommuneRegistry } from './registry.js';

/**
 * Several communes on one portal (GRENETTE_PORTAL_COMMUNE_ROUTING=host|path). The server returned by buildPortal is a
 * front: for each request it finds the commune (the Host's name, or the first path segment) in the registry and hands
 * the request to that commune's own portal, a complete Fastify instance built by buildPortal on the commune's database
 * alone (its schema or file), with the commune's sync secret, public address, cookie names and cookie secret. No page
 * or query is written for several communes: a handler only ever holds its commune's context, so it cannot reach
 * another commune's rows, sessions, throttles, nonces or outbox; the reusable queries are compiled per schema
 * (server/reusable-query.ts) and the advisory locks keyed per schema (db/locks.ts). Each commune's portal runs its own
 * jobs (mail, purge) in a single process; in a cluster the primary runs them for every commune (cluster.ts).
 *
 * A request for no known commune makes the front read the registry again (at most every REFRESH_MS, so a commune
 * added by `commune add` while the portal runs is found) and then answers « Portail introuvable », the same page
 * whatever was asked, saying nothing of which communes exist.
 */

const REFRESH_MS = 2_000;

export interface CommunesHandle {
  /** The commune's portal, built (and its database opened) on first use; null when the registry does not know it. */
  portalOf(key: string): Promise<FastifyInstance | null>;
  /** Reads the registry again now. */
  refresh(): Promise<void>;
  list(): Commune[];
}

declare module 'fastify' {
  interface FastifyInstance {
    communes: CommunesHandle;
  }
}

/** The commune's own settings: its secret, address, cookies and (path routing) prefix; one commune from here on. */
export function communeConfig(config: PortalConfig, commune: Commune): PortalConfig {
  const routing = config.communeRouting;
  return {
    ...config,
    communeRouting: null,
    publicUrl: commune.publicUrl ?? defaultPublicUrl(config, commune),
    syncSecret: commune.syncSecret,
    // A signed cookie (the pre-login CSRF token, the device proof bound to an account id) of one commune is worthless
    // at another, whose account ids may be the same numbers.
    cookieSecret: createHmac('sha256', config.cookieSecret).update(`grenette-commune:${commune.key}`).digest('hex'),
    cookieSuffix: `_${commune.key.replace(/-/g, '_')}`,
    pathPrefix: routing === 'path' ? `/${commune.key}` : '',
  };
}

/** Without --url: host routing, the portal's address on the commune's first host; path routing, the portal's address and the key. */
function defaultPublicUrl(config: PortalConfig, commune: Commune): string {
  if (config.communeRouting === 'path' || commune.hosts.length === 0) return `${config.publicUrl}/${commune.key}`;
  const url = new URL(config.publicUrl);
  url.hostname = commune.hosts[0]!;
  return url.toString().replace(/\/+$/, '');
}

/** The first path segment (`/ville-a/planning` → `ville-a`), or '' . */
function firstSegment(url: string): string {
  const end = url.slice(1).search(/[/?#]/);
  return end < 0 ? url.slice(1) : url.slice(1, end + 1);
}

const NOT_FOUND_PAGE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portail introuvable</title><link rel="stylesheet" href="/static/portal.css"></head>
<body><main id="contenu"><h1>Portail introuvable</h1><p>Aucun portail famille ne répond à cette adresse. Vérifiez l’adresse indiquée par votre mairie.</p></main></body></html>`;

export function buildCommunesPortal(
  options: BuildPortalOptions,
  config: PortalConfig,
  buildPortal: (options: BuildPortalOptions) => FastifyInstance,
): FastifyInstance {
  const clock = options.clock ?? systemClock;
  const storage: PortalStorage = options.storage ?? (options.dataDir ? { kind: 'sqlite', dataDir: options.dataDir } : portalStorage(config));
  const registry: CommuneRegistry = openCommuneRegistry(storage);
  const routing = config.communeRouting!;

  let communes: Commune[] = [];
  let byKey = new Map<string, Commune>();
  let byHost = new Map<string, Commune>();
  const portals = new Map<string, Promise<{ app: FastifyInstance; database: CommuneDatabase }>>();
  let lastRead = 0;
  let reading: Promise<void> | null = null;
  let closing = false;

  const read = (): Promise<void> =>
    (reading ??= registry
      .list()
      .then((list) => {
        communes = list;
        byKey = new Map(list.map((commune) => [commune.key, commune]));
        byHost = new Map(list.flatMap((commune) => commune.hosts.map((host) => [host, commune] as const)));
        lastRead = Date.now();
      })
      .finally(() => {
        reading = null;
      }));

  const open = (commune: Commune) => {
    let portal = portals.get(commune.key);
    if (!portal) {
      portal = (async () => {
        const database = await registry.openDatabase(commune, clock);
        const kick = options.kickCommuneMailElsewhere;
        const app = buildPortal({
          ...options,
          storage: undefined,
          dataDir: undefined,
          db: database.db,
          log: front.log.child({ commune: commune.key }),
          logger: undefined,
          config: communeConfig(config, commune),
          kickMailElsewhere: kick ? () => kick(commune.key) : options.kickMailElsewhere,
        });
        try {
          if (closing) throw new Error('portal closing');
          await app.ready();
        } catch (error) {
          // Its jobs (mail sender, purge) stop with it: a commune retried by later requests must not pile them up.
          await app.close().catch(() => undefined);
          await database.close();
          throw error;
        }
        return { app, database };
      })();
      portals.set(commune.key, portal);
      // A commune that failed to open (its database unreachable) is tried again by a later request.
      portal.catch(() => portals.delete(commune.key));
    }
    return portal;
  };

  /** The commune a request names, reading the registry again (throttled) when it names none known. */
  const find = async (request: http.IncomingMessage): Promise<Commune | null> => {
    const lookup = () => (routing === 'host' ? byHost.get(hostName(request.headers.host)) : byKey.get(firstSegment(request.url ?? '/')));
    const known = lookup();
    if (known) return known;
    if (routing === 'path' && firstSegment(request.url ?? '/') === 'static') return null;
    if (Date.now() - lastRead >= REFRESH_MS) await read();
    return lookup() ?? null;
  };

  const front = Fastify({
    ...(options.log ? { loggerInstance: options.log } : { logger: options.logger ?? false }),
    return503OnClosing: true,
    serverFactory: (handler) =>
      // Fastify's own server settings are not applied to a server of ours: its keep-alive (72 s, longer than the
      // usual reverse proxy's 60 s, so a proxy never sends on a socket the portal is closing) is given here.
      http.createServer({ keepAliveTimeout: 72_000 }, (request, response) => {
        if (closing) return handler(request, response);
        find(request)
          .then(async (commune) => {
            if (!commune) return handler(request, response);
            const { app } = await open(commune);
            app.routing(request, response);
          })
          .catch((error: unknown) => {
            front.log.error({ err: error, url: request.url }, 'commune portal failed');
            if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
            response.end('Erreur du portail');
          });
      }),
  });

  front.decorate('communes', {
    async portalOf(key: string) {
      if (!byKey.has(key)) await read();
      const commune = byKey.get(key);
      return commune ? (await open(commune)).app : null;
    },
    refresh: read,
    list: () => communes,
  } satisfies CommunesHandle);

  front.register(helmetHeaders(portalHelmetOptions(isHttps(config))));
  // Path routing: the pages of every commune ask for /static/… without a prefix.
  registerStatic(front);
  front.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_FOUND_PAGE),
  );

  // The registry is read, and every commune's portal built (its schema migrated), before the server answers. One
  // commune that cannot open (a file it may not write, a failed migration) is logged and tried again by its next
  // request: it must not keep every other commune's portal down.
  front.addHook('onReady', async () => {
    await read();
    const outcomes = await Promise.allSettled(communes.map((commune) => open(commune)));
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'rejected') front.log.error({ err: outcome.reason, commune: communes[index]!.key }, 'commune portal failed to open');
    });
  });
  front.addHook('onClose', async () => {
    closing = true;
    const opened = await Promise.allSettled([...portals.values()]);
    await Promise.allSettled(
      opened.map(async (outcome) => {
        if (outcome.status !== 'fulfilled') return;
        try {
          await outcome.value.app.close();
        } finally {
          await outcome.value.database.close();
        }
      }),
    );
    await registry.close();
  });
  return front;
}
