import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TableCell } from 'pdfmake/interfaces.js';
import { DEMO_PASSWORD } from '../src/office/demo/seed.js';
import type { FileContent } from '../src/shared/api/contract.js';
import type { Result } from '../src/shared/result.js';
import { renderPdf } from '../src/server/pdfmake.js';
import { benchClock, benchRandom, copyBenchOffice, type BenchOffice } from './database.js';
import { timeEach, type BenchResult } from './stats.js';

/**
 * The statements batch (`statements.batch`, issue 11: 1,000 families as one PDF under 10 s): on a copy of the bench
 * file, 1,000 families each with three issued invoices (August, September, October 2026), a cheque paying the first
 * and a cash payment on part of the second, so each owes something at the end of the period; then the batch over
 * September to November printed through the office core as the régisseur. Beside it in the same run, the floor
 * pdfmake sets: a plain 1,000-page table (a page of nine rows per family, as a statement's table, no heading and no
 * statement logic), laid out in this one thread, as the raw side; the batch uses the PDF threads.
 */

export const FAMILIES = 1_000;
const FROM = '2026-09-01';
const TO = '2026-11-30';
const CALLS = 2;
/** The plain table once: it is the floor beside the measure, not the measure. */
const RAW_CALLS = 1;
/** A statement's table: the header, the opening balance, some five entries, the totals and the closing balance. */
const ROWS_PER_PAGE = 9;
const BUDGET_MS = 10_000;

function plainTableDocument(pages: number) {
  const content = Array.from({ length: pages }, (_, page) => {
    const body: TableCell[][] = [['Date', 'Opération', 'Référence', 'Débit', 'Crédit', 'Solde']];
    for (let row = 0; row < ROWS_PER_PAGE; row++) body.push([`0${1 + (row % 9)}/10/2026`, `Opération ${row + 1} de la page ${page + 1}`, `R${page}-${row}`, '12,50 €', '', `${row * 12},50 €`]);
    return { table: { headerRows: 1, widths: [46, '*', 62, 54, 54, 78], body }, pageBreak: page === 0 ? undefined : ('before' as const) };
  });
  return { pageSize: 'A4' as const, defaultStyle: { font: 'Roboto', fontSize: 8.5 }, content };
}

export async function benchStatements(office: BenchOffice): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-bench-statements-'));
  const file = path.join(dir, 'office.sqlite');
  const copy = await copyBenchOffice(office, file);
  try {
    const sqlite = copy.database.sqlite;
    const now = benchClock().toISOString();
    const families = sqlite.prepare('SELECT id FROM families WHERE archived_at IS NULL ORDER BY id LIMIT ?').pluck().all(FAMILIES) as number[];
    const random = benchRandom(11);
    sqlite.transaction(() => {
      let seq = (sqlite.prepare('SELECT coalesce(max(seq), 0) FROM invoices WHERE year = 2026').pluck().get() as number) + 1;
      const invoice = sqlite.prepare(`
        INSERT INTO invoices (number, year, seq, kind, family_id, month, issue_date, due_date, total_cents, issued_at, document)
        VALUES (?, 2026, ?, 'invoice', ?, ?, ?, ?, ?, ?, '{}')`);
      const movement = sqlite.prepare(`
        INSERT INTO account_movements (family_id, kind, method, day, amount_cents, cheque_number, cheque_bank, cheque_drawer, recorded_at)
        VALUES (?, 'payment', ?, ?, ?, ?, ?, ?, ?)`);
      const allocation = sqlite.prepare('INSERT INTO allocations (family_id, source_movement_id, target_invoice_id, amount_cents, at) VALUES (?, ?, ?, ?, ?)');
      for (const familyId of families) {
        const ids: number[] = [];
        const totals: number[] = [];
        for (const [month, issue, due] of [
          ['2026-08', '2026-09-01', '2026-10-01'],
          ['2026-09', '2026-10-01', '2026-10-31'],
          ['2026-10', '2026-11-02', '2026-12-02'],
        ] as const) {
          const total = 4_000 + Math.floor(random() * 12_000);
          const number = `2026-${String(seq).padStart(6, '0')}`;
          ids.push(Number(invoice.run(number, seq++, familyId, month, issue, due, total, now).lastInsertRowid));
          totals.push(total);
        }
        const cheque = Number(movement.run(familyId, 'cheque', '2026-10-12', totals[0], String(1_000_000 + familyId), 'Crédit Agricole', 'M. Famille', now).lastInsertRowid);
        allocation.run(familyId, cheque, ids[0], totals[0], now);
        const part = Math.floor((totals[1] as number) / 2);
        const cash = Number(movement.run(familyId, 'especes', '2026-11-16', part, '', '', '', now).lastInsertRowid);
        allocation.run(familyId, cash, ids[1], part, now);
      }
    })();

    // The batch is the régie's: log in as the demo régisseur.
    const session = copy.core.openSession();
    const login = await copy.core.call(session, 'auth.login', { username: 'regie', password: DEMO_PASSWORD });
    if (!login.ok) throw new Error(`login refused: ${JSON.stringify(login.error)}`);

    let bytes = 0;
    let pages = 0;
    const batch = async () => {
      const result = (await copy.core.call(session, 'statements.batch', { from: FROM, to: TO })) as Result<FileContent>;
      if (!result.ok) throw new Error(`statements.batch refused: ${JSON.stringify(result.error)}`);
      const pdf = Buffer.from(result.value.base64, 'base64');
      bytes = pdf.length;
      pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    };
    // One untimed batch first: the PDF threads started (tsx compiles their sources once), pdfmake's fonts loaded.
    await batch();
    const cpuBefore = process.cpuUsage();
    const core = await timeEach(
      Array.from({ length: CALLS }, (_, i) => i),
      batch,
      0,
    );
    const cpu = process.cpuUsage(cpuBefore);
    const raw = await timeEach(
      Array.from({ length: RAW_CALLS }, (_, i) => i),
      () => renderPdf(plainTableDocument(FAMILIES) as never),
      0,
    );
    process.stdout.write(
      `statements.batch, ${FAMILIES} relevés en un PDF de ${(bytes / 1_048_576).toFixed(1)} Mo, ${pages} pages : p50 ${(core.p50 / 1000).toFixed(2)} s, ` +
        `temps processeur ${((cpu.user + cpu.system) / 1e6 / CALLS).toFixed(2)} s par PDF (objectif < ${BUDGET_MS / 1000} s); ` +
        `pdfmake seul (un fil), tableau simple de ${FAMILIES} pages : p50 ${(raw.p50 / 1000).toFixed(2)} s\n`,
    );
    if (pages < FAMILIES) throw new Error(`${pages} pages for ${FAMILIES} statements`);
    return [{ name: `statements.batch (${FAMILIES} relevés)`, core, raw, budgetMs: BUDGET_MS }];
  } finally {
    await copy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
