import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOfficeDatabase, type OpenedOfficeDatabase } from '../../src/office/db/open.js';
import { seedDemoCommune } from '../../src/office/demo/seed.js';
import { decideItems } from '../../src/office/requests/decide.js';
import { loadQueue } from '../../src/office/requests/queue.js';
import { storePortalPage, UNEXPECTED_REFUSAL } from '../../src/office/sync/pull.js';
import { openPortalDatabase, type OpenedPortalDatabase } from '../../src/portal/db/open.js';
import { recordRequest, REQUEST_DEFAULTS, type RequestDraft } from '../../src/portal/requests/submit.js';
import { pullPage } from '../../src/portal/sync/pull.js';
import { addDays, isoWeekday, isWeekend } from '../../src/shared/calendar/days.js';
import type { PullResponse } from '../../src/shared/sync/contract.js';
import { makeTestClock, makeTestOffice, type TestOffice } from '../helpers/office.js';

/**
 * The batch loaders (issue 8) against item-by-item judging, on a generated commune. 1,000 portal requests (bookings,
 * cancellations, absences, data changes; late ones, full days, strangers' children, unknown services, two requests on
 * one day, unreadable bodies), read from a real portal database by the portal's own page query, are stored once as
 * one page (facts loaded once, kept in step in memory) and once request by request (facts read afresh from the
 * database for each) in two copies of the same office database: every row written must be the same. Then all the
 * pending items are accepted in one decision in the first copy and one by one, in the queue's order, in the second.
 */

const NOW = '2026-11-28T10:00:00Z';
const REQUESTS = 1_000;
const TABLES = ['requests', 'request_items', 'planning_days', 'audit_log', 'sync_rejects', 'sync_dirty', 'responsables', 'children'] as const;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

let office: TestOffice;
let portal: OpenedPortalDatabase;
let page: PullResponse;
const copies: OpenedOfficeDatabase[] = [];
let batch: OpenedOfficeDatabase;
let single: OpenedOfficeDatabase;
const clock = makeTestClock(NOW);

const rows = (sqlite: BetterSqlite3.Database, table: string) => sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all();
const rowsOf = (sqlite: BetterSqlite3.Database, table: string) => {
  // planning_days and sync_dirty are WITHOUT ROWID tables: ordered by their primary key.
  if (table === 'planning_days') return sqlite.prepare('SELECT * FROM planning_days ORDER BY child_id, service_id, day').all();
  if (table === 'sync_dirty') return sqlite.prepare('SELECT * FROM sync_dirty ORDER BY family_id').all();
  return rows(sqlite, table);
};

