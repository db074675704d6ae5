import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { DecisionOutcome, QueueRow } from '../src/shared/api/contract.js';
import type { Result } from '../src/shared/result.js';
import { copyBenchOffice, type BenchOffice } from './database.js';
import { summarise, timeEach, type BenchResult } from './stats.js';

/**
 * The validation queue on the 30,000-family commune: opening it with 5,000 pending requests, and accepting 1,000 in
 * one bulk action. Both write to the database, so they run on a copy of the bench file, never on the cached one.
 */

const PENDING = 5_000;
const BULK = 1_000;
/** Timed rounds of each side, after one warm-up round. */
const TIMED = 8;
const CORE_ITEMS = (TIMED + 1) * BULK;
const DAY = '2027-01-11';
const AT = '2026-11-28T09:00:00.000Z';

const QUEUE_SQL = `
  SELECT i.id, r.id AS request_id, r.submitted_at, r.family_id, r1.nom || ' ' || r1.prenom AS family_name,
         i.child_id, c.prenom || ' ' || c.nom AS child_name, c.archived_at, i.service_id, s.name, s.capacity,
         s.requires_inscription, i.day, r.kind, r.absence_reason, r.comment, i.late, pd.state,
         EXISTS (SELECT 1 FROM inscriptions ins WHERE ins.child_id = i.child_id AND ins.service_id = i.service_id
                 AND ins.start_date <= i.day AND ins.end_date >= i.day) AS registered
  FROM request_items i
  JOIN requests r ON r.id = i.request_id
  JOIN responsables r1 ON r1.family_id = r.family_id AND r1.rank = 1
  LEFT JOIN children c ON c.id = i.child_id
  LEFT JOIN services s ON s.id = i.service_id
  LEFT JOIN planning_days pd ON pd.child_id = i.child_id AND pd.service_id = i.service_id AND pd.day = i.day
  WHERE i.status = 'pending'
  ORDER BY r.submitted_at, i.id`;

/** One pending absence per child, each on a booked canteen day, written straight to the tables. */
function seedPending(sqlite: BetterSqlite3.Database, children: { id: number; family_id: number }[], cantine: number, tag: string): number[] {
  const inscription = sqlite.prepare(
    "INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', ?)",
  );
  const book = sqlite.prepare(
    "INSERT OR REPLACE INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, ?)",
  );
  const request = sqlite.prepare(
    "INSERT INTO requests (uid, family_id, kind, absence_reason, comment, source, submitted_at) VALUES (?, ?, 'absence', 'MEDICAL', '', 'portal', ?)",
  );
  const item = sqlite.prepare('INSERT INTO request_items (request_id, child_id, service_id, day) VALUES (?, ?, ?, ?)');
  const ids: number[] = [];
  sqlite.transaction(() => {
    children.forEach((child, index) => {
      const ins = inscription.run(child.id, cantine, AT).lastInsertRowid;
      book.run(child.id, cantine, DAY, ins, AT);
      const submitted = new Date(Date.parse(AT) - index * 1000).toISOString();
      const requestId = request.run(`bench-${tag}-${index}`, child.family_id, submitted).lastInsertRowid;
      ids.push(Number(item.run(requestId, child.id, cantine, DAY).lastInsertRowid));
    });
  })();
  return ids;
}

/**
 * The same acceptance with prepared statements, reading what the core reads to judge each item and writing what it
 * writes: per round the services and the calendar, and the places booked per service and day; per item the item with
 * its request, child and family (still pending, nobody archived), the day as stored, the inscription, another pending
 * item on the same day; then the day, its audit row and the item's decision. Raw SQL judges the one case it meets
 * (an absence on a booked day): the core's shared rules cost it nothing more than a function call per item.
 */
