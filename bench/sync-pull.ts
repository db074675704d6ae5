import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { portalClient } from '../src/office/sync/client.js';
import { pullRequests } from '../src/office/sync/pull.js';
import { loadCalendar, loadServices } from '../src/office/planning/store.js';
import { recordRequest } from '../src/portal/requests/submit.js';
import { buildPortal } from '../src/portal/server.js';
import { openingOn } from '../src/shared/calendar/opening.js';
import { addDays } from '../src/shared/calendar/days.js';
import type { Clock } from '../src/shared/clock.js';
import type { PortalRequest } from '../src/shared/sync/contract.js';
import { openBenchOffice, type BenchOffice } from './database.js';
import { summarise, type BenchResult } from './stats.js';

/**
 * The office's sync pull of 10,000 waiting portal requests: 200 families, each declaring 50 absences (one request
 * per canteen day) on the real portal, then one real signed, paginated pull into a copy of the bench commune. The
 * same rows (request, item, audit row, cursor per page, with the uid checks) written with raw better-sqlite3
 * statements in the same run give the floor. Exactly once: the office holds 10,000 portal requests with 10,000
 * distinct uids, every one the portal recorded, and a second pull brings nothing.
 */

const FAMILIES = 200;
const ABSENCES = 50;
const TOTAL = FAMILIES * ABSENCES;
const SECRET = 'secret-du-banc-synchro-0123456789abcdef';
/** Wednesday 6 January 2027, 09:30 in Paris: every canteen day from Monday 11 January on is still before its deadline. */
const SUBMITTED_AT = '2027-01-06T08:30:00.000Z';
const FIRST_DAY = '2027-01-11';

interface Family {
  familyId: number;
  childId: number;
}

/** The first 50 days the canteen opens from FIRST_DAY, by the office's own calendar. */
async function openDays(copy: BenchOffice, cantine: number): Promise<string[]> {
  const [services, calendar] = await Promise.all([loadServices(copy.database.db), loadCalendar(copy.database.db)]);
  const service = services.find((s) => s.id === cantine)!;
  const days: string[] = [];
  for (let day = FIRST_DAY; days.length < ABSENCES; day = addDays(day, 1)) {
    if (day > '2027-07-02') throw new Error('not enough open canteen days in the school year');
    if (openingOn(service, day, calendar).open) days.push(day);
  }
  return days;
}

/** The floor: the rows the pull writes for each request, with prepared statements, one transaction per page of 100. */
function rawStore(sqlite: BetterSqlite3.Database, at: string): (page: PortalRequest[]) => void {
  const heldRequest = sqlite.prepare('SELECT id FROM requests WHERE uid = ?').pluck();
  const heldReject = sqlite.prepare('SELECT uid FROM sync_rejects WHERE uid = ?').pluck();
  const request = sqlite.prepare(
    "INSERT INTO requests (uid, family_id, kind, absence_reason, comment, certificate_document_id, payload, source, submitted_at, submitted_by) VALUES (?, ?, ?, ?, ?, NULL, NULL, 'portal', ?, NULL) RETURNING id",
  );
  const item = sqlite.prepare('INSERT INTO request_items (request_id, child_id, service_id, day, late) VALUES (?, ?, ?, ?, 0)');
  const audit = sqlite.prepare(
    "INSERT INTO audit_log (at, user_id, family_id, child_id, entity, entity_id, action, field, old_value, new_value) VALUES (?, NULL, ?, NULL, 'request', ?, 'create', 'Demande reçue', NULL, ?)",
  );
  const cursor = sqlite.prepare('UPDATE sync_state SET cursor = cursor + ?, pulled_requests = pulled_requests + ? WHERE id = 1');
  return sqlite.transaction((page: PortalRequest[]) => {
    for (const r of page) {
      if (heldRequest.get(r.uid) !== undefined || heldReject.get(r.uid) !== undefined) continue;
      const { id } = request.get(r.uid, r.familyId, r.kind, r.reason, r.comment.trim(), r.submittedAt) as { id: number };
      for (const i of r.items) item.run(id, i.childId, i.serviceId, i.day);
      audit.run(at, r.familyId, id, `Absence (portail famille, ${r.items.length} élément)`);
    }
    cursor.run(page.length, page.length);
  });
}

