import { isIP } from 'node:net';

/** The portal's settings, from environment variables (README: "Portail famille"). */
export interface PortalConfig {
  port: number;
  host: string;
  dataDir: string;
  /** GRENETTE_PORTAL_DATABASE_URL: a PostgreSQL database (postgres://…) instead of the SQLite file in dataDir. */
  databaseUrl: string | null;
  /** Connections to PostgreSQL at most, per portal process (GRENETTE_PORTAL_DATABASE_POOL). */
  databasePool: number;
  /** Public URL families reach (links in mails; https turns on Secure cookies, the __Host- prefix and HSTS). */
  publicUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  syncSecret: string | null;
  /**
   * Secret for signing the pre-session CSRF cookie and the device cookie; random at start when unset (forms then expire
   * at restart), one for all the workers of a cluster (cluster.ts hands the primary's to each).
   */
  cookieSecret: string;
  production: boolean;
  /**
   * Which peers may set X-Forwarded-For (the client address of login throttling): false (none, the default), the
   * addresses or CIDR ranges of the reverse proxies, or a number of proxy hops in front of the portal.
   */
  trustProxy: TrustProxy;
  /** Portal processes serving the port (node:cluster, cluster.ts); 1: a single process, no cluster. */
  workers: number;
  /**
   * GRENETTE_PORTAL_COMMUNE_ROUTING: null, one commune (the portal as it always was); 'host' or 'path', the communes of
   * the registry (communes/registry.ts), chosen by the request's host name or by the first segment of its path.
   */
  communeRouting: CommuneRouting | null;
  /**
   * Set per commune by communes/portal.ts, empty for one portal. `cookieSuffix` ends the names of the portal's cookies
   * (one browser logged in at two communes under one host keeps both sessions); `pathPrefix` is `/<key>` with path
   * routing, written before every link, form action and redirect of the commune's pages.
   */
  cookieSuffix: string;
  pathPrefix: string;
}

export type CommuneRouting = 'host' | 'path';

/** GRENETTE_PORTAL_COMMUNE_ROUTING: unset or empty → one commune; `host` or `path` → the registry's communes. */
export function parseCommuneRouting(value: string | undefined): CommuneRouting | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  if (text === 'host' || text === 'path') return text;
  throw new Error(
    `GRENETTE_PORTAL_COMMUNE_ROUTING invalide : « ${text} » (host : la commune choisie par le nom d’hôte ; path : par le début du chemin, /<clé>/… ; vide : une seule commune)`,
  );
}

/** A cookie's name for this portal: `__Host-` with https (Secure, Path=/, no Domain), the commune's suffix with several. */
export function portalCookieName(config: Pick<PortalConfig, 'publicUrl' | 'cookieSuffix'>, base: string): string {
  return `${isHttps(config) ? '__Host-' : ''}grenette_${base}${config.cookieSuffix}`;
}

export type TrustProxy = false | number | string[];

/**
 * GRENETTE_PORTAL_TRUST_PROXY: unset or empty → no proxy is trusted; a whole number n → the n proxies in front
 * (the address n hops from the portal is the client's, so only valid when nothing else can reach the portal);
 * otherwise a comma list of IP addresses or CIDR ranges of the proxies (127.0.0.1, 10.0.0.0/8, ::1, or
 * proxy-addr's names loopback, linklocal, uniquelocal). `true` and
 * names are refused: trusting every peer lets any client choose its address and escape the login throttle.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops === 0) return false;
    if (hops > 10) throw new Error(`GRENETTE_PORTAL_TRUST_PROXY invalide : ${text} (un nombre de proxys de 0 à 10, ou une liste d’adresses)`);
    return hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!isAddressOrRange(entry)) {
      throw new Error(`GRENETTE_PORTAL_TRUST_PROXY invalide : « ${entry} » n’est ni une adresse IP ni une plage CIDR (ex. 127.0.0.1, 10.0.0.0/8)`);
    }
  }
  return entries;
}

/** proxy-addr's names for the loopback, link-local and private ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * A whole number from 1 to `max` read from the environment variable `name`, `fallback` when unset or empty; anything
 * else stops the start with a French message saying what is expected (`what`, e.g. « un nombre de processus »).
 */