function rawAccept(sqlite: BetterSqlite3.Database, userId: number): (itemIds: number[]) => number {
  const services = sqlite.prepare('SELECT * FROM services ORDER BY sort_order, id');
  const serviceSchools = sqlite.prepare('SELECT service_id, school_id FROM service_schools ORDER BY school_id');
  const schoolYears = sqlite.prepare('SELECT start_date, end_date FROM school_years ORDER BY start_date');
  const periods = sqlite.prepare('SELECT kind, label, start_date, end_date, service_id FROM calendar_periods ORDER BY start_date');
  const booked = sqlite.prepare("SELECT COUNT(*) AS n FROM planning_days WHERE service_id = ? AND day = ? AND state = 'booked'");
  const item = sqlite.prepare(`
    SELECT i.status, i.child_id, i.service_id, i.day, i.late, r.id AS request_id, r.family_id, r.kind, r.absence_reason, r.submitted_at,
           c.archived_at AS child_archived, f.archived_at AS family_archived
    FROM request_items i JOIN requests r ON r.id = i.request_id JOIN families f ON f.id = r.family_id LEFT JOIN children c ON c.id = i.child_id
    WHERE i.id = ?`);
  const stored = sqlite.prepare('SELECT state, attendance, absence_reason, late, walk_in FROM planning_days WHERE child_id = ? AND service_id = ? AND day = ?');
  const inscription = sqlite.prepare('SELECT 1 FROM inscriptions WHERE child_id = ? AND service_id = ? AND start_date <= ? AND end_date >= ? LIMIT 1');
  const otherPending = sqlite.prepare("SELECT 1 FROM request_items WHERE child_id = ? AND service_id = ? AND day = ? AND status = 'pending' AND id <> ? LIMIT 1");
  const day = sqlite.prepare("UPDATE planning_days SET state = 'absent', absence_reason = ?, late = ?, walk_in = 0, updated_at = ?, updated_by = ? WHERE child_id = ? AND service_id = ? AND day = ?");
  const audit = sqlite.prepare(
    "INSERT INTO audit_log (at, user_id, family_id, child_id, entity, entity_id, action, field, old_value, new_value) VALUES (?, ?, ?, ?, 'planning', ?, ?, ?, 'Réservé', ?)",
  );
  const decide = sqlite.prepare("UPDATE request_items SET status = 'accepted', refusal_reason = NULL, decided_by = ?, decided_at = ?, auto = 0 WHERE id = ? AND status = 'pending'");
  return sqlite.transaction((itemIds: number[]) => {
    const names = new Map((services.all() as { id: number; name: string }[]).map((service) => [service.id, service.name]));
    serviceSchools.all();
    schoolYears.all();
    periods.all();
    const places = new Map<string, number>();
    let accepted = 0;
    for (const id of itemIds) {
      const row = item.get(id) as
        | { status: string; child_id: number; service_id: number; day: string; late: number; request_id: number; family_id: number; kind: string; absence_reason: string; child_archived: string | null; family_archived: string | null }
        | undefined;
      if (!row || row.status !== 'pending' || row.kind !== 'absence' || row.child_archived !== null || row.family_archived !== null) continue;
      const place = `${row.service_id}:${row.day}`;
      if (!places.has(place)) places.set(place, (booked.get(row.service_id, row.day) as { n: number }).n);
      const before = stored.get(row.child_id, row.service_id, row.day) as { state: string } | undefined;
      const registered = inscription.get(row.child_id, row.service_id, row.day, row.day) !== undefined;
      const conflict = otherPending.get(row.child_id, row.service_id, row.day, id) !== undefined;
      if (before?.state !== 'booked' || !registered || conflict) continue;
      day.run(row.absence_reason, row.late, AT, userId, row.child_id, row.service_id, row.day);
      audit.run(AT, userId, row.family_id, row.child_id, row.service_id, `Absence acceptée (demande n° ${row.request_id})`, `${names.get(row.service_id)} · ${row.day}`, `Absent (${row.absence_reason})`);
      decide.run(userId, AT, id);
      accepted += 1;
    }
    return accepted;
  });
}

async function onCopy<T>(office: BenchOffice, run: (copy: BenchOffice) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-bench-requests-'));
  const file = path.join(dir, 'office.sqlite');
  const copy = await copyBenchOffice(office, file);
  try {
    return await run(copy);
  } finally {
    await copy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchRequests(office: BenchOffice): Promise<BenchResult[]> {
  return onCopy(office, async (copy) => {
    const sqlite = copy.database.sqlite;
    const cantine = sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
    const userId = sqlite.prepare("SELECT id FROM staff_users WHERE username = 'accueil'").pluck().get() as number;
    const children = sqlite
      .prepare('SELECT c.id, c.family_id FROM children c JOIN families f ON f.id = c.family_id WHERE c.archived_at IS NULL AND f.archived_at IS NULL ORDER BY c.id LIMIT ?')
      .all(CORE_ITEMS * 2) as { id: number; family_id: number }[];
    if (children.length < CORE_ITEMS * 2) throw new Error(`bench needs ${CORE_ITEMS * 2} children, found ${children.length}`);
    const forCore = seedPending(sqlite, children.slice(0, PENDING), cantine, 'core');

    const queueInputs = Array.from({ length: 15 }, (_, index) => index);
    const queueCore = await timeEach(
      queueInputs,
      async () => {
        const result = (await copy.core.call(copy.session, 'requests.queue', {})) as Result<QueueRow[]>;
        if (!result.ok || result.value.length !== PENDING) throw new Error(`requests.queue: ${JSON.stringify(result.ok ? result.value.length : result.error)}`);
      },
      3,
    );
    const queueStatement = sqlite.prepare(QUEUE_SQL);
    const queueRaw = await timeEach(queueInputs, () => queueStatement.all(), 3);

    // Each round decides a fresh thousand (a decided item cannot be decided again). Rounds are cheap, so one untimed
    // warm-up round per side (JIT, SQLite's page cache), then TIMED rounds, core and raw taking turns so that a
    // burst of load on the shared machine falls on both sides rather than on one.
    const forCoreRounds = [...forCore, ...seedPending(sqlite, children.slice(PENDING, CORE_ITEMS), cantine, 'core-more')];
    const forRaw = seedPending(sqlite, children.slice(CORE_ITEMS), cantine, 'raw');
    const accept = rawAccept(sqlite, userId);
    const coreSamples: number[] = [];
    const rawSamples: number[] = [];
    for (let round = 0; round <= TIMED; round += 1) {
      const itemIds = forCoreRounds.slice(round * BULK, (round + 1) * BULK);
      let started = performance.now();
      const result = (await copy.core.call(copy.session, 'requests.decide', { itemIds, decision: 'accept', refusalReason: null })) as Result<DecisionOutcome>;
      const coreMs = performance.now() - started;
      if (!result.ok || result.value.accepted !== BULK) throw new Error(`requests.decide: ${JSON.stringify(result.ok ? result.value.skipped.slice(0, 3) : result.error)}`);
      started = performance.now();
      const accepted = accept(forRaw.slice(round * BULK, (round + 1) * BULK));
      const rawMs = performance.now() - started;
      if (accepted !== BULK) throw new Error(`raw acceptance: ${accepted} of ${BULK}`);
      if (round === 0) continue;
      coreSamples.push(coreMs);
      rawSamples.push(rawMs);
    }

    return [
      { name: `requests.queue (${PENDING} en attente)`, core: queueCore, raw: queueRaw, budgetMs: 1000 },
      { name: `requests.decide (${BULK} acceptées)`, core: summarise(coreSamples), raw: summarise(rawSamples), budgetMs: 1000 },
    ];
  });
}
