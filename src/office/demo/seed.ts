import type { Insertable, Transaction } from 'kysely';
import { CLASSES, type Regime } from '../../shared/children/input.js';
import { parisDay, type Clock } from '../../shared/clock.js';
import type { Situation } from '../../shared/families/input.js';
import { ibanVault, type IbanVault } from '../sepa/iban-vault.js';
import { ibanFromRib, ribKey } from '../../shared/validation/bank.js';
import { createStaffUser } from '../auth/users.js';
import type { OfficeDb } from '../db/open.js';
import type {
  AuthorisedPersonTable,
  ChildTable,
  FamilyTable,
  OfficeDatabase,
  ResponsableTable,
  VaccinationTable,
} from '../db/schema.js';
import { refreshFamilySearch } from '../families/search-index.js';
import * as data from './data.js';
import { DEMO_INSCRIPTIONS_MAX_FAMILIES, seedDemoInscriptions } from './inscriptions.js';
import { seededRandom, type Random } from './prng.js';
import { seedDemoBilling } from './billing.js';

export interface DemoOptions {
  /** 'default' is the commune's real size (~350 families); a number asks for that many families (benchmarks). */
  scale: 'default' | number;
  clock: Clock;
  seed?: number;
  /** Inscriptions and booked days for the current school year; by default only up to a few thousand families. */
  inscriptions?: boolean;
}

export interface DemoSummary {
  families: number;
  children: number;
  staff: string[];
  inscriptions: number;
}

export const DEFAULT_FAMILIES = 350;
export const DEFAULT_SEED = 74370;
/** Documented in the README: the demo accounts all share it. */
export const DEMO_PASSWORD = 'grenette-demo';
export const DEMO_STAFF = [
  { username: 'admin', displayName: 'Administratrice (démo)', role: 'admin' },
  { username: 'accueil', displayName: 'Accueil (démo)', role: 'agent' },
  { username: 'regie', displayName: 'Régie (démo)', role: 'regisseur' },
] as const;

/** An office is empty when nobody has been set up and no family entered: only then is the demo loaded. */
export async function isEmptyOffice(db: OfficeDb): Promise<boolean> {
  const family = await db.selectFrom('families').select('id').limit(1).executeTakeFirst();
  if (family) return false;
  const user = await db.selectFrom('staff_users').select('id').limit(1).executeTakeFirst();
  return !user;
}

interface Rows {
  families: Insertable<FamilyTable>[];
  responsables: Insertable<ResponsableTable>[];
  children: Insertable<ChildTable>[];
  authorised: Insertable<AuthorisedPersonTable>[];
  vaccinations: Insertable<VaccinationTable>[];
}

interface IdBase {
  family: number;
  responsable: number;
  child: number;
}

type Person = { nom: string; prenom: string; sexe: 'F' | 'M' };

const SITUATION_WEIGHTS: readonly (readonly [Situation, number])[] = [
  ['marie', 34], ['pacse', 15], ['concubinage', 19], ['separe', 7], ['divorce', 9],
  ['celibataire', 12], ['veuf', 1], ['', 3],
];
const REGIME_WEIGHTS: readonly (readonly [Regime, number])[] = [
  ['standard', 84], ['sans_porc', 9], ['vegetarien', 4], ['sans_viande', 3],
];
const CHILD_COUNT_WEIGHTS: readonly (readonly [number, number])[] = [[1, 64], [2, 28], [3, 7], [4, 1]];
/** Class index 0 (TPS) to 8 (CM2); toute petite section is rare. */
const CLASS_WEIGHTS = CLASSES.map((_, index) => [index, index === 0 ? 3 : 11] as const);

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Phones are stored in E.164 (src/shared/validation/phone.ts), as the office forms store them; mobiles avoid the
 * 06 39 and 06 9x prefixes of overseas departments.
 */
function mobile(random: Random): string {
  return `+33${random.pick(['6', '7'])}${pad2(random.int(10, 38))}${pad2(random.int(0, 99))}${pad2(random.int(0, 99))}${pad2(random.int(0, 99))}`;
}

function landline(random: Random): string {
  return `+33450${pad2(random.int(0, 99))}${pad2(random.int(0, 99))}${pad2(random.int(0, 99))}`;
}

function asciiLocal(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '');
}

function emailFor(random: Random, person: Person): string {
  const suffix = random.chance(0.35) ? String(random.int(1, 99)) : '';
  const separator = random.pick(['.', '', '-', '_']);
  return `${asciiLocal(person.prenom)}${separator}${asciiLocal(person.nom)}${suffix}@${random.pick(data.EMAIL_DOMAINS)}`;
}