beforeAll(async () => {
  office = await makeTestOffice({ now: NOW });
  await seedDemoCommune(office.db, { scale: 'default', clock: office.clock, seed: 8 });
  const sqlite = office.sqlite;
  const service = (code: string) => sqlite.prepare('SELECT id FROM services WHERE code = ?').pluck().get(code) as number;
  const [cantine, soir, matin] = [service('cantine'), service('soir'), service('matin')];
  // Automatic acceptance on, two services accepting late requests (the third refusing them), and capacities at the busiest day's count plus two,
  // so that bookings fill days up within the page and the places taken earlier in it decide the later ones.
  sqlite.prepare(`UPDATE services SET auto_rules = '{"absencesOnTime":true,"bookingsWithinCapacity":true}' WHERE id IN (?, ?)`).run(cantine, soir);
  sqlite.prepare("UPDATE services SET late_policy = 'late' WHERE id IN (?, ?)").run(cantine, soir);
  for (const id of [cantine, soir, matin]) {
    const busiest = sqlite.prepare("SELECT COUNT(*) AS n FROM planning_days WHERE service_id = ? AND state = 'booked' AND day >= '2026-12-07' GROUP BY day ORDER BY n DESC LIMIT 1").pluck().get(id) as number | undefined;
    sqlite.prepare('UPDATE services SET capacity = ? WHERE id = ?').run((busiest ?? 0) + 2, id);
  }

  // A few dozen families, so that their requests meet on the same days.
  const children = sqlite
    .prepare('SELECT c.id, c.family_id FROM children c JOIN families f ON f.id = c.family_id WHERE f.archived_at IS NULL ORDER BY c.family_id, c.id LIMIT 90')
    .all() as { id: number; family_id: number }[];
  const families = [...new Set(children.map((c) => c.family_id))];
  const strangers = sqlite.prepare('SELECT id FROM children WHERE family_id NOT IN (SELECT family_id FROM children ORDER BY family_id LIMIT 90) LIMIT 5').pluck().all() as number[];
  // School days around the Christmas holidays; now and then a day the services are closed (Wednesday, weekend, holidays).
  const days: string[] = [];
  const anyDays: string[] = [];
  for (let day = '2026-12-07'; day <= '2027-01-29'; day = addDays(day, 1)) {
    anyDays.push(day);
    if (!isWeekend(day) && isoWeekday(day) !== 3 && (day <= '2026-12-18' || day >= '2027-01-05')) days.push(day);
  }

  const booked = new Map<number, { serviceId: number; day: string }[]>();
  const registered = new Map<number, number[]>();
  for (const child of children) {
    booked.set(
      child.id,
      sqlite.prepare("SELECT service_id AS serviceId, day FROM planning_days WHERE child_id = ? AND state = 'booked' AND day BETWEEN '2026-12-07' AND '2027-01-29'").all(child.id) as { serviceId: number; day: string }[],
    );
    registered.set(child.id, sqlite.prepare('SELECT DISTINCT service_id FROM inscriptions WHERE child_id = ?').pluck().all(child.id) as number[]);
  }

  const firstWeek = days.filter((day) => day <= '2026-12-11');

  const dir = fs.mkdtempSync(path.join(office.dir, 'portal-'));
  portal = openPortalDatabase(dir, clock);
  const pick = random(2026);
  const one = <T,>(values: readonly T[]): T => values[Math.floor(pick() * values.length)]!;
  const accounts = new Map<number, number>();
  for (const familyId of families) {
    const { id } = await portal.db
      .insertInto('accounts')
      .values({ family_id: familyId, responsable_rank: 1, email: `f${familyId}@test.fr`, password_hash: null, activation_code_hash: null, activation_expires_at: null, activated_at: NOW, disabled: 0, created_at: NOW, updated_at: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    accounts.set(familyId, id);
  }
  // Submitted between Wednesday 25 November and Monday 7 December: before and after the first week's deadline.
  const start = Date.parse('2026-11-25T07:00:00Z');
  for (let n = 0; n < REQUESTS; n += 1) {
    const familyId = one(families);
    const own = children.filter((c) => c.family_id === familyId).map((c) => c.id);
    const at = new Date(start + Math.floor((n / REQUESTS) * 12 * 86_400_000) + Math.floor(pick() * 3_600_000));
    const roll = pick();
    if (roll < 0.01) {
      // An unreadable body, as an older portal could have stored it: an impossible day.
      const uid = randomUUID();
      await portal.db
        .insertInto('requests')
        .values({ uid, family_id: familyId, account_id: accounts.get(familyId)!, kind: 'absence', body: JSON.stringify({ kind: 'absence', reason: 'MEDICAL', items: [{ childId: own[0], serviceId: cantine, day: '2027-02-31' }] }), submitted_at: at.toISOString(), late: 0 })
        .execute();
      continue;
    }
    let draft: RequestDraft;
    if (roll < 0.05) {
      draft = { kind: 'data_change', changes: [{ entity: 'family', entityId: familyId, field: 'responsable1.telMobile', label: 'Téléphone mobile', oldValue: '', newValue: pick() < 0.8 ? `06${String(10_000_000 + n).slice(0, 8)}` : 'pas un numéro' }] };
    } else {
      const kind = one(['book', 'book', 'cancel', 'absence', 'absence'] as const);
      const size = pick();
      const count = size < 0.7 ? 1 : size < 0.9 ? 2 : 3;
      const items = Array.from({ length: count }, () => {
        const childId = one(own);
        const cells = booked.get(childId) ?? [];
        // Mostly what a family would ask: absences and cancellations on its booked days, bookings at its services.
        const cell = kind !== 'book' && cells.length > 0 && pick() < 0.85 ? one(cells) : { serviceId: one(registered.get(childId)?.length ? registered.get(childId)! : [cantine]), day: one(pick() < 0.3 ? firstWeek : days) };
        return {
          childId: pick() < 0.01 ? one(strangers) : childId,
          serviceId: pick() < 0.01 ? 9_999 : cell.serviceId,
          day: pick() < 0.03 ? one(anyDays) : cell.day,
        };
      });
      draft = { kind, items, ...(kind === 'absence' ? { reason: one(['MEDICAL', 'STRIKE', 'OTHER'] as const) } : {}), comment: `n° ${n}` };
    }
    await recordRequest(portal.db, { familyId, accountId: accounts.get(familyId)! }, at, draft);
  }
  // The page as the portal serves it to the office, through JSON as on the wire.
  page = JSON.parse(JSON.stringify(await pullPage(portal.db, 0, REQUESTS))) as PullResponse;

  for (const name of ['batch', 'single']) {
    const file = path.join(office.dir, `${name}.sqlite`);
    sqlite.prepare('VACUUM INTO ?').run(file);
    // A copy's sealed IBANs open with the original's key, as a restored backup does with the office's key file.
    fs.copyFileSync(`${office.sqlite.name}.key`, `${file}.key`);
    copies.push(openOfficeDatabase({ file, clock }));
  }
  [batch, single] = copies as [OpenedOfficeDatabase, OpenedOfficeDatabase];
}, 120_000);

afterAll(async () => {
  for (const copy of copies) await copy.close();
  await portal?.close();
  await office?.close();
});

describe('facts loaded once per batch', () => {
  it('store a 1,000-request page exactly as request-by-request judging does', async () => {
    expect(page.requests).toHaveLength(REQUESTS);
    const storedBatch = await batch.db.transaction().execute((trx) => storePortalPage(trx, page.requests, clock));
    let storedSingle = 0;
    for (const entry of page.requests) {
      storedSingle += await single.db.transaction().execute((trx) => storePortalPage(trx, [entry], clock));
    }
    expect(storedBatch).toBe(REQUESTS);
    expect(storedSingle).toBe(REQUESTS);
    for (const table of TABLES) expect(rowsOf(batch.sqlite, table), table).toEqual(rowsOf(single.sqlite, table));
    expect(await loadQueue(batch.db)).toEqual(await loadQueue(single.db));

    // The page is not a trivial one: every outcome of reception happens many times.
    const outcomes = batch.sqlite
      .prepare(
        `SELECT SUM(status = 'pending') AS pending, SUM(status = 'accepted' AND auto = 1) AS auto, SUM(status = 'refused') AS refused,
                SUM(late = 1 AND status <> 'refused') AS late, COUNT(DISTINCT refusal_reason) AS reasons FROM request_items`,
      )
      .get() as Record<string, number>;
    expect(outcomes.pending).toBeGreaterThan(100);
    expect(outcomes.auto).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.late).toBeGreaterThan(20);
    expect(outcomes.reasons).toBeGreaterThan(5);
    const refusals = (batch.sqlite.prepare('SELECT refusal_reason FROM request_items WHERE refusal_reason IS NOT NULL').pluck().all() as string[]).join('\n');
    for (const why of ['déjà en attente', 'Hors délai', "n'appartient pas", 'Service inconnu', 'illisible', 'est fermé', 'Nouvelle valeur']) expect(refusals).toContain(why);

  }, 120_000);

  it('are read again when a request fails after they recorded it, so the next request on its day is judged as the database says', async () => {
    const file = path.join(office.dir, 'failure.sqlite');
    office.sqlite.prepare('VACUUM INTO ?').run(file);
    fs.copyFileSync(`${office.sqlite.name}.key`, `${file}.key`);
    const copy = openOfficeDatabase({ file, clock });
    copies.push(copy);
    const cell = copy.sqlite
      .prepare(
        `SELECT p.child_id AS childId, p.service_id AS serviceId, p.day, c.family_id AS familyId FROM planning_days p
         JOIN children c ON c.id = p.child_id JOIN services s ON s.id = p.service_id
         WHERE s.code = 'cantine' AND p.state = 'booked' AND p.day >= '2026-12-14' ORDER BY p.day, p.child_id LIMIT 1`,
      )
      .get() as { childId: number; serviceId: number; day: string; familyId: number };
    // The disk fails while the first absence is accepted automatically: after the request was stored and recorded.
    copy.sqlite.exec("CREATE TRIGGER boom BEFORE UPDATE ON planning_days WHEN NEW.absence_reason = 'STRIKE' BEGIN SELECT RAISE(ABORT, 'disque en panne'); END");
    const absence = (seq: number, reason: string) => ({
      seq,
      request: { ...REQUEST_DEFAULTS, uid: randomUUID(), familyId: cell.familyId, submittedAt: NOW, kind: 'absence', reason, items: [{ childId: cell.childId, serviceId: cell.serviceId, day: cell.day }] },
    });
    const stored = await copy.db.transaction().execute((trx) => storePortalPage(trx, [absence(1, 'STRIKE'), absence(2, 'MEDICAL')], clock));
    expect(stored).toBe(2);
    const items = copy.sqlite.prepare('SELECT r.absence_reason, i.status, i.auto, i.refusal_reason FROM request_items i JOIN requests r ON r.id = i.request_id ORDER BY i.id DESC LIMIT 2').all();
    expect(items).toEqual([
      { absence_reason: 'MEDICAL', status: 'accepted', auto: 1, refusal_reason: null },
      { absence_reason: 'STRIKE', status: 'refused', auto: 0, refusal_reason: UNEXPECTED_REFUSAL },
    ]);
    expect(copy.sqlite.prepare('SELECT state, absence_reason FROM planning_days WHERE child_id = ? AND service_id = ? AND day = ?').get(cell.childId, cell.serviceId, cell.day)).toEqual({
      state: 'absent',
      absence_reason: 'MEDICAL',
    });
  });

  it('decide every pending item at once exactly as one at a time in the queue’s order', async () => {
    const pending = single.sqlite
      .prepare("SELECT i.id FROM request_items i JOIN requests r ON r.id = i.request_id WHERE i.status = 'pending' ORDER BY r.submitted_at, i.id")
      .pluck()
      .all() as number[];
    expect(pending.length).toBeGreaterThan(100);
    // What changed since the families asked, the same in both copies: days filled up by the staff (each service's
    // capacity down to the fewest places booked on a day with a pending booking), two children's files archived.
    for (const copy of [batch, single]) {
      copy.sqlite.exec(`
        UPDATE services SET capacity = (
          SELECT MIN((SELECT COUNT(*) FROM planning_days p WHERE p.service_id = i.service_id AND p.day = i.day AND p.state = 'booked'))
          FROM request_items i JOIN requests r ON r.id = i.request_id
          WHERE i.service_id = services.id AND i.status = 'pending' AND r.kind = 'book')
        WHERE id IN (SELECT service_id FROM request_items WHERE status = 'pending' AND service_id IS NOT NULL);
        UPDATE children SET archived_at = '2026-12-09T10:00:00.000Z' WHERE id IN (
          SELECT child_id FROM request_items WHERE status = 'pending' AND child_id IS NOT NULL ORDER BY id LIMIT 2);`);
    }
    const decision = { decision: 'accept' as const, refusalReason: null, userId: 1, at: '2026-12-10T09:00:00.000Z', today: '2026-12-10' };
    const atOnce = await batch.db.transaction().execute((trx) => decideItems(trx, { ...decision, itemIds: [...pending].reverse() }));
    const skipped: { itemId: number; why: string }[] = [];
    let accepted = 0;
    for (const itemId of pending) {
      const outcome = await single.db.transaction().execute((trx) => decideItems(trx, { ...decision, itemIds: [itemId] }));
      accepted += outcome.accepted;
      skipped.push(...outcome.skipped);
    }
    expect(atOnce.accepted).toBe(accepted);
    expect(atOnce.accepted).toBeGreaterThan(50);
    expect(atOnce.skipped.length).toBeGreaterThan(5);
    expect([...atOnce.skipped].sort((a, b) => a.itemId - b.itemId)).toEqual(skipped.sort((a, b) => a.itemId - b.itemId));
    for (const table of TABLES) expect(rowsOf(batch.sqlite, table), table).toEqual(rowsOf(single.sqlite, table));
  }, 120_000);
});
