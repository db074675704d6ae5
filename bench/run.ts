import { benchDatabaseFile, BENCH_FAMILIES, openBenchOffice, type BenchOffice } from './database.js';
import { benchFamilyFile } from './family-file.js';
import { benchInvoiceRun } from './invoice-run.js';
import { benchPlanning } from './planning.js';
import { benchRequests } from './requests.js';
import { benchFamilySearch } from './search.js';
import { withinBudget, type BenchResult, type Timing } from './stats.js';
import { benchSyncPull } from './sync-pull.js';

/**
 * `npm run bench`: the office core against its budgets on a 30,000-family commune, next to raw better-sqlite3 doing the
 * same reads. A measurement, not a test: never run in CI (timings depend on the machine).
 * `npx tsx bench/run.ts pull requests`: only the benchmarks named (search, family-file, requests, planning, pull, invoices, portal, invoice-pdf, statements, ocr).
 * `search` also builds (once, into bench/.cache) and measures a 300,000-family office.
 */

const BENCHMARKS: Record<string, (office: BenchOffice) => Promise<BenchResult | BenchResult[]>> = {
  search: benchFamilySearch,
  'family-file': benchFamilyFile,
  requests: benchRequests,
  planning: benchPlanning,
  pull: benchSyncPull,
  invoices: benchInvoiceRun,
  portal: (office) => import('./portal-server.js').then((m) => m.benchPortalServer(office)),
  'invoice-pdf': (office) => import('./invoice-pdf.js').then((m) => m.benchInvoicePdf(office)),
  statements: (office) => import('./statements.js').then((m) => m.benchStatements(office)),
  ocr: (office) => import('./ocr.js').then((m) => m.benchOcr(office)),
};

const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}: choose among ${Object.keys(BENCHMARKS).join(', ')}`);

const ms = (value: number) => value.toFixed(2).padStart(7);
const timing = (t: Timing) => `${ms(t.p50)} ${ms(t.p95)} ${ms(t.max)}`;

function table(results: BenchResult[]): string {
  const header = [
    'mesure'.padEnd(34),
    'cœur p50     p95     max'.padStart(25),
    'SQL brut p50     p95     max'.padStart(25),
    'ratio p50',
    'budget',
    'tenu ?',
  ].join(' | ');
  const lines = results.map((r) =>
    [
      r.name.padEnd(34),
      timing(r.core).padStart(25),
      timing(r.raw).padStart(25),
      `x${(r.core.p50 / r.raw.p50).toFixed(1)}`.padStart(9),
      (r.budgetMs === null ? '—' : `< ${r.budgetMs} ms`).padStart(6),
      { true: 'oui (p95)', false: 'NON (p95)', null: 'informatif' }[String(withinBudget(r))],
    ].join(' | '),
  );
  const beside = results.flatMap((r) =>
    r.beside
      ? [`  ${r.name} — ${r.beside.label} : p50 ${ms(r.beside.timing.p50)}  p95 ${ms(r.beside.timing.p95)}  max ${ms(r.beside.timing.max)} (p95 x${(r.beside.timing.p95 / r.core.p95).toFixed(1)} celui du cœur)`]
      : [],
  );
  return [header, '-'.repeat(header.length), ...lines, ...(beside.length > 0 ? ['', 'À côté, dans la même exécution :', ...beside] : [])].join('\n');
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const file = await benchDatabaseFile(say);
const office = await openBenchOffice(file);
try {
  const results: BenchResult[] = [];
  for (const [name, bench] of Object.entries(BENCHMARKS)) {
    if (chosen.length === 0 || chosen.includes(name)) results.push(...[await bench(office)].flat());
  }
  say(`\nGrenette, ${BENCH_FAMILIES} familles (${file}), temps en ms :\n`);
  say(table(results));
} finally {
  await office.close();
}
