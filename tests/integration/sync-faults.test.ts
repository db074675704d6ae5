import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { familyPublicationSchema, SYNC_PATHS } from '../../src/shared/sync/contract.js';
import { silentLogger } from '../../src/office/log.js';
import { runSync, type SyncHooks } from '../../src/office/sync/run.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { openTestPortalDatabase } from '../helpers/portal-db.js';
import { exited, portalAccount, signedFetch, spawnTsx, startTestPortal, submitOnPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';

/**
 * Crashes and cuts at every point of the sync: afterwards every request the portal acknowledged is in the office
 * exactly once, and a publication sent again mails nobody twice. Real SQLite files, real HTTP, real processes killed.
 */

const NOW = '2026-11-28T10:00:00.000Z';
let office: TestOffice;
let ids: { familyId: number; childId: number; cantine: number };

async function setupOffice() {
  office = await makeTestOffice({ now: NOW });
  const family = await office.value('families.create', { data: sampleFamilyInput() });
  const child = await office.value('children.create', { familyId: family.id, data: sampleChildInput() });
  const cantine = office.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
  const ins = office.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(child.id, cantine);
  for (const day of ['2026-12-07', '2026-12-08']) {
    office.sqlite
      .prepare("INSERT INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, '2026-09-01T08:00:00Z')")
      .run(child.id, cantine, day, ins.lastInsertRowid);
  }
  ids = { familyId: family.id, childId: child.id, cantine };
}

/** Requests the family books on open December days (many are refused as duplicates: they count the same). */
const OPEN_DAYS = ['2026-12-10', '2026-12-11', '2026-12-14', '2026-12-15', '2026-12-17', '2026-12-18'];
const bookDraft = (n: number) => ({ kind: 'book' as const, items: [{ childId: ids.childId, serviceId: ids.cantine, day: OPEN_DAYS[n % OPEN_DAYS.length]! }] });

/** Every uid of the office's requests, with how many times each appears. */
function officeUids(): Map<string, number> {
  const rows = office.sqlite.prepare('SELECT uid, COUNT(*) AS n FROM requests GROUP BY uid').all() as { uid: string; n: number }[];
  return new Map(rows.map((row) => [row.uid, row.n]));
}

const officeCursor = () => office.sqlite.prepare('SELECT cursor FROM sync_state').pluck().get() as number;

function expectExactlyOnce(uids: string[]) {
  const held = officeUids();
  for (const uid of uids) expect(held.get(uid), uid).toBe(1);
}

afterEach(async () => {
  await office?.close();
});

describe('the office sync stopped in process', () => {
  let portal: TestPortal;
  let submitted: string[];

  beforeEach(async () => {
    await setupOffice();
    portal = await startTestPortal(office.clock);
    await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
    // Published logins keep the family's account open (an unpublished one is disabled, and mailed nothing).
    await office.value('portal.issueActivation', { familyId: ids.familyId, rank: 1 });
    const account = await portalAccount(portal.db, ids.familyId, 'helene.martin@example.fr');
    submitted = [];
    for (let n = 0; n < 10; n += 1) submitted.push((await submitOnPortal(portal.db, ids.familyId, account, office.clock(), bookDraft(n))).uid);
  });

  afterEach(async () => {
    await portal.close();
  });

  const sync = (hooks: SyncHooks = {}) => runSync({ db: office.db, clock: office.clock, log: silentLogger, hooks, pageSize: 3 });

  it('between fetching a page and committing it: the page is rolled back with its cursor, then received once', async () => {
    let pages = 0;
    const status = await sync({
      beforeCommit: () => {
        pages += 1;
        if (pages === 2) throw new Error('crash before commit');
      },
    });
    expect(status.lastError).toMatch(/Erreur inattendue/);
    expect(officeCursor()).toBe(3);
    expect(officeUids().size).toBe(3);
    expect((await sync()).lastError).toBeNull();
    expect(officeUids().size).toBe(10);
    expectExactlyOnce(submitted);
    expect(officeCursor()).toBe(10);
  });

  it('after committing a page, before the next: nothing of the first page is received again', async () => {
    const status = await sync({
      afterCommit: () => {
        throw new Error('crash after commit');
      },
    });
    expect(status.lastError).not.toBeNull();
    expect(officeCursor()).toBe(3);
    expect((await sync()).pulledRequests).toBe(10);
    expectExactlyOnce(submitted);
  });

  it('a page fetched again after the cursor was lost applies nothing twice', async () => {
    await sync();
    office.sqlite.prepare('UPDATE sync_state SET cursor = 0').run();
    await sync();
    expect(officeUids().size).toBe(10);
    expectExactlyOnce(submitted);
  });

  it('during publish, after the portal applied a batch but before the office recorded it: sent again, mailed once', async () => {
    await sync();
    const items = office.sqlite.prepare("SELECT id FROM request_items WHERE status = 'pending' ORDER BY id").pluck().all() as number[];
    expect(items.length).toBeGreaterThan(0);
    await office.value('requests.decide', { itemIds: [items[0]!], decision: 'refuse', refusalReason: 'Plus de place disponible ce jour-là' });
    const mailsBefore = await portal.db.selectFrom('email_outbox').select('id').execute();

    const status = await sync({
      afterSend: () => {
        throw new Error('crash after the portal applied');
      },
    });
    expect(status.lastError).not.toBeNull();
    expect(status.pendingPublications).toBe(1);
    const applied = await portal.db.selectFrom('publications').select('version').executeTakeFirstOrThrow();
    const mailsAfterCrash = await portal.db.selectFrom('email_outbox').select('subject').execute();
    expect(mailsAfterCrash.length).toBe(mailsBefore.length + 1);
    expect(mailsAfterCrash.at(-1)!.subject).toBe('Votre demande de réservation a été refusée');

    const again = await sync();
    expect(again).toMatchObject({ lastError: null, pendingPublications: 0 });
    const held = await portal.db.selectFrom('publications').select(['version', 'data']).executeTakeFirstOrThrow();
    expect(held.version).toBeGreaterThan(applied.version);
    expect(await portal.db.selectFrom('email_outbox').select('id').execute()).toHaveLength(mailsBefore.length + 1);

    // An older publication arriving late is ignored and changes nothing.
    const stale = { ...familyPublicationSchema.parse(JSON.parse(held.data)), version: applied.version, requests: [] };
    const answer = await signedFetch(portal.url, SYNC_PATHS.publish, { body: JSON.stringify({ protocol: 1, settings: null, families: [stale] }), now: office.clock() });
    expect(answer).toMatchObject({ status: 200, json: { applied: [], ignored: [ids.familyId] } });
    expect((await portal.db.selectFrom('publications').select('version').executeTakeFirstOrThrow()).version).toBe(held.version);
  });
});

describe('real crashes', () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
  });

  function startPortalProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
    return new Promise((resolve, reject) => {
      const child = spawnTsx('sync-portal-child.ts', [dataDir], { GRENETTE_TEST_NOW: NOW, GRENETTE_SYNC_SECRET: SYNC_SECRET }, (line) => {
        if (line.startsWith('listening ')) resolve({ child, url: line.slice('listening '.length) });
      });
      children.push(child);
      child.once('exit', (code) => reject(new Error(`portal process exited (${code}) before listening`)));
    });
  }

  it('the office pull killed with SIGKILL mid-run loses and doubles nothing', async () => {
    await setupOffice();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-'));
    const seed = await openTestPortalDatabase(dataDir, office.clock);
    const account = await portalAccount(seed.db, ids.familyId, 'helene.martin@example.fr');
    const submitted: string[] = [];
    for (let n = 0; n < 40; n += 1) submitted.push((await submitOnPortal(seed.db, ids.familyId, account, office.clock(), bookDraft(n))).uid);
    await seed.close();
    const portal = await startPortalProcess(dataDir);
    await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });

    for (const killAfter of [2, 5]) {
      let committed = 0;
      const puller = spawnTsx('sync-office-child.ts', [office.file, portal.url, SYNC_SECRET], { GRENETTE_TEST_NOW: NOW, GRENETTE_PAGE_SIZE: '3' }, (line) => {
        if (!line.startsWith('committed ')) return;
        committed += 1;
        // Kill somewhere inside the next page: fetching it, storing it, or committing it.
        if (committed === killAfter) setTimeout(() => puller.kill('SIGKILL'), Math.floor(Math.random() * 15));
      });
      children.push(puller);
      const end = await exited(puller);
      expect(end.signal).toBe('SIGKILL');
      // The crash left whole pages: exactly the requests up to the stored cursor.
      expect(officeUids().size).toBe(officeCursor());
      expect(officeCursor()).toBeGreaterThanOrEqual(killAfter * 3);
    }

    const status = await office.value('sync.now', {});
    expect(status).toMatchObject({ lastError: null, pulledRequests: 40 });
    expect(officeUids().size).toBe(40);
    expectExactlyOnce(submitted);
    await seed.drop();
  });

  it('the portal killed during submissions keeps every request it acknowledged', async () => {
    await setupOffice();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-'));
    const seed = await openTestPortalDatabase(dataDir, office.clock);
    const account = await portalAccount(seed.db, ids.familyId, 'helene.martin@example.fr');
    await seed.close();
    const first = await startPortalProcess(dataDir);

    const acknowledged: string[] = [];
    let sent = 0;
    const submitOne = async (n: number) => {
      sent += 1;
      const response = await fetch(`${first.url}/test/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ familyId: ids.familyId, accountId: account, draft: bookDraft(n) }),
      });
      if (response.status === 201) acknowledged.push(((await response.json()) as { uid: string }).uid);
    };
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let n = worker; n < 400; n += 8) {
        if (acknowledged.length >= 60 && first.child.signalCode === null) first.child.kill('SIGKILL');
        try {
          await submitOne(n);
        } catch {
          return; // the portal is gone: this submission was never acknowledged
        }
      }
    });
    await Promise.all(workers);
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expect(sent).toBeLessThan(400);

    // The portal comes back on the same files; the office, offline all along, syncs.
    const second = await startPortalProcess(dataDir);
    await office.value('sync.configure', { portalUrl: second.url, secret: SYNC_SECRET });
    const status = await office.value('sync.now', {});
    expect(status.lastError).toBeNull();
    expectExactlyOnce(acknowledged);
    const check = await openTestPortalDatabase(dataDir, office.clock);
    const onPortal = await check.db.selectFrom('requests').select('uid').execute();
    await check.close();
    await check.drop();
    expect(officeUids().size).toBe(onPortal.length);
    expect((await office.value('sync.now', {})).pulledRequests).toBe(onPortal.length);
  });
});
