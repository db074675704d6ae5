import { afterAll, describe, expect, it } from 'vitest';
import { HOT_QUERY_BUILDERS, contentRow, contentVersion, latestRequests, planningRequests, planningVersions, publicationAndContentVersions, publicationRow, publicationVersion, sessionById } from '../../src/portal/db/hot-queries.js';
import type { PortalDb } from '../../src/portal/db/open.js';
import { PORTAL_SETTINGS_KEY } from '../../src/portal/content.js';
import { scratchPgPortal, scratchSqlitePortal, TEST_PORTAL_DB } from '../helpers/portal-db.js';
import { makeTestClock } from '../helpers/office.js';
import { insertPublication, insertSettings, makePublication } from '../helpers/portal.js';

/**
 * The portal's hot reads compiled once (db/hot-queries.ts) give the rows their Kysely builders give, for every value
 * (present and absent), on SQLite and, with GRENETTE_TEST_PORTAL_DB=pg, on PostgreSQL too, both open in one process
 * and asked in turns: each database runs its own dialect's SQL text, never the other's.
 */

const clock = makeTestClock('2026-11-30T09:00:00.000Z');
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const openSqlite = () => scratchSqlitePortal(clock, cleanups);
const openPg = async () => (await scratchPgPortal(clock, cleanups)).opened;

/** Three families with a publication (the third without an account's session), settings, and requests of every kind. */
async function fill(db: PortalDb): Promise<void> {
  await insertSettings(db, { version: 7 });
  for (const familyId of [1, 2, 3]) await insertPublication(db, { ...makePublication(familyId), version: 10 + familyId });
  const accounts = await db.selectFrom('accounts').select(['id', 'family_id']).orderBy('id').execute();
  for (const [index, account] of accounts.entries()) {
    if (account.family_id === 3) continue;
    await db
      .insertInto('sessions')
      .values({
        id: `session-${index}`,
        account_id: account.id,
        family_id: account.family_id,
        csrf_token: `csrf-${index}`,
        created_at: '2026-11-30T08:00:00.000Z',
        last_seen_at: '2026-11-30T08:30:00.000Z',
        expires_at: '2026-11-30T20:00:00.000Z',
      })
      .execute();
  }
  const kinds = ['book', 'absence', 'account_change', 'cancel', 'message', 'absence'];
  for (let i = 0; i < 250; i += 1) {
    const account = accounts[i % accounts.length]!;
    await db
      .insertInto('requests')
      .values({ uid: `req-${i}`, family_id: account.family_id, account_id: account.id, kind: kinds[i % kinds.length]!, body: `{"n":${i}}`, submitted_at: '2026-11-30T08:00:00.000Z', late: i % 4 === 0 ? 1 : 0 })
      .execute();
  }
}

/** Each compiled query and its builder, asked with values that find rows and values that find none. */
async function compare(db: PortalDb): Promise<number> {
  let rows = 0;
  const same = async <Row>(compiled: Row[], built: Row[]) => {
    expect(compiled).toEqual(built);
    rows += built.length;
  };
  const B = HOT_QUERY_BUILDERS;
  for (const id of ['session-0', 'session-1', 'session-2', 'session-9', '']) {
    await same(await sessionById.all(db, id), await B.sessionById(db, id).execute());
  }
  for (const familyId of [1, 2, 3, 4]) {
    await same(await publicationVersion.all(db, familyId), await B.publicationVersion(db, familyId).execute());
    await same(await publicationRow.all(db, familyId), await B.publicationRow(db, familyId).execute());
    await same(await planningRequests.all(db, familyId), await B.planningRequests(db, familyId).execute());
    await same(await latestRequests.all(db, familyId), await B.latestRequests(db, familyId).execute());
    for (const key of [PORTAL_SETTINGS_KEY, 'absent']) {
      await same(await publicationAndContentVersions.all(db, familyId, key), await B.publicationAndContentVersions(db, familyId, key).execute());
      await same(await planningVersions.all(db, familyId, key), await B.planningVersions(db, familyId, key).execute());
    }
  }
  for (const key of [PORTAL_SETTINGS_KEY, 'absent']) {
    await same(await contentVersion.all(db, key), await B.contentVersion(db, key).execute());
    await same(await contentRow.all(db, key), await B.contentRow(db, key).execute());
  }
  return rows;
}

describe('the portal’s hot queries compiled once', () => {
  it('give the builders’ rows on each database, asked in turns', async () => {
    const databases = [await openSqlite(), ...(TEST_PORTAL_DB === 'pg' ? [await openPg()] : [])];
    for (const opened of databases) await fill(opened.db);
    for (let round = 0; round < 2; round += 1) {
      for (const opened of databases) {
        // Enough rows compared that an empty answer on both sides could not pass for agreement.
        expect(await compare(opened.db)).toBeGreaterThan(300);
      }
    }
    // The values are what the pages read: the two versions of one round trip, the newest 200 requests, the kinds kept.
    for (const opened of databases) {
      expect(await publicationAndContentVersions.first(opened.db, 2, PORTAL_SETTINGS_KEY)).toEqual({ publication: 12, content: 7 });
      expect(await publicationAndContentVersions.first(opened.db, 4, PORTAL_SETTINGS_KEY)).toEqual({ publication: null, content: 7 });
      expect((await planningRequests.all(opened.db, 1)).every((r) => /^req-\d+$/.test(r.uid))).toBe(true);
      // The planning's mark: its requests' last seq, as the rows themselves give it.
      for (const familyId of [1, 2, 4]) {
        const rows = await opened.db.selectFrom('requests').select('seq').where('family_id', '=', familyId).where('kind', 'in', ['book', 'cancel', 'absence']).execute();
        const versions = await planningVersions.first(opened.db, familyId, PORTAL_SETTINGS_KEY);
        expect(versions?.lastRequest === null ? null : Number(versions?.lastRequest)).toBe(rows.length === 0 ? null : Math.max(...rows.map((r) => Number(r.seq))));
        expect(versions?.content).toBe(7);
      }
      const kinds = new Set((await opened.db.selectFrom('requests').select(['uid', 'kind']).execute()).filter((r) => ['book', 'cancel', 'absence'].includes(r.kind)).map((r) => r.uid));
      for (const familyId of [1, 2]) for (const row of await planningRequests.all(opened.db, familyId)) expect(kinds.has(row.uid)).toBe(true);
      expect(sessionById.sql(opened.db)).toContain(opened.kind === 'postgres' ? '$1' : '?');
    }
  });
});

describe('the planning page’s reads of the family’s requests', () => {
  it('use the index on (family_id, kind, seq) alone, never the table, however long the family’s history (SQLite’s plan)', async () => {
    const opened = await openSqlite();
    await fill(opened.db);
    const details = (compiled: { sql: string; parameters: readonly unknown[] }) =>
      (opened.sqlite.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as { detail: string }[]).map((row) => row.detail);
    const B = HOT_QUERY_BUILDERS;
    const mark = details(B.planningVersions(opened.db, 1, PORTAL_SETTINGS_KEY).compile()).filter((detail) => detail.includes('requests'));
    expect(mark).toEqual([expect.stringMatching(/USING COVERING INDEX requests_family_kind_seq/)]);
    const rows = details(B.planningRequests(opened.db, 1).compile()).filter((detail) => detail.includes('requests'));
    expect(rows.join(' ')).toMatch(/USING INDEX requests_family_kind_seq/);
  });
});
