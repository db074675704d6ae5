import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { tariffDefinition } from '../src/office/billing/store.js';
import { inscriptionDays } from '../src/office/planning/generate.js';
import { loadCalendar, loadServices } from '../src/office/planning/store.js';
import type { InvoiceRunView } from '../src/shared/api/billing.js';
import type { Tariff } from '../src/shared/billing/tariffs.js';
import type { Result } from '../src/shared/result.js';
import { benchClock, benchRandom, copyBenchOffice, openBenchOffice, type BenchOffice } from './database.js';
import { timeEach, type BenchResult } from './stats.js';

/**
 * The monthly invoice run ('invoiceRuns.generate', November 2026) for 30,000 children of the 30,000-family commune,
 * each inscribed to four services (canteen per meal, morning session, evening by the half hour started with pointed
 * times, Wednesday morning per half-day) with a month of what happened: pointed presences, absences with and without
 * certificate, strikes, cancellations on time and late, late bookings, walk-ins; and the 12-16 October week before the
 * holidays, so illnesses run across them. Written to a copy of the bench file (see invoiceBenchFile).
 *
 * Beside it, one raw SQL query summing each family's billed days × unit price over the same rows, as closely as SQL
 * can: the QF in force (CAF, else tax notice, else the highest bracket), residence, brackets, the evening's half hours,
 * the surcharges, the unbilled reasons and certificates. What SQL does not do: the waiting day of a covered illness
 * (billed by the run, not by SQL), runs across months, PAI reductions. Both totals are printed.
 */

const CHILDREN = 30_000;
const MONTH = '2026-11';
const BUDGET_MS = 30_000;
const NOT_BILLED_REASONS = ['SCHOOL_TRIP', 'TEACHER_ABSENT', 'STRIKE'];
const SERVICE_CODES = ['cantine', 'matin', 'soir', 'mercredi_matin'] as const;

/** Unit prices per QF bracket (resident / non-resident) and surcharges, per service code. */
const PRICES: Record<(typeof SERVICE_CODES)[number], { brackets: [number | null, number, number][]; late: number; unbooked: number }> = {
  cantine: { brackets: [[600, 250, 350], [1000, 350, 450], [null, 450, 550]], late: 100, unbooked: 200 },
  matin: { brackets: [[600, 120, 180], [1000, 180, 240], [null, 240, 300]], late: 50, unbooked: 100 },
  soir: { brackets: [[600, 60, 90], [1000, 90, 120], [null, 120, 150]], late: 20, unbooked: 40 },
  mercredi_matin: { brackets: [[600, 400, 600], [1000, 600, 800], [null, 800, 1000]], late: 100, unbooked: 200 },
};

function tariffOf(code: (typeof SERVICE_CODES)[number], serviceId: number): Tariff {
  const price = PRICES[code];
  return {
    serviceId,
    validFrom: '2026-09-01',
    validTo: '2027-07-02',
    unit: code === 'cantine' ? 'meal' : code === 'soir' ? 'time' : code === 'matin' ? 'session' : 'half_day',
    // A billed evening without pointed times (an absence billed, a day not yet pointed) counts four half hours.
    time: code === 'soir' ? { blockMinutes: 30, rounding: 'started', unitsWithoutTimes: 4 } : null,
    pricing: { kind: 'brackets', brackets: price.brackets.map(([upTo, residentCents, nonResidentCents]) => ({ upTo, residentCents, nonResidentCents })) },
    lateSurcharge: { kind: 'amount', cents: price.late },
    unbookedSurcharge: { kind: 'amount', cents: price.unbooked },
    paiReduction: code === 'cantine' ? { kind: 'percent', basisPoints: 5000 } : null,
  };
}

