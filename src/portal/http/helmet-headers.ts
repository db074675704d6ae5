import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import type helmetType from 'helmet';
import type { HelmetOptions } from 'helmet';

/**
 * Helmet's headers (CSP, nosniff, Referrer-Policy, X-Frame-Options and the rest), worked out once at start instead of
 * on every request. @fastify/helmet builds a new helmet middleware per request (it parses the CSP directives and
 * checks every option again each time: about 3 % of a page's CPU time, in two hooks), while with options that name no
 * function of the request the headers are the same for every answer. Helmet itself still decides them, from the same
 * options, through its middleware run once against a recorder: what it sets and removes is replayed on each raw
 * response in the same order, as the plugin did (same names, values and order: the bytes of the answer do not change).
 *
 * The helmet loaded is the one @fastify/helmet depends on (resolved from it), so the headers are those of the plugin
 * this replaces, at its version.
 */
const helmet = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'))('helmet') as typeof helmetType;

/** The portal's helmet options: everything from the portal itself, HSTS and upgrade-insecure-requests behind HTTPS. */
export function portalHelmetOptions(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    // frame-ancestors 'none' says it to current browsers; DENY to those that only read X-Frame-Options.
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  };
}


type HeaderStep = { set: string; value: string | number | readonly string[] } | { remove: string };

/** What helmet's middleware does to a response with these options; refuses options whose headers depend on the request. */
export function helmetHeaderSteps(options: HelmetOptions): HeaderStep[] {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      steps.push({ set: name, value });
      return recorder;
    },
    removeHeader(name: string) {
      steps.push({ remove: name });
    },
  };
  let finished = false;
  // A request helmet could read would make the headers per request: it gets nothing to read, and a directive that
  // tried would throw here, at start.
  const request = new Proxy({}, { get: () => { throw new Error('helmet options read the request: headers cannot be computed once'); } });
  helmet(options)(request as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously: headers cannot be computed once');
  return steps;
}

/**
 * Registered where @fastify/helmet was (a plugin without encapsulation, its hook at the same place among the
 * onRequest hooks): every answer, a page, a file, an error or a redirect, gets the headers before anything can fail.
 */
export function helmetHeaders(options: HelmetOptions): FastifyPluginCallback {
  const steps = helmetHeaderSteps(options);
  const plugin: FastifyPluginCallback = (app: FastifyInstance, _opts, ready) => {
    app.addHook('onRequest', (_request, reply, next) => {
      const raw = reply.raw;
      for (const step of steps) {
        if ('set' in step) raw.setHeader(step.set, step.value);
        else raw.removeHeader(step.remove);
      }
      next();
    });
    ready();
  };
  // As fastify-plugin does: the hook applies to every route of the instance registering it, not to a child scope.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