function birthDay(random: Random, year: number): string {
  return `${year}-${pad2(random.int(1, 12))}-${pad2(random.int(1, 28))}`;
}

function person(random: Random, sexe: 'F' | 'M', nom: string): Person {
  return { nom, prenom: random.pick(sexe === 'F' ? data.FIRST_NAMES_F : data.FIRST_NAMES_M), sexe };
}

interface Address {
  adresse: string;
  codePostal: string;
  ville: string;
  resident: boolean;
}

function address(random: Random, resident: boolean): Address {
  if (resident) {
    return {
      adresse: `${random.int(1, 180)} ${random.pick(data.STREETS)}`,
      codePostal: data.COMMUNE.codePostal,
      ville: data.COMMUNE.ville,
      resident,
    };
  }
  const town = random.pick(data.NEIGHBOURS);
  return { adresse: `${random.int(1, 90)} ${random.pick(data.OTHER_STREETS)}`, ...town, resident };
}

/** Fiscal parts: 1 per adult (2 for a couple), 0.5 for each of the first two children, 1 from the third; +0.5 alone. */
function fiscalParts(adults: number, children: number): number {
  let parts = adults === 2 ? 200 : 100;
  for (let i = 1; i <= children; i += 1) parts += i <= 2 ? 50 : 100;
  if (adults === 1 && children > 0) parts += 50;
  return parts;
}

function iban(random: Random): { iban: string; bic: string } {
  const bank = random.pick(data.BANKS);
  const guichet = random.digits(5);
  const compte = random.digits(11);
  const cle = ribKey(bank.code, guichet, compte);
  return { iban: ibanFromRib({ banque: bank.code, guichet, compte, cle }), bic: bank.bic };
}

