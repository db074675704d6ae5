import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileContent } from '../../src/shared/api/contract.js';
import type { CallProgress } from '../../src/shared/api/progress.js';
import { parisDay } from '../../src/shared/clock.js';
import type { Result } from '../../src/shared/result.js';
import type { OfficeSession } from '../../src/office/api/handler.js';
import { createStaffUser } from '../../src/office/auth/users.js';
import { openOfficeDatabase } from '../../src/office/db/open.js';
import { createLogger } from '../../src/office/log.js';
import {
  HOST_CLOSING,
  OfficeStartError,
  WORKER_CRASHED,
  startOfficeWorker,
  type OfficeHost,
  type OfficeHostOptions,
} from '../../src/office/worker/host.js';
import type { OfficeWorkerConfig } from '../../src/office/worker/protocol.js';
import { startupErrorDialog } from '../../src/main/startup-errors.js';
import { TEST_PASSWORD, sampleFamilyInput } from '../helpers/office.js';

/*
 * The office core in its worker thread, started from the TypeScript sources as the dev bridge starts it (tsx), on real
 * SQLite files: what crosses the thread, what the host's event loop does meanwhile, crashes, restarts and closing.
 */

const NOW = '2026-11-28T10:00:00Z';
const CLASS_SIZE = 60;
const PHOTO = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/child-photo.jpg'));

let root: string;

interface Office {
  dir: string;
  config: OfficeWorkerConfig;
  schoolId: number;
}

