import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { familyPublicationSchema, portalSettingsSchema, type FamilyPublication, type PortalSettings } from '../../src/shared/sync/contract.js';
import { familyPublicationSchemaV1, type FamilyPublicationV1 } from '../../src/shared/sync/contract-v1.js';
import type { SyncProtocol } from '../../src/shared/sync/protocol.js';
import { currentPublication } from '../../src/shared/sync/upgrade.js';
import { hashActivationCode, upsertAccountsFromPublication } from '../../src/portal/auth/accounts.js';
import { DEFAULT_SETTINGS, PORTAL_SETTINGS_KEY } from '../../src/portal/content.js';
import type { PortalConfig } from '../../src/portal/config.js';
import type { PortalDb } from '../../src/portal/db/open.js';
import { smtpMailer } from '../../src/portal/mail/smtp.js';
import { buildPortal } from '../../src/portal/server.js';
import type { DeadlineRule } from '../../src/shared/planning/rules.js';
import { makeTestClock, type TestClock } from './office.js';
import { testPortalStorage } from './portal-db.js';

export { makeTestClock, type TestClock };

/** A real SMTP server on a free local port that keeps every message it receives, parsed. */
export interface TestSmtp {
  url: string;
  mails: ParsedMail[];
  waitForMail(predicate: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const mails: ParsedMail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          waiters.splice(0).forEach((wake) => wake());
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitForMail(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = mails.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`No matching mail among ${mails.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface TestPortal {
  app: FastifyInstance;
  db: PortalDb;
  clock: TestClock;
  smtp: TestSmtp;
  dataDir: string;
  /** Set when started with listen: true. */
  url: string;
  close(): Promise<void>;
}

/** A portal on a fresh temp data folder, a controllable clock and a real SMTP server catching its mail. */
/** `database`: the one GRENETTE_TEST_PORTAL_DB selects unless given (a test of both dialects gives it). */
export async function startTestPortal(options: { now?: string; listen?: boolean; config?: Partial<PortalConfig>; database?: 'sqlite' | 'pg' } = {}): Promise<TestPortal> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-'));
  const clock = makeTestClock(options.now ?? '2026-11-30T09:00:00.000Z');
  const smtp = await startSmtp();
  const mailer = smtpMailer(smtp.url, 'Portail famille <portail@example.test>');
  const database = await testPortalStorage(dataDir, options.database);
  const app = buildPortal({
    storage: database.storage,
    clock,
    mailer,
    mailIntervalMs: 500,
    config: { publicUrl: 'http://127.0.0.1', cookieSecret: 'test-cookie-secret-0123456789abcdef', production: false, ...options.config },
  });
  let url = '';
  if (options.listen) {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    url = address;
    if (!options.config?.publicUrl) app.portal.config.publicUrl = address;
  } else {
    await app.ready();
  }
  return {
    app,
    db: app.portal.db,
    clock,
    smtp,
    dataDir,
    url,
    async close() {
      await app.close();
      mailer.close();
      await smtp.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const ACTIVATION_CODE = 'ABCD-2345';
const ACTIVATION_CODE_HASH = await hashActivationCode(ACTIVATION_CODE);

/** A complete publication for one family; every field overridable. */
export function makePublication(familyId: number, overrides: Partial<FamilyPublication> = {}): FamilyPublication {
  return {
    familyId,
    version: 1,
    archived: false,
    logins: [{ rank: 1, email: `famille${familyId}@example.test`, activationCodeHash: ACTIVATION_CODE_HASH, activationExpiresAt: '2027-01-31T00:00:00.000Z' }],
    account: {
      responsables: [
        { rank: 1, civilite: 'Mme', nom: 'Martin', prenom: 'Claire', adresse: '3 rue des Prés', codePostal: '74370', ville: 'Epagny Metz-Tessy', telMobile: '06 12 34 56 78', telFixe: '', telPro: '', email: `famille${familyId}@example.test`, profession: 'Infirmière', employeur: 'CHANGE' },
      ],
      situation: 'Mariés',
      resident: true,
      fiscal: { rfrCents: 4_200_000, partsX100: 300, year: 2025 },
      caf: { regime: 'Général', number: '1234567', qf: 812, qfValidUntil: '2026-12-31' },
      bank: { holder: 'Claire Martin', ibanMasked: 'FR76 **** **** **** **** ***0 189', bic: 'AGRIFRPP' },
    },
    children: [
      {
        id: familyId * 10 + 1,
        nom: 'Martin',
        prenom: 'Léo',
        sexe: 'M',
        dateNaissance: '2018-04-12',
        ecole: 'École du Centre',
        classe: 'CE2',
        regime: 'Sans porc',
        photo: null,
        health: { allergies: 'Arachide', pai: true, paiEnd: '2027-07-03', medecinNom: 'Dr Favre', medecinTel: '04 50 00 00 00', vaccinations: [{ vaccine: 'DTP', date: '2024-03-01' }] },
        authorisedPersons: [{ nom: 'Martin', prenom: 'Jeanne', relation: 'Grand-mère', tel1: '06 00 00 00 01', mayPickUp: true, emergency: true }],
        authorisations: [{ label: 'Droit à l’image', granted: false }],
        custom: [{ label: 'Transport', value: 'Bus scolaire' }],
        inscriptions: [{ serviceId: 1, serviceName: 'Restauration scolaire', startDate: '2026-09-01', endDate: '2027-07-03', weekdays: [1, 2, 4, 5] }],
        tariffs: [
          {
            serviceName: 'Restauration scolaire',
            unit: 'repas',
            unitPriceCents: 385,
            serviceId: 1,
            validFrom: '2026-09-01',
            validTo: '2027-07-03',
            bracket: 'Tranche 2 : QF de 701 à 1 000',
            why: 'Tranche 2 (QF de 701 à 1 000) : 3,85 € par repas, tarif résident.',
          },
        ],
      },
    ],
    planning: { from: '2026-11-01', to: '2027-01-31', children: [] },
    requests: [],
    quotient: { day: '2026-11-30', qf: 812, flagged: false, why: 'QF 812 : quotient CAF 812 valable jusqu’au 31/12/2026.' },
    invoices: [],
    payments: [],
    balanceCents: 0,
    reminders: [],
    ...overrides,
  };
}

/** Stores a publication as the sync would (publication row + accounts), bypassing the signed endpoint. */
/**
 * A publication stored as the sync stores it, in `protocol` (1 by default: what rows written before the protocol
 * column, and offices of protocol 1, left; a publication of the current shape reads in it too).
 */
export async function insertPublication(
  db: PortalDb,
  publication: FamilyPublicationV1,
  now = new Date('2026-11-30T08:00:00.000Z'),
  protocol: SyncProtocol = 1,
): Promise<void> {
  if (protocol === 1) familyPublicationSchemaV1.parse(publication);
  else familyPublicationSchema.parse(publication);
  const current = await currentPublication(protocol, publication);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('publications').where('family_id', '=', publication.familyId).execute();
    await trx
      .insertInto('publications')
      .values({ family_id: publication.familyId, version: publication.version, data: JSON.stringify(publication), published_at: now.toISOString(), protocol })
      .execute();
    await upsertAccountsFromPublication(trx, current, now);
  });
}

/** The two services of the planning tests: Wednesday noon of the week before; the canteen refuses late changes, the evening care takes them marked late. */
export const CANTEEN = 1;
export const EVENING = 2;
export const WEDNESDAY_RULE: DeadlineRule = { kind: 'weekday_of_previous_week', weekday: 3, time: '12:00' };
export const PLANNING_SETTINGS: Partial<PortalSettings> = {
  services: [
    { id: CANTEEN, name: 'Restauration scolaire', weekdays: [1, 2, 4, 5], period: 'school', deadlines: { booking: WEDNESDAY_RULE, cancel: WEDNESDAY_RULE, absence: WEDNESDAY_RULE }, latePolicy: 'refuse' },
    { id: EVENING, name: 'Accueil du soir', weekdays: [1, 2, 4, 5], period: 'school', deadlines: { booking: WEDNESDAY_RULE, cancel: WEDNESDAY_RULE, absence: WEDNESDAY_RULE }, latePolicy: 'late' },
  ],
};

export async function insertSettings(db: PortalDb, settings: Partial<PortalSettings> = {}): Promise<void> {
  const data: PortalSettings = portalSettingsSchema.parse({ ...DEFAULT_SETTINGS, ...settings });
  await db.deleteFrom('portal_content').where('key', '=', PORTAL_SETTINGS_KEY).execute();
  await db.insertInto('portal_content').values({ key: PORTAL_SETTINGS_KEY, version: data.version, data: JSON.stringify(data), published_at: '2026-11-30T08:00:00.000Z' }).execute();
}

export interface PageResponse {
  status: number;
  body: string;
  /** The bytes as sent (a PDF is not text). */
  raw: Buffer;
  headers: Record<string, string | string[] | number | undefined>;
  location: string | undefined;
}

/** A cookie-keeping client over fastify.inject that fills in each form's CSRF token from the last page. */
export class PortalClient {
  readonly cookies = new Map<string, string>();
  lastBody = '';

  constructor(readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(headers: Record<string, unknown>): void {
    const set = headers['set-cookie'];
    for (const line of [set].flat()) {
      if (typeof line !== 'string') continue;
      const [pair, ...attrs] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()));
      if (!name) continue;
      if (expired || value.join('=') === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
  }

  async get(url: string): Promise<PageResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } });
    this.remember(res.headers);
    if (res.headers['content-type']?.toString().startsWith('text/html')) this.lastBody = res.body;
    return { status: res.statusCode, body: res.body, raw: res.rawPayload, headers: res.headers, location: res.headers.location as string | undefined };
  }

  /** The CSRF token of the last page's forms. */
  csrf(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastBody);
    if (!match) throw new Error('No CSRF field on the last page');
    return match[1]!;
  }

  async post(url: string, form: Record<string, string>, options: { csrf?: string | null } = {}): Promise<PageResponse> {
    const token = options.csrf === undefined ? this.csrf() : options.csrf;
    const fields = token === null ? form : { _csrf: token, ...form };
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    this.remember(res.headers);
    if (res.headers['content-type']?.toString().startsWith('text/html')) this.lastBody = res.body;
    return { status: res.statusCode, body: res.body, raw: res.rawPayload, headers: res.headers, location: res.headers.location as string | undefined };
  }

  async login(email: string, password: string): Promise<PageResponse> {
    await this.get('/connexion');
    return this.post('/connexion', { email, password });
  }

  async activate(email: string, password: string, code = ACTIVATION_CODE): Promise<PageResponse> {
    await this.get('/activation');
    return this.post('/activation', { email, code, password, password2: password });
  }
}
