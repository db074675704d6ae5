import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { hashPassword } from '../src/crypto/password.js';
import { pullRequests } from '../src/office/sync/pull.js';
import { portalClient } from '../src/office/sync/client.js';
import { PORTAL_SETTINGS_KEY, DEFAULT_SETTINGS } from '../src/portal/content.js';
import { buildPortal } from '../src/portal/server.js';
import type { Clock } from '../src/shared/clock.js';
import { deadlineFor } from '../src/shared/planning/deadlines.js';
import { DEFAULT_DEADLINE_RULE } from '../src/shared/planning/rules.js';
import { familyPublicationSchema, type FamilyPublication, type PortalSettings } from '../src/shared/sync/contract.js';
import { copyBenchOffice, openBenchOffice, type BenchOffice } from './database.js';
import { summarise, type BenchResult } from './stats.js';

/**
 * The Wednesday-morning rush on the portail famille: 2,000 families, 200 at a time over 200 loopback connections,
 * each opening the login page, logging in (scrypt), opening a canteen day and declaring an absence. The same four
 * requests against a bare node:http server in the same run give the floor. Then the loss count at both ends: every
 * acknowledged submission is in the portal's requests table, and the real office pull (signed, paginated) brings
 * exactly those into a copy of the bench commune where the 2,000 families exist. Client and servers share this
 * process and the machine's cores: the ratio is the meaningful figure, not the absolute throughput.
 */

const FAMILIES = 2_000;
const CONCURRENCY = 200;
const TIME_LIMIT_MS = 10 * 60 * 1000;
const PASSWORD = 'mot de passe du banc 2027';
const SECRET = 'secret-du-banc-portail-0123456789abcdef';
/** Wednesday 6 January 2027, 09:30 in Paris: before the noon deadline for the week of Monday 11 January. */
const RUSH_AT = '2027-01-06T08:30:00.000Z';
const DAY = '2027-01-11';

interface Family {
  familyId: number;
  childId: number;
  email: string;
}

interface Jar {
  cookies: Map<string, string>;
}

type Step = 'GET /connexion' | 'POST /connexion' | 'GET cellule' | 'POST demande';
const STEPS: Step[] = ['GET /connexion', 'POST /connexion', 'GET cellule', 'POST demande'];

interface RushOutcome {
  samples: Record<Step, number[]>;
  acknowledged: string[];
  failures: string[];
  elapsedMs: number;
  attempted: number;
}

function remember(jar: Jar, header: string | string[] | undefined): void {
  for (const line of [header ?? []].flat()) {
    const [pair] = line.split(';');
    const index = pair!.indexOf('=');
    if (index > 0) jar.cookies.set(pair!.slice(0, index).trim(), pair!.slice(index + 1));
  }
}

