import type BetterSqlite3 from 'better-sqlite3';
import { tariffDefinition } from '../../src/office/billing/store.js';
import type { Tariff } from '../../src/shared/billing/tariffs.js';
import { sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/**
 * A small commune billed for November 2026, built by hand (the amounts the tests expect are worked out in the test
 * files, not by the code). Canteen tariff of 2026-2027, brackets: QF ≤ 800: 3,00 € / 4,00 € (non-resident);
 * ≤ 1 200: 3,50 € / 4,50 €; above: 4,20 € / 5,20 €; late booking +1,00 €; present without booking +2,00 €;
 * PAI meal brought: −2,50 €.
 * November 2026's canteen days (Mon, Tue, Thu, Fri; school resumes on Monday 2): 2, 3, 5, 6, 9, 10, 12, 13, 16, 17,
 * 19, 20, 23, 24, 26, 27, 30 = 17 days.
 */

export const CANTEEN_TARIFF = (serviceId: number): Tariff => ({
  serviceId,
  validFrom: '2026-09-01',
  validTo: '2027-07-02',
  unit: 'meal',
  time: null,
  pricing: {
    kind: 'brackets',
    brackets: [
      { upTo: 800, residentCents: 300, nonResidentCents: 400 },
      { upTo: 1200, residentCents: 350, nonResidentCents: 450 },
      { upTo: null, residentCents: 420, nonResidentCents: 520 },
    ],
  },
  lateSurcharge: { kind: 'amount', cents: 100 },
  unbookedSurcharge: { kind: 'amount', cents: 200 },
  paiReduction: { kind: 'amount', cents: 250 },
});

export const CANTEEN_DAYS = ['02', '03', '05', '06', '09', '10', '12', '13', '16', '17', '19', '20', '23', '24', '26', '27', '30'].map((d) => `2026-11-${d}`);

export async function serviceIdOf(office: TestOffice, code: string): Promise<number> {
  return (await office.db.selectFrom('services').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

export function insertTariff(sqlite: BetterSqlite3.Database, tariff: Tariff): void {
  sqlite
    .prepare('INSERT INTO tariffs (service_id, valid_from, valid_to, definition, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run(tariff.serviceId, tariff.validFrom, tariff.validTo, JSON.stringify(tariffDefinition(tariff)), '2026-08-30T08:00:00.000Z');
}

export async function family(
  office: TestOffice,
  who: { nom: string; prenom: string; civilite: 'M.' | 'Mme'; resident?: boolean; second?: { civilite: 'M.' | 'Mme'; prenom: string; nom: string } },
): Promise<number> {
  const base = sampleFamilyInput();
  const created = await office.value('families.create', {
    data: {
      ...base,
      responsable1: { ...base.responsable1, nom: who.nom, prenom: who.prenom, civilite: who.civilite, email: `${who.nom.toLowerCase()}@example.fr` },
      responsable2: who.second
        ? { ...base.responsable1, ...who.second, email: `${who.nom.toLowerCase()}.2@example.fr`, dateNaissance: null }
        : null,
      household: { ...base.household, resident: who.resident ?? true },
    },
  });
  return created.id;
}

export async function child(office: TestOffice, familyId: number, prenom: string, nom: string): Promise<number> {
  const base = sampleChildInput();
  const created = await office.value('children.create', {
    familyId,
    data: { ...base, identity: { ...base.identity, prenom, nom }, health: { ...base.health, pai: false, paiEnd: null, allergies: '', paiDetails: '' } },
  });
  return created.id;
}

export function inscribe(sqlite: BetterSqlite3.Database, childId: number, serviceId: number, from: string, to: string, weekdays = '1,2,4,5'): number {
  return Number(
    sqlite
      .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, ?, ?, ?, '2026-08-30T08:00:00.000Z')")
      .run(childId, serviceId, from, to, weekdays).lastInsertRowid,
  );
}

export interface DayRow {
  state?: 'booked' | 'cancelled' | 'absent';
  attendance?: 'present' | 'absent' | null;
  reason?: string | null;
  late?: boolean;
  walkIn?: boolean;
}

const setDayStatements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

export function setDay(sqlite: BetterSqlite3.Database, childId: number, serviceId: number, day: string, row: DayRow = {}): void {
  let statement = setDayStatements.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare(
      `INSERT INTO planning_days (child_id, service_id, day, state, absence_reason, attendance, updated_at, late, walk_in)
       VALUES (?, ?, ?, ?, ?, ?, '2026-10-01T08:00:00.000Z', ?, ?)
       ON CONFLICT (child_id, service_id, day) DO UPDATE SET state = excluded.state, absence_reason = excluded.absence_reason,
         attendance = excluded.attendance, late = excluded.late, walk_in = excluded.walk_in`,
    );
    setDayStatements.set(sqlite, statement);
  }
  statement.run(childId, serviceId, day, row.state ?? 'booked', row.reason ?? null, row.attendance ?? null, row.late ? 1 : 0, row.walkIn ? 1 : 0);
}

/** An accepted absence request for these days with a certificate attached (a family document). */
export function certificate(sqlite: BetterSqlite3.Database, familyId: number, childId: number, serviceId: number, days: string[]): void {
  const documentId = sqlite
    .prepare(
      "INSERT INTO family_documents (family_id, kind, label, document_date, file_name, mime, content, created_at) VALUES (?, 'certificat', 'Certificat médical', ?, 'certificat.pdf', 'application/pdf', x'25504446', '2026-11-10T08:00:00.000Z')",
    )
    .run(familyId, days[0]).lastInsertRowid;
  const requestId = sqlite
    .prepare(
      "INSERT INTO requests (uid, family_id, kind, absence_reason, certificate_document_id, source, submitted_at) VALUES (?, ?, 'absence', 'MEDICAL', ?, 'portal', '2026-11-10T08:00:00.000Z')",
    )
    .run(`cert-${childId}-${days[0]}`, familyId, documentId).lastInsertRowid;
  for (const day of days) {
    sqlite
      .prepare("INSERT INTO request_items (request_id, child_id, service_id, day, status, late, decided_at) VALUES (?, ?, ?, ?, 'accepted', 1, '2026-11-10T09:00:00.000Z')")
      .run(requestId, childId, serviceId, day);
  }
}

export interface November {
  canteen: number;
  /** Léa DURAND: resident, CAF 850 (bracket ≤ 1 200). */
  durand: number;
  lea: number;
  /** Tom BERNARD: non-resident, no CAF, tax notice QF 1 000; PAI meal brought. */
  bernard: number;
  tom: number;
  /** Zoé PETIT: CAF expired, no tax notice: flagged, highest bracket. */
  petit: number;
  zoe: number;
  /** Noé ROUX: an illness since 15 October with a certificate, still absent on 2 and 3 November. */
  roux: number;
  noe: number;
}

/** The commune of the tests: see each family's comment for what its November holds. */
export async function buildNovember(office: TestOffice): Promise<November> {
  const { sqlite } = office;
  const canteen = await serviceIdOf(office, 'cantine');
  insertTariff(sqlite, CANTEEN_TARIFF(canteen));

  const durand = await family(office, { nom: 'Durand', prenom: 'Paul', civilite: 'M.', second: { civilite: 'Mme', prenom: 'Anne', nom: 'Durand' } });
  const lea = await child(office, durand, 'Léa', 'Durand');
  inscribe(sqlite, lea, canteen, '2026-09-01', '2026-12-18');
  for (const day of CANTEEN_DAYS) setDay(sqlite, lea, canteen, day);
  setDay(sqlite, lea, canteen, '2026-11-03', { attendance: 'present' });
  for (const day of ['2026-11-05', '2026-11-06', '2026-11-09']) setDay(sqlite, lea, canteen, day, { state: 'absent', reason: 'MEDICAL', late: true });
  certificate(sqlite, durand, lea, canteen, ['2026-11-05', '2026-11-06', '2026-11-09']);
  setDay(sqlite, lea, canteen, '2026-11-10', { state: 'absent', reason: 'STRIKE', late: true });
  setDay(sqlite, lea, canteen, '2026-11-12', { state: 'cancelled' });
  setDay(sqlite, lea, canteen, '2026-11-13', { late: true });
  setDay(sqlite, lea, canteen, '2026-11-17', { state: 'cancelled', late: true });

  const bernard = await family(office, { nom: 'Bernard', prenom: 'Claire', civilite: 'Mme', resident: false });
  sqlite
    .prepare("UPDATE families SET caf_regime = '', caf_qf = NULL, caf_qf_valid_until = NULL, fiscal_rfr_cents = 3600000, fiscal_parts_x100 = 300, fiscal_year = 2025 WHERE id = ?")
    .run(bernard);
  const tom = await child(office, bernard, 'Tom', 'Bernard');
  sqlite.prepare('UPDATE children SET pai = 1, pai_own_meal = 1, pai_end = NULL WHERE id = ?').run(tom);
  setDay(sqlite, tom, canteen, '2026-11-19', { attendance: 'present', walkIn: true });
  setDay(sqlite, tom, canteen, '2026-11-20', { attendance: 'present' });

  const petit = await family(office, { nom: 'Petit', prenom: 'Marc', civilite: 'M.' });
  sqlite
    .prepare("UPDATE families SET caf_qf = 700, caf_qf_valid_until = '2026-10-31', fiscal_rfr_cents = NULL, fiscal_parts_x100 = NULL, fiscal_year = NULL WHERE id = ?")
    .run(petit);
  const zoe = await child(office, petit, 'Zoé', 'Petit');
  setDay(sqlite, zoe, canteen, '2026-11-02');
  setDay(sqlite, zoe, canteen, '2026-11-03');

  const roux = await family(office, { nom: 'Roux', prenom: 'Inès', civilite: 'Mme' });
  sqlite.prepare("UPDATE families SET caf_qf = 500, caf_qf_valid_until = '2026-12-31' WHERE id = ?").run(roux);
  const noe = await child(office, roux, 'Noé', 'Roux');
  inscribe(sqlite, noe, canteen, '2026-09-01', '2026-12-18');
  // Tuesday 13 October not booked (inscribed, no row): the illness starts on Thursday 15.
  for (const day of ['2026-10-15', '2026-10-16', '2026-11-02', '2026-11-03']) setDay(sqlite, noe, canteen, day, { state: 'absent', reason: 'MEDICAL', late: true });
  certificate(sqlite, roux, noe, canteen, ['2026-10-15']);
  setDay(sqlite, noe, canteen, '2026-11-05');

  return { canteen, durand, lea, bernard, tom, petit, zoe, roux, noe };
}

/**
 * `families` families of one child each, booked at the canteen every day of November 2026 (17 meals at 3,50 €, CAF
 * 850), written straight into the file: the numbering tests need many invoices, not varied ones.
 */
export function buildLargeNovember(sqlite: BetterSqlite3.Database, canteen: number, families: number): void {
  insertTariff(sqlite, CANTEEN_TARIFF(canteen));
  const at = '2026-09-01T08:00:00.000Z';
  const family = sqlite.prepare(
    "INSERT INTO families (resident, caf_regime, caf_qf, caf_qf_valid_until, created_at, updated_at) VALUES (1, 'CAF', 850, '2026-12-31', ?, ?)",
  );
  const responsable = sqlite.prepare(
    "INSERT INTO responsables (family_id, rank, civilite, nom, prenom, adresse, code_postal, ville) VALUES (?, 1, 'Mme', ?, 'Anne', '1 rue du Lac', '74370', 'Epagny')",
  );
  const kid = sqlite.prepare(
    "INSERT INTO children (family_id, nom, prenom, sexe, date_naissance, created_at, updated_at) VALUES (?, ?, 'Léo', 'M', '2018-05-05', ?, ?)",
  );
  sqlite.transaction(() => {
    for (let i = 0; i < families; i += 1) {
      const familyId = Number(family.run(at, at).lastInsertRowid);
      const nom = `Famille${String(i).padStart(5, '0')}`;
      responsable.run(familyId, nom);
      const childId = Number(kid.run(familyId, nom, at, at).lastInsertRowid);
      for (const day of CANTEEN_DAYS) setDay(sqlite, childId, canteen, day);
    }
  })();
}
