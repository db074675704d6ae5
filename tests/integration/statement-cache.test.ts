import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OfficeArgs, OfficeMethod, OfficeValue } from '../../src/shared/api/contract.js';
import { createOfficeCore, type OfficeCore } from '../../src/office/api/core.js';
import type { OfficeSession } from '../../src/office/api/handler.js';
import { defaultMigrationsDir, openOfficeDatabase, type OpenedOfficeDatabase } from '../../src/office/db/open.js';
import { attachVault, ibanVault } from '../../src/office/sepa/iban-vault.js';
import type { OfficeDatabase } from '../../src/office/db/schema.js';
import { DEMO_PASSWORD, seedDemoCommune } from '../../src/office/demo/seed.js';
import { silentLogger } from '../../src/office/log.js';
import { openPortalDatabase } from '../../src/portal/db/open.js';
import { buildPortal } from '../../src/portal/server.js';
import { loadMigrations, migrate, type Migration } from '../../src/server/migrate.js';
import { changesSchema, StatementCache } from '../../src/server/statement-cache.js';
import { makeTestClock } from '../helpers/office.js';
import { HttpFamily } from '../helpers/portal-http.js';

/**
 * The statement cache under Kysely (server/statement-cache.ts): same answers as statements prepared afresh, schema
 * changes forgotten, bounded, safe with interleaved iterations, and used by both the office and the portal.
 */

const clock = makeTestClock('2026-11-28T10:00:00Z');
const dirs: string[] = [];
const toClose: (() => Promise<void> | void)[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-statements-'));
  dirs.push(dir);
  return dir;
}

function openOffice(): OpenedOfficeDatabase {
  const opened = openOfficeDatabase({ file: path.join(tempDir(), 'office.sqlite'), clock });
  toClose.push(() => opened.close());
  return opened;
}

