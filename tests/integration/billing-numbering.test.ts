import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';
import { buildLargeNovember, serviceIdOf } from './billing-run-commune.js';

/**
 * Invoice numbers without gap or duplicate: issuing killed with SIGKILL at many points, and issuing calls racing
 * (two processes on the same file, two calls in one core).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../..');
const FAMILIES = 1000;

let office: TestOffice;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await office?.close();
});

interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves at the first line matching. */
  waitFor(pattern: RegExp): Promise<string | null>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function issuing(file: string, username: string, pauseMs: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'billing-numbering-child.ts'), file, username, '2026-11'], {
    cwd: REPO,
    env: { ...process.env, GRENETTE_TEST_PAUSE_MS: String(pauseMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string | null) => void }[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let index: number;
    while ((index = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (process.env.GRENETTE_TEST_VERBOSE) process.stderr.write(chunk);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exit.then(() => waiters.splice(0).forEach((w) => w.resolve(null)));
  return {
    process: child,
    lines,
    exit,
    waitFor: (pattern) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}

/** The run is issued in full (every draft numbered 1…n, the sequence at n) or not at all (nothing numbered). */
function checkAllOrNothing(): 'issued' | 'draft' {
  const { sqlite } = office;
  expect(sqlite.pragma('quick_check', { simple: true })).toBe('ok');
  const status = sqlite.prepare("SELECT status FROM invoice_runs WHERE month = '2026-11'").pluck().get() as 'issued' | 'draft';
  const seqs = sqlite.prepare('SELECT seq FROM invoices WHERE year = 2026 ORDER BY seq').pluck().all() as number[];
  const last = sqlite.prepare('SELECT last_number FROM invoice_sequences WHERE year = 2026').pluck().get() as number | undefined;
  const lines = sqlite.prepare('SELECT COUNT(*) FROM invoice_lines').pluck().get() as number;
  if (status === 'issued') {
    expect(seqs).toEqual(Array.from({ length: FAMILIES }, (_, i) => i + 1));
    expect(last).toBe(FAMILIES);
    expect(lines).toBe(FAMILIES);
  } else {
    expect(seqs).toEqual([]);
    expect(last ?? 0).toBe(0);
    expect(lines).toBe(0);
  }
  return status;
}

async function largeOffice(): Promise<string> {
  const started = performance.now();
  office = await makeTestOffice({ now: '2026-12-02T09:00:00Z' });
  buildLargeNovember(office.sqlite, await serviceIdOf(office, 'cantine'), FAMILIES);
  const view = await office.value('invoiceRuns.generate', { month: '2026-11' });
  expect(view.drafts).toHaveLength(FAMILIES);
  expect(view.totalCents).toBe(FAMILIES * 17 * 350);
  if (process.env.GRENETTE_TEST_VERBOSE) process.stderr.write(`commune and drafts: ${Math.round(performance.now() - started)} ms\n`);
  await office.as('regisseur');
  // makeTestOffice's users are admin1, then regisseur2.
  return 'regisseur2';
}

async function creditNoteContinues(expected: string): Promise<void> {
  const regie = await office.as('regisseur');
  const invoice = office.sqlite.prepare('SELECT id FROM invoices WHERE seq = 1').pluck().get() as number;
  const credit = await regie.call('invoices.correct', {
    invoiceId: invoice,
    kind: 'credit_note',
    reason: 'Repas non servi',
    lines: [{ childId: null, serviceId: null, label: 'Repas du 2 novembre', amountCents: 350 }],
  });
  expect(credit.ok && credit.value.number).toBe(expected);
}

describe('invoice numbering', () => {
  it('is all or nothing when issuing is killed with SIGKILL at any point, and completes afterwards', { timeout: 240_000 }, async () => {
    const regisseur = await largeOffice();
    // Kill points: right after start (before or while loading), and inside the transaction after the 1st, 2nd…
    // batch of numbered invoices; the child holds still 300 ms after each report so the kill lands there.
    const points: (RegExp | number)[] = [0, 400, /^progress 200\//, /^progress 600\//, /^progress 1000\//, 1500];
    const outcomes: string[] = [];
    let killedMidIssue = 0;
    for (const point of points) {
      const started = performance.now();
      const child = issuing(office.file, regisseur, 300);
      if (typeof point === 'number') {
        await child.waitFor(/^ready$/);
        await new Promise((resolve) => setTimeout(resolve, point));
      } else {
        await child.waitFor(point);
      }
      child.process.kill('SIGKILL');
      const exit = await child.exit;
      outcomes.push(`${Math.round(performance.now() - started)} ms: ${String(point)} → ${exit.signal ?? `exit ${exit.code}`}, ${child.lines.filter((l) => l.startsWith('progress')).length} reports`);
      const status = checkAllOrNothing();
      // Killed after numbering some invoices: the rollback gave every number back.
      if (status === 'draft' && child.lines.some((l) => /^progress [1-9]\d*\/1000$/.test(l))) killedMidIssue += 1;
      if (status === 'issued') break;
    }
    if (process.env.GRENETTE_TEST_VERBOSE) process.stderr.write(`${outcomes.join("\n")}\n`);
    expect(killedMidIssue).toBeGreaterThanOrEqual(2);
    if (checkAllOrNothing() === 'draft') {
      const regie = await office.as('regisseur');
      const issued = await regie.call('invoiceRuns.issue', { month: '2026-11' });
      expect(issued.ok && issued.value.numbers).toEqual({ first: '2026-000001', last: '2026-001000' });
    }
    expect(checkAllOrNothing()).toBe('issued');
    await creditNoteContinues('2026-001001');
  });

  it('issues once when two office processes race on the same file; the other is refused', { timeout: 240_000 }, async () => {
    const regisseur = await largeOffice();
    const [a, b] = [issuing(office.file, regisseur, 0), issuing(office.file, regisseur, 0)];
    await Promise.all([a.exit, b.exit]);
    const results = [a, b].map((child) => JSON.parse(child.lines.find((l) => l.startsWith('result '))!.slice(7)) as { ok: boolean; error?: { message: string } });
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok)!;
    expect(refused.error?.message).toMatch(
      /^(La facturation de novembre 2026 est déjà émise : corrigez par avoir ou facture complémentaire\.|Un autre poste enregistre en ce moment \(facturation ou régie\) : réessayez dans un instant\.)$/,
    );
    expect(checkAllOrNothing()).toBe('issued');
    await creditNoteContinues('2026-001001');
  });

  it('issues once when two calls race in one core; the other is refused', { timeout: 120_000 }, async () => {
    await largeOffice();
    const regie = await office.as('regisseur');
    const other = await office.as('regisseur');
    const results = await Promise.all([regie.call('invoiceRuns.issue', { month: '2026-11' }), other.call('invoiceRuns.issue', { month: '2026-11' })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({
      ok: false,
      error: { message: 'La facturation de novembre 2026 est déjà émise : corrigez par avoir ou facture complémentaire.' },
    });
    expect(checkAllOrNothing()).toBe('issued');
    await creditNoteContinues('2026-001001');
  });
});
