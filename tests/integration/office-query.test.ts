import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { officeQuery } from '../../src/office/db/office-query.js';
import { openOfficeDatabase, type OpenedOfficeDatabase } from '../../src/office/db/open.js';
import { makeTestClock } from '../helpers/office.js';

/** The office's writes built once (officeQuery over src/server/reusable-query.ts) write what the builder would. */

const dirs: string[] = [];
const toClose: OpenedOfficeDatabase[] = [];

function openOffice(): OpenedOfficeDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-office-query-'));
  dirs.push(dir);
  const opened = openOfficeDatabase({ file: path.join(dir, 'office.sqlite'), clock: makeTestClock('2026-11-28T10:00:00Z') });
  toClose.push(opened);
  return opened;
}

afterEach(async () => {
  for (const opened of toClose.splice(0)) await opened.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('officeQuery for writes', () => {
  it('runs the same statement with each call’s values, constants kept, in and out of transactions', async () => {
    const { db, sqlite } = openOffice();
    const insert = officeQuery((q, name: string) => q.insertInto('schools').values({ name, address: 'Place de la Mairie' }));
    const rename = officeQuery((q, id: number, name: string) => q.updateTable('schools').set({ name }).where('id', '=', id));

    await insert.all(db, 'École Jules Ferry');
    const prepare = vi.spyOn(sqlite, 'prepare');
    await db.transaction().execute(async (trx) => {
      await insert.all(trx, 'École Marie Curie');
      await insert.all(trx, 'École des Tilleuls');
    });
    const curie = await db.selectFrom('schools').select('id').where('name', '=', 'École Marie Curie').executeTakeFirstOrThrow();
    await rename.all(db, curie.id, 'École Pierre et Marie Curie');

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
});
