import { benchDatabaseFile, openBenchOffice } from './database.js';
import { benchInvoiceRun } from './invoice-run.js';
import { withinBudget } from './stats.js';

/** `npx tsx bench/invoice-run-only.ts`: the invoice run benchmark alone, on the cached 30,000-family commune. */
const say = (line: string) => process.stdout.write(`${line}\n`);
const office = await openBenchOffice(await benchDatabaseFile(say));
try {
  const result = await benchInvoiceRun(office);
  say(`${result.name} : cœur p50 ${(result.core.p50 / 1000).toFixed(1)} s ; SQL brut p50 ${(result.raw.p50 / 1000).toFixed(1)} s ; ratio x${(result.core.p50 / result.raw.p50).toFixed(1)} ; budget < ${(result.budgetMs ?? 0) / 1000} s : ${withinBudget(result) ? 'tenu' : 'NON tenu'}`);
} finally {
  await office.close();
}
