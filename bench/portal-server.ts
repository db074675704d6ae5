import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Agent, request } from 'undici';
import { hashPassword } from '../src/crypto/password.js';
import { portalClient } from '../src/office/sync/client.js';
import { pullRequests } from '../src/office/sync/pull.js';
import { DEFAULT_SETTINGS, PORTAL_SETTINGS_KEY } from '../src/portal/content.js';
import { openPortalDatabase, type PortalStorage } from '../src/portal/db/open.js';
import { redactedUrl } from '../src/portal/db/postgres.js';
import { buildPortal } from '../src/portal/server.js';
import { addDays, isoWeekday, mondayOf } from '../src/shared/calendar/days.js';
import { parisDay, systemClock } from '../src/shared/clock.js';
import { deadlineFor } from '../src/shared/planning/deadlines.js';
import { familyPublicationSchema, SYNC_PROTOCOL, type FamilyPublication, type PortalSettings } from '../src/shared/sync/contract.js';
import { copyBenchOffice, openBenchOffice, type BenchOffice } from './database.js';
import { loadGenerator, type Generator, type LoadOutcome, type LoadPhase } from './portal-load.js';
import type { BenchResult } from './stats.js';

/**
 * `npm run bench:portal` (also part of `npm run bench`, issue 14): the portail famille as a process of its own, on a
 * generated commune of 2,000 families whose sessions are opened through the real login before anything is measured;
 * the load from another process (bench/portal-load.ts, 50 connections: wrk for the pages where installed, autocannon
 * otherwise and for the forms); and bare node:http in a third
 * (bench/portal-bare.ts) answering a page of the same size, measured the same way in the same run. Each phase prints
 * the portal's answers per second, p50, p99 and errors beside the bare server's, and the ratio; logins are set
 * beside the raw throughput of crypto.scrypt (the portal's parameters) on the same cores, their physical limit. Then
 * the loss count: every absence the portal acknowledged is in its table once, and the real office pull brings each
 * into a copy of the bench commune once. Last, the cores: the week page on one process and on two workers
 * (GRENETTE_PORTAL_WORKERS=2), in turns, and the ratio. All of it on SQLite (the portal's file), then again with the
 * portal on PostgreSQL (a fresh schema of GRENETTE_BENCH_PG_URL, dropped at the end), and the two tables one after the
 * other; GRENETTE_BENCH_PORTAL_DB=sqlite or pg runs one. How to read it: bench/README.md. (It replaces the former « rush », whose client ran
 * in the server's process and so measured itself as much as the portal.)
 */

const FAMILIES = 2_000;
const CONNECTIONS = 50;
const SECONDS = Number(process.env.GRENETTE_BENCH_SECONDS ?? 5);
const PASSWORD = 'mot de passe du banc 2027';
const SECRET = 'secret-du-banc-portail-0123456789abcdef';
const RULE = { kind: 'weekday_of_previous_week', weekday: 3, time: '12:00' } as const;
/** The portal's scrypt parameters (src/crypto/password.ts). */
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };
/** Linux's clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
/** The PostgreSQL database the portal is measured on (a schema of its own in it): the machines' test database. */
const PG_URL = process.env.GRENETTE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

interface Family {
  familyId: number;
  childId: number;
  email: string;
}

interface Session extends Family {
  cookie: string;
  csrf: string;
}

/** A free loopback port, for the portal process (it takes its port from the environment). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function tsxProcess(script: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** One phase in the load generator's own process. */
async function load(phase: LoadPhase): Promise<LoadOutcome> {
  const child = tsxProcess('bench/portal-load.ts');
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  child.stdin!.end(JSON.stringify(phase));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`load generator failed (${code}): ${err.slice(-2000)}`);
  return JSON.parse(out) as LoadOutcome;
}

