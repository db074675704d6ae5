import { benchDatabaseFile, openBenchOffice } from './database.js';
import { benchPlanning } from './planning.js';
import { withinBudget } from './stats.js';

/** `npx tsx bench/planning-run.ts`: the planning benchmark alone, on the cached 30,000-family commune. */
const say = (line: string) => process.stdout.write(`${line}\n`);
const office = await openBenchOffice(await benchDatabaseFile(say));
try {
  const result = await benchPlanning(office);
  const fmt = (t: { p50: number; p95: number }) => `p50 ${t.p50.toFixed(2)} ms, p95 ${t.p95.toFixed(2)} ms`;
  say(`${result.name} : cœur ${fmt(result.core)} ; SQL brut ${fmt(result.raw)} ; ratio p50 x${(result.core.p50 / result.raw.p50).toFixed(1)} ; budget < ${result.budgetMs ?? 0} ms : ${withinBudget(result) ? 'tenu' : 'NON tenu'}`);
} finally {
  await office.close();
}