afterEach(async () => {
  for (const close of toClose.splice(0).reverse()) await close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** How many times SQLite was asked to prepare each SQL text, seen from the wrapped database itself. */
function countPrepares(sqlite: BetterSqlite3.Database): { texts(): string[]; total(): number; of(text: string): number } {
  const spy = vi.spyOn(sqlite, 'prepare');
  const texts = () => spy.mock.calls.map((call) => String(call[0]));
  return { texts, total: () => texts().length, of: (text) => texts().filter((t) => t === text).length };
}

interface LoggedCore {
  call<M extends OfficeMethod>(method: M, args: OfficeArgs<M>): Promise<OfficeValue<M>>;
}

async function loggedCore(db: Kysely<OfficeDatabase>): Promise<LoggedCore> {
  const core: OfficeCore = createOfficeCore({ db, clock, log: silentLogger });
  const session: OfficeSession = core.openSession();
  const login = await core.call(session, 'auth.login', { username: 'accueil', password: DEMO_PASSWORD });
  if (!login.ok) throw new Error(`login: ${JSON.stringify(login.error)}`);
  return {
    async call(method, args) {
      const result = await core.call(session, method, args);
      if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
      return result.value as never;
    },
  };
}

/** Kysely as it was before the cache: every query prepared anew on the same connection. */
function freshKysely(sqlite: BetterSqlite3.Database, like: Kysely<OfficeDatabase>): Kysely<OfficeDatabase> {
  const db = new Kysely<OfficeDatabase>({
    dialect: new SqliteDialect({ database: { prepare: (text: string) => sqlite.prepare(text), close() {} } }),
  });
  // The same file's IBANs, sealed with the key the opened database holds.
  attachVault(db, ibanVault(like));
  return db;
}

describe('the statement cache under the office core', () => {
  it('answers a representative set of office reads exactly as fresh statements do, before and after writes', async () => {
    const opened = openOffice();
    await seedDemoCommune(opened.db, { scale: 12, clock, seed: 74370, inscriptions: true });
    const cached = await loggedCore(opened.db);
    const fresh = await loggedCore(freshKysely(opened.sqlite, opened.db));

    const families = opened.sqlite.prepare('SELECT id FROM families ORDER BY id LIMIT 6').pluck().all() as number[];
    const children = opened.sqlite.prepare('SELECT id FROM children ORDER BY id LIMIT 6').pluck().all() as number[];
    const cantine = opened.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
    expect(families.length).toBe(6);

    const reads = async (core: LoggedCore) => {
      const answers: unknown[] = [];
      for (const query of ['mar', 'a', '06', 'zz']) {
        answers.push(await core.call('families.search', { query, includeArchived: false }));
        answers.push(await core.call('children.search', { query, includeArchived: true }));
      }
      for (const id of families) {
        answers.push(await core.call('families.get', { id }));
        answers.push(await core.call('requests.forFamily', { familyId: id }));
        answers.push(await core.call('audit.forFamily', { familyId: id }));
      }
      for (const childId of children) {
        answers.push(await core.call('children.get', { id: childId }));
        answers.push(await core.call('inscriptions.list', { childId }));
        answers.push(await core.call('planning.child', { childId, from: '2026-12-01', to: '2026-12-31' }));
      }
      answers.push(await core.call('services.list', {}));
      answers.push(await core.call('calendar.get', { from: '2026-09-01', to: '2027-07-31' }));
      answers.push(await core.call('planning.day', { serviceId: cantine, day: '2026-12-08' }));
      answers.push(await core.call('planning.meals', { from: '2026-12-07', to: '2026-12-11' }));
      answers.push(await core.call('requests.queue', {}));
      return answers;
    };

    const compare = async () => {
      const first = await reads(cached);
      const before = opened.statements.stats();
      const second = await reads(cached);
      const after = opened.statements.stats();
      // The second pass ran every query again from the cache, without preparing anything.
      expect(after.prepares).toBe(before.prepares);
      expect(after.hits).toBeGreaterThan(before.hits + 50);
      const expected = await reads(fresh);
      expect(first).toEqual(expected);
      expect(second).toEqual(expected);
      return expected;
    };

    await compare();

    // Writes through the cached core, then the same reads again: absences on booked days, half of them accepted.
    const booked = opened.sqlite
      .prepare(
        `SELECT pd.child_id, c.family_id, pd.service_id, pd.day FROM planning_days pd JOIN children c ON c.id = pd.child_id
         WHERE pd.state = 'booked' AND pd.day >= '2026-12-07' ORDER BY pd.child_id, pd.day LIMIT 12`,
      )
      .all() as { child_id: number; family_id: number; service_id: number; day: string }[];
    expect(booked.length).toBe(12);
    const itemIds: number[] = [];
    for (const row of booked) {
      const view = await cached.call('requests.create', {
        familyId: row.family_id,
        kind: 'absence',
        items: [{ childId: row.child_id, serviceId: row.service_id, day: row.day }],
        reason: 'MEDICAL',
        comment: '',
        certificate: null,
        changes: [],
        photo: null,
      });
      itemIds.push(...view.items.map((item) => item.id));
    }
    const outcome = await cached.call('requests.decide', { itemIds: itemIds.slice(0, 6), decision: 'accept', refusalReason: null });
    expect(outcome.accepted).toBe(6);
    const after = await compare();
    expect((after.at(-1) as unknown[]).length).toBe(6);
  }, 60_000);

  it('prepares a query the office runs twice only once (families.get)', async () => {
    const opened = openOffice();
    await seedDemoCommune(opened.db, { scale: 3, clock, seed: 74370, inscriptions: false });
    const core = await loggedCore(opened.db);
    const id = opened.sqlite.prepare('SELECT MIN(id) FROM families').pluck().get() as number;
    const prepares = countPrepares(opened.sqlite);

    const first = await core.call('families.get', { id });
    const preparedByFirst = prepares.total();
    expect(preparedByFirst).toBeGreaterThan(3);
    expect(await core.call('families.get', { id })).toEqual(first);
    expect(prepares.total()).toBe(preparedByFirst);
  });
});

describe('the statement cache under the portal', () => {
  it('refuses a login again without preparing its statements again', async () => {
    const dataDir = tempDir();
    const opened = openPortalDatabase(dataDir, clock);
    const app = buildPortal({
      db: opened.db,
      clock,
      mailer: null,
      config: { publicUrl: 'http://127.0.0.1', cookieSecret: 'test-cookie-secret-0123456789abcdef', production: false },
    });
    toClose.push(() => opened.close());
    toClose.push(() => app.close());
    const family = new HttpFamily(await app.listen({ port: 0, host: '127.0.0.1' }));
    expect((await family.get('/connexion')).status).toBe(200);
    const prepares = countPrepares(opened.sqlite);
    const login = { email: 'personne@example.test', password: 'pas-le-bon-mot' };

    // A refused login reads the throttle, looks the account up and records the failure (an insert the first time, an
    // update after): two refusals run most texts twice, and SQLite prepares each text once; a third (the last before the
    // lockout) prepares nothing at all.
    for (let attempt = 0; attempt < 2; attempt += 1) expect((await family.post('/connexion', login)).status).toBe(401);
    const texts = prepares.texts();
    expect(texts).toEqual(expect.arrayContaining(['select * from "accounts" where "email" = ? and "disabled" = ?']));
    expect(texts.length).toBeGreaterThan(4);
    expect(new Set(texts).size).toBe(texts.length);
    const hitsBefore = opened.statements.stats().hits;
    expect((await family.post('/connexion', login)).status).toBe(401);
    expect(prepares.texts()).toEqual(texts);
    expect(opened.statements.stats().hits).toBeGreaterThan(hitsBefore + 4);
  });
});

describe('schema changes', () => {
  const officeMigrations = loadMigrations(defaultMigrationsDir());
  const extra = (...sqls: string[]): Migration[] => [
    ...officeMigrations,
    ...sqls.map((text, index) => ({ version: officeMigrations.length + index + 1, name: `test_${index + 1}`, sql: text })),
  ];

  it('a migration that adds a column: the next query sees it, prepared anew', async () => {
    const opened = openOffice();
    await opened.db.insertInto('schools').values({ name: 'École du Parc' }).execute();
    const prepares = countPrepares(opened.sqlite);
    const query = sql<Record<string, unknown>>`SELECT * FROM schools ORDER BY id`;
    const before = (await query.execute(opened.db)).rows;
    expect(Object.keys(before[0]!)).not.toContain('couleur');
    const text = query.compile(opened.db).sql;
    expect(prepares.of(text)).toBe(1);

    const clears = opened.statements.stats().clears;
    migrate(opened.sqlite, extra("ALTER TABLE schools ADD COLUMN couleur TEXT NOT NULL DEFAULT 'bleu'"), clock);
    expect(opened.statements.stats().clears).toBe(clears + 1);
    expect(opened.statements.stats().size).toBe(0);

    const after = (await query.execute(opened.db)).rows;
    expect(after).toEqual([{ ...before[0], couleur: 'bleu' }]);
    expect(prepares.of(text)).toBe(2);
  });

  it('a migration that drops a table and recreates it with other columns: the next query sees the new table', async () => {
    const opened = openOffice();
    migrate(opened.sqlite, extra("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL); INSERT INTO notes (body) VALUES ('ancienne')"), clock);
    const select = sql<Record<string, unknown>>`SELECT * FROM notes ORDER BY id`;
    const insert = (body: string) => sql`INSERT INTO notes (body) VALUES (${body})`.execute(opened.db);
    await insert('deuxième');
    expect((await select.execute(opened.db)).rows).toEqual([{ id: 1, body: 'ancienne' }, { id: 2, body: 'deuxième' }]);
    const prepares = countPrepares(opened.sqlite);

    migrate(
      opened.sqlite,
      extra(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL); INSERT INTO notes (body) VALUES ('ancienne')",
        "DROP TABLE notes; CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL DEFAULT 'sans titre', body TEXT NOT NULL, day TEXT); INSERT INTO notes (title, body, day) VALUES ('Nouvelle', 'neuve', '2026-12-01')",
      ),
      clock,
    );
    expect(opened.statements.stats().size).toBe(0);
    await insert('troisième');
    expect((await select.execute(opened.db)).rows).toEqual([
      { id: 1, title: 'Nouvelle', body: 'neuve', day: '2026-12-01' },
      { id: 2, title: 'sans titre', body: 'troisième', day: null },
    ]);
    // Both statements were prepared again against the new table, not served from before the migration.
    expect(prepares.of(select.compile(opened.db).sql)).toBe(1);
    expect(prepares.total()).toBeGreaterThanOrEqual(2);
  });

  it('DDL run through Kysely empties the cache and is never cached itself', async () => {
    const opened = openOffice();
    const query = opened.db.selectFrom('schools').selectAll().orderBy('id');
    await opened.db.insertInto('schools').values({ name: 'École du Parc' }).execute();
    await query.execute();
    expect(opened.statements.stats().size).toBeGreaterThan(0);
    const clears = opened.statements.stats().clears;

    await opened.db.schema.alterTable('schools').addColumn('rue', 'text', (col) => col.notNull().defaultTo('Grande Rue')).execute();
    expect(opened.statements.stats().clears).toBe(clears + 1);
    expect(opened.statements.stats().size).toBe(0);
    expect(await sql`SELECT rue FROM schools`.execute(opened.db)).toEqual(expect.objectContaining({ rows: [{ rue: 'Grande Rue' }] }));
    expect((await query.execute())[0]).toEqual(expect.objectContaining({ rue: 'Grande Rue' }));
  });

  it('recognises schema changes behind blanks and comments, and only those', () => {
    for (const text of ['create table t (a)', '  DROP INDEX i', '-- why\nALTER TABLE t ADD b', '/* x */ create view v as select 1', 'attach ? as other'])
      expect(changesSchema(text), text).toBe(true);
    for (const text of ['select * from creates', 'insert into t values (1)', 'update t set created = 1', "select 'drop table t'", 'begin', 'savepoint s'])
      expect(changesSchema(text), text).toBe(false);
  });
});

describe('the statement cache itself', () => {
  function rawDatabase(): BetterSqlite3.Database {
    const sqlite = new BetterSqlite3(path.join(tempDir(), 'raw.sqlite'));
    toClose.push(() => {
      if (sqlite.open) sqlite.close();
    });
    sqlite.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)');
    return sqlite;
  }

  it('keeps at most its capacity, dropping the least recently used statement', () => {
    const cache = new StatementCache(rawDatabase(), 3);
    const [a, b, c] = ['SELECT 1', 'SELECT 2', 'SELECT 3'].map((text) => cache.prepare(text));
    expect(cache.prepare('SELECT 1')).toBe(a); // A is now the most recent: B is the oldest.
    const d = cache.prepare('SELECT 4');
    expect(cache.stats()).toMatchObject({ size: 3, evictions: 1, prepares: 4, hits: 1 });
    expect(cache.prepare('SELECT 3')).toBe(c);
    expect(cache.prepare('SELECT 4')).toBe(d);
    expect(cache.prepare('SELECT 1')).toBe(a);
    const b2 = cache.prepare('SELECT 2');
    expect(b2).not.toBe(b);
    expect(b2.get()).toEqual({ 2: 2 });
    // Taking B back in dropped the least recent of the others: C.
    expect(cache.stats()).toMatchObject({ size: 3, evictions: 2, prepares: 5 });
    expect(cache.prepare('SELECT 3')).not.toBe(c);
  });

  it('gives a fresh statement while the cached one is iterating, and the cached one again once it is done', () => {
    const cache = new StatementCache(rawDatabase());
    const text = 'SELECT n FROM t ORDER BY n';
    const outer = cache.prepare(text);
    const seen: unknown[] = [];
    for (const row of outer.iterate() as IterableIterator<{ n: number }>) {
      const inner = cache.prepare(text);
      expect(inner).not.toBe(outer);
      seen.push([row.n, (inner.all() as { n: number }[]).map((r) => r.n)]);
    }
    expect(seen).toEqual([
      [1, [1, 2, 3]],
      [2, [1, 2, 3]],
      [3, [1, 2, 3]],
    ]);
    expect(cache.prepare(text)).toBe(outer);
    // The fresh ones stood in for the busy statement: they were never cached.
    expect(cache.stats()).toMatchObject({ size: 1, prepares: 4 });
  });

  it('lets Kysely run a query whose statement a hand-written loop is iterating', async () => {
    const opened = openOffice();
    await opened.db.insertInto('schools').values([{ name: 'A' }, { name: 'B' }]).execute();
    // Kysely itself runs one query at a time on its single connection, so the interleaving comes from code iterating
    // a statement of the cache by hand while it awaits Kysely queries of the same text.
    const query = () => opened.db.selectFrom('schools').select('name').orderBy('name');
    const text = query().compile().sql;
    const seen: string[] = [];
    for (const row of opened.statements.prepare(text).iterate() as IterableIterator<{ name: string }>) {
      const all = await query().execute();
      const streamed: string[] = [];
      for await (const again of query().stream()) streamed.push(again.name);
      seen.push(`${row.name}:${all.map((r) => r.name).join('')}:${streamed.join('')}`);
    }
    expect(seen).toEqual(['A:AB:AB', 'B:AB:AB']);

    // A stream left early closes its iteration: the cached statement serves the next query.
    for await (const first of query().stream()) {
      expect(first.name).toBe('A');
      break;
    }
    const prepared = opened.statements.stats().prepares;
    expect((await query().execute()).map((r) => r.name)).toEqual(['A', 'B']);
    expect(opened.statements.stats().prepares).toBe(prepared);
  });

  it('closes its database with Kysely, and one database gets one cache', async () => {
    const sqlite = rawDatabase();
    const cache = new StatementCache(sqlite);
    expect(() => new StatementCache(sqlite)).toThrow(/already has a statement cache/);
    const db = new Kysely<{ t: { n: number } }>({ dialect: new SqliteDialect({ database: cache }) });
    expect((await db.selectFrom('t').select('n').execute()).length).toBe(3);
    await db.destroy();
    expect(sqlite.open).toBe(false);
    expect(cache.stats().size).toBe(0);
  });
});
