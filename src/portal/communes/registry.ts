import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { openMigratedPortalDatabase, openPlainSqlite, openPortalPgPool, type PortalDb, type PortalPgPool, type PortalStorage } from '../db/open.js';

/**
 * The communes one portal serves (README « Portail famille », several communes). Each commune's portal data lives
 * apart, by construction rather than by a WHERE clause each query would have to remember: on PostgreSQL in a schema
 * of its own on the one database and pool (every table of its queries qualified by it, db/open.ts `communeDb`), on
 * SQLite in a file of its own, `<data>/communes/<key>/portal.sqlite`. This registry says which communes exist, how a
 * request finds its commune (host names, or the key as the first path segment) and the secret its office signs with.
 * It is two small tables created when first needed (not a portal migration: it is not part of a commune's schema):
 * on PostgreSQL in the URL's own schema, on SQLite in `<data>/communes.sqlite`.
 */

export interface Commune {
  /** The slug of the path prefix and of the schema or folder: [a-z0-9-], 2 to 40 characters. */
  key: string;
  name: string;
  /** Host names (lowercase, no port) that select it with host routing. */
  hosts: string[];
  /** Its public address (links in mails); null: worked out from the routing (routing.ts). */
  publicUrl: string | null;
  /** The pairing secret its office signs every sync call with (HMAC: the portal needs the secret itself). */
  syncSecret: string;
  /** PostgreSQL: its schema; SQLite: null (its folder follows from the key). */
  schema: string | null;
  createdAt: string;
}

export interface NewCommune {
  key: string;
  name: string;
  hosts?: string[];
  publicUrl?: string | null;
}

export interface CommuneDatabase {
  db: PortalDb;
  close(): Promise<void>;
}

export interface CommuneRegistry {
  kind: 'sqlite' | 'postgres';
  list(): Promise<Commune[]>;
  /** Registers a commune, creates and migrates its schema or file, and returns it with its new secret. */
  add(input: NewCommune, clock: Clock): Promise<Commune>;
  /** The commune's database, migrated (the caller closes it; on PostgreSQL closing leaves the shared pool open). */
  openDatabase(commune: Commune, clock: Clock): Promise<CommuneDatabase>;
  close(): Promise<void>;
}

export const COMMUNE_KEY_PATTERN = /^[a-z0-9-]{2,40}$/;
/** First path segments the portal serves for every commune: no commune may take them as its key. */
const RESERVED_KEYS = new Set(['static', 'sync']);

export class CommuneError extends Error {
  override name = 'CommuneError';
}

/** A Host header's name: lowercase, without its port or a final dot ('' when absent). */
export function hostName(header: string | undefined): string {
  const text = (header ?? '').trim().toLowerCase();
  const name = text.startsWith('[') ? text.slice(0, text.indexOf(']') + 1) : text.split(':')[0]!;
  return name.replace(/\.$/, '');
}

/** The input checked, in French for the command line. */
export function checkedCommune(input: NewCommune): Required<NewCommune> {
  const key = input.key.trim();
  if (!COMMUNE_KEY_PATTERN.test(key) || key.startsWith('-') || key.endsWith('-')) {
    throw new CommuneError(`Clé de commune invalide : « ${key} » (2 à 40 caractères : lettres minuscules sans accent, chiffres, tirets ; ex. ville-a)`);
  }
  if (RESERVED_KEYS.has(key)) throw new CommuneError(`La clé « ${key} » est réservée par le portail : choisissez-en une autre.`);
  const name = input.name.trim();
  if (name === '' || name.length > 200) throw new CommuneError('Le nom de la commune est obligatoire (--nom "…", 200 caractères au plus).');
  const hosts = [...new Set((input.hosts ?? []).map((host) => hostName(host)))];
  for (const host of hosts) {
    if (!/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
      throw new CommuneError(`Nom d’hôte invalide : « ${host} » (ex. famille.ville-a.fr, sans https:// ni port)`);
    }
  }
  const publicUrl = input.publicUrl ? input.publicUrl.trim().replace(/\/+$/, '') : null;
  if (publicUrl !== null && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicUrl)) {
    throw new CommuneError(`Adresse publique invalide : « ${publicUrl} » (ex. https://famille.ville-a.fr)`);
  }
  return { key, name, hosts, publicUrl };
}

