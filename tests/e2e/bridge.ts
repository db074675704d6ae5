import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

/**
 * Each spec file gets its own office: a temp dir, a fresh SQLite file seeded with the demo commune, and the dev
 * bridge serving the built renderer on a random loopback port. Tests drive the real office core through it.
 */

export const DEMO_PASSWORD = 'grenette-demo';

/**
 * The office clock of the browser tests (GRENETTE_CLOCK): the specs name fixed school days (January 2027 absences,
 * attendance on a past day), so the office must judge deadlines as on this known morning, whatever day they run.
 */
export const E2E_NOW = '2026-11-28T09:00:00Z';

export interface Bridge {
  url: string;
  dir: string;
  dbFile: string;
}

/**
 * Starts a dev bridge on a fresh office, or on `existing`'s database again (a spec that moves the office's clock
 * forward restarts its office on a later GRENETTE_CLOCK: sepa-acceptance.spec.ts).
 */
export async function startBridge(clock: string | null, existing?: { dir: string; dbFile: string }): Promise<{ bridge: Bridge; child: ChildProcess }> {
  const dir = existing?.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-e2e-'));
  const dbFile = existing?.dbFile ?? path.join(dir, 'grenette.sqlite');
  const child = spawn('npx', ['tsx', 'src/devbridge/cli.ts', '--db', dbFile, '--port', '0'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, GRENETTE_DEV_TOKEN: '', GRENETTE_CLOCK: clock ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`dev bridge did not start in time:\n${stderr}`)), 90_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /GRENETTE_DEV_URL=(\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev bridge exited (${code}):\n${stderr}`));
    });
  });
  return { bridge: { url, dir, dbFile }, child };
}

/** Whether any process of the group still runs (signal 0 only checks). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the bridge and waits until its whole process group is gone: npx may exit before the node process under it has
 * closed the office (a backup under way finishes first, in the worker), and removing the folder meanwhile races with
 * the files it still writes. Past 10 s the group is killed.
 */
export async function stopBridge(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || !groupAlive(pid)) return;
  try {
    // npx runs tsx which runs node: signal the whole process group we created (detached), not just npx.
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    // Bounded: a process nobody reaps (no init in a container) would answer signal 0 forever.
    const killed = Date.now() + 5_000;
    while (groupAlive(pid) && Date.now() < killed) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Registers the per-file office around the file's tests; the returned object is filled in before the first test.
 * `clock: null` runs the office on real time (a spec that pairs it with another real-time server).
 */
export function useOfficeBridge(options: { clock: string | null } = { clock: E2E_NOW }): Bridge {
  const holder = { url: '', dir: '', dbFile: '' };
  let child: ChildProcess | undefined;
  base.beforeAll(async () => {
    base.setTimeout(120_000);
    const started = await startBridge(options.clock);
    child = started.child;
    Object.assign(holder, started.bridge);
  });
  base.afterAll(async () => {
    if (child) await stopBridge(child);
    if (holder.dir) fs.rmSync(holder.dir, { recursive: true, force: true });
  });
  return holder;
}

export const test = base.extend<{ consoleProblems: string[] }>({
  // Collects CSP violations and uncaught errors; each test checks the page stayed clean.
  consoleProblems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await use(problems);
  },
});

export { expect };

export async function login(page: Page, bridge: Bridge, username = 'accueil', password = DEMO_PASSWORD): Promise<void> {
  await page.goto(bridge.url);
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toBeVisible();
}

/** The search box of the families grid, then the family whose row holds `text`, opened by double-click. */
export async function openFamily(page: Page, query: string, rowText: string | RegExp = query): Promise<void> {
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Familles' }).click();
  await page.getByLabel('Rechercher une famille').fill(query);
  const row = page.locator('.ag-row').filter({ hasText: rowText }).first();
  await expect(row).toBeVisible();
  await row.dblclick();
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
}
