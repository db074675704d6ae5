import type { Kysely, Transaction } from 'kysely';
import { CAF_REGIMES, SITUATIONS, type FamilyData, type FamilyInput } from '../../shared/families/input.js';
import { maskIban } from '../../shared/validation/bank.js';
import { formatPhone } from '../../shared/validation/phone.js';
import { formatEuros } from '../../shared/money.js';
import { auditText, diffFields, type AuditChange } from '../audit/write.js';
import { officeQuery } from '../db/office-query.js';
import type { OfficeDatabase, ResponsableRow } from '../db/schema.js';
import { loadCustomValues } from '../settings/custom-values.js';
import { ibanVault, openStoredIban, type IbanVault } from '../sepa/iban-vault.js';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;
type Responsable = FamilyData['responsable1'];

const RESPONSABLE_LABELS: Record<keyof Responsable, string> = {
  civilite: 'Civilité',
  nom: 'Nom',
  prenom: 'Prénom',
  dateNaissance: 'Date de naissance',
  adresse: 'Adresse',
  codePostal: 'Code postal',
  ville: 'Ville',
  telMobile: 'Téléphone mobile',
  telFixe: 'Téléphone fixe',
  email: 'E-mail',
  profession: 'Profession',
  employeur: 'Employeur',
  telPro: 'Téléphone professionnel',
};

const SECTION_LABELS = {
  household: { situation: 'Foyer · Situation familiale', resident: 'Foyer · Résident de la commune', notes: 'Foyer · Notes' },
  fiscal: { rfrCents: 'Avis fiscal · Revenu fiscal de référence', partsX100: 'Avis fiscal · Nombre de parts', year: "Avis fiscal · Année des revenus" },
  caf: { regime: 'CAF · Régime', number: "CAF · Numéro d'allocataire", qf: 'CAF · Quotient familial', qfValidUntil: 'CAF · Validité du QF' },
  bank: { holder: 'Banque · Titulaire', iban: 'Banque · IBAN', bic: 'Banque · BIC' },
};

function responsableLabels(rank: 1 | 2): Record<keyof Responsable, string> {
  return Object.fromEntries(
    Object.entries(RESPONSABLE_LABELS).map(([key, label]) => [key, `Responsable ${rank} · ${label}`]),
  ) as Record<keyof Responsable, string>;
}

function formatValue(key: string | number | symbol, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  switch (key) {
    case 'iban':
      return maskIban(String(value));
    case 'rfrCents':
      return formatEuros(Number(value));
    case 'partsX100':
      return String(Number(value) / 100).replace('.', ',');
    case 'situation':
      return SITUATIONS[value as keyof typeof SITUATIONS] ?? String(value);
    case 'regime':
      return CAF_REGIMES[value as keyof typeof CAF_REGIMES] ?? String(value);
    case 'telMobile':
    case 'telFixe':
    case 'telPro':
      return formatPhone(String(value));
    default:
      return auditText(value);
  }
}

type Section = Exclude<keyof FamilyData, 'custom'>;

/** Readable differences of one section, IBAN masked. */
export function familySectionChanges<S extends Section>(
  section: S,
  before: FamilyData[S] | null,
  after: FamilyData[S] | null,
): AuditChange[] {
  const labels =
    section === 'responsable1' ? responsableLabels(1) : section === 'responsable2' ? responsableLabels(2) : SECTION_LABELS[section as keyof typeof SECTION_LABELS];
  return diffFields(
    labels as Record<string, string>,
    before as Record<string, unknown> | null,
    after as Record<string, unknown> | null,
    formatValue,
  );
}

function responsableFromRow(row: ResponsableRow): Responsable {
  return {
    civilite: row.civilite,
    nom: row.nom,
    prenom: row.prenom,
    dateNaissance: row.date_naissance,
    adresse: row.adresse,
    codePostal: row.code_postal,
    ville: row.ville,
    telMobile: row.tel_mobile,
    telFixe: row.tel_fixe,
    email: row.email,
    profession: row.profession,
    employeur: row.employeur,
    telPro: row.tel_pro,
  };
}

