import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { OfficeArgs, OfficeMethod, OfficeValue } from '../../src/shared/api/contract.js';
import type { Role } from '../../src/shared/auth/roles.js';
import type { ChildInput } from '../../src/shared/children/input.js';
import type { Clock } from '../../src/shared/clock.js';
import type { FamilyInput } from '../../src/shared/families/input.js';
import type { Result } from '../../src/shared/result.js';
import { createOfficeCore, type OfficeCore } from '../../src/office/api/core.js';
import type { OfficeSession } from '../../src/office/api/handler.js';
import { createStaffUser } from '../../src/office/auth/users.js';
import { openOfficeDatabase, type OfficeDb } from '../../src/office/db/open.js';
import { createLogger, silentLogger } from '../../src/office/log.js';

/** A clock the test moves by hand. */
export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function makeTestClock(iso: string): TestClock {
  let now = new Date(iso).getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (next) => {
    now = new Date(next).getTime();
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export type CallFn = <M extends OfficeMethod>(method: M, args: OfficeArgs<M>) => Promise<Result<OfficeValue<M>>>;

export interface TestOffice {
  core: OfficeCore;
  session: OfficeSession;
  db: OfficeDb;
  sqlite: BetterSqlite3.Database;
  file: string;
  dir: string;
  clock: TestClock;
  /** Calls as the logged-in user and returns the Result, as the renderer would receive it. */
  call: CallFn;
  /** Calls and returns the value, failing the test with the error when the call is refused. */
  value<M extends OfficeMethod>(method: M, args: OfficeArgs<M>): Promise<OfficeValue<M>>;
  /** Creates a staff user of this role and returns a logged-in session's call function. */
  as(role: Role): Promise<{ session: OfficeSession; call: CallFn }>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'motdepasse-de-test';

/** A real office on a temp SQLite file, through the real core, with a user of `role` (default admin) logged in. */
export async function makeTestOffice(opts: { role?: Role; now?: string } = {}): Promise<TestOffice> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-office-'));
  const file = path.join(dir, 'office.sqlite');
  const clock = makeTestClock(opts.now ?? '2026-11-28T10:00:00Z');
  const database = openOfficeDatabase({ file, clock });
  const core = createOfficeCore({ db: database.db, clock, log: process.env.DEBUG_LOG ? createLogger() : silentLogger });
  let userCount = 0;

  const login = async (role: Role) => {
    userCount += 1;
    const username = `${role}${userCount}`;
    await createStaffUser(
      database.db,
      { username, displayName: `Test ${role} ${userCount}`, role, password: TEST_PASSWORD },
      clock,
    );
    const session = core.openSession();
    const result = await core.call(session, 'auth.login', { username, password: TEST_PASSWORD });
    if (!result.ok) throw new Error(`test login failed: ${JSON.stringify(result.error)}`);
    const call: CallFn = (method, args) => core.call(session, method, args) as never;
    return { session, call };
  };

  const main = await login(opts.role ?? 'admin');
  return {
    core,
    session: main.session,
    db: database.db,
    sqlite: database.sqlite,
    file,
    dir,
    clock,
    call: main.call,
    async value(method, args) {
      const result = await main.call(method, args);
      if (!result.ok) throw new Error(`${method} refused: ${JSON.stringify(result.error)}`);
      return result.value;
    },
    as: login,
    async close() {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A complete, valid family, to be tweaked by each test. */
export function sampleFamilyInput(overrides: Partial<FamilyInput> = {}): FamilyInput {
  return {
    responsable1: {
      civilite: 'Mme',
      nom: 'Martin',
      prenom: 'Hélène',
      dateNaissance: '1985-04-12',
      adresse: '3 rue des Lilas',
      codePostal: '69100',
      ville: 'Villeurbanne',
      telMobile: '06 12 34 56 78',
      telFixe: '',
      email: 'helene.martin@example.fr',
      profession: 'Infirmière',
      employeur: 'HCL',
      telPro: '',
    },
    responsable2: null,
    household: { situation: 'marie', resident: true, notes: '' },
    fiscal: { rfrCents: 3_200_000, partsX100: 250, year: 2025 },
    caf: { regime: 'CAF', number: '1234567', qf: 850, qfValidUntil: '2026-12-31' },
    bank: { holder: 'Hélène Martin', iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP' },
    custom: {},
    ...overrides,
  };
}

/** A complete, valid child (born 2019), to be tweaked by each test. */
export function sampleChildInput(overrides: Partial<ChildInput> = {}): ChildInput {
  return {
    identity: {
      nom: 'Martin',
      prenom: 'Lucas',
      sexe: 'M',
      dateNaissance: '2019-03-02',
      schoolId: null,
      classe: 'CP',
      regime: 'standard',
    },
    health: {
      allergies: 'Arachide',
      pai: true,
      paiEnd: '2027-07-04',
      paiDetails: 'Trousse avec stylo adrénaline',
      medecinNom: 'Dr Durand',
      medecinTel: '04 78 00 00 00',
      medicalNotes: '',
      vaccinations: [{ vaccine: 'DTP', date: '2020-01-15' }],
    },
    authorisedPersons: [
      {
        nom: 'Martin',
        prenom: 'Josiane',
        relation: 'Grand-mère',
        tel1: '06 00 00 00 01',
        tel2: '',
        mayPickUp: true,
        emergency: true,
      },
    ],
    authorisations: { droitImage: true, sortieSeule: false, transport: true, soinsUrgence: true },
    custom: {},
    ...overrides,
  };
}
