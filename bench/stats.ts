/** Timing helpers: each call is timed on its own, and the run reports p50 / p95 / max in milliseconds. */

export interface Timing {
  calls: number;
  p50: number;
  p95: number;
  max: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] as number;
}

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { calls: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** A warm-up round over every input. */
export const ALL_INPUTS = Number.POSITIVE_INFINITY;

/**
 * Runs `run` once per input after a warm-up (JIT, SQLite page cache), timing each call. `warmUp` is how many of the
 * inputs are run first untimed; `ALL_INPUTS` runs them all, so that a side timed second does not find the pages the
 * first side read already warm while the first side met them cold.
 */
export async function timeEach<T>(inputs: readonly T[], run: (input: T) => unknown, warmUp = 20): Promise<Timing> {
  for (const input of inputs.slice(0, warmUp)) await run(input);
  const samples: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    await run(input);
    samples.push(performance.now() - started);
  }
  return summarise(samples);
}

export interface BenchResult {
  name: string;
  /** Through the office core: validation, handler, Kysely, mapping. */
  core: Timing;
  /** The same data with better-sqlite3 prepared statements only. */
  raw: Timing;
  /** The goal for the core's p95; null for a measure printed for information only (no goal applies to it). */
  budgetMs: number | null;
  /** Another way of doing the same work, measured in the same run and printed under the table (e.g. the scan an index replaced). */
  beside?: { label: string; timing: Timing };
}

/** Whether the core's p95 is within the goal; null when the measure has none. */
export function withinBudget(result: BenchResult): boolean | null {
  return result.budgetMs === null ? null : result.core.p95 < result.budgetMs;
}
