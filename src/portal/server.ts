import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { systemClock, type Clock } from '../shared/clock.js';
import { isHttps, readPortalConfig, type PortalConfig } from './config.js';
import { loadSession, LoginRequired } from './auth/sessions.js';
import { openPortalDatabase, portalStorage, type PortalDb, type PortalStorage } from './db/open.js';
import { HttpError, type PortalContext, type PortalModule } from './http/context.js';
import { verifyCsrf } from './http/csrf.js';
import { registerSecurityHeaders } from './http/headers.js';
import { helmetHeaders, portalHelmetOptions } from './http/helmet-headers.js';
import { claimSubmission, settleSubmission } from './http/submission.js';
import { html } from './http/html.js';
import { FORM_BODY_LIMIT, UPLOAD_FILE_LIMIT, tooLargeMessage } from './http/limits.js';
import { prefixLinks, prefixLocation, withoutPrefix } from './http/prefix.js';
import { sendPage } from './http/render.js';
import { buildCommunesPortal } from './communes/portal.js';
import { registerStatic } from './http/static.js';
import { startPortalJobs } from './jobs.js';
import type { Mailer } from './mail/outbox.js';
import { PAGE_MODULES } from './pages/index.js';
import { registerSyncRoutes } from './sync/routes.js';


export interface BuildPortalOptions {
  /** Folder of portal.sqlite (opened, migrated and closed with the server); or give `storage` or `db`. */
  dataDir?: string;
  /** The database to open, migrate and close with the server; default: the configuration's (portalStorage). */
  storage?: PortalStorage;
  db?: PortalDb;
  clock?: Clock;
  /** Null: mail stays in the outbox (the CLI passes an SMTP mailer when GRENETTE_SMTP_URL is set). */
  mailer?: Mailer | null;
  config?: Partial<PortalConfig>;
  /** A pino-compatible logger; or `logger: true` for Fastify's own; neither: the server logs nothing. */
  log?: FastifyBaseLogger;
  logger?: boolean;
  /** Extra route modules (the sync endpoints, pages under development). */
  modules?: PortalModule[];
  /** The files a page of the sync pull carries at most (default PULL_PAGE_MAX_FILE_BYTES). */
  pullMaxFileBytes?: number;
  /** Milliseconds between outbox passes (mail is also sent right after it is queued). */
  mailIntervalMs?: number;
  /**
   * Set in a cluster's worker (cluster.ts): the mail sender and the purge run in the primary, not here, and this wakes
   * the sender there when a mail is queued. Unset: this process runs them (jobs.ts).
   */
  kickMailElsewhere?: () => void;
  /** Several communes (GRENETTE_PORTAL_COMMUNE_ROUTING) in a cluster's worker: wakes the primary's sender of that commune. */
  kickCommuneMailElsewhere?: (commune: string) => void;
}

export interface PortalHandle {
  db: PortalDb;
  ctx: PortalContext;
  config: PortalConfig;
  /** Every registered route, for tests that must cover each one (CSRF on every POST). */
  routes: Array<{ method: string; url: string }>;
  /** Delivers the outbox now and waits for it (tests). */
  flushMail(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    portal: PortalHandle;
  }
  interface FastifyContextConfig {
    upload?: boolean;
  }
}

const MESSAGES: Record<number, { title: string; text: string }> = {
  400: { title: 'Demande incorrecte', text: 'La demande envoyée est mal formée. Revenez à la page précédente et recommencez.' },
  403: { title: 'Accès refusé', text: 'Vous n’avez pas accès à cette page.' },
  404: { title: 'Page introuvable', text: 'La page demandée n’existe pas ou n’est plus disponible.' },
  405: { title: 'Action impossible', text: 'Cette action n’est pas possible sur cette page.' },
  410: { title: 'Lien expiré', text: 'Ce lien n’est plus valable.' },
  413: { title: 'Envoi trop volumineux', text: 'Le contenu envoyé est trop volumineux.' },
  415: { title: 'Format non accepté', text: 'Le format du contenu envoyé n’est pas accepté.' },
  429: { title: 'Trop de demandes', text: 'Trop de demandes en peu de temps. Patientez quelques minutes puis recommencez.' },
  500: { title: 'Erreur du portail', text: 'Une erreur est survenue. Réessayez dans quelques instants ; si elle persiste, contactez le service.' },
};

/**
 * Only the configured proxies may name the client (README « Portail famille »), never every peer. Fastify ignores a
 * bare number (it cannot check the peer), so a hop count is given as the function it stands for: the n addresses
 * nearest the portal are proxies, the next one is the client's.
 */