interface RegistryTables {
  portal_communes: { key: string; name: string; public_url: string | null; sync_secret: string; schema_name: string | null; created_at: string };
  portal_commune_hosts: { host: string; commune_key: string };
}

const DDL = {
  sqlite: [
    'CREATE TABLE IF NOT EXISTS portal_communes (key TEXT PRIMARY KEY, name TEXT NOT NULL, public_url TEXT, sync_secret TEXT NOT NULL, schema_name TEXT, created_at TEXT NOT NULL)',
    'CREATE TABLE IF NOT EXISTS portal_commune_hosts (host TEXT PRIMARY KEY, commune_key TEXT NOT NULL REFERENCES portal_communes (key) ON DELETE CASCADE)',
  ],
  postgres: [
    'CREATE TABLE IF NOT EXISTS portal_communes (key TEXT PRIMARY KEY, name TEXT NOT NULL, public_url TEXT, sync_secret TEXT NOT NULL, schema_name TEXT UNIQUE, created_at TIMESTAMPTZ NOT NULL)',
    'CREATE TABLE IF NOT EXISTS portal_commune_hosts (host TEXT PRIMARY KEY, commune_key TEXT NOT NULL REFERENCES portal_communes (key) ON DELETE CASCADE)',
  ],
};

/** pg_advisory_xact_lock's key for creating the registry's tables (processes starting together): apart from db/migrate.ts's. */
const REGISTRY_LOCK = 7_437_000_003;

/** PostgreSQL's longest identifier. */
const MAX_IDENTIFIER = 63;

/**
 * A commune's schema: `<registry's schema>__<key>` (dashes as underscores), so two registries on one database (two
 * test runs, a staging portal) never share a commune's schema; a hash of both stands for the registry's schema when
 * the name would pass PostgreSQL's 63 characters.
 */
export function communeSchemaName(registrySchema: string, key: string): string {
  const tail = `__${key.replace(/-/g, '_')}`;
  const plain = `${registrySchema}${tail}`;
  if (plain.length <= MAX_IDENTIFIER) return plain;
  return `c${createHash('sha256').update(`${registrySchema}/${key}`).digest('hex').slice(0, MAX_IDENTIFIER - tail.length - 1)}${tail}`;
}

/** A pairing secret: 32 random bytes in hex (the office asks for 32 characters at least). */
function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The folder of a commune's SQLite file. */
export function communeDataDir(dataDir: string, key: string): string {
  return path.join(dataDir, 'communes', key);
}

/** The registry of the portal's storage: `<data>/communes.sqlite`, or the PostgreSQL URL's schema. */
export function openCommuneRegistry(storage: PortalStorage): CommuneRegistry {
  return storage.kind === 'sqlite' ? sqliteRegistry(storage.dataDir) : postgresRegistry(storage.url, storage.poolMax);
}

function rowsToCommunes(rows: RegistryTables['portal_communes'][], hosts: RegistryTables['portal_commune_hosts'][]): Commune[] {
  return rows.map((row) => ({
    key: row.key,
    name: row.name,
    hosts: hosts.filter((host) => host.commune_key === row.key).map((host) => host.host).sort(),
    publicUrl: row.public_url,
    syncSecret: row.sync_secret,
    schema: row.schema_name,
    createdAt: row.created_at,
  }));
}

async function listCommunes(db: Kysely<RegistryTables>): Promise<Commune[]> {
  const rows = await db.selectFrom('portal_communes').selectAll().orderBy('key').execute();
  const hosts = await db.selectFrom('portal_commune_hosts').selectAll().execute();
  return rowsToCommunes(rows, hosts);
}

