import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../src/shared/clock.js';
import { openMigratedPortalDatabase, openPortalDatabase, type OpenedPortalDatabase, type OpenedSqlitePortalDatabase, type PortalStorage } from '../../src/portal/db/open.js';

/**
 * The database the portal tests run on: the SQLite file in the test's data folder, or, with
 * GRENETTE_TEST_PORTAL_DB=pg, a fresh schema of the PostgreSQL database GRENETTE_TEST_PG_URL (default: the machines'
 * postgres://postgres@127.0.0.1:5432/test), dropped when the test is done with it. Each portal gets its own schema,
 * named in the connection's search_path, so test files running at once never see each other's rows.
 */
export const TEST_PORTAL_DB = process.env.GRENETTE_TEST_PORTAL_DB === 'pg' ? 'pg' : 'sqlite';
export const TEST_PG_URL = process.env.GRENETTE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPortalStorage {
  storage: PortalStorage;
  /** Drops the PostgreSQL schema (nothing for SQLite: the caller removes its folder). */
  drop(): Promise<void>;
}

/** A PostgreSQL URL whose connections work in `schema`. */
export function urlInSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function onPg<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL schema on the test database, and its URL: fresh and empty, or, given a key (a data folder a test opens
 * again after a restart), the same schema for the same key, created the first time.
 */
export async function freshPgSchema(key?: string): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const suffix = key === undefined ? randomBytes(6).toString('hex') : createHash('sha256').update(key).digest('hex').slice(0, 16);
  const schema = `portal_test_${suffix}`;
  await onPg((client) => client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`));
  return {
    schema,
    url: urlInSchema(TEST_PG_URL, schema),
    drop: () => onPg((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}

/** The portal's database for a test's data folder; on PostgreSQL, a folder opened again finds its schema again. */
export async function testPortalStorage(dataDir: string, kind: 'sqlite' | 'pg' = TEST_PORTAL_DB): Promise<TestPortalStorage> {
  if (kind === 'sqlite') return { storage: { kind: 'sqlite', dataDir }, drop: async () => {} };
  const fresh = await freshPgSchema(dataDir);
  return { storage: { kind: 'postgres', url: fresh.url }, drop: fresh.drop };
}

/**
 * The portal's database of a test's data folder, opened and migrated: the SQLite file, or (PostgreSQL) the folder's
 * schema, which another process opening the same folder finds again. `drop` removes the schema once the test is done.
 */
export async function openTestPortalDatabase(dataDir: string, clock: Clock): Promise<OpenedPortalDatabase & { drop(): Promise<void> }> {
  const database = await testPortalStorage(dataDir);
  const opened = await openMigratedPortalDatabase(database.storage, clock);
  return Object.assign(opened, { drop: database.drop });
}

type Cleanups = Array<() => Promise<void> | void>;

/** A migrated portal database on a fresh SQLite folder; closing it and removing the folder are added to `cleanups`. */
export async function scratchSqlitePortal(clock: Clock, cleanups: Cleanups): Promise<OpenedSqlitePortalDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-db-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const opened = openPortalDatabase(dir, clock);
  cleanups.push(() => opened.close());
  await opened.ready();
  return opened;
}

/** A migrated portal database on a fresh PostgreSQL schema (its name and URL too); closing and dropping it go to `cleanups`. */
export async function scratchPgPortal(clock: Clock, cleanups: Cleanups): Promise<{ opened: OpenedPortalDatabase; schema: string; url: string }> {
  const fresh = await freshPgSchema();
  cleanups.push(() => fresh.drop());
  const opened = openPortalDatabase({ kind: 'postgres', url: fresh.url }, clock);
  cleanups.push(() => opened.close());
  await opened.ready();
  return { opened, schema: fresh.schema, url: fresh.url };
}