/** Builds every row in memory (explicit ids, so families can be inserted in batches), deterministically. */
function generate(count: number, seed: number, today: string, now: string, schoolIds: number[], ids: IdBase, vault: IbanVault): Rows {
  const random = seededRandom(seed);
  const rows: Rows = { families: [], responsables: [], children: [], authorised: [], vaccinations: [] };
  const year = Number(today.slice(0, 4));
  const schoolYearStart = Number(today.slice(5, 7)) >= 9 ? year : year - 1;
  const usedCafNumbers = new Set<string>();

  for (let f = 0; f < count; f += 1) {
    const familyId = ids.family + f;
    const situation = random.weighted(SITUATION_WEIGHTS);
    const alone = situation === 'celibataire' || situation === 'veuf' || situation === '';
    const separated = situation === 'separe' || situation === 'divorce';
    const resident = !random.chance(0.1);
    const home = address(random, resident);

    const fatherName = random.pick(data.SURNAMES);
    const father = person(random, 'M', fatherName);
    const mother = person(random, 'F', random.chance(0.6) ? fatherName : random.pick(data.SURNAMES));
    const singleParent = random.chance(0.85) ? mother : father;
    const parents: Person[] = alone ? [singleParent] : random.chance(0.65) ? [mother, father] : [father, mother];
    const childName = alone ? singleParent.nom : random.chance(0.1) ? `${fatherName}-${mother.nom}` : fatherName;

    parents.forEach((parent, index) => {
      const where = index === 1 && separated ? address(random, random.chance(0.5)) : home;
      const job = random.pick(data.PROFESSIONS);
      rows.responsables.push({
        id: ids.responsable + rows.responsables.length,
        family_id: familyId,
        rank: index === 0 ? 1 : 2,
        civilite: parent.sexe === 'F' ? 'Mme' : 'M.',
        nom: parent.nom,
        prenom: parent.prenom,
        date_naissance: random.chance(0.9) ? birthDay(random, random.int(1975, 1996)) : null,
        adresse: where.adresse,
        code_postal: where.codePostal,
        ville: where.ville,
        tel_mobile: mobile(random),
        tel_fixe: random.chance(0.25) ? landline(random) : '',
        email: random.chance(0.93) ? emailFor(random, parent) : '',
        profession: parent.sexe === 'F' ? job[1] : job[0],
        employeur: job[2],
        tel_pro: random.chance(0.2) ? landline(random) : '',
      });
    });

    const childCount = random.weighted(CHILD_COUNT_WEIGHTS);
    const classes = new Set<number>();
    while (classes.size < childCount) classes.add(random.weighted(CLASS_WEIGHTS));
    const schoolId = resident ? (schoolIds[home.adresse.length % schoolIds.length] ?? null) : random.pick(schoolIds);

    // Multi-row inserts bind NULL for a column a row leaves out, so every row spells out every column.
    const helpers: Insertable<AuthorisedPersonTable>[] = [];
    const grandparentName = random.pick(parents).nom;
    if (random.chance(0.7)) {
      helpers.push({ child_id: 0, nom: grandparentName, prenom: random.pick(data.FIRST_NAMES_F), relation: 'Grand-mère', tel1: mobile(random), tel2: '', may_pick_up: 1, emergency: 1 });
      if (random.chance(0.5)) {
        helpers.push({ child_id: 0, nom: grandparentName, prenom: random.pick(data.FIRST_NAMES_M), relation: 'Grand-père', tel1: mobile(random), tel2: random.chance(0.4) ? landline(random) : '', may_pick_up: 1, emergency: 0 });
      }
    }
    if (random.chance(0.3)) {
      helpers.push({ child_id: 0, nom: random.pick(data.SURNAMES), prenom: random.pick(data.FIRST_NAMES_F), relation: random.pick(['Voisine', 'Amie de la famille', 'Tante']), tel1: mobile(random), tel2: '', may_pick_up: 1, emergency: random.chance(0.5) ? 1 : 0 });
    }
    if (random.chance(0.12)) {
      helpers.push({ child_id: 0, nom: random.pick(data.SURNAMES), prenom: random.pick(data.FIRST_NAMES_F), relation: 'Assistante maternelle', tel1: mobile(random), tel2: '', may_pick_up: 1, emergency: 0 });
    }

    for (const classIndex of [...classes].sort((a, b) => b - a)) {
      const childId = ids.child + rows.children.length;
      const sexe = random.chance(0.5) ? 'F' : 'M';
      const born = schoolYearStart - 2 - classIndex;
      const pai = random.chance(0.035);
      const allergies = pai || random.chance(0.03) ? random.pick(data.ALLERGIES) : '';
      const doctor = random.pick(data.DOCTORS);
      const dateNaissance = birthDay(random, born);
      rows.children.push({
        id: childId,
        family_id: familyId,
        nom: childName,
        prenom: random.pick(sexe === 'F' ? data.CHILD_NAMES_F : data.CHILD_NAMES_M),
        sexe,
        date_naissance: dateNaissance,
        school_id: schoolId,
        classe: CLASSES[classIndex] ?? '',
        regime: random.weighted(REGIME_WEIGHTS),
        allergies,
        pai: pai ? 1 : 0,
        pai_end: pai ? `${schoolYearStart + 1}-07-03` : null,
        pai_details: pai ? random.pick(data.PAI_DETAILS) : '',
        medecin_nom: random.chance(0.8) ? doctor[0] : '',
        medecin_tel: random.chance(0.8) ? doctor[1] : '',
        auth_droit_image: random.chance(0.85) ? 1 : 0,
        auth_sortie_seule: classIndex >= 7 && random.chance(0.3) ? 1 : 0,
        auth_transport: random.chance(0.9) ? 1 : 0,
        auth_soins_urgence: random.chance(0.97) ? 1 : 0,
        created_at: now,
        updated_at: now,
        archived_at: null,
      });
      for (const helper of helpers) rows.authorised.push({ ...helper, child_id: childId });
      if (random.chance(0.6)) {
        rows.vaccinations.push(
          { child_id: childId, vaccine: 'DTCaP-Hib-HepB', date: `${born}-${pad2(random.int(1, 12))}-15` },
          { child_id: childId, vaccine: 'ROR', date: `${born + 1}-${pad2(random.int(1, 12))}-10` },
        );
      }
    }

    const caf = random.weighted([['CAF', 78], ['MSA', 4], ['AUTRE', 3], ['', 15]] as const);
    let cafNumber = '';
    if (caf === 'CAF' || (caf === 'MSA' && random.chance(0.5))) {
      do cafNumber = String(random.int(1_000_000, 9_999_999));
      while (usedCafNumbers.has(cafNumber));
      usedCafNumbers.add(cafNumber);
    }
    const qf = caf === '' ? null : Math.round(random.int(250, 1300) + random.next() * random.next() * 1500);
    const hasFiscal = random.chance(0.8);
    const bank = random.chance(0.5) ? iban(random) : null;
    const holder = parents[0] ?? singleParent;
    rows.families.push({
      id: familyId,
      situation,
      resident: resident ? 1 : 0,
      fiscal_rfr_cents: hasFiscal ? random.int(12_000, 140_000) * 100 : null,
      fiscal_parts_x100: hasFiscal ? fiscalParts(parents.length, childCount) : null,
      fiscal_year: hasFiscal ? year - 1 : null,
      caf_regime: caf,
      caf_number: cafNumber,
      caf_qf: qf,
      caf_qf_valid_until: qf === null ? null : `${year}-12-31`,
      bank_holder: bank ? `${holder.prenom} ${holder.nom}` : '',
      // Sealed like every IBAN the office stores (src/office/sepa/iban-vault.ts).
      bank_iban: vault.seal(bank?.iban ?? ''),
      bank_bic: bank?.bic ?? '',
      notes: separated && random.chance(0.5) ? 'Garde alternée : une semaine sur deux, changement le lundi.' : '',
      created_at: now,
      updated_at: now,
      archived_at: null,
    });
  }
  return rows;
}