/** Inserts the commune and its hosts in one transaction, refusing a key or host already taken with a French message. */
async function insertCommune(db: Kysely<RegistryTables>, commune: Commune): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('portal_communes').select('key').where('key', '=', commune.key).executeTakeFirst();
    if (existing) throw new CommuneError(`La commune « ${commune.key} » existe déjà : choisissez une autre clé.`);
    for (const host of commune.hosts) {
      const taken = await trx.selectFrom('portal_commune_hosts').select('commune_key').where('host', '=', host).executeTakeFirst();
      if (taken) throw new CommuneError(`L’hôte ${host} est déjà celui de la commune « ${taken.commune_key} ».`);
    }
    await trx
      .insertInto('portal_communes')
      .values({ key: commune.key, name: commune.name, public_url: commune.publicUrl, sync_secret: commune.syncSecret, schema_name: commune.schema, created_at: commune.createdAt })
      .execute();
    if (commune.hosts.length > 0) await trx.insertInto('portal_commune_hosts').values(commune.hosts.map((host) => ({ host, commune_key: commune.key }))).execute();
  });
}

/**
 * Registers a commune: its input checked, a new secret, its row, then its database created and migrated now (so a
 * mistake shows at the command rather than at the first family's visit). When the database cannot be created the row
 * is taken back, so the command can be run again once the cause is fixed (the secret was never printed).
 */
async function addCommune(
  db: Kysely<RegistryTables>,
  input: NewCommune,
  clock: Clock,
  schemaFor: (key: string) => Promise<string | null>,
  createDatabase: (commune: Commune) => Promise<void>,
): Promise<Commune> {
  const checked = checkedCommune(input);
  const commune: Commune = { ...checked, syncSecret: newSecret(), schema: await schemaFor(checked.key), createdAt: clock().toISOString() };
  await insertCommune(db, commune);
  try {
    await createDatabase(commune);
  } catch (error) {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('portal_commune_hosts').where('commune_key', '=', commune.key).execute();
      await trx.deleteFrom('portal_communes').where('key', '=', commune.key).execute();
    });
    throw error;
  }
  return commune;
}

function sqliteRegistry(dataDir: string): CommuneRegistry {
  const file = openPlainSqlite(path.join(dataDir, 'communes.sqlite'));
  const db = file.db as Kysely<RegistryTables>;
  let tables: Promise<void> | null = null;
  const ready = (): Promise<void> =>
    (tables ??= (async () => {
      for (const statement of DDL.sqlite) await sql.raw(statement).execute(db);
    })());
  return {
    kind: 'sqlite',
    async list() {
      await ready();
      return listCommunes(db);
    },
    async add(input, clock) {
      await ready();
      return addCommune(db, input, clock, async () => null, async (commune) => {
        const opened = await openMigratedPortalDatabase({ kind: 'sqlite', dataDir: communeDataDir(dataDir, commune.key) }, clock);
        await opened.close();
      });
    },
    async openDatabase(commune, clock) {
      const opened = await openMigratedPortalDatabase({ kind: 'sqlite', dataDir: communeDataDir(dataDir, commune.key) }, clock);
      return { db: opened.db, close: () => opened.close() };
    },
    close: () => file.close(),
  };
}

function postgresRegistry(url: string, poolMax?: number): CommuneRegistry {
  const pool: PortalPgPool = openPortalPgPool(url, poolMax);
  const db = pool.base as Kysely<RegistryTables>;
  let tables: Promise<string> | null = null;
  // The tables, created once per process (under a lock: processes starting together), and the registry's schema.
  const ready = (): Promise<string> =>
    (tables ??= db
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${REGISTRY_LOCK})`.execute(trx);
        for (const statement of DDL.postgres) await sql.raw(statement).execute(trx);
        const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(trx);
        return rows[0]!.schema;
      })
      .catch((error: unknown) => {
        tables = null;
        throw error;
      }));
  return {
    kind: 'postgres',
    async list() {
      await ready();
      return listCommunes(db);
    },
    async add(input, clock) {
      return addCommune(
        db,
        input,
        clock,
        async (key) => communeSchemaName(await ready(), key),
        async (commune) => {
          await pool.communeDb(commune.schema!, clock);
        },
      );
    },
    async openDatabase(commune, clock) {
      if (!commune.schema) throw new Error(`commune ${commune.key} has no schema`);
      return { db: await pool.communeDb(commune.schema, clock), close: async () => {} };
    },
    close: () => pool.close(),
  };
}