const cookieHeader = (jar: Jar) => [...jar.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
const tokenOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

/** One family's four requests; returns the request uid the portal acknowledged. */
async function familyFlow(base: string, agent: Agent, family: Family, cantine: number, samples: RushOutcome['samples']): Promise<string> {
  const jar: Jar = { cookies: new Map() };
  async function send(step: Step, pathName: string, form: Record<string, string> | null) {
    const started = performance.now();
    const response = await request(`${base}${pathName}`, {
      method: form ? 'POST' : 'GET',
      dispatcher: agent,
      headers: { cookie: cookieHeader(jar), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const body = await response.body.text();
    samples[step].push(performance.now() - started);
    remember(jar, response.headers['set-cookie']);
    return { status: response.statusCode, body, location: String(response.headers.location ?? '') };
  }
  const login = await send('GET /connexion', '/connexion', null);
  const loggedIn = await send('POST /connexion', '/connexion', { _csrf: tokenOf(login.body), email: family.email, password: PASSWORD });
  if (loggedIn.status !== 303) throw new Error(`login ${loggedIn.status}`);
  const cell = `/planning/${family.childId}/${cantine}/${DAY}`;
  const page = await send('GET cellule', cell, null);
  if (page.status !== 200) throw new Error(`cell page ${page.status}`);
  const sent = await send('POST demande', cell, { _csrf: tokenOf(page.body), action: 'absence', motif: 'MEDICAL', commentaire: 'Gastro', confirmer: '1' });
  const uid = /demande=([0-9a-f-]{36})/.exec(sent.location)?.[1];
  if (sent.status !== 303 || !uid) throw new Error(`submission ${sent.status}`);
  return uid;
}

async function rush(base: string, families: Family[], cantine: number): Promise<RushOutcome> {
  const agent = new Agent({ connections: CONCURRENCY, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
  const outcome: RushOutcome = { samples: { 'GET /connexion': [], 'POST /connexion': [], 'GET cellule': [], 'POST demande': [] }, acknowledged: [], failures: [], elapsedMs: 0, attempted: 0 };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < families.length && performance.now() - started < TIME_LIMIT_MS) {
      const family = families[next++]!;
      outcome.attempted += 1;
      try {
        outcome.acknowledged.push(await familyFlow(base, agent, family, cantine, outcome.samples));
      } catch (error) {
        outcome.failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  outcome.elapsedMs = performance.now() - started;
  await agent.close();
  return outcome;
}

/** The floor: node:http answering the same four requests with a token, a cookie and a 303, parsing each POST body. */
async function bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  let counter = 0;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': `pre=${++counter}; Path=/; HttpOnly` });
      res.end('<!doctype html><form method="post"><input type="hidden" name="_csrf" value="jeton"><button>OK</button></form>');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const uid = `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
      const location = form.get('action') ? `/planning?demande=${uid}` : '/';
      res.writeHead(form.get('_csrf') === 'jeton' ? 303 : 403, { location, 'set-cookie': `session=${counter}; Path=/; HttpOnly` });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function publication(family: Family, cantine: number): FamilyPublication {
  return familyPublicationSchema.parse({
    familyId: family.familyId,
    version: 1,
    archived: false,
    logins: [{ rank: 1, email: family.email, activationCodeHash: null, activationExpiresAt: null }],
    account: {
      responsables: [{ rank: 1, civilite: 'Mme', nom: `Famille ${family.familyId}`, prenom: 'Claire', adresse: '', codePostal: '74370', ville: 'Epagny Metz-Tessy', telMobile: '', telFixe: '', telPro: '', email: family.email, profession: '', employeur: '' }],
      situation: '',
      resident: true,
      fiscal: { rfrCents: null, partsX100: null, year: null },
      caf: { regime: '', number: '', qf: null, qfValidUntil: null },
      bank: { holder: '', ibanMasked: '', bic: '' },
    },
    children: [{
      id: family.childId, nom: `Famille ${family.familyId}`, prenom: 'Enfant', sexe: 'F', dateNaissance: '2018-05-05', ecole: 'École du Centre', classe: 'CE1', regime: 'Standard', photo: null,
      health: { allergies: '', pai: false, paiEnd: null, medecinNom: '', medecinTel: '', vaccinations: [] },
      authorisedPersons: [], authorisations: [], custom: [],
      inscriptions: [{ serviceId: cantine, serviceName: 'Restauration scolaire', startDate: '2026-09-01', endDate: '2027-07-02', weekdays: [1, 2, 4, 5] }],
      tariffs: [],
    }],
    planning: { from: '2027-01-01', to: '2027-03-31', children: [{ childId: family.childId, rows: [{ serviceId: cantine, cells: [{ day: DAY, state: 'booked', changeableUntil: deadlineFor(DEFAULT_DEADLINE_RULE, DAY) }] }] }] },
    requests: [],
    invoices: [],
    payments: [],
    balanceCents: 0,
  });
}

const fmt = (value: number) => value.toFixed(1).padStart(8);
function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}

function report(label: string, outcome: RushOutcome, say: (line: string) => void): void {
  const requests = STEPS.reduce((n, step) => n + outcome.samples[step].length, 0);
  say(`${label} : ${outcome.acknowledged.length}/${outcome.attempted} familles servies en ${(outcome.elapsedMs / 1000).toFixed(1)} s, ` +
    `${(requests / (outcome.elapsedMs / 1000)).toFixed(0)} req/s, ${(outcome.acknowledged.length / (outcome.elapsedMs / 1000)).toFixed(1)} familles/s, ${outcome.failures.length} échecs`);
  for (const step of STEPS) {
    const s = outcome.samples[step];
    say(`  ${step.padEnd(16)} p50 ${fmt(percentile(s, 0.5))} ms   p99 ${fmt(percentile(s, 0.99))} ms   max ${fmt(Math.max(...s))} ms`);
  }
  if (outcome.failures.length) say(`  premiers échecs : ${[...new Set(outcome.failures)].slice(0, 3).join(' ; ')}`);
}

/** Portal on a temp folder, the office on a copy of the bench commune; both on the same clock, starting Wednesday morning. */
export async function benchPortalRush(office: BenchOffice, say: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-bench-rush-'));
  const origin = Date.now();
  const clock: Clock = () => new Date(Date.parse(RUSH_AT) + (Date.now() - origin));
  const officeFile = path.join(dir, 'office.sqlite');
  const copy = await copyBenchOffice(office, officeFile);
  const portal = buildPortal({ dataDir: path.join(dir, 'portal'), clock, mailer: null, config: { syncSecret: SECRET, cookieSecret: 'banc-cookie-0123456789abcdef0123456789', production: false, publicUrl: 'http://127.0.0.1' } });
  const bare = await bareServer();
  try {
    // Office: one child per family booked at the canteen on the day, as the portal will show it.
    const sqlite = copy.database.sqlite;
    const cantine = sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
    const rows = sqlite
      .prepare('SELECT MIN(c.id) AS child_id, c.family_id FROM children c JOIN families f ON f.id = c.family_id WHERE c.archived_at IS NULL AND f.archived_at IS NULL GROUP BY c.family_id ORDER BY c.family_id LIMIT ?')
      .all(FAMILIES) as { child_id: number; family_id: number }[];
    if (rows.length < FAMILIES) throw new Error(`the bench commune has ${rows.length} families with a child, ${FAMILIES} needed`);
    const families: Family[] = rows.map((r) => ({ familyId: r.family_id, childId: r.child_id, email: `famille${r.family_id}@banc.test` }));
    const inscription = sqlite.prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', ?)");
    const book = sqlite.prepare("INSERT OR REPLACE INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, ?)");
    sqlite.transaction(() => {
      for (const f of families) book.run(f.childId, cantine, DAY, inscription.run(f.childId, cantine, RUSH_AT).lastInsertRowid, RUSH_AT);
    })();

    // Portal: settings, publications and activated accounts, straight into its tables (one hash: same cost per login).
    const db = portal.portal.db;
    const hash = await hashPassword(PASSWORD);
    const rule = { kind: 'weekday_of_previous_week', weekday: 3, time: '12:00' };
    const settings: PortalSettings = {
      ...DEFAULT_SETTINGS,
      services: [{ id: cantine, name: 'Restauration scolaire', weekdays: [1, 2, 4, 5], period: 'school', deadlines: { booking: rule, cancel: rule, absence: rule }, latePolicy: 'refuse' }],
    };
    await db.insertInto('portal_content').values({ key: PORTAL_SETTINGS_KEY, version: 1, data: JSON.stringify(settings), published_at: RUSH_AT }).execute();
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < families.length; start += 200) {
        const slice = families.slice(start, start + 200);
        await trx.insertInto('publications').values(slice.map((f) => ({ family_id: f.familyId, version: 1, data: JSON.stringify(publication(f, cantine)), published_at: RUSH_AT }))).execute();
        await trx
          .insertInto('accounts')
          .values(slice.map((f) => ({ family_id: f.familyId, responsable_rank: 1, email: f.email, password_hash: hash, activation_code_hash: null, activation_expires_at: null, activated_at: RUSH_AT, disabled: 0, created_at: RUSH_AT, updated_at: RUSH_AT })))
          .execute();
      }
    });
    const portalUrl = await portal.listen({ port: 0, host: '127.0.0.1' });

    say(`\nRush du mercredi matin : ${FAMILIES} familles, ${CONCURRENCY} connexions simultanées (connexion, jour de cantine, absence)`);
    const onPortal = await rush(portalUrl, families, cantine);
    report('Portail famille', onPortal, say);
    const onBare = await rush(bare.url, families, cantine);
    report('node:http nu  ', onBare, say);
    const ratio = (step: Step, fraction: number) => (percentile(onPortal.samples[step], fraction) / percentile(onBare.samples[step], fraction)).toFixed(1);
    say(`Ratio portail / node:http : POST demande p50 x${ratio('POST demande', 0.5)}, p99 x${ratio('POST demande', 0.99)} ; POST connexion p50 x${ratio('POST /connexion', 0.5)} ; ` +
      `débit x${((onBare.acknowledged.length / onBare.elapsedMs) / (onPortal.acknowledged.length / onPortal.elapsedMs)).toFixed(1)} plus lent`);

    // No loss at the portal: every acknowledged uid is stored, and nothing else.
    const stored = new Set((await db.selectFrom('requests').select('uid').execute()).map((r) => r.uid));
    const missingAtPortal = onPortal.acknowledged.filter((uid) => !stored.has(uid)).length;
    // No loss at the office: the real signed pull, page by page, into the office database holding the families.
    const pulled = await pullRequests(copy.database.db, portalClient(portalUrl, SECRET, clock), clock);
    const officeRows = sqlite.prepare("SELECT uid FROM requests WHERE source = 'portal'").pluck().all() as string[];
    const atOffice = new Set(officeRows);
    const missingAtOffice = onPortal.acknowledged.filter((uid) => !atOffice.has(uid)).length;
    const pending = sqlite.prepare("SELECT COUNT(*) FROM request_items i JOIN requests r ON r.id = i.request_id WHERE r.source = 'portal' AND i.status = 'pending'").pluck().get() as number;
    say(`Pertes : ${onPortal.acknowledged.length} demandes accusées, ${stored.size} dans la table du portail (${missingAtPortal} manquantes), ` +
      `${officeRows.length} reçues par le bureau en ${pulled.pages} pages (${missingAtOffice} manquantes, ${officeRows.length - atOffice.size} en double), ${pending} en attente de validation`);
    const exact = onPortal.acknowledged.length === FAMILIES && stored.size === FAMILIES && missingAtPortal === 0 && officeRows.length === FAMILIES && missingAtOffice === 0;
    say(exact ? `Aucune perte : le bureau détient exactement ${FAMILIES} demandes.` : 'PERTE OU ÉCART : voir les chiffres ci-dessus.');

    const timing = (samples: number[]) => summarise(samples);
    return [
      { name: `portail : absence (${CONCURRENCY} conn.)`, core: timing(onPortal.samples['POST demande']), raw: timing(onBare.samples['POST demande']), budgetMs: 1000 },
      { name: `portail : connexion (${CONCURRENCY} conn.)`, core: timing(onPortal.samples['POST /connexion']), raw: timing(onBare.samples['POST /connexion']), budgetMs: 5000 },
    ];
  } finally {
    await portal.close();
    await bare.close();
    await copy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/portal-rush.ts`: this benchmark alone (`npm run bench` runs it with the others).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { benchDatabaseFile } = await import('./database.js');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const office = await openBenchOffice(await benchDatabaseFile(say));
  try {
    await benchPortalRush(office, say);
  } finally {
    await office.close();
  }
}