function wholeNumberSetting(name: string, value: string | undefined, fallback: number, max: number, what: string): number {
  const text = (value ?? '').trim();
  if (text === '') return fallback;
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= 1 && number <= max)) throw new Error(`${name} invalide : « ${text} » (${what.replace('{max}', String(max))})`);
  return number;
}

/** More processes than this would only fight over the SQLite file's write lock: a server has rarely more cores to give. */
export const MAX_WORKERS = 32;

/**
 * GRENETTE_PORTAL_WORKERS: unset or empty → 1 (one process, no cluster); otherwise a whole number of processes from 1 to
 * MAX_WORKERS sharing the port and the SQLite file (about one per core the portal may use).
 */
export function parseWorkers(value: string | undefined): number {
  return wholeNumberSetting('GRENETTE_PORTAL_WORKERS', value, 1, MAX_WORKERS, 'un nombre de processus de 1 à {max}, par exemple le nombre de cœurs');
}

/** More connections than this per process would exhaust PostgreSQL's default max_connections (100) with a few workers. */
export const MAX_DATABASE_POOL = 50;

/**
 * GRENETTE_PORTAL_DATABASE_POOL: connections to PostgreSQL per portal process, 10 when unset. Each worker of a cluster
 * and its primary have their own pool: (workers + 1) × pool must stay under the server's max_connections.
 */
export function parseDatabasePool(value: string | undefined): number {
  return wholeNumberSetting('GRENETTE_PORTAL_DATABASE_POOL', value, 10, MAX_DATABASE_POOL, 'un nombre de connexions de 1 à {max} par processus du portail');
}

/** Unset or empty: the SQLite file. Otherwise a postgres:// (or postgresql://) URL, anything else refused at start. */
function databaseUrl(value: string | undefined): string | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  if (!/^postgres(ql)?:\/\//.test(text)) {
    throw new Error('GRENETTE_PORTAL_DATABASE_URL invalide : une adresse postgres://utilisateur:mot-de-passe@hôte:port/base est attendue');
  }
  return text;
}

export function isHttps(config: Pick<PortalConfig, 'publicUrl'>): boolean {
  return config.publicUrl.startsWith('https://');
}

export function readPortalConfig(env: NodeJS.ProcessEnv = process.env, randomSecret: () => string): PortalConfig {
  const port = Number(env.GRENETTE_PORTAL_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`GRENETTE_PORTAL_PORT invalide : ${env.GRENETTE_PORTAL_PORT}`);
  const host = env.GRENETTE_PORTAL_HOST ?? '127.0.0.1';
  return {
    port,
    host,
    dataDir: env.GRENETTE_PORTAL_DATA ?? './.data/portal',
    databaseUrl: databaseUrl(env.GRENETTE_PORTAL_DATABASE_URL),
    databasePool: parseDatabasePool(env.GRENETTE_PORTAL_DATABASE_POOL),
    publicUrl: (env.GRENETTE_PORTAL_URL ?? `http://${host}:${port}`).replace(/\/+$/, ''),
    smtpUrl: env.GRENETTE_SMTP_URL ?? null,
    mailFrom: env.GRENETTE_MAIL_FROM ?? 'Portail famille <no-reply@localhost>',
    syncSecret: env.GRENETTE_SYNC_SECRET ?? null,
    cookieSecret: env.GRENETTE_PORTAL_COOKIE_SECRET ?? randomSecret(),
    production: env.NODE_ENV === 'production',
    trustProxy: parseTrustProxy(env.GRENETTE_PORTAL_TRUST_PROXY),
    workers: parseWorkers(env.GRENETTE_PORTAL_WORKERS),
    communeRouting: parseCommuneRouting(env.GRENETTE_PORTAL_COMMUNE_ROUTING),
    cookieSuffix: '',
    pathPrefix: '',
  };
}
