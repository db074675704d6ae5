import type { Kysely, Transaction } from 'kysely';
import { AUTHORISATIONS, REGIMES, type ChildData } from '../../shared/children/input.js';
import { auditText, diffFields, type AuditChange } from '../audit/write.js';
import type { OfficeDatabase } from '../db/schema.js';
import { loadCustomValues } from '../settings/custom-values.js';
import { formatPhone } from '../../shared/validation/phone.js';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

export const IDENTITY_LABELS: Record<keyof ChildData['identity'], string> = {
  nom: 'Enfant · Nom',
  prenom: 'Enfant · Prénom',
  sexe: 'Enfant · Sexe',
  dateNaissance: 'Enfant · Date de naissance',
  schoolId: 'Enfant · École',
  classe: 'Enfant · Classe',
  regime: 'Enfant · Régime alimentaire',
};

export const HEALTH_LABELS: Record<Exclude<keyof ChildData['health'], 'vaccinations'>, string> = {
  allergies: 'Enfant · Allergies',
  pai: 'Enfant · PAI',
  paiEnd: 'Enfant · Fin du PAI',
  paiOwnMeal: 'Enfant · Apporte son repas (panier-repas PAI)',
  paiDetails: 'Enfant · Détails du PAI',
  medecinNom: 'Enfant · Médecin',
  medecinTel: 'Enfant · Téléphone du médecin',
  medicalNotes: 'Enfant · Notes médicales',
};
const VACCINE_ADDED = 'Enfant · Vaccination ajoutée';
const VACCINE_REMOVED = 'Enfant · Vaccination retirée';

/** Audit lines whose values are health data: hidden from roles that may not see health. */
export const HEALTH_AUDIT_FIELDS: ReadonlySet<string> = new Set([...Object.values(HEALTH_LABELS), VACCINE_ADDED, VACCINE_REMOVED]);

const AUTHORISATION_LABELS = Object.fromEntries(
  Object.entries(AUTHORISATIONS).map(([key, label]) => [key, `Autorisation · ${label}`]),
) as Record<keyof ChildData['authorisations'], string>;

function listChanges(before: string[], after: string[], added: string, removed: string): AuditChange[] {
  const remaining = [...after];
  const changes: AuditChange[] = [];
  for (const item of before) {
    const index = remaining.indexOf(item);
    if (index >= 0) remaining.splice(index, 1);
    else changes.push({ field: removed, oldValue: item, newValue: null });
  }
  for (const item of remaining) changes.push({ field: added, oldValue: null, newValue: item });
  return changes;
}

function personText(person: ChildData['authorisedPersons'][number]): string {
  const phones = [person.tel1, person.tel2].filter((tel) => tel !== '').map(formatPhone).join(' / ');
  const roles = [person.mayPickUp ? 'peut récupérer' : '', person.emergency ? "à prévenir en cas d'urgence" : '']
    .filter((role) => role !== '')
    .join(', ');
  return `${person.prenom} ${person.nom}${person.relation ? ` (${person.relation})` : ''} · ${phones}${roles ? ` · ${roles}` : ''}`;
}

/** Readable differences between two versions of a child, section by section (null = absent). */
export function childChanges(
  before: Partial<Omit<ChildData, 'custom'>>,
  after: Partial<Omit<ChildData, 'custom'>>,
  schoolName: (id: number | null) => string | null,
): AuditChange[] {
  const changes: AuditChange[] = [];
  if (after.identity) {
    changes.push(
      ...diffFields(IDENTITY_LABELS, before.identity ?? null, after.identity, (key, value) =>
        key === 'schoolId' ? schoolName(value as number | null) : key === 'regime' ? (REGIMES[value as keyof typeof REGIMES] ?? null) : auditText(value),
      ),
    );
  }
  if (after.health) {
    changes.push(
      ...diffFields(HEALTH_LABELS, before.health ?? null, after.health, (key, value) =>
        key === 'medecinTel' && typeof value === 'string' ? auditText(formatPhone(value)) : auditText(value),
      ),
    );
    const vaccines = (health: ChildData['health'] | undefined) => (health?.vaccinations ?? []).map((v) => `${v.vaccine} le ${v.date}`);
    changes.push(...listChanges(vaccines(before.health), vaccines(after.health), VACCINE_ADDED, VACCINE_REMOVED));
  }
  if (after.authorisedPersons) {
    changes.push(
      ...listChanges(
        (before.authorisedPersons ?? []).map(personText),
        after.authorisedPersons.map(personText),
        'Personne autorisée ajoutée',
        'Personne autorisée retirée',
      ),
    );
  }
  if (after.authorisations) changes.push(...diffFields(AUTHORISATION_LABELS, before.authorisations ?? null, after.authorisations));
  return changes;
}

