import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { createOfficeCore, type OfficeCore } from '../src/office/api/core.js';
import type { OfficeSession } from '../src/office/api/handler.js';
import { openOfficeDatabase, type OpenedOfficeDatabase } from '../src/office/db/open.js';
import { DEMO_PASSWORD, seedDemoCommune } from '../src/office/demo/seed.js';
import { silentLogger } from '../src/office/log.js';
import { keyFileFor } from '../src/office/sepa/iban-vault.js';

export const BENCH_FAMILIES = 30_000;
const SEED = 74370;
/** A pinned clock: the generated commune (ages, classes) is the same whatever the day the bench runs. */
export const benchClock = () => new Date('2026-11-28T10:00:00Z');

const CACHE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '.cache');

function holdsFamilies(file: string, expected: number): boolean {
  try {
    const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      return (sqlite.prepare('SELECT COUNT(*) FROM family_search').pluck().get() as number) === expected;
    } finally {
      sqlite.close();
    }
  } catch {
    return false;
  }
}

/**
 * The 30,000-family database (or `families` of them), generated once into bench/.cache and reused while it is complete.
 * Beyond 30,000 the commune is generated 30,000 families at a time (a seed each, no inscriptions), so memory stays
 * that of one batch.
 */
export async function benchDatabaseFile(log: (line: string) => void, families = BENCH_FAMILIES): Promise<string> {
  const file = path.join(CACHE_DIR, `communes-${families}-seed${SEED}.sqlite`);
  if (holdsFamilies(file, families)) return file;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const temp = `${file}.tmp`;
  for (const suffix of ['', '-wal', '-shm', '.key']) fs.rmSync(`${temp}${suffix}`, { force: true });
  log(`Génération de ${families} familles dans ${file}…`);
  const started = performance.now();
  const database = openOfficeDatabase({ file: temp, clock: benchClock });
  if (families <= BENCH_FAMILIES) {
    await seedDemoCommune(database.db, { scale: families, clock: benchClock, seed: SEED });
  } else {
    for (let done = 0, batch = 0; done < families; done += BENCH_FAMILIES, batch += 1) {
      const scale = Math.min(BENCH_FAMILIES, families - done);
      await seedDemoCommune(database.db, { scale, clock: benchClock, seed: SEED + batch, inscriptions: false });
      log(`  ${done + scale} familles…`);
    }
  }
  database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await database.close();
  // The IBAN key file goes with its database (src/office/sepa/iban-vault.ts: `<db>.key`), or the file cannot be opened.
  fs.renameSync(`${temp}.key`, `${file}.key`);
  fs.renameSync(temp, file);
  log(`Base générée en ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return file;
}

export interface BenchOffice {
  database: OpenedOfficeDatabase;
  core: OfficeCore;
  session: OfficeSession;
  close(): Promise<void>;
}

/** The real office core on the bench database, with the demo reception agent logged in. */
export async function openBenchOffice(file: string): Promise<BenchOffice> {
  const database = openOfficeDatabase({ file, clock: benchClock });
  const core = createOfficeCore({ db: database.db, clock: benchClock, log: silentLogger });
  const session = core.openSession();
  const login = await core.call(session, 'auth.login', { username: 'accueil', password: DEMO_PASSWORD });
  if (!login.ok) throw new Error(`bench login failed: ${JSON.stringify(login.error)}`);
  return { database, core, session, close: () => database.close() };
}

/**
 * A copy of the bench database written to `file` (VACUUM INTO), its IBAN key beside it (src/office/sepa/iban-vault.ts:
 * the sealed IBANs of a copy open with the key of the file copied, or the copy does not open), opened as openBenchOffice
 * does. A benchmark that writes works on a copy, so the cached file stays as generated.
 */
export async function copyBenchOffice(office: BenchOffice, file: string): Promise<BenchOffice> {
  for (const suffix of ['', '-wal', '-shm', '.key']) fs.rmSync(`${file}${suffix}`, { force: true });
  office.database.sqlite.prepare('VACUUM INTO ?').run(file);
  const key = keyFileFor(office.database.sqlite.name);
  if (key && fs.existsSync(key)) fs.copyFileSync(key, keyFileFor(file) as string);
  return openBenchOffice(file);
}

/** A small seeded PRNG so every run asks the same questions. */
export function benchRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}