/** Inscriptions, planning rows, certificates and tariffs of the benchmark's month. */
async function seedMonth(office: BenchOffice): Promise<number> {
  const { sqlite, db } = office.database;
  const [services, calendar] = [await loadServices(db), await loadCalendar(db)];
  const random = benchRandom(0x1a7e);
  const today = '2026-11-28';
  const at = benchClock().toISOString();
  const children = sqlite.prepare('SELECT id, family_id FROM children ORDER BY id LIMIT ?').all(CHILDREN) as { id: number; family_id: number }[];
  const inscription = sqlite.prepare(
    'INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const day = sqlite.prepare(
    `INSERT INTO planning_days (child_id, service_id, day, state, absence_reason, attendance, inscription_id, updated_at, late, walk_in, arrival, departure)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const document = sqlite.prepare(
    "INSERT INTO family_documents (family_id, kind, label, document_date, file_name, mime, content, created_at) VALUES (?, 'certificat', 'Certificat médical', ?, 'c.pdf', 'application/pdf', x'25', ?)",
  );
  const request = sqlite.prepare(
    "INSERT INTO requests (uid, family_id, kind, absence_reason, certificate_document_id, source, submitted_at) VALUES (?, ?, 'absence', 'MEDICAL', ?, 'portal', ?)",
  );
  const item = sqlite.prepare("INSERT INTO request_items (request_id, child_id, service_id, day, status, late, decided_at) VALUES (?, ?, ?, ?, 'accepted', 1, ?)");
  const tariff = sqlite.prepare('INSERT INTO tariffs (service_id, valid_from, valid_to, definition, updated_at) VALUES (?, ?, ?, ?, ?)');
  let rows = 0;
  sqlite.transaction(() => {
    for (const code of SERVICE_CODES) {
      const service = services.find((s) => s.code === code)!;
      sqlite.prepare('UPDATE services SET capacity = NULL WHERE id = ?').run(service.id);
      const t = tariffOf(code, service.id);
      // The bench's own tariff replaces the demo commune's for the services it bills.
      sqlite.prepare('DELETE FROM tariffs WHERE service_id = ?').run(service.id);
      tariff.run(service.id, t.validFrom, t.validTo, JSON.stringify(tariffDefinition(t)), at);
      const weekdays = code === 'mercredi_matin' ? [3] : [1, 2, 4, 5];
      const days = [...inscriptionDays(service, calendar, '2026-10-12', '2026-10-16', weekdays), ...inscriptionDays(service, calendar, '2026-11-01', '2026-11-30', weekdays)];
      for (const child of children) {
        const inscriptionId = Number(inscription.run(child.id, service.id, '2026-09-01', '2027-07-02', weekdays.join(','), at).lastInsertRowid);
        let ill = false;
        for (const d of days) {
          const r = random();
          // An illness goes on from one day to the next half of the time: runs of a few days, some across the holidays.
          ill = d <= today && (ill ? random() < 0.5 : r < 0.02);
          let state = 'booked';
          let reason: string | null = null;
          let attendance: string | null = d <= today ? 'present' : null;
          let late = 0;
          let walkIn = 0;
          if (ill) {
            state = 'absent';
            reason = 'MEDICAL';
            attendance = null;
            late = 1;
            if (random() < 0.5) {
              const documentId = document.run(child.family_id, d, at).lastInsertRowid;
              const requestId = request.run(`bench-${child.id}-${service.id}-${d}`, child.family_id, documentId, at).lastInsertRowid;
              item.run(requestId, child.id, service.id, d, at);
            }
          } else if (r < 0.025) [state, reason, attendance, late] = ['absent', 'STRIKE', null, 1];
          else if (r < 0.045) [state, attendance] = ['cancelled', null];
          else if (r < 0.055) [state, attendance, late] = ['cancelled', null, 1];
          else if (r < 0.065) late = 1;
          else if (r < 0.075 && d <= today) walkIn = 1;
          else if (r < 0.085 && d <= today) attendance = 'absent';
          const timed = code === 'soir' && attendance === 'present';
          // Left between 17:15 and 19:00 (45 to 150 minutes after 16:30).
          const leftAt = 16 * 60 + 30 + 45 + Math.floor(random() * 106);
          const departure = timed ? `${String(Math.floor(leftAt / 60)).padStart(2, '0')}:${String(leftAt % 60).padStart(2, '0')}` : null;
          day.run(child.id, service.id, d, state, reason, attendance, inscriptionId, at, late, walkIn, timed ? '16:30' : null, departure);
          rows += 1;
        }
      }
    }
  })();
  return rows;
}

/** Each family's billed amount by one SQL query over the same rows (see the module comment for what it leaves out). */
function rawAggregateSql(serviceIds: Map<string, number>): string {
  const brackets = SERVICE_CODES.flatMap((code) =>
    PRICES[code].brackets.map(([upTo, res, nonRes]) => `(${serviceIds.get(code)}, ${upTo ?? 'NULL'}, ${res}, ${nonRes}, ${PRICES[code].late}, ${PRICES[code].unbooked})`),
  ).join(', ');
  const soir = serviceIds.get('soir');
  return `
    WITH br(service_id, up_to, res, nonres, late, unbooked) AS (VALUES ${brackets}),
    billed AS (
      SELECT c.family_id, p.service_id, p.late, p.walk_in, p.state, f.resident,
        CASE WHEN f.caf_qf IS NOT NULL AND f.caf_qf_valid_until >= p.day THEN f.caf_qf
             WHEN f.fiscal_rfr_cents IS NOT NULL AND f.fiscal_parts_x100 > 0 THEN f.fiscal_rfr_cents / 12 / f.fiscal_parts_x100
             ELSE NULL END AS qf,
        CASE WHEN p.service_id = ${soir} AND p.departure IS NULL THEN 4
             WHEN p.service_id = ${soir}
             THEN ((CAST(substr(p.departure, 1, 2) AS INTEGER) * 60 + CAST(substr(p.departure, 4, 2) AS INTEGER)) - (CAST(substr(p.arrival, 1, 2) AS INTEGER) * 60 + CAST(substr(p.arrival, 4, 2) AS INTEGER)) + 29) / 30
             ELSE 1 END AS units
      FROM planning_days p
      JOIN children c ON c.id = p.child_id
      JOIN families f ON f.id = c.family_id
      WHERE p.service_id IN (${[...serviceIds.values()].join(', ')}) AND p.day >= '${MONTH}-01' AND p.day <= '${MONTH}-30'
        AND (p.attendance IS NOT NULL OR p.state = 'booked' OR (p.state = 'cancelled' AND p.late = 1)
             OR (p.state = 'absent' AND p.late = 1 AND p.absence_reason NOT IN (${NOT_BILLED_REASONS.map((r) => `'${r}'`).join(', ')})
                 AND NOT (p.absence_reason = 'MEDICAL' AND EXISTS (
                   SELECT 1 FROM request_items i JOIN requests r ON r.id = i.request_id
                   WHERE i.child_id = p.child_id AND i.service_id = p.service_id AND i.day = p.day AND r.certificate_document_id IS NOT NULL))))
        AND NOT (p.service_id = ${soir} AND p.attendance = 'present' AND p.departure IS NULL)
    )
    SELECT family_id, SUM(units * (
      (SELECT CASE WHEN billed.resident = 1 THEN b.res ELSE b.nonres END + CASE WHEN billed.walk_in = 1 THEN b.unbooked WHEN billed.state = 'booked' AND billed.late = 1 THEN b.late ELSE 0 END
       FROM br b WHERE b.service_id = billed.service_id AND (b.up_to IS NULL OR b.up_to >= coalesce(billed.qf, 1e12)) ORDER BY b.up_to IS NULL, b.up_to LIMIT 1)
    )) AS cents
    FROM billed GROUP BY family_id`;
}

export async function benchInvoiceRun(office: BenchOffice): Promise<BenchResult> {
  const copy = await openBenchOffice(await invoiceBenchFile(office));
  try {
    const sqlite = copy.database.sqlite;
    const serviceIds = new Map(
      (sqlite.prepare(`SELECT code, id FROM services WHERE code IN (${SERVICE_CODES.map((c) => `'${c}'`).join(', ')})`).all() as { code: string; id: number }[]).map((s) => [s.code, s.id]),
    );
    let view: InvoiceRunView | null = null;
    const core = await timeEach(
      [1, 2],
      async () => {
        const result = (await copy.core.call(copy.session, 'invoiceRuns.generate', { month: MONTH })) as Result<InvoiceRunView>;
        if (!result.ok) throw new Error(`invoiceRuns.generate refused: ${JSON.stringify(result.error)}`);
        view = result.value;
      },
      1,
    );
    const query = sqlite.prepare(rawAggregateSql(serviceIds));
    let rawTotal = 0;
    let rawFamilies = 0;
    const raw = await timeEach(
      [1, 2],
      () => {
        const families = query.all() as { family_id: number; cents: number }[];
        rawFamilies = families.length;
        rawTotal = families.reduce((sum, family) => sum + family.cents, 0);
      },
      1,
    );
    const run = view as InvoiceRunView | null;
    if (run) {
      process.stdout.write(
        `Facturation de novembre 2026 : ${run.families} familles, ${(run.totalCents / 100).toFixed(2)} €, ${run.problems.length} problèmes, ${run.flagged} QF à mettre à jour ; ` +
          `agrégat SQL : ${rawFamilies} familles, ${(rawTotal / 100).toFixed(2)} € (sans jour de carence ni réduction PAI) ; ` +
          `cœur ${(core.p50 / 1000).toFixed(1)} s, SQL ${(raw.p50 / 1000).toFixed(1)} s, ratio x${(core.p50 / raw.p50).toFixed(1)} (but : < 30 s et x5).\n`,
      );
    }
    return { name: 'facturation du mois (30 000 enfants)', core, raw, budgetMs: BUDGET_MS };
  } finally {
    await copy.close();
  }
}

/**
 * The commune with its month of four services, generated once (minutes: two million days) into bench/.cache beside
 * the family database it starts from, and reused while complete. Only the run's drafts and audit rows are written to
 * it afterwards, each run replacing the previous drafts.
 */
async function invoiceBenchFile(office: BenchOffice): Promise<string> {
  const file = office.database.file.replace(/\.sqlite$/, `-invoices-${CHILDREN}.sqlite`);
  if (fs.existsSync(file)) {
    const check = new BetterSqlite3(file, { readonly: true });
    try {
      if ((check.prepare("SELECT COUNT(*) FROM settings WHERE key = 'bench.invoices'").pluck().get() as number) === 1) return file;
    } finally {
      check.close();
    }
  }
  const temp = `${file}.tmp`;
  const seeding = await copyBenchOffice(office, temp);
  try {
    const started = performance.now();
    const rows = await seedMonth(seeding);
    seeding.database.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('bench.invoices', ?)").run(String(rows));
    seeding.database.sqlite.pragma('optimize');
    seeding.database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    process.stdout.write(`Facturation : ${rows} jours de ${CHILDREN} enfants sur 4 services écrits en ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
  } finally {
    await seeding.close();
  }
  // The IBAN key goes with its database (src/office/sepa/iban-vault.ts), as in bench/database.ts.
  if (fs.existsSync(`${temp}.key`)) fs.renameSync(`${temp}.key`, `${file}.key`);
  fs.renameSync(temp, file);
  return file;
}