async function insertInChunks<T extends keyof OfficeDatabase>(
  trx: Transaction<OfficeDatabase>,
  table: T,
  rows: Insertable<OfficeDatabase[T]>[],
  columns: number,
): Promise<void> {
  // SQLite allows 32766 bound parameters per statement; stay well under it.
  const size = Math.max(1, Math.floor(20_000 / columns));
  for (let start = 0; start < rows.length; start += size) {
    await trx.insertInto(table).values(rows.slice(start, start + size) as never).execute();
  }
}

async function nextId(trx: Transaction<OfficeDatabase>, table: 'families' | 'responsables' | 'children'): Promise<number> {
  const row = await trx.selectFrom(table).select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/**
 * Loads the demo commune of Epagny Metz-Tessy: two schools, families with realistic French data (separated and
 * single parents, non-residents, PAI, regimes, CAF and fiscal data, IBANs), their inscriptions for the school year,
 * the tariffs and billing settings (./billing.ts) and the three demo staff accounts, in one transaction. Same seed
 * and clock, same data.
 */
export async function seedDemoCommune(db: OfficeDb, options: DemoOptions): Promise<DemoSummary> {
  const count = options.scale === 'default' ? DEFAULT_FAMILIES : options.scale;
  if (!Number.isInteger(count) || count < 0) throw new Error(`Invalid demo scale: ${String(options.scale)}`);
  const now = options.clock().toISOString();
  const today = parisDay(options.clock());

  return db.transaction().execute(async (trx) => {
    const schoolIds: number[] = [];
    for (const school of data.SCHOOLS) {
      const existing = await trx.selectFrom('schools').select('id').where('name', '=', school.name).executeTakeFirst();
      const id =
        existing?.id ??
        (await trx.insertInto('schools').values(school).returning('id').executeTakeFirstOrThrow()).id;
      schoolIds.push(id);
    }

    const staff: string[] = [];
    for (const user of DEMO_STAFF) {
      const existing = await trx.selectFrom('staff_users').select('id').where('username', '=', user.username).executeTakeFirst();
      if (existing) continue;
      await createStaffUser(trx, { ...user, password: DEMO_PASSWORD }, options.clock);
      staff.push(user.username);
    }

    const ids: IdBase = {
      family: await nextId(trx, 'families'),
      responsable: await nextId(trx, 'responsables'),
      child: await nextId(trx, 'children'),
    };
    const rows = generate(count, options.seed ?? DEFAULT_SEED, today, now, schoolIds, ids, ibanVault(db));
    await insertInChunks(trx, 'families', rows.families, 18);
    await insertInChunks(trx, 'responsables', rows.responsables, 16);
    await insertInChunks(trx, 'children', rows.children, 24);
    await insertInChunks(trx, 'authorised_persons', rows.authorised, 8);
    await insertInChunks(trx, 'vaccinations', rows.vaccinations, 3);
    for (const family of rows.families) await refreshFamilySearch(trx, family.id as number);

    const withInscriptions = options.inscriptions ?? count <= DEMO_INSCRIPTIONS_MAX_FAMILIES;
    const inscriptions = withInscriptions
      ? await seedDemoInscriptions(trx, rows.children.map((child) => ({ id: child.id as number })), options.seed ?? DEFAULT_SEED, today, now)
      : 0;
    await seedDemoBilling(trx, now);
    return { families: rows.families.length, children: rows.children.length, staff, inscriptions };
  });
}