export interface StoredFamily {
  id: number;
  data: FamilyData;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

const familyRow = officeQuery((db, id: number) => db.selectFrom('families').selectAll().where('id', '=', id));
const responsableRows = officeQuery((db, familyId: number) => db.selectFrom('responsables').selectAll().where('family_id', '=', familyId));

/**
 * The family with its IBAN in clear: for the office's own work (audit diffs, requests, mandates). Whatever leaves the
 * office (FamilyFile, the portal's publication) masks it (maskIban); only 'sepa.revealIban' shows it.
 */
export async function loadFamily(db: Db, id: number): Promise<StoredFamily | null> {
  const row = await familyRow.first(db, id);
  if (!row) return null;
  const responsables = await responsableRows.all(db, id);
  const r1 = responsables.find((person) => person.rank === 1);
  const r2 = responsables.find((person) => person.rank === 2);
  if (!r1) throw new Error(`family ${id} has no responsable 1`);
  const data: FamilyData = {
    responsable1: responsableFromRow(r1),
    responsable2: r2 ? responsableFromRow(r2) : null,
    household: { situation: row.situation as FamilyData['household']['situation'], resident: row.resident === 1, notes: row.notes },
    fiscal: { rfrCents: row.fiscal_rfr_cents, partsX100: row.fiscal_parts_x100, year: row.fiscal_year },
    caf: { regime: row.caf_regime, number: row.caf_number, qf: row.caf_qf, qfValidUntil: row.caf_qf_valid_until },
    bank: { holder: row.bank_holder, iban: openStoredIban(ibanVault(db), row.bank_iban), bic: row.bank_bic },
    custom: await loadCustomValues(db, 'family', id),
  };
  return { id, data, createdAt: row.created_at, updatedAt: row.updated_at, archivedAt: row.archived_at };
}

/** The family's columns as stored: the IBAN sealed (src/office/sepa/iban-vault.ts), never in clear. */
function familyColumns(vault: IbanVault, data: Omit<FamilyData, 'responsable1' | 'responsable2' | 'custom'>) {
  return {
    situation: data.household.situation,
    resident: data.household.resident ? 1 : 0,
    notes: data.household.notes,
    fiscal_rfr_cents: data.fiscal.rfrCents,
    fiscal_parts_x100: data.fiscal.partsX100,
    fiscal_year: data.fiscal.year,
    caf_regime: data.caf.regime,
    caf_number: data.caf.number,
    caf_qf: data.caf.qf,
    caf_qf_valid_until: data.caf.qfValidUntil,
    bank_holder: data.bank.holder,
    bank_iban: vault.seal(data.bank.iban),
    bank_bic: data.bank.bic,
  };
}

function responsableColumns(person: Responsable) {
  return {
    civilite: person.civilite,
    nom: person.nom,
    prenom: person.prenom,
    date_naissance: person.dateNaissance,
    adresse: person.adresse,
    code_postal: person.codePostal,
    ville: person.ville,
    tel_mobile: person.telMobile,
    tel_fixe: person.telFixe,
    email: person.email,
    profession: person.profession,
    employeur: person.employeur,
    tel_pro: person.telPro,
  };
}

export async function insertFamily(db: Db, data: FamilyData, at: string): Promise<number> {
  const { id } = await db
    .insertInto('families')
    .values({ ...familyColumns(ibanVault(db), data), created_at: at, updated_at: at, archived_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('responsables').values({ family_id: id, rank: 1, ...responsableColumns(data.responsable1) }).execute();
  if (data.responsable2) {
    await db.insertInto('responsables').values({ family_id: id, rank: 2, ...responsableColumns(data.responsable2) }).execute();
  }
  return id;
}

/** Writes the whole family (sections already merged by the caller). */
export async function updateFamilyRows(db: Db, id: number, data: FamilyData, at: string): Promise<void> {
  await db.updateTable('families').set({ ...familyColumns(ibanVault(db), data), updated_at: at }).where('id', '=', id).execute();
  await db.updateTable('responsables').set(responsableColumns(data.responsable1)).where('family_id', '=', id).where('rank', '=', 1).execute();
  if (data.responsable2) {
    await db
      .insertInto('responsables')
      .values({ family_id: id, rank: 2, ...responsableColumns(data.responsable2) })
      .onConflict((conflict) => conflict.columns(['family_id', 'rank']).doUpdateSet(responsableColumns(data.responsable2 as Responsable)))
      .execute();
  } else {
    await db.deleteFrom('responsables').where('family_id', '=', id).where('rank', '=', 2).execute();
  }
}

export type { FamilyInput };
