import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordFailure, THROTTLE_BUDGETS, type ThrottleKey } from '../../src/portal/auth/throttle.js';
import { openPortalDatabase, type OpenedPortalDatabase, type PortalDb } from '../../src/portal/db/open.js';
import { missingPhotos, purgeUnreferencedPhotos, recordPublicationPhotos, storePhotos, UNREFERENCED_PHOTO_GRACE_MS } from '../../src/portal/photos/store.js';
import { recordRequest } from '../../src/portal/requests/submit.js';
import { applyPublish } from '../../src/portal/sync/publish.js';
import { pullPage } from '../../src/portal/sync/pull.js';
import { SYNC_PROTOCOL } from '../../src/shared/sync/contract.js';
import { freshPgSchema } from '../helpers/portal-db.js';
import { makePublication, makeTestClock } from '../helpers/portal.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput } from '../helpers/office.js';
import { exited, portalAccount, spawnTsx, SYNC_SECRET } from '../helpers/sync.js';

/**
 * The portal's writes with several connections on one PostgreSQL database, as several portal processes make them
 * (here: two pools, each a portal's): counters, publications and the order the office pulls requests in stay right
 * when transactions run side by side. SQLite runs one transaction at a time, so these orders cannot happen there.
 */

const clock = makeTestClock('2026-11-30T09:00:00.000Z');
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Two portals' databases on one fresh schema. */
async function twoPortals(): Promise<[PortalDb, PortalDb]> {
  const schema = await freshPgSchema();
  cleanups.push(schema.drop);
  const opened: OpenedPortalDatabase[] = [openPortalDatabase({ kind: 'postgres', url: schema.url }, clock), openPortalDatabase({ kind: 'postgres', url: schema.url }, clock)];
  for (const one of opened) cleanups.push(() => one.close());
  await opened[0]!.ready();
  await opened[1]!.ready();
  return [opened[0]!.db, opened[1]!.db];
}

