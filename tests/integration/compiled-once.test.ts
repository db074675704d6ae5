import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compiledOnce } from '../../src/office/db/compiled-once.js';
import { openOfficeDatabase, type OpenedOfficeDatabase } from '../../src/office/db/open.js';
import { makeTestClock } from '../helpers/office.js';

/** A query compiled once and run with new values (office/db/compiled-once.ts) writes what the builder would. */

const dirs: string[] = [];
const toClose: OpenedOfficeDatabase[] = [];

function openOffice(): OpenedOfficeDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-compiled-'));
  dirs.push(dir);
  const opened = openOfficeDatabase({ file: path.join(dir, 'office.sqlite'), clock: makeTestClock('2026-11-28T10:00:00Z') });
  toClose.push(opened);
  return opened;
}

afterEach(async () => {
  for (const opened of toClose.splice(0)) await opened.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('compiledOnce', () => {
  it('runs the same statement with each call’s values, constants kept, in and out of transactions', async () => {
    const { db, sqlite } = openOffice();
    const insert = compiledOnce<{ name: string }>((q, p) => q.insertInto('schools').values({ name: p('name'), address: 'Place de la Mairie' }));
    const rename = compiledOnce<{ id: number; name: string }>((q, p) => q.updateTable('schools').set({ name: p('name') }).where('id', '=', p('id')));

    await insert.run(db, { name: 'École Jules Ferry' });
    const prepare = vi.spyOn(sqlite, 'prepare');
    await db.transaction().execute(async (trx) => {
      await insert.run(trx, { name: 'École Marie Curie' });
      await insert.run(trx, { name: 'École des Tilleuls' });
    });
    const curie = await db.selectFrom('schools').select('id').where('name', '=', 'École Marie Curie').executeTakeFirstOrThrow();
    const result = await rename.run(db, { id: curie.id, name: 'École Pierre et Marie Curie' });
    expect(result.numAffectedRows).toBe(1n);

    expect(await db.selectFrom('schools').select(['name', 'address']).orderBy('id').execute()).toEqual([
      { name: 'École Jules Ferry', address: 'Place de la Mairie' },
      { name: 'École Pierre et Marie Curie', address: 'Place de la Mairie' },
      { name: 'École des Tilleuls', address: 'Place de la Mairie' },
    ]);
    // The insert's text never changes: SQLite prepared it for the first call only, the cache served the others.
    const prepared = prepare.mock.calls.map((call) => String(call[0]));
    expect(prepared.filter((text) => text.startsWith('insert into "schools"'))).toEqual([]);
    expect(prepared.filter((text) => text.startsWith('update "schools"'))).toHaveLength(1);
  });

  it('refuses a missing value and a placeholder written into the SQL text instead of bound', async () => {
    const { db } = openOffice();
    const insert = compiledOnce<{ name: string }>((q, p) => q.insertInto('schools').values({ name: p('name') }));
    await expect(insert.run(db, {} as { name: string })).rejects.toThrow('no value for name');
    const inlined = compiledOnce<{ name: string }>((q, p) => q.insertInto('schools').values({ name: sql.lit(p('name')) }));
    await expect(inlined.run(db, { name: 'École' })).rejects.toThrow('placeholder was written into the SQL text');
    expect(await db.selectFrom('schools').selectAll().execute()).toEqual([]);
  });
});