export interface StoredChild {
  id: number;
  familyId: number;
  data: ChildData;
  photo: { mime: string; base64: string } | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export async function loadChild(db: Db, id: number): Promise<StoredChild | null> {
  const row = await db.selectFrom('children').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const vaccinations = await db.selectFrom('vaccinations').select(['vaccine', 'date']).where('child_id', '=', id).orderBy('date').orderBy('id').execute();
  const persons = await db.selectFrom('authorised_persons').selectAll().where('child_id', '=', id).orderBy('id').execute();
  return {
    id,
    familyId: row.family_id,
    data: {
      identity: {
        nom: row.nom,
        prenom: row.prenom,
        sexe: row.sexe,
        dateNaissance: row.date_naissance,
        schoolId: row.school_id,
        classe: row.classe as ChildData['identity']['classe'],
        regime: row.regime,
      },
      health: {
        allergies: row.allergies,
        pai: row.pai === 1,
        paiEnd: row.pai_end,
        paiOwnMeal: row.pai_own_meal === 1,
        paiDetails: row.pai_details,
        medecinNom: row.medecin_nom,
        medecinTel: row.medecin_tel,
        medicalNotes: row.medical_notes,
        vaccinations,
      },
      authorisedPersons: persons.map((person) => ({
        nom: person.nom,
        prenom: person.prenom,
        relation: person.relation,
        tel1: person.tel1,
        tel2: person.tel2,
        mayPickUp: person.may_pick_up === 1,
        emergency: person.emergency === 1,
      })),
      authorisations: {
        droitImage: row.auth_droit_image === 1,
        sortieSeule: row.auth_sortie_seule === 1,
        transport: row.auth_transport === 1,
        soinsUrgence: row.auth_soins_urgence === 1,
      },
      custom: await loadCustomValues(db, 'child', id),
    },
    photo: row.photo && row.photo_mime ? { mime: row.photo_mime, base64: Buffer.from(row.photo).toString('base64') } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
  };
}

function identityColumns(identity: ChildData['identity']) {
  return {
    nom: identity.nom,
    prenom: identity.prenom,
    sexe: identity.sexe,
    date_naissance: identity.dateNaissance,
    school_id: identity.schoolId,
    classe: identity.classe,
    regime: identity.regime,
  };
}

function healthColumns(health: ChildData['health']) {
  return {
    allergies: health.allergies,
    pai: health.pai ? 1 : 0,
    pai_end: health.paiEnd,
    // Callers settle the value first (settleOwnMeal); an unsettled one is never written as "no".
    ...(health.paiOwnMeal === undefined ? {} : { pai_own_meal: health.pai && health.paiOwnMeal ? 1 : 0 }),
    pai_details: health.paiDetails,
    medecin_nom: health.medecinNom,
    medecin_tel: health.medecinTel,
    medical_notes: health.medicalNotes,
  };
}

function authorisationColumns(auth: ChildData['authorisations']) {
  return {
    auth_droit_image: auth.droitImage ? 1 : 0,
    auth_sortie_seule: auth.sortieSeule ? 1 : 0,
    auth_transport: auth.transport ? 1 : 0,
    auth_soins_urgence: auth.soinsUrgence ? 1 : 0,
  };
}

async function replaceVaccinations(db: Db, childId: number, vaccinations: ChildData['health']['vaccinations']) {
  await db.deleteFrom('vaccinations').where('child_id', '=', childId).execute();
  if (vaccinations.length > 0) {
    await db.insertInto('vaccinations').values(vaccinations.map((v) => ({ child_id: childId, vaccine: v.vaccine, date: v.date }))).execute();
  }
}

async function replacePersons(db: Db, childId: number, persons: ChildData['authorisedPersons']) {
  await db.deleteFrom('authorised_persons').where('child_id', '=', childId).execute();
  if (persons.length > 0) {
    await db
      .insertInto('authorised_persons')
      .values(
        persons.map((person) => ({
          child_id: childId,
          nom: person.nom,
          prenom: person.prenom,
          relation: person.relation,
          tel1: person.tel1,
          tel2: person.tel2,
          may_pick_up: person.mayPickUp ? 1 : 0,
          emergency: person.emergency ? 1 : 0,
        })),
      )
      .execute();
  }
}

export async function insertChild(db: Db, familyId: number, data: Omit<ChildData, 'custom'>, at: string): Promise<number> {
  const { id } = await db
    .insertInto('children')
    .values({
      family_id: familyId,
      ...identityColumns(data.identity),
      ...healthColumns(data.health),
      ...authorisationColumns(data.authorisations),
      created_at: at,
      updated_at: at,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceVaccinations(db, id, data.health.vaccinations);
  await replacePersons(db, id, data.authorisedPersons);
  return id;
}

/** Writes only the sections present. */
export async function updateChildSections(db: Db, id: number, patch: Partial<Omit<ChildData, 'custom'>>, at: string): Promise<void> {
  await db
    .updateTable('children')
    .set({
      ...(patch.identity ? identityColumns(patch.identity) : {}),
      ...(patch.health ? healthColumns(patch.health) : {}),
      ...(patch.authorisations ? authorisationColumns(patch.authorisations) : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
  if (patch.health) await replaceVaccinations(db, id, patch.health.vaccinations);
  if (patch.authorisedPersons) await replacePersons(db, id, patch.authorisedPersons);
}