export async function benchSyncPull(office: BenchOffice, say: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-bench-pull-'));
  const origin = Date.now();
  const clock: Clock = () => new Date(Date.parse(SUBMITTED_AT) + (Date.now() - origin));
  const officeFile = path.join(dir, 'office.sqlite');
  office.database.sqlite.prepare('VACUUM INTO ?').run(officeFile);
  const copy = await openBenchOffice(officeFile);
  const portal = buildPortal({ dataDir: path.join(dir, 'portal'), clock, mailer: null, config: { syncSecret: SECRET, cookieSecret: 'banc-cookie-0123456789abcdef0123456789', production: false, publicUrl: 'http://127.0.0.1' } });
  try {
    // Office: one child per family, registered at the canteen and booked on each of the 50 days.
    const sqlite = copy.database.sqlite;
    const cantine = sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
    const days = await openDays(copy, cantine);
    const families = (
      sqlite
        .prepare('SELECT MIN(c.id) AS childId, c.family_id AS familyId FROM children c JOIN families f ON f.id = c.family_id WHERE c.archived_at IS NULL AND f.archived_at IS NULL GROUP BY c.family_id ORDER BY c.family_id LIMIT ?')
        .all(FAMILIES) as Family[]
    );
    if (families.length < FAMILIES) throw new Error(`the bench commune has ${families.length} families with a child, ${FAMILIES} needed`);
    const inscription = sqlite.prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', ?)");
    const book = sqlite.prepare("INSERT OR REPLACE INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, ?)");
    sqlite.transaction(() => {
      for (const f of families) {
        const ins = inscription.run(f.childId, cantine, SUBMITTED_AT).lastInsertRowid;
        for (const day of days) book.run(f.childId, cantine, day, ins, SUBMITTED_AT);
      }
    })();

    // Portal: each family declares its 50 absences, one request per day, through the portal's own recording, the
    // families interleaved as they would be on a Wednesday morning.
    const db = portal.portal.db;
    const accounts = new Map<number, number>();
    await db.transaction().execute(async (trx) => {
      for (const f of families) {
        const { id } = await trx
          .insertInto('accounts')
          .values({ family_id: f.familyId, responsable_rank: 1, email: `famille${f.familyId}@banc.test`, password_hash: null, activation_code_hash: null, activation_expires_at: null, activated_at: SUBMITTED_AT, disabled: 0, created_at: SUBMITTED_AT, updated_at: SUBMITTED_AT })
          .returning('id')
          .executeTakeFirstOrThrow();
        accounts.set(f.familyId, id);
      }
      for (const day of days) {
        for (const f of families) {
          await recordRequest(trx, { familyId: f.familyId, accountId: accounts.get(f.familyId)! }, new Date(SUBMITTED_AT), {
            kind: 'absence',
            reason: 'MEDICAL',
            comment: 'Gastro',
            items: [{ childId: f.childId, serviceId: cantine, day }],
          });
        }
      }
    });
    const recorded = (await db.selectFrom('requests').select(['uid', 'body']).orderBy('seq').execute()).map((row) => JSON.parse(row.body) as PortalRequest);
    if (recorded.length !== TOTAL) throw new Error(`the portal recorded ${recorded.length} requests, ${TOTAL} expected`);
    const portalUrl = await portal.listen({ port: 0, host: '127.0.0.1' });
    const client = portalClient(portalUrl, SECRET, clock);

    // The portal's share alone: the same pages fetched, checked and dropped.
    let fetchStarted = performance.now();
    for (let after = 0, more = true; more; ) {
      const page = await client.pull(after, 100);
      ({ more } = page);
      after = page.next;
    }
    const fetchMs = performance.now() - fetchStarted;

    const started = performance.now();
    const pulled = await pullRequests(copy.database.db, client, clock);
    const coreMs = performance.now() - started;

    // Exactly once: every uid the portal recorded, each once, all waiting; then a second pull brings nothing.
    const count = sqlite.prepare("SELECT COUNT(*) AS rows, COUNT(DISTINCT uid) AS uids FROM requests WHERE source = 'portal'").get() as { rows: number; uids: number };
    const held = new Set(sqlite.prepare("SELECT uid FROM requests WHERE source = 'portal'").pluck().all() as string[]);
    const missing = recorded.filter((r) => !held.has(r.uid)).length;
    const pending = sqlite.prepare("SELECT COUNT(*) FROM request_items i JOIN requests r ON r.id = i.request_id WHERE r.source = 'portal' AND i.status = 'pending'").pluck().get() as number;
    const rejects = sqlite.prepare('SELECT COUNT(*) FROM sync_rejects').pluck().get() as number;
    const again = await pullRequests(copy.database.db, client, clock);
    const exact = count.rows === TOTAL && count.uids === TOTAL && missing === 0 && pending === TOTAL && rejects === 0 && pulled.received === TOTAL && again.received === 0;
    say(
      `\nSynchro : ${pulled.received} demandes reçues en ${pulled.pages} pages en ${(coreMs / 1000).toFixed(2)} s (${((coreMs * 1000) / TOTAL).toFixed(0)} µs par demande), ` +
        `dont lecture seule des pages sur le portail ${(fetchMs / 1000).toFixed(2)} s ; bureau : ${count.rows} lignes, ${count.uids} uid distincts, ` +
        `${missing} manquantes, ${pending} en attente, ${rejects} rejets, ${again.received} reçue(s) au second passage.`,
    );
    say(exact ? `Exactement une fois : le bureau détient ${TOTAL} demandes, une par uid.` : 'ÉCART : voir les chiffres ci-dessus.');
    if (!exact) process.exitCode = 1;

    // The floor, on the same database: the same rows under other uids (the office's are taken), same page size.
    const raw = rawStore(sqlite, clock().toISOString());
    const rawRequests = recorded.map((r) => ({ ...r, uid: `brut-${r.uid}` }));
    fetchStarted = performance.now();
    for (let start = 0; start < rawRequests.length; start += 100) raw(rawRequests.slice(start, start + 100));
    const rawMs = performance.now() - fetchStarted;

    return [{ name: `synchro : ${TOTAL} demandes tirées`, core: summarise([coreMs]), raw: summarise([rawMs]), budgetMs: 5000 }];
  } finally {
    await portal.close();
    await copy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