/** A database with an admin and one class of CLASS_SIZE children (every other one with a photo), closed again. */
async function makeOfficeFiles(): Promise<Office> {
  const dir = fs.mkdtempSync(path.join(root, 'office-'));
  const dbFile = path.join(dir, 'grenette.sqlite');
  const clock = () => new Date(NOW);
  const database = openOfficeDatabase({ file: dbFile, clock });
  await createStaffUser(database.db, { username: 'claire', displayName: 'Claire Dupont', role: 'admin', password: TEST_PASSWORD }, clock);
  const { id: schoolId } = await database.db.insertInto('schools').values({ name: 'École Les Prés' }).returning('id').executeTakeFirstOrThrow();
  for (let index = 0; index < CLASS_SIZE; index += 1) {
    const { id: familyId } = await database.db
      .insertInto('families')
      .values({ created_at: NOW, updated_at: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('children')
      .values({
        family_id: familyId,
        nom: `Enfant${index}`,
        prenom: 'Camille',
        sexe: 'F',
        date_naissance: '2018-05-14',
        school_id: schoolId,
        classe: 'CE1',
        created_at: NOW,
        updated_at: NOW,
        ...(index % 2 === 0 ? { photo: PHOTO, photo_mime: 'image/jpeg' } : {}),
      })
      .execute();
  }
  await database.close();
  const config: OfficeWorkerConfig = {
    paths: { dbFile, backupDir: path.join(dir, 'backups'), logFile: path.join(dir, 'grenette.log') },
    clock: { kind: 'fixed', at: NOW },
    demoOnFirstRun: false,
    log: 'file',
  };
  return { dir, config, schoolId };
}

function hostOptions(office: Office, extra: Partial<OfficeHostOptions> = {}): OfficeHostOptions {
  return { config: office.config, log: createLogger(path.join(office.dir, 'host.log')), ...extra };
}

async function login(host: OfficeHost): Promise<OfficeSession> {
  const session = host.openSession();
  const result = await host.call(session, 'auth.login', { username: 'claire', password: TEST_PASSWORD });
  expect(result).toMatchObject({ ok: true, value: { username: 'claire', role: 'admin' } });
  return session;
}

function logLines(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-worker-'));
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('office core in a worker thread', () => {
  let office: Office;
  let host: OfficeHost;
  let session: OfficeSession;

  beforeAll(async () => {
    office = await makeOfficeFiles();
    host = await startOfficeWorker(hostOptions(office));
    session = await login(host);
  });

  afterAll(async () => {
    await host.close();
  });

  it('keeps the session in the host: login and logout travel back with their results', async () => {
    expect(session.user).toMatchObject({ username: 'claire', role: 'admin' });
    expect(await host.call(session, 'auth.me', {})).toMatchObject({ ok: true, value: { username: 'claire' } });
    const other = host.openSession();
    expect(await host.call(other, 'families.search', { query: '', includeArchived: false })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    await login(host).then(async (second) => {
      expect(await host.call(second, 'auth.logout', {})).toEqual({ ok: true, value: null });
      expect(second.user).toBeNull();
    });
    // The first session is untouched by the second one's logout.
    expect(session.user?.username).toBe('claire');
  });

  it('returns values and failures intact: field errors, not found, unknown method', async () => {
    const created = await host.call(session, 'families.create', { data: sampleFamilyInput() });
    expect(created).toMatchObject({ ok: true, value: { id: expect.any(Number), documents: [] } });

    const invalid = await host.call(session, 'families.create', {
      data: sampleFamilyInput({ responsable1: { ...sampleFamilyInput().responsable1, email: 'pas-un-courriel' } }),
    });
    expect(invalid.ok).toBe(false);
    if (invalid.ok) return;
    expect(invalid.error.code).toBe('validation');
    expect(invalid.error.message).toBe('Certains champs sont à corriger.');
    expect(Object.keys(invalid.error.fields ?? {})).toContain('responsable1.email');
    expect(invalid.error.fields?.['responsable1.email']).toMatch(/[a-zé]/);

    expect(await host.call(session, 'families.get', { id: 999_999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await host.call(session, 'nope.nothing', {})).toEqual({ ok: false, error: { code: 'not_found', message: 'Action inconnue.' } });
  });

  it('prints a class in the worker while the host event loop keeps ticking, with progress per child in order', async () => {
    const progress: CallProgress[] = [];
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 10);
    const started = performance.now();
    let result: Result<unknown>;
    try {
      result = await host.call(session, 'print.childSheets', { scope: { kind: 'class', schoolId: office.schoolId, classe: 'CE1' } }, (event) =>
        progress.push(event),
      );
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    expect(result.ok).toBe(true);
    const file = (result as { value: FileContent }).value;
    expect(file.fileName).toBe('fiches-ecole-les-pres-ce1.pdf');
    expect(Buffer.from(file.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    // The print takes a while; the host's timer fired all along, never held up for long. Run on the host's thread,
    // the layout and drawing (nearly all of the time) would hold it up in one piece.
    expect(elapsed).toBeGreaterThan(100);
    const gaps = ticks.slice(1).map((tick, index) => tick - (ticks[index] ?? tick));
    expect(ticks.length).toBeGreaterThan(elapsed / 10 / 3);
    expect(Math.max(...gaps)).toBeLessThan(Math.max(elapsed / 3, 50));

    // Progress: first the layout at 0, then one event per child drawn, up to all of them, in order.
    expect(progress[0]).toEqual({ done: 0, total: CLASS_SIZE, label: 'Mise en page des fiches' });
    expect(progress.at(-1)).toEqual({ done: CLASS_SIZE, total: CLASS_SIZE, label: 'Impression des fiches' });
    expect(progress.map((event) => event.done)).toEqual(Array.from({ length: CLASS_SIZE + 1 }, (_, done) => done));
  });

  it('logs an unexpected error with its context in the worker and returns a short French message', async () => {
    const sqlite = new BetterSqlite3(office.config.paths.dbFile);
    sqlite.pragma('foreign_keys = OFF');
    sqlite.exec('DROP TABLE refusal_reasons');
    sqlite.close();
    const result = await host.call(session, 'refusalReasons.list', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez." },
    });
    const logged = logLines(office.config.paths.logFile).find((line) => line.message === 'office call failed');
    expect(logged).toMatchObject({ level: 'error', method: 'refusalReasons.list', user: 'claire' });
    expect(String(logged?.error)).toContain('no such table: refusal_reasons');
  });
});

describe('office worker lifecycle', () => {
  it('refuses a database written by a newer Grenette with its French message, for the start-up dialog', async () => {
    const office = await makeOfficeFiles();
    const sqlite = new BetterSqlite3(office.config.paths.dbFile);
    sqlite.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01')").run();
    sqlite.close();
    const failure = await startOfficeWorker(hostOptions(office)).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OfficeStartError);
    expect((failure as Error).name).toBe('NewerDatabaseError');
    expect(startupErrorDialog(failure, office.config.paths.logFile)).toEqual({
      title: 'Grenette ne peut pas ouvrir la base de données',
      message: expect.stringContaining('version plus récente de Grenette'),
    });
  });

  it('reports a crash of the worker in French and restarts it on the next call, the session kept', async () => {
    const office = await makeOfficeFiles();
    // A worker with little memory: a call too large for it ends the worker, as a runaway batch would.
    const host = await startOfficeWorker(hostOptions(office, { resourceLimits: { maxOldGenerationSizeMb: 64 } }));
    try {
      const session = await login(host);
      const huge = { id: 1, mime: 'image/jpeg', base64: 'A'.repeat(8 * 1024 * 1024) };
      const crashed = await host.call(session, 'children.setPhoto', { ...huge, chunks: Array.from({ length: 16 }, (_, i) => `${i}${huge.base64}`) });
      expect(crashed).toEqual({ ok: false, error: { code: 'internal', message: WORKER_CRASHED } });
      const stopped = logLines(path.join(office.dir, 'host.log')).find((line) => line.message === 'office worker stopped unexpectedly');
      expect(stopped).toMatchObject({ level: 'error', pendingCalls: 1, error: expect.stringMatching(/memory/) });

      // The next call starts a new worker; the host kept the session, so nobody logs in again.
      expect(await host.call(session, 'auth.me', {})).toMatchObject({ ok: true, value: { username: 'claire' } });
      expect(await host.call(session, 'families.search', { query: '', includeArchived: false })).toMatchObject({ ok: true });
    } finally {
      await host.close();
    }
  });

  it('closes only once the calls under way and the start-up backup are done, then refuses calls', async () => {
    const office = await makeOfficeFiles();
    const host = await startOfficeWorker(hostOptions(office));
    const session = await login(host);
    const printing = host.call(session, 'print.childSheets', { scope: { kind: 'class', schoolId: office.schoolId, classe: 'CE1' } });
    // Let the call reach the worker, then close at once.
    await new Promise((resolve) => setTimeout(resolve, 20));
    let printDone = false;
    void printing.then(() => (printDone = true));
    await host.close();
    expect(printDone).toBe(true);
    expect((await printing).ok).toBe(true);

    // The start-up backup was written whole, and the database closed (SQLite removes the WAL on the last close).
    const backup = path.join(office.config.paths.backupDir, 'daily', `grenette-${parisDay(new Date(NOW))}.sqlite`);
    expect(fs.existsSync(backup)).toBe(true);
    expect(fs.readdirSync(path.dirname(backup)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(fs.existsSync(`${office.config.paths.dbFile}-wal`)).toBe(false);
    expect(await host.call(session, 'auth.me', {})).toEqual({ ok: false, error: { code: 'internal', message: HOST_CLOSING } });
  });
});
