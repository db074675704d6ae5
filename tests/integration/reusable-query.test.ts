import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql, type Generated } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { reusableQuery } from '../../src/server/reusable-query.js';
import { SchemaPlugin } from '../../src/server/schema-plugin.js';
import { StatementCache } from '../../src/server/statement-cache.js';

/**
 * Queries compiled once and run again with new values (server/reusable-query.ts): the same rows as the builder, in
 * the caller's transaction and in turn with the others on the one connection, across a schema change, and builders
 * that would freeze an argument into the query refused.
 */

interface Db {
  pets: { id: Generated<number>; owner: number; name: string; kind: string; archived_at: string | null };
}

const dirs: string[] = [];
const toClose: Kysely<Db>[] = [];

afterEach(async () => {
  for (const db of toClose.splice(0)) await db.destroy();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function open(): { db: Kysely<Db>; sqlite: BetterSqlite3.Database } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-reusable-'));
  dirs.push(dir);
  const sqlite = new BetterSqlite3(path.join(dir, 'pets.sqlite'));
  sqlite.exec(`CREATE TABLE pets (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, archived_at TEXT)`);
  const insert = sqlite.prepare('INSERT INTO pets (owner, name, kind, archived_at) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 60; i += 1) insert.run(i % 7, `pet ${i}`, ['cat', 'dog', 'fish'][i % 3], i % 5 === 0 ? '2026-01-01' : null);
  const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new StatementCache(sqlite) }) });
  toClose.push(db);
  return { db, sqlite };
}

/** A constant list of the query: kept as built, whatever the arguments. */
const EVEN_NAMES = Array.from({ length: 30 }, (_, i) => `pet ${i * 2}`);

const builder = (db: Kysely<Db>, owner: number, kind: string) =>
  db
    .selectFrom('pets')
    .select(['id', 'name', sql<string>`upper(${sql.ref('kind')})`.as('shout')])
    .where('owner', '=', owner)
    .where('kind', '=', kind)
    .where('archived_at', 'is', null)
    .where('name', 'in', EVEN_NAMES)
    .orderBy('id', 'desc');

const pets = reusableQuery(builder);

describe('a reusable query', () => {
  it('gives the rows the builder gives, for every value, with its constants kept', async () => {
    const { db } = open();
    let nonEmpty = 0;
    for (let owner = 0; owner < 8; owner += 1) {
      for (const kind of ['cat', 'dog', 'fish', 'bird']) {
        const expected = await builder(db, owner, kind).execute();
        expect(await pets.all(db, owner, kind)).toEqual(expected);
        expect(await pets.first(db, owner, kind)).toEqual(expected[0]);
        if (expected.length > 0) nonEmpty += 1;
      }
    }
    expect(nonEmpty).toBeGreaterThan(6);
    expect(pets.sql(db)).toBe(builder(db, 0, '').compile().sql);
  });

  it('serves any database: the SQL is compiled once, the values are each caller’s', async () => {
    const one = open();
    const two = open();
    two.sqlite.prepare("UPDATE pets SET name = 'pet 2', kind = 'cat', owner = 1, archived_at = NULL WHERE id = 2").run();
    expect(await pets.all(one.db, 1, 'dog')).toEqual(await builder(one.db, 1, 'dog').execute());
    expect(await pets.all(two.db, 1, 'cat')).toEqual(await builder(two.db, 1, 'cat').execute());
    expect((await pets.all(two.db, 1, 'cat')).map((row) => row.id)).toContain(2);
  });

  it('is compiled per schema under SchemaPlugin (one pool, a schema per commune), and refuses any other plugin', async () => {
    const { db, sqlite } = open();
    // SQLite names its first file "main", and an attached one by its alias: two schemas on one connection.
    const other = path.join(path.dirname(sqlite.name), 'other.sqlite');
    sqlite.exec(`ATTACH DATABASE '${other}' AS other; CREATE TABLE other.pets (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, archived_at TEXT); INSERT INTO other.pets (owner, name, kind) VALUES (1, 'other pet', 'cat')`);
    const main = db.withPlugin(new SchemaPlugin('main'));
    const attached = db.withPlugin(new SchemaPlugin('other'));
    const names = reusableQuery((k: Kysely<Db>, owner: number) => k.selectFrom('pets').select('name').where('owner', '=', owner).orderBy('id'));
    expect((await names.all(main, 1)).map((row) => row.name)).toEqual(['pet 1', 'pet 8', 'pet 15', 'pet 22', 'pet 29', 'pet 36', 'pet 43', 'pet 50', 'pet 57']);
    expect((await names.all(attached, 1)).map((row) => row.name)).toEqual(['other pet']);
    // Each in a transaction too (a transaction keeps its Kysely's plugins).
    expect(await attached.transaction().execute(async (trx) => (await names.all(trx, 1)).length)).toBe(1);
    expect(names.sql(attached)).toContain('"other"."pets"');
    expect(names.sql(main)).toContain('"main"."pets"');
    expect(names.sql(db)).not.toContain('"main"');
    expect(() => names.sql(db.withPlugin(new CamelCasePlugin()))).toThrow(/plugins other than one SchemaPlugin/);
  });

  it("runs in the caller's transaction, and waits its turn outside it", async () => {
    const { db } = open();
    const byOwner = reusableQuery((db: Kysely<Db>, owner: number) => db.selectFrom('pets').select('name').where('owner', '=', owner).orderBy('id'));
    let outside: Promise<{ name: string }[]> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('pets').values({ owner: 99, name: 'new', kind: 'cat', archived_at: null }).execute();
      expect(await byOwner.all(trx, 99)).toEqual([{ name: 'new' }]);
      // Outside the transaction, the same query waits for the connection: it must not read what is not committed.
      outside = byOwner.all(db, 99);
      await trx.insertInto('pets').values({ owner: 99, name: 'newer', kind: 'dog', archived_at: null }).execute();
    });
    expect(await outside).toEqual([{ name: 'new' }, { name: 'newer' }]);

    let beforeRollback: Promise<{ name: string }[]> | undefined;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('pets').values({ owner: 98, name: 'ghost', kind: 'cat', archived_at: null }).execute();
        beforeRollback = byOwner.all(db, 98);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await beforeRollback).toEqual([]);
  });

  it('reads the table as it is after a schema change', async () => {
    const { db } = open();
    const all = reusableQuery((db: Kysely<Db>, id: number) => db.selectFrom('pets').selectAll().where('id', '=', id));
    expect(Object.keys((await all.first(db, 3)) ?? {})).not.toContain('colour');
    await db.schema.alterTable('pets').addColumn('colour', 'text', (column) => column.notNull().defaultTo('grey')).execute();
    expect(await all.first(db, 3)).toMatchObject({ id: 3, colour: 'grey' });
  });

  it('refuses a builder that would freeze an argument into the query', async () => {
    const { db } = open();
    const literal = reusableQuery((db: Kysely<Db>, name: string) => db.selectFrom('pets').selectAll().where('name', '=', sql.lit(name)));
    await expect(literal.all(db, 'pet 1')).rejects.toThrow(/written into the SQL text/);
    const pattern = reusableQuery((db: Kysely<Db>, name: string) => db.selectFrom('pets').selectAll().where('name', 'like', `%${name}%`));
    await expect(pattern.all(db, 'pet')).rejects.toThrow(/changed before it is bound/);
    const unused = reusableQuery((db: Kysely<Db>, _owner: number) => db.selectFrom('pets').selectAll());
    await expect(unused.all(db, 1)).rejects.toThrow(/never bound/);
  });
});