describe('the portal on PostgreSQL with several connections', () => {
  it('pulls a request whose transaction commits after a later one started: seqs commit in order', async () => {
    const [a, b] = await twoPortals();
    const first = await portalAccount(a, 1, 'famille1@example.test');
    const second = await portalAccount(a, 2, 'famille2@example.test');
    const draft = { kind: 'data_change' as const, changes: [{ entity: 'family' as const, entityId: 1, field: 'responsable1.telMobile' as const, label: 'Téléphone', oldValue: '', newValue: '06 11 22 33 44' }] };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let recordedFirst = '';
    // Portal A records a request and is slow to commit (a long handler, a paused process).
    const slow = a.transaction().execute(async (trx) => {
      recordedFirst = (await recordRequest(trx, { familyId: 1, accountId: first }, clock(), draft)).uid;
      await held;
    });
    while (recordedFirst === '') await new Promise((resolve) => setTimeout(resolve, 10));
    // Portal B records one meanwhile and the office pulls.
    const fast = recordRequest(b, { familyId: 2, accountId: second }, clock(), { ...draft, changes: [{ ...draft.changes[0]!, newValue: '06 99 88 77 66' }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pulled: string[] = [];
    let cursor = 0;
    const pull = async () => {
      const page = await pullPage(b, cursor, 100);
      pulled.push(...page.requests.map((entry) => (entry.request as { uid: string }).uid));
      cursor = page.next;
    };
    await pull();
    release();
    await slow;
    const recordedSecond = (await fast).uid;
    await pull();
    await pull();
    expect(pulled).toEqual([recordedFirst, recordedSecond]);
  });

  it('counts every failure of attempts at once from two portals', async () => {
    const [a, b] = await twoPortals();
    const keys: ThrottleKey[] = [
      { key: 'login:pair:10.0.0.1:famille@example.test', scope: 'pair' },
      { key: 'login:account:famille@example.test', scope: 'account' },
      { key: 'login:ip:10.0.0.1', scope: 'ip' },
    ];
    const attempts = 24;
    await Promise.all(Array.from({ length: attempts }, (_, index) => recordFailure(index % 2 === 0 ? a : b, index % 3 === 0 ? [...keys].reverse() : keys, clock())));
    const rows = await a.selectFrom('login_throttle').select(['key', 'failures', 'locked_until']).orderBy('key').execute();
    expect(rows.map((row) => [row.key, row.failures])).toEqual(keys.map((key) => [key.key, attempts]).sort());
    expect(rows.find((row) => row.key.includes(':pair:'))!.locked_until).not.toBeNull();
    expect(attempts).toBeGreaterThan(THROTTLE_BUDGETS.pair.free);
  });

  it('keeps the newest of publications of one family sent at once, whatever order they commit in', async () => {
    const [a, b] = await twoPortals();
    const versions = [3, 1, 5, 2, 4, 6];
    const answers = await Promise.all(
      versions.map((version, index) =>
        applyPublish(index % 2 === 0 ? a : b, { protocol: SYNC_PROTOCOL, settings: null, families: [makePublication(7, { version })] }, clock()),
      ),
    );
    const held = await a.selectFrom('publications').select(['version', 'data']).where('family_id', '=', 7).executeTakeFirstOrThrow();
    expect(held.version).toBe(6);
    expect(JSON.parse(held.data).version).toBe(6);
    expect(answers.filter((answer) => answer.applied.includes(7)).length + answers.filter((answer) => answer.ignored.includes(7)).length).toBe(versions.length);
    const accounts = await a.selectFrom('accounts').select('email').where('family_id', '=', 7).execute();
    expect(accounts).toEqual([{ email: 'famille7@example.test' }]);
  });

  it('two portal processes on one database, families submitting to both while the office pulls, a third of the transactions slow to commit: each acknowledged request arrives once', async () => {
    const NOW = '2026-11-28T10:00:00.000Z';
    const office = await makeTestOffice({ now: NOW });
    cleanups.push(() => office.close());
    const cantine = office.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
    // Four families: one family's requests are recorded one at a time, several families' side by side.
    const families: Array<{ familyId: number; childId: number; accountId: number }> = [];
    for (let index = 0; index < 4; index += 1) {
      const family = await office.value('families.create', { data: sampleFamilyInput() });
      const child = await office.value('children.create', { familyId: family.id, data: sampleChildInput() });
      office.sqlite
        .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
        .run(child.id, cantine);
      families.push({ familyId: family.id, childId: child.id, accountId: 0 });
    }
    const days = ['2026-12-10', '2026-12-11', '2026-12-14', '2026-12-15', '2026-12-17', '2026-12-18'];

    // The folder names the schema both processes open (tests/helpers/portal-db.ts), seeded with the family's login.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-pg-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const schema = await freshPgSchema(dataDir);
    cleanups.push(schema.drop);
    const seed = openPortalDatabase({ kind: 'postgres', url: schema.url }, clock);
    for (const [index, family] of families.entries()) family.accountId = await portalAccount(seed.db, family.familyId, `famille${index}@example.test`);
    await seed.close();

    const children: ChildProcess[] = [];
    cleanups.push(async () => {
      for (const process of children) {
        if (process.exitCode === null && process.signalCode === null) process.kill('SIGTERM');
        await exited(process);
      }
    });
    const start = () =>
      new Promise<string>((resolve, reject) => {
        const process = spawnTsx('sync-portal-child.ts', [dataDir], { GRENETTE_TEST_NOW: NOW, GRENETTE_SYNC_SECRET: SYNC_SECRET, GRENETTE_TEST_PORTAL_DB: 'pg' }, (line) => {
          if (line.startsWith('listening ')) resolve(line.slice('listening '.length));
        });
        children.push(process);
        process.once('exit', (code) => reject(new Error(`portal process exited (${code}) before listening`)));
      });
    const urls = await Promise.all([start(), start()]);
    await office.value('sync.configure', { portalUrl: urls[0]!, secret: SYNC_SECRET });

    const acknowledged: string[] = [];
    const submitting = Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let n = worker; n < 160; n += 8) {
          const family = families[worker % families.length]!;
          const response = await fetch(`${urls[n % 2]}/test/submit`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ familyId: family.familyId, accountId: family.accountId, draft: { kind: 'book', items: [{ childId: family.childId, serviceId: cantine, day: days[n % days.length] }] }, holdMs: n % 3 === 0 ? 40 : 0 }),
          });
          expect(response.status).toBe(201);
          acknowledged.push(((await response.json()) as { uid: string }).uid);
        }
      }),
    );
    // The office pulls again and again while the families submit.
    let done = false;
    void submitting.finally(() => (done = true));
    let pulls = 0;
    while (!done) {
      expect((await office.value('sync.now', {})).lastError).toBeNull();
      pulls += 1;
    }
    await submitting;
    expect((await office.value('sync.now', {})).lastError).toBeNull();

    expect(acknowledged).toHaveLength(160);
    expect(pulls).toBeGreaterThan(1);
    const held = new Map((office.sqlite.prepare('SELECT uid, COUNT(*) AS n FROM requests GROUP BY uid').all() as { uid: string; n: number }[]).map((row) => [row.uid, row.n]));
    for (const uid of acknowledged) expect(held.get(uid), uid).toBe(1);
    expect(held.size).toBe(160);
  });

  it('never purges a photo a publication names again while the purge runs: the publication keeps it or learns it is missing', async () => {
    const [a, b] = await twoPortals();
    // A 1×1 PNG sent two days ago, named by no publication since: past its grace period.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const sha256 = (await import('node:crypto')).createHash('sha256').update(png).digest('hex');
    const sent = new Date(clock().getTime() - 2 * UNREFERENCED_PHOTO_GRACE_MS);
    expect(await storePhotos(a, [{ sha256, mime: 'image/png', base64: png.toString('base64') }], sent)).toEqual({ ok: true, stored: [sha256] });
    const base = makePublication(7);
    const publication = { ...base, children: [{ ...base.children[0]!, photo: { sha256, mime: 'image/png', size: png.length } }] };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let missing: string[] | null = null;
    // Portal A stores a publication naming the photo again, and is slow to commit.
    const publishing = a.transaction().execute(async (trx) => {
      missing = await recordPublicationPhotos(trx, publication, clock());
      await held;
    });
    while (missing === null) await new Promise((resolve) => setTimeout(resolve, 10));
    // Portal B's purge runs meanwhile; A commits a moment later.
    const purging = purgeUnreferencedPhotos(b, clock());
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await publishing;
    const purged = await purging;
    // The purge waited for A's renewal of the photo and found it too recent: named, and still held.
    expect(purged).toBe(0);
    expect(missing).toEqual([]);
    expect(await missingPhotos(a, [sha256])).toEqual([]);
  });
});
