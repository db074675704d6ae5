import pg from 'pg';

/**
 * The portal's PostgreSQL connections: a pool whose type parsers give the code the values SQLite gives it, so one set
 * of queries and the code reading them serve both (migrations/portal-pg/0001_initial.sql says the column types):
 * - int8 (ids, publication versions, sequences, COUNT) as a number; a value past 2^53 is refused, never rounded.
 * - timestamptz as the ISO string with milliseconds the code wrote (`toISOString`).
 * - boolean as 1 or 0, the flags SQLite stores.
 * - json / jsonb as their text, which the code parses as it parses SQLite's TEXT.
 * Parsers are given to this pool only: pg's global parsers stay as they are for anyone else in the process.
 */

const OIDS = { int8: 20, bool: 16, json: 114, jsonb: 3802, timestamptz: 1184 } as const;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`PostgreSQL int8 ${text} is past 2^53: not read as a number`);
  return value;
}

const parseTimestamptz = pg.types.getTypeParser(OIDS.timestamptz, 'text') as (text: string) => Date;

function portalTypeParser(oid: number, format?: string): (text: string) => unknown {
  if (format === 'binary') return pg.types.getTypeParser(oid, 'binary') as (text: string) => unknown;
  switch (oid) {
    case OIDS.int8:
      return parseInt8;
    case OIDS.bool:
      return (text) => (text === 't' ? 1 : 0);
    case OIDS.json:
    case OIDS.jsonb:
      return (text) => text;
    case OIDS.timestamptz:
      return (text) => parseTimestamptz(text).toISOString();
    default:
      return pg.types.getTypeParser(oid, 'text') as (text: string) => unknown;
  }
}

export interface PortalPoolOptions {
  /** Connections at most (pg's default: 10). */
  max?: number;
  /** Connections the server dropped (a restart, a failover), idle or lent, are reported here; the pool opens new ones. */
  onIdleError?: (error: Error) => void;
}

const CONNECTION_TIMEOUT_MS = 10_000;
/** Query parameters of a libpq URL that hold a secret. */
const SECRET_PARAMETERS = ['password', 'sslpassword', 'sslkey'];

/** A pool on `url` (postgres://user:password@host:port/database) with the portal's type parsers. */
export function portalPool(url: string, options: PortalPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    // A request waits this long for a free connection, then fails (logged, a French error page) instead of hanging.
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    types: { getTypeParser: portalTypeParser as typeof pg.types.getTypeParser },
  });
  const lost = options.onIdleError ?? ((error: Error) => console.error('portal database: connection lost', error));
  // Without a listener, an idle connection's error would end the process.
  pool.on('error', lost);
  // Nor may a connection lost while a request holds it (PostgreSQL restarted, the network cut): pg-pool takes its own
  // listener off a connection it lends, and pg reports the loss as an 'error' event besides failing the query, which
  // with no listener ends the portal. The query's own failure reaches the request (an error page); this only logs.
  pool.on('connect', (client) => client.on('error', lost));
  return pool;
}

/** The URL without its password, for logs and messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // libpq also takes the password as a parameter (?password=…).
    for (const name of SECRET_PARAMETERS) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