function fastifyTrustProxy(trust: PortalConfig['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}

function errorMain(status: number, message?: string) {
  const known = MESSAGES[status] ?? MESSAGES[status >= 500 ? 500 : 400]!;
  return {
    title: known.title,
    main: html`<h1>${known.title}</h1><p>${message ?? known.text}</p><p><a href="/">Retour à l’accueil</a></p>`,
  };
}

/**
 * The portal: one commune's (its database from the configuration, or given), or, with GRENETTE_PORTAL_COMMUNE_ROUTING,
 * a front server choosing among the registry's communes (communes/portal.ts), each served by a portal of its own built
 * here on its own database.
 */
export function buildPortal(options: BuildPortalOptions = {}): FastifyInstance {
  const config: PortalConfig = { ...readPortalConfig(process.env, () => randomBytes(32).toString('hex')), ...options.config };
  if (config.communeRouting) return buildCommunesPortal(options, config, buildPortal);
  const clock = options.clock ?? systemClock;
  const storage: PortalStorage = options.storage ?? (options.dataDir ? { kind: 'sqlite', dataDir: options.dataDir } : portalStorage(config));
  const opened = options.db ? null : openPortalDatabase(storage, clock);
  const db = options.db ?? opened!.db;

  const app = Fastify({
    bodyLimit: FORM_BODY_LIMIT,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    ...(options.log ? { loggerInstance: options.log } : { logger: options.logger ?? false }),
    return503OnClosing: true,
    // Path routing: the commune's prefix is taken off here and written back into its answers (below).
    ...(config.pathPrefix ? { rewriteUrl: (request: { url?: string }) => withoutPrefix(request.url ?? '/', config.pathPrefix) } : {}),
  });

  const jobs = options.kickMailElsewhere ? null : startPortalJobs(db, clock, options.mailer ?? null, app.log, options.mailIntervalMs);
  const ctx: PortalContext = { db, clock, config, log: app.log, kickMail: options.kickMailElsewhere ?? (() => jobs?.kickMail()) };
  const routes: PortalHandle['routes'] = [];
  app.decorate('portal', {
    db,
    ctx,
    config,
    routes,
    async flushMail() {
      await jobs?.flushMail();
    },
  });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  const https = isHttps(config);
  app.register(helmetHeaders(portalHelmetOptions(https)));
  app.register(cookie, { secret: config.cookieSecret });
  app.register(formbody);
  app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    // The form's own fields, its CSRF token and its submission key. Busboy cuts a longer field without a word: a
    // comment of 2,000 characters (up to 3 bytes each, re-sent by the absence's confirmation page) must fit whole.
    limits: { fileSize: UPLOAD_FILE_LIMIT, files: 1, fields: 11, parts: 13, fieldSize: 16 * 1024 },
  });

  app.decorateRequest('familySession', null);
  registerSecurityHeaders(app);
  app.decorateRequest('submissionClaim', null);

  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'] ?? '';
    if (type.startsWith('multipart/') && request.routeOptions.config?.upload !== true) {
      throw new HttpError(415, MESSAGES[415]!.text);
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.url.startsWith('/static/') || request.url.startsWith('/sync/')) return;
    request.familySession = await loadSession(ctx, request);
    if (request.method === 'POST') {
      verifyCsrf(request, config);
      // A repeat of a form already posted gets the first answer, and is not handled twice.
      if (await claimSubmission(ctx, request, reply)) return reply;
    }
  });

  app.addHook('onSend', async (request, reply) => {
    await settleSubmission(ctx, request, reply);
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (!request.url.startsWith('/static/')) request.familySession = await loadSession(ctx, request).catch(() => null);
    return renderError(request, reply, 404);
  });

  async function renderError(request: FastifyRequest, reply: FastifyReply, status: number, message?: string) {
    const page = errorMain(status, message);
    try {
      return await sendPage(ctx, request, reply, { ...page, status });
    } catch (error) {
      request.log.error({ err: error }, 'error page failed');
      return reply.code(status).type('text/html; charset=utf-8').send(
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${page.title}</title></head><body><main>${page.main}</main></body></html>`,
      );
    }
  }

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof LoginRequired) {
      const next = error.next === '/' ? '' : `?suite=${encodeURIComponent(error.next)}`;
      return reply.redirect(`/connexion${next}`, 303);
    }
    if (error instanceof HttpError) return renderError(request, reply, error.statusCode, error.message);
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error(
        { err: error, method: request.method, url: request.url, familyId: request.familySession?.familyId ?? null, reqId: request.id },
        'request failed',
      );
    } else {
      request.log.info({ code: error.code, status, url: request.url }, 'request refused');
    }
    return renderError(request, reply, status, status === 413 ? tooLargeMessage(request.routeOptions.url ?? request.url.split('?')[0]!) : undefined);
  });

  registerStatic(app);
  registerSyncRoutes(app, { db, clock, secret: config.syncSecret, log: app.log, pullMaxFileBytes: options.pullMaxFileBytes, onPublished: () => ctx.kickMail() });
  for (const register of [...PAGE_MODULES, ...(options.modules ?? [])]) register(app, ctx);

  if (config.pathPrefix) {
    // Registered last, so that the submission keys (settleSubmission, above) keep the redirect as the handler gave it.
    const prefix = config.pathPrefix;
    app.addHook('onSend', async (_request, reply, payload) => {
      const location = reply.getHeader('location');
      if (typeof location === 'string') reply.header('location', prefixLocation(location, prefix));
      const type = reply.getHeader('content-type');
      if (typeof type !== 'string' || !type.startsWith('text/html')) return payload;
      // Pages leave sendPage as bytes (http/render.ts); error pages and a few others as strings.
      if (Buffer.isBuffer(payload)) return Buffer.from(prefixLinks(payload.toString('utf8'), prefix), 'utf8');
      return typeof payload === 'string' ? prefixLinks(payload, prefix) : payload;
    });
  }

  // The schema is migrated before the server answers, and a database it cannot use stops the start.
  if (opened) app.addHook('onReady', () => opened.ready());

  app.addHook('onClose', async () => {
    await jobs?.stop();
    await opened?.close();
  });
  return app;
}
