import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildPlanning } from '../src/shared/api/contract.js';
import type { Result } from '../src/shared/result.js';
import { seedDemoInscriptions } from '../src/office/demo/inscriptions.js';
import { benchClock, benchRandom, copyBenchOffice, type BenchOffice } from './database.js';
import { ALL_INPUTS, timeEach, type BenchResult } from './stats.js';

/**
 * A month's planning of one child (`planning.child`, December 2026) on the 30,000-family commune, with the demo's
 * inscriptions given to the first few thousand children (a year of booked days each), a pending request and a refusal
 * here and there. Written to a copy of the bench file, never to the cached one.
 */

const CHILDREN = 4_000;
const CALLS = 300;
const FROM = '2026-12-01';
const TO = '2026-12-31';

/** The same rows the grid is built from, with prepared statements: child, services, calendar, inscriptions, days, requests. */
function rawMonth(sqlite: BenchOffice['database']['sqlite']): (childId: number) => unknown {
  const child = sqlite.prepare('SELECT id, nom, prenom, archived_at FROM children WHERE id = ?');
  const services = sqlite.prepare('SELECT * FROM services ORDER BY sort_order, id');
  const serviceSchools = sqlite.prepare('SELECT service_id, school_id FROM service_schools ORDER BY school_id');
  const years = sqlite.prepare('SELECT start_date, end_date FROM school_years ORDER BY start_date');
  const periods = sqlite.prepare('SELECT kind, label, start_date, end_date, service_id FROM calendar_periods ORDER BY start_date');
  const inscriptions = sqlite.prepare('SELECT service_id FROM inscriptions WHERE child_id = ? AND start_date <= ? AND end_date >= ?');
  const days = sqlite.prepare('SELECT service_id, day, state, absence_reason, attendance FROM planning_days WHERE child_id = ? AND day >= ? AND day <= ?');
  const items = sqlite.prepare(`
    SELECT i.id, i.service_id, i.day, i.status, i.refusal_reason, r.kind, r.absence_reason
    FROM request_items i JOIN requests r ON r.id = i.request_id
    WHERE i.child_id = ? AND i.day >= ? AND i.day <= ? AND i.status IN ('pending', 'refused')
    ORDER BY coalesce(i.decided_at, r.submitted_at), i.id`);
  return (id) => ({
    child: child.get(id),
    services: services.all(),
    serviceSchools: serviceSchools.all(),
    years: years.all(),
    periods: periods.all(),
    inscriptions: inscriptions.all(id, TO, FROM),
    days: days.all(id, FROM, TO),
    items: items.all(id, FROM, TO),
  });
}

export async function benchPlanning(office: BenchOffice): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-bench-planning-'));
  const file = path.join(dir, 'office.sqlite');
  const copy = await copyBenchOffice(office, file);
  try {
    const sqlite = copy.database.sqlite;
    const children = sqlite.prepare('SELECT id, family_id FROM children ORDER BY id LIMIT ?').all(CHILDREN) as { id: number; family_id: number }[];
    const now = benchClock().toISOString();
    await copy.database.db.transaction().execute((trx) => seedDemoInscriptions(trx, children, 74370, '2026-11-28', now));
    const cantine = sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
    const request = sqlite.prepare("INSERT INTO requests (uid, family_id, kind, absence_reason, source, submitted_at) VALUES (?, ?, 'absence', 'MEDICAL', 'portal', ?)");
    const item = sqlite.prepare('INSERT INTO request_items (request_id, child_id, service_id, day, status, refusal_reason, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    sqlite.transaction(() => {
      children.forEach((child, index) => {
        if (index % 3 !== 0) return;
        const requestId = request.run(`bench-planning-${index}`, child.family_id, now).lastInsertRowid;
        item.run(requestId, child.id, cantine, '2026-12-10', 'pending', null, null);
        item.run(requestId, child.id, cantine, '2026-12-11', 'refused', 'Délai de modification dépassé', now);
      });
    })();

    const random = benchRandom(11);
    const ids = Array.from({ length: CALLS }, () => (children[Math.floor(random() * children.length)] as { id: number }).id);
    // Each side first reads every month once untimed: both then meet the same warm pages.
    const core = await timeEach(
      ids,
      async (childId) => {
        const result = (await copy.core.call(copy.session, 'planning.child', { childId, from: FROM, to: TO })) as Result<ChildPlanning>;
        if (!result.ok) throw new Error(`planning.child refused ${childId}: ${JSON.stringify(result.error)}`);
      },
      ALL_INPUTS,
    );
    return { name: `planning.child (un mois, ${CALLS} enfants)`, core, raw: await timeEach(ids, rawMonth(sqlite), ALL_INPUTS), budgetMs: 50 };
  } finally {
    await copy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