/** Up: answering, and with several workers, each of them listening (the primary says so once they all are). */
async function waitUntilUp(url: string, child: ChildProcess, logs: () => string, workers = 1): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`portal process exited (${child.exitCode}): ${logs().slice(-2000)}`);
    try {
      const response = await request(`${url}/connexion`);
      await response.body.text();
      if (response.statusCode === 200 && (workers === 1 || logs().includes(`${workers} processus`))) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`portal not up after 60 s: ${logs().slice(-2000)}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const closed = new Promise((resolve) => child.on('close', resolve));
  child.kill('SIGTERM');
  await closed;
}

/** The school days (Monday, Tuesday, Thursday, Friday) from `from` for `weeks` weeks. */
function schoolDays(from: string, weeks: number): string[] {
  const days: string[] = [];
  for (let day = mondayOf(from); days.length < weeks * 4; day = addDays(day, 1)) if ([1, 2, 4, 5].includes(isoWeekday(day))) days.push(day);
  return days;
}

function publication(family: Family, services: { id: number; name: string }[], days: string[]): FamilyPublication {
  return familyPublicationSchema.parse({
    familyId: family.familyId,
    version: 1,
    archived: false,
    logins: [{ rank: 1, email: family.email, activationCodeHash: null, activationExpiresAt: null }],
    account: {
      responsables: [{ rank: 1, civilite: 'Mme', nom: `FAMILLE ${family.familyId}`, prenom: 'Claire', adresse: '12 route de la Grenette', codePostal: '74370', ville: 'Epagny Metz-Tessy', telMobile: '+33611223344', telFixe: '', telPro: '', email: family.email, profession: '', employeur: '' }],
      situation: '',
      resident: true,
      fiscal: { rfrCents: null, partsX100: null, year: null },
      caf: { regime: '', number: '', qf: null, qfValidUntil: null },
      bank: { holder: '', ibanMasked: '', bic: '' },
    },
    children: [{
      id: family.childId, nom: `FAMILLE ${family.familyId}`, prenom: 'Lucie', sexe: 'F', dateNaissance: '2018-05-05', ecole: 'École du Centre', classe: 'CE1', regime: 'Standard', photo: null,
      health: { allergies: '', pai: false, paiEnd: null, medecinNom: '', medecinTel: '', vaccinations: [] },
      authorisedPersons: [], authorisations: [], custom: [],
      inscriptions: services.map((service) => ({ serviceId: service.id, serviceName: service.name, startDate: '2026-09-01', endDate: '2027-07-02', weekdays: [1, 2, 4, 5] })),
      tariffs: [],
    }],
    planning: {
      from: days[0],
      to: days[days.length - 1],
      children: [{ childId: family.childId, rows: services.map((service) => ({ serviceId: service.id, cells: days.map((day) => ({ day, state: 'booked', changeableUntil: deadlineFor(RULE, day) })) })) }],
    },
    requests: [],
    invoices: [],
    payments: [],
    balanceCents: 0,
  });
}

/** Logs every family in through the real login and keeps its session cookie and token (not measured). */
async function openSessions(url: string, families: Family[]): Promise<Session[]> {
  const agent = new Agent({ connections: 8 });
  const cookiesOf = (header: string | string[] | undefined, jar: Map<string, string>) => {
    for (const line of [header ?? []].flat()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      if (at > 0) jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1));
    }
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  };
  const token = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const sessions: Session[] = [];
  let next = 0;
  const lane = async () => {
    while (next < families.length) {
      const family = families[next++]!;
      const jar = new Map<string, string>();
      const page = await request(`${url}/connexion`, { dispatcher: agent });
      let cookie = cookiesOf(page.headers['set-cookie'], jar);
      const form = new URLSearchParams({ _csrf: token(await page.body.text()), email: family.email, password: PASSWORD }).toString();
      const login = await request(`${url}/connexion`, { method: 'POST', dispatcher: agent, body: form, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
      await login.body.text();
      if (login.statusCode !== 303) throw new Error(`login of ${family.email}: ${login.statusCode}`);
      cookie = cookiesOf(login.headers['set-cookie'], jar);
      const planning = await request(`${url}/planning`, { dispatcher: agent, headers: { cookie } });
      const csrf = token(await planning.body.text());
      if (planning.statusCode !== 200 || csrf === '') throw new Error(`planning of ${family.email}: ${planning.statusCode}`);
      sessions.push({ ...family, cookie, csrf });
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  await agent.close();
  return sessions;
}

/**
 * CPU seconds used so far by a process and its children (a cluster's primary and workers), from /proc (Linux; null
 * elsewhere): set beside a phase's answers, it tells a portal that had no more cores to use from one that used them badly.
 */
function cpuSeconds(rootPid: number | undefined): number | null {
  if (rootPid === undefined || !fs.existsSync('/proc/self/stat')) return null;
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command's closing parenthesis: state, ppid, …, utime (12th), stime (13th).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) === rootPid || Number(fields[1]) === rootPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS;
}

/** One GET on a connection of its own (the cluster hands each new connection to the next worker): the worker's slot. */
function freshGet(url: string, pathName: string, cookie: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = http.get(`${url}${pathName}`, { agent: false, headers: { cookie } }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve(String(response.headers['x-grenette-worker'] ?? '').split(' ')[0]!) : reject(new Error(`${pathName}: ${response.statusCode}`))));
    });
    call.on('error', reject);
  });
}

/**
 * Before the cores are compared: every family's week page served by each worker once, unmeasured, as by a portal that
 * has been serving a while (each worker parses and keeps the publications it serves, and the sessions' last use is
 * written at most once a minute, auth/sessions.ts). The cluster's workers say which one answered
 * (GRENETTE_PORTAL_WORKER_HEADER), so each family is asked until all have served it.
 */
async function warmUp(url: string, sessions: Session[], workers: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < sessions.length) {
      const session = sessions[next++]!;
      const served = new Set<string>();
      for (let tries = 0; served.size < workers && tries < 20; tries += 1) served.add(await freshGet(url, '/planning', session.cookie));
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
}

async function pageSize(url: string, pathName: string, session: Session): Promise<number> {
  const response = await request(`${url}${pathName}`, { headers: { cookie: session.cookie } });
  const body = Buffer.from(await response.body.arrayBuffer());
  if (response.statusCode !== 200) throw new Error(`${pathName}: ${response.statusCode}`);
  return body.length;
}

interface Row {
  label: string;
  portal: LoadOutcome;
  floor: LoadOutcome;
  floorLabel: string;
  goal: string;
  met: boolean | null;
}

const n0 = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '—');
const n1 = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '—');

function table(rows: Row[]): string {
  const header = ['phase'.padEnd(24), 'portail /s', 'p50 ms', 'p99 ms', 'erreurs', 'plancher /s'.padStart(11), 'part', 'objectif'.padEnd(30), 'tenu ?'].join(' | ');
  const lines = rows.map((row) =>
    [
      row.label.padEnd(24),
      n0(row.portal.perSecond).padStart(10),
      n1(row.portal.p50).padStart(6),
      n1(row.portal.p99).padStart(6),
      String(row.portal.errors).padStart(7),
      n0(row.floor.perSecond).padStart(11),
      `${n1((row.portal.perSecond / row.floor.perSecond) * 100)} %`.padStart(6),
      row.goal.padEnd(30),
      row.met === null ? '—' : row.met ? 'oui' : 'NON',
    ].join(' | '),
  );
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}

/** A phase of the cores' comparison, with the CPU seconds the portal's processes used during it (null: not on Linux). */
type Measured = LoadOutcome & { cpu: number | null };

/** A turn of the cores' comparison: the portal's week page and bare node:http's page of its size, each on one and two processes. */
type Round = { one: Measured; two: Measured; bareOne: LoadOutcome; bareTwo: LoadOutcome };

/**
 * The week page on one process and on two workers, each turn, the ratio of their means against issue 14's goal
 * (≥ 1.5x), and beside it the same ratio for bare node:http, what this machine gives two processes at most.
 */
function table2(rounds: Round[], generator: Generator): string {
  const header = ['planning (semaine)'.padEnd(24), 'portail /s', 'p50 ms', 'p99 ms', 'erreurs', 'cœurs pris', 'pages / s CPU', 'réponses par processus'].join(' | ');
  // The cluster hands each of the load's connections to a worker once: how evenly it did shows in each one's answers.
  const shares = (o: LoadOutcome) => {
    const counts = Object.entries(o.byWorker ?? {}).filter(([slot]) => slot !== '');
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    return counts.length === 0 ? '—' : counts.sort().map(([slot, n]) => `n° ${slot} : ${n1((n / total) * 100)} %`).join(', ');
  };
  const line = (label: string, o: Measured) =>
    [
      label.padEnd(24),
      n0(o.perSecond).padStart(10),
      n1(o.p50).padStart(6),
      n1(o.p99).padStart(6),
      String(o.errors).padStart(7),
      (o.cpu === null ? '—' : (o.cpu / o.seconds).toFixed(2).replace('.', ',')).padStart(10),
      (o.cpu === null || o.cpu === 0 ? '—' : n0(o.done / o.cpu)).padStart(13),
      shares(o),
    ].join(' | ');
  const mean = (side: 'one' | 'two' | 'bareOne' | 'bareTwo') => rounds.reduce((sum, r) => sum + r[side].perSecond, 0) / rounds.length;
  const ratio = mean('two') / mean('one');
  const bareRatio = mean('bareTwo') / mean('bareOne');
  const bareLine = (label: string, o: LoadOutcome) => [label.padEnd(24), n0(o.perSecond).padStart(10), n1(o.p50).padStart(6), n1(o.p99).padStart(6), String(o.errors).padStart(7)].join(' | ');
  const decimal = (value: number) => (Number.isFinite(value) ? value.toFixed(2).replace('.', ',') : '—');
  return [
    `\nLes cœurs : le planning de la semaine servi par un processus, puis par deux (GRENETTE_PORTAL_WORKERS=2), à tour de rôle, sur ${os.availableParallelism()} cœurs, charge par ${GENERATOR_NAMES[generator]} :\n`,
    header,
    '-'.repeat(header.length),
    ...rounds.flatMap((r, index) => [line(`1 processus, tour ${index + 1}`, r.one), line(`2 processus, tour ${index + 1}`, r.two)]),
    `\nnode:http nu, même page, mêmes tours (ce que la machine donne à deux processus) :`,
    ...rounds.flatMap((r, index) => [bareLine(`1 processus, tour ${index + 1}`, r.bareOne), bareLine(`2 processus, tour ${index + 1}`, r.bareTwo)]),
    `\nRapport des moyennes, 2 / 1 : ${decimal(ratio)} (${n0(mean('two'))} / ${n0(mean('one'))} par seconde ; objectif ≥ 1,5 : ${ratio >= 1.5 ? 'oui' : 'NON'})` +
      ` ; node:http nu : ${decimal(bareRatio)} (${n0(mean('bareTwo'))} / ${n0(mean('bareOne'))}) ; le portail en tire ${decimal(ratio / bareRatio)} fois ce que la machine donne`,
  ].join('\n');
}

const GENERATOR_NAMES: Record<Generator, string> = { wrk: 'wrk (un fil)', autocannon: 'autocannon' };

type BenchDatabase = 'sqlite' | 'postgres';
const DATABASE_NAMES: Record<BenchDatabase, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** GRENETTE_BENCH_PORTAL_DB: `sqlite` or `pg` for one of them; unset, both, SQLite first. */
function benchDatabases(value: string | undefined): BenchDatabase[] {
  if (value === undefined || value === '') return ['sqlite', 'postgres'];
  if (value === 'sqlite') return ['sqlite'];
  if (value === 'pg' || value === 'postgres') return ['postgres'];
  throw new Error(`GRENETTE_BENCH_PORTAL_DB=${value} : attendu sqlite ou pg (ou rien pour les deux)`);
}

/** A fresh schema on PG_URL for the portal, the URL whose connections work in it, and its removal. */
async function freshSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bench_portal_${randomBytes(6).toString('hex')}`;
  const onPg = async (statement: string) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await onPg(`CREATE SCHEMA ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => onPg(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}

export async function benchPortalServer(office: BenchOffice, say: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<BenchResult[]> {
  const tables: { database: BenchDatabase; rows: Row[] }[] = [];
  // One client for every page phase and its floor, for the whole run (bench/README.md: why wrk where installed).
  const generator = loadGenerator();
  say(`\nCharge des pages : ${GENERATOR_NAMES[generator]} ; formulaires et connexions : autocannon.`);
  for (const database of benchDatabases(process.env.GRENETTE_BENCH_PORTAL_DB)) {
    say(`\n=== Portail famille sur ${DATABASE_NAMES[database]} ===`);
    tables.push({ database, rows: await benchPortalOn(office, database, generator, say) });
  }
  if (tables.length > 1) {
    say(`\nLes mêmes phases, le portail sur chaque base (${CONNECTIONS} connexions, ${SECONDS} s par phase) :`);
    for (const { database, rows } of tables) say(`\n${DATABASE_NAMES[database]} :\n${table(rows)}`);
  }
  return [];
}

/** Every phase with the portal's data in `database`; its table's rows. */
async function benchPortalOn(office: BenchOffice, database: BenchDatabase, generator: Generator, say: (line: string) => void): Promise<Row[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-bench-portal-'));
  const officeFile = path.join(dir, 'office.sqlite');
  // Each database's run pulls its requests into an office copy of its own, so the two loss counts never mix.
  const copy = await copyBenchOffice(office, officeFile);
  const dataDir = path.join(dir, 'portal');
  const children: ChildProcess[] = [];
  const schema = database === 'postgres' ? await freshSchema() : null;
  const storage: PortalStorage = schema ? { kind: 'postgres', url: schema.url } : { kind: 'sqlite', dataDir };
  try {
    // The families: the bench commune's first 2,000 with a child, booked at the canteen and the evening care.
    const sqlite = copy.database.sqlite;
    const services = (['cantine', 'soir'] as const).map((code) => sqlite.prepare('SELECT id, name FROM services WHERE code = ?').get(code) as { id: number; name: string });
    const rows = sqlite
      .prepare('SELECT MIN(c.id) AS child_id, c.family_id FROM children c JOIN families f ON f.id = c.family_id WHERE c.archived_at IS NULL AND f.archived_at IS NULL GROUP BY c.family_id ORDER BY c.family_id LIMIT ?')
      .all(FAMILIES) as { child_id: number; family_id: number }[];
    if (rows.length < FAMILIES) throw new Error(`the bench commune has ${rows.length} families with a child, ${FAMILIES} needed`);
    const families: Family[] = rows.map((r) => ({ familyId: r.family_id, childId: r.child_id, email: `famille${r.family_id}@banc.test` }));
    const today = parisDay(systemClock());
    // Eight weeks from this one; absences are declared in weeks 3 and 4, whatever today is, well before their deadline.
    const days = schoolDays(today, 8);
    const absenceDays = days.slice(8, 16);
    const cantine = services[0]!;
    const inscription = sqlite.prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', ?)");
    const book = sqlite.prepare("INSERT OR REPLACE INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, ?)");
    const now = new Date().toISOString();
    sqlite.transaction(() => {
      for (const family of families) {
        const id = inscription.run(family.childId, cantine.id, now).lastInsertRowid;
        for (const day of absenceDays) book.run(family.childId, cantine.id, day, id, now);
      }
    })();

    // The portal's data, written through its own code before its process starts: settings, publications, accounts.
    const seed = buildPortal({ storage, clock: systemClock, mailer: null, config: { syncSecret: SECRET, cookieSecret: 'banc-cookie-0123456789abcdef0123456789', production: false, publicUrl: 'http://127.0.0.1' } });
    const hash = await hashPassword(PASSWORD);
    const settings: PortalSettings = {
      ...DEFAULT_SETTINGS,
      services: services.map((service) => ({ id: service.id, name: service.name, weekdays: [1, 2, 4, 5], period: 'school', deadlines: { booking: RULE, cancel: RULE, absence: RULE }, latePolicy: 'refuse' })),
    };
    const db = seed.portal.db;
    // Payloads of the current protocol, as an office of today publishes them (an older one would be upgraded when read).
    await db.insertInto('portal_content').values({ key: PORTAL_SETTINGS_KEY, version: 1, data: JSON.stringify(settings), published_at: now, protocol: SYNC_PROTOCOL }).execute();
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < families.length; start += 200) {
        const slice = families.slice(start, start + 200);
        await trx
          .insertInto('publications')
          .values(slice.map((f) => ({ family_id: f.familyId, version: 1, data: JSON.stringify(publication(f, services, days)), published_at: now, protocol: SYNC_PROTOCOL })))
          .execute();
        await trx
          .insertInto('accounts')
          .values(slice.map((f) => ({ family_id: f.familyId, responsable_rank: 1, email: f.email, password_hash: hash, activation_code_hash: null, activation_expires_at: null, activated_at: now, disabled: 0, created_at: now, updated_at: now })))
          .execute();
      }
    });
    await seed.close();

    // The portal as `npm run portal` starts it (with `workers` processes), and the bare server, each in its own process.
    const startPortal = async (workers: number) => {
      const port = await freePort();
      let portalLog = '';
      const portalProcess = tsxProcess('src/portal/cli.ts', {
        ...process.env,
        GRENETTE_PORTAL_DATA: dataDir,
        // Unset: the SQLite file in GRENETTE_PORTAL_DATA, whatever the shell running the bench exports.
        GRENETTE_PORTAL_DATABASE_URL: schema?.url ?? '',
        GRENETTE_PORTAL_PORT: String(port),
        GRENETTE_PORTAL_HOST: '127.0.0.1',
        GRENETTE_SYNC_SECRET: SECRET,
        GRENETTE_PORTAL_COOKIE_SECRET: 'banc-cookie-0123456789abcdef0123456789',
        GRENETTE_PORTAL_WORKERS: String(workers),
        // Only a cluster's workers read it (warmUp): one header naming the worker, never set by a single process.
        GRENETTE_PORTAL_WORKER_HEADER: '1',
      });
      children.push(portalProcess);
      // Its request log is read (as a service manager would), or a full pipe would stall it; only the end is kept.
      const keep = (chunk: Buffer) => (portalLog = (portalLog + chunk.toString('utf8')).slice(-20_000));
      portalProcess.stdout!.on('data', keep);
      portalProcess.stderr!.on('data', keep);
      const portalUrl = `http://127.0.0.1:${port}`;
      await waitUntilUp(portalUrl, portalProcess, () => portalLog, workers);
      return { url: portalUrl, process: portalProcess };
    };
    const single = await startPortal(1);
    const url = single.url;
    const bareProcess = tsxProcess('bench/portal-bare.ts');
    children.push(bareProcess);
    const barePort = await new Promise<number>((resolve) => bareProcess.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim()))));
    const bare = `http://127.0.0.1:${barePort}`;

    const where = schema ? `PostgreSQL (${redactedUrl(PG_URL)}, schéma à part)` : 'SQLite (portal.sqlite)';
    say(`\nPortail famille en processus à part, données sur ${where} : ${FAMILIES} familles, sessions ouvertes par la vraie connexion…`);
    const started = performance.now();
    const sessions = await openSessions(url, families);
    say(`  ${sessions.length} sessions ouvertes en ${((performance.now() - started) / 1000).toFixed(1)} s.`);

    const pages = [
      { label: 'planning (semaine)', path: '/planning', goal: '≥ 15 % du plancher, p99 < 50 ms', check: (o: LoadOutcome, f: LoadOutcome) => o.perSecond >= 0.15 * f.perSecond && o.p99 < 50 },
      { label: 'accueil', path: '/', goal: '—', check: null },
      { label: 'planning (mois)', path: '/planning?vue=mois', goal: '—', check: null },
    ];
    const table1: Row[] = [];
    for (const page of pages) {
      const size = await pageSize(url, page.path, sessions[0]!);
      const floor = await load({ kind: 'get', url: bare, connections: CONNECTIONS, seconds: SECONDS, generator, targets: [{ path: `/page?octets=${size}`, cookie: '' }] });
      const portal = await load({ kind: 'get', url, connections: CONNECTIONS, seconds: SECONDS, generator, targets: sessions.map((s) => ({ path: page.path, cookie: s.cookie })) });
      table1.push({ label: `${page.label}, ${(size / 1024).toFixed(0)} Ko`, portal, floor, floorLabel: 'node:http', goal: page.goal, met: page.check ? page.check(portal, floor) : null });
    }

    // Absences: each family and day once, in the order families would send them.
    const posts = absenceDays.flatMap((day) =>
      sessions.map((s) => ({
        path: `/planning/${s.childId}/${cantine.id}/${day}`,
        cookie: s.cookie,
        // The confirmation page's form (motif → confirmer): the step that stores the request.
        body: new URLSearchParams({ _csrf: s.csrf, action: 'absence', motif: 'MEDICAL', commentaire: 'Gastro', confirmer: '1' }).toString(),
      })),
    );
    const absenceFloor = await load({ kind: 'post', url: bare, connections: CONNECTIONS, seconds: SECONDS, posts });
    const absence = await load({ kind: 'post', url, connections: CONNECTIONS, seconds: SECONDS, posts });
    table1.push({ label: 'absence (POST + CSRF)', portal: absence, floor: absenceFloor, floorLabel: 'node:http', goal: '≥ 5 % du plancher, p99 < 100 ms', met: absence.perSecond >= 0.05 * absenceFloor.perSecond && absence.p99 < 100 });

    // Logins beside scrypt alone on the same cores (libuv's four threads, as the portal uses them).
    const scryptFloor = await load({ kind: 'scrypt', seconds: SECONDS, parallel: 4, params: SCRYPT });
    const logins = await load({ kind: 'login', url, connections: CONNECTIONS, seconds: SECONDS, logins: families.map((f) => ({ email: f.email, password: PASSWORD })) });
    table1.push({ label: 'connexion (scrypt)', portal: logins, floor: scryptFloor, floorLabel: 'scrypt brut', goal: '≥ 80 % de scrypt brut', met: logins.perSecond >= 0.8 * scryptFloor.perSecond });

    say(`\nPortail famille, ${CONNECTIONS} connexions, ${SECONDS} s par phase, charge dans un autre processus (pages : ${GENERATOR_NAMES[generator]} ; absence et connexion : autocannon) ; ` +
      'plancher : node:http nu (même taille de page) ou crypto.scrypt seul pour la connexion, mesuré de la même façon dans la même exécution :\n');
    say(table(table1));

    // Nothing lost or doubled: the acknowledged absences in the portal's table once each, then at the office once each.
    const acknowledged = absence.locations.map((location) => /demande=([0-9a-f-]{36})/.exec(location)?.[1]).filter((uid): uid is string => Boolean(uid));
    // Read from the portal's database, whichever it is, through the portal's own opener.
    const portalDb = openPortalDatabase(storage, systemClock);
    const stored = (await portalDb.db.selectFrom('requests').select('uid').execute()).map((row) => row.uid);
    await portalDb.close();
    const storedSet = new Set(stored);
    const missingAtPortal = acknowledged.filter((uid) => !storedSet.has(uid)).length;
    const pulled = await pullRequests(copy.database.db, portalClient(url, SECRET, systemClock), systemClock);
    const officeRows = sqlite.prepare("SELECT uid FROM requests WHERE source = 'portal'").pluck().all() as string[];
    const atOffice = new Set(officeRows);
    const missingAtOffice = acknowledged.filter((uid) => !atOffice.has(uid)).length;
    const resent = Math.max(0, absence.sent - posts.length);
    // Requests still on their way when the phase ended were stored without their answer being read: not a loss (the
    // family sees them in its list), but every stored request must reach the office once.
    const unanswered = absence.sent - acknowledged.length;
    say(
      `\nPertes : ${absence.sent} absences envoyées${resent > 0 ? ` (dont ${resent} renvois d’une même demande)` : ''}, ${acknowledged.length} accusées (303)` +
        `${unanswered > 0 ? `, ${unanswered} sans réponse lue à la fin de la phase` : ''} ; ${stored.length} dans la table du portail ` +
        `(${missingAtPortal} accusées manquantes, ${stored.length - storedSet.size} en double), ` +
        `${officeRows.length} reçues par le bureau en ${pulled.pages} pages (${missingAtOffice} accusées manquantes, ${officeRows.length - atOffice.size} en double).`,
    );
    const storedReachOffice = stored.every((uid) => atOffice.has(uid));
    const exact = missingAtPortal === 0 && missingAtOffice === 0 && storedSet.size === stored.length && stored.length <= absence.sent && officeRows.length === stored.length && storedReachOffice && resent === 0;
    say(exact ? 'Aucune perte, aucun doublon : chaque demande accusée est au portail et au bureau, une fois.' : 'PERTE OU ÉCART : voir les chiffres ci-dessus.');

    // The cores: the week page on one process and on two workers (GRENETTE_PORTAL_WORKERS=2, a second portal over the
    // same file and sessions, idle while the other is measured), in turns, twice: both see the same data, and a burst
    // of other work on a shared machine does not fall on one side only.
    const week = (target: string) =>
      load({ kind: 'get', url: target, connections: CONNECTIONS, seconds: SECONDS, generator, countWorkers: true, targets: sessions.map((s) => ({ path: '/planning', cookie: s.cookie })) });
    const pair = await startPortal(2);
    const measured = async (target: string, pid: number | undefined): Promise<Measured> => {
      const before = cpuSeconds(pid);
      const outcome = await week(target);
      const after = cpuSeconds(pid);
      return { ...outcome, cpu: before === null || after === null ? null : after - before };
    };
    // The machine's own answer: bare node:http in one process (the floor above) and in two (BENCH_BARE_WORKERS=2), the
    // week page's size, in the same turns. Two processes that get no more from it than one say the cores are not
    // there to give (a virtual machine's two vCPUs on one physical core, a busy host), whatever the portal does.
    const barePair = tsxProcess('bench/portal-bare.ts', { ...process.env, BENCH_BARE_WORKERS: '2' });
    children.push(barePair);
    const barePairPort = await new Promise<number>((resolve) => barePair.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim()))));
    const weekSize = await pageSize(url, '/planning', sessions[0]!);
    const bareWeek = (target: string) => load({ kind: 'get', url: target, connections: CONNECTIONS, seconds: SECONDS, generator, targets: [{ path: `/page?octets=${weekSize}`, cookie: '' }] });
    const rounds: Round[] = [];
    for (let round = 0; round < 2; round += 1) {
      await warmUp(url, sessions, 1);
      const one = await measured(url, single.process.pid);
      await warmUp(pair.url, sessions, 2);
      const two = await measured(pair.url, pair.process.pid);
      rounds.push({ one, two, bareOne: await bareWeek(bare), bareTwo: await bareWeek(`http://127.0.0.1:${barePairPort}`) });
    }
    say(table2(rounds, generator));
    return table1;
  } finally {
    await Promise.all(children.map(stop));
    await copy.close();
    await schema?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// `npm run bench:portal`: this benchmark alone.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { benchDatabaseFile } = await import('./database.js');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const office = await openBenchOffice(await benchDatabaseFile(say));
  try {
    await benchPortalServer(office, say);
  } finally {
    await office.close();
  }
}
