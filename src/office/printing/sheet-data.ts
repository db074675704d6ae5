import type { PrintScope } from '../../shared/api/contract.js';
import { AUTHORISATIONS, REGIMES } from '../../shared/children/input.js';
import { notFound } from '../api/handler.js';
import type { OfficeDb } from '../db/open.js';
import type { ChildRow, ResponsableRow } from '../db/schema.js';

/** Everything one printed sheet shows, already turned into labels (no ids, no codes). */
export interface ChildSheet {
  childId: number;
  nom: string;
  prenom: string;
  sexe: 'F' | 'M';
  dateNaissance: string;
  schoolName: string;
  classe: string;
  regime: string;
  photo: { mime: 'image/jpeg' | 'image/png' | 'image/webp' | string; bytes: Uint8Array } | null;
  responsables: SheetResponsable[];
  authorisedPersons: SheetPerson[];
  health: {
    allergies: string;
    pai: boolean;
    paiEnd: string | null;
    paiDetails: string;
    vaccinations: { vaccine: string; date: string }[];
    medecinNom: string;
    medecinTel: string;
    medicalNotes: string;
  };
  authorisations: { label: string; granted: boolean }[];
  custom: { label: string; kind: 'text' | 'boolean' | 'date'; value: string }[];
}

export interface SheetResponsable {
  rank: 1 | 2;
  civilite: string;
  nom: string;
  prenom: string;
  telMobile: string;
  telFixe: string;
  telPro: string;
  email: string;
  adresse: string;
  codePostal: string;
  ville: string;
}

export interface SheetPerson {
  nom: string;
  prenom: string;
  relation: string;
  tel1: string;
  tel2: string;
  mayPickUp: boolean;
  emergency: boolean;
}

/** The sheets of a scope, with what names the PDF file. */
export interface SheetBatch {
  scope: PrintScope;
  sheets: ChildSheet[];
  /** Family name (family scope) or school name (class scope). */
  groupName: string;
}

type ChildWithSchool = ChildRow & { school_name: string | null };

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

function byName(a: { nom: string; prenom: string }, b: { nom: string; prenom: string }): number {
  return collator.compare(a.nom, b.nom) || collator.compare(a.prenom, b.prenom);
}

function childrenQuery(db: OfficeDb) {
  return db
    .selectFrom('children')
    .leftJoin('schools', 'schools.id', 'children.school_id')
    .selectAll('children')
    .select('schools.name as school_name');
}

/** The children a scope covers, or a not_found the office can read. */
async function scopeChildren(db: OfficeDb, scope: PrintScope): Promise<{ children: ChildWithSchool[]; groupName: string }> {
  switch (scope.kind) {
    case 'child': {
      // Asked for by id: printed even when archived (the office may need the sheet of a child who left).
      const child = await childrenQuery(db).where('children.id', '=', scope.childId).executeTakeFirst();
      if (!child) throw notFound('Enfant introuvable.');
      return { children: [child], groupName: child.nom };
    }
    case 'family': {
      const family = await db.selectFrom('families').select('id').where('id', '=', scope.familyId).executeTakeFirst();
      if (!family) throw notFound('Famille introuvable.');
      const children = await childrenQuery(db)
        .where('children.family_id', '=', scope.familyId)
        .where('children.archived_at', 'is', null)
        .execute();
      if (children.length === 0) throw notFound("Cette famille n'a aucun enfant actif : aucune fiche à imprimer.");
      return { children, groupName: '' };
    }
    case 'class': {
      const school = await db.selectFrom('schools').select('name').where('id', '=', scope.schoolId).executeTakeFirst();
      if (!school) throw notFound('École introuvable.');
      const children = await childrenQuery(db)
        .where('children.school_id', '=', scope.schoolId)
        .where('children.classe', '=', scope.classe)
        .where('children.archived_at', 'is', null)
        .execute();
      if (children.length === 0) {
        throw notFound(`Aucun enfant inscrit en ${scope.classe || 'classe non renseignée'} à ${school.name}.`);
      }
      return { children, groupName: school.name };
    }
  }
}

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(row);
    else map.set(key(row), [row]);
  }
  return map;
}

function toResponsable(row: ResponsableRow): SheetResponsable {
  return {
    rank: row.rank,
    civilite: row.civilite,
    nom: row.nom,
    prenom: row.prenom,
    telMobile: row.tel_mobile,
    telFixe: row.tel_fixe,
    telPro: row.tel_pro,
    email: row.email,
    adresse: row.adresse,
    codePostal: row.code_postal,
    ville: row.ville,
  };
}

/**
 * Loads the sheets of a scope in a fixed number of queries whatever its size (children, responsables, authorised
 * persons, vaccinations, custom values): a class of 30 costs the same 5 round trips as one child.
 */
export async function loadChildSheets(db: OfficeDb, scope: PrintScope): Promise<SheetBatch> {
  const { children, groupName } = await scopeChildren(db, scope);
  children.sort(byName);
  const childIds = children.map((child) => child.id);
  const familyIds = [...new Set(children.map((child) => child.family_id))];

  const [responsables, persons, vaccinations, customValues] = await Promise.all([
    db.selectFrom('responsables').selectAll().where('family_id', 'in', familyIds).orderBy('rank').execute(),
    db.selectFrom('authorised_persons').selectAll().where('child_id', 'in', childIds).orderBy('id').execute(),
    db
      .selectFrom('vaccinations')
      .selectAll()
      .where('child_id', 'in', childIds)
      .orderBy('date')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('custom_fields')
      .innerJoin('custom_values', 'custom_values.field_id', 'custom_fields.id')
      .select(['custom_values.entity_id', 'custom_fields.label', 'custom_fields.kind', 'custom_values.value'])
      .where('custom_fields.entity', '=', 'child')
      .where('custom_fields.active', '=', 1)
      .where('custom_values.entity_id', 'in', childIds)
      .orderBy('custom_fields.id')
      .execute(),
  ]);

  const responsablesByFamily = groupBy(responsables, (row) => row.family_id);
  const personsByChild = groupBy(persons, (row) => row.child_id);
  const vaccinationsByChild = groupBy(vaccinations, (row) => row.child_id);
  const customByChild = groupBy(customValues, (row) => row.entity_id);

  const sheets = children.map((child): ChildSheet => ({
    childId: child.id,
    nom: child.nom,
    prenom: child.prenom,
    sexe: child.sexe,
    dateNaissance: child.date_naissance,
    schoolName: child.school_name ?? '',
    classe: child.classe,
    regime: REGIMES[child.regime] ?? child.regime,
    photo: child.photo && child.photo_mime ? { mime: child.photo_mime, bytes: child.photo } : null,
    responsables: (responsablesByFamily.get(child.family_id) ?? []).map(toResponsable),
    authorisedPersons: (personsByChild.get(child.id) ?? []).map((row) => ({
      nom: row.nom,
      prenom: row.prenom,
      relation: row.relation,
      tel1: row.tel1,
      tel2: row.tel2,
      mayPickUp: row.may_pick_up === 1,
      emergency: row.emergency === 1,
    })),
    health: {
      allergies: child.allergies,
      pai: child.pai === 1,
      paiEnd: child.pai_end,
      paiDetails: child.pai_details,
      vaccinations: (vaccinationsByChild.get(child.id) ?? []).map((row) => ({ vaccine: row.vaccine, date: row.date })),
      medecinNom: child.medecin_nom,
      medecinTel: child.medecin_tel,
      medicalNotes: child.medical_notes,
    },
    authorisations: [
      { label: AUTHORISATIONS.droitImage, granted: child.auth_droit_image === 1 },
      { label: AUTHORISATIONS.sortieSeule, granted: child.auth_sortie_seule === 1 },
      { label: AUTHORISATIONS.transport, granted: child.auth_transport === 1 },
      { label: AUTHORISATIONS.soinsUrgence, granted: child.auth_soins_urgence === 1 },
    ],
    custom: (customByChild.get(child.id) ?? []).map((row) => ({ label: row.label, kind: row.kind, value: row.value })),
  }));

  const familyName =
    sheets[0]?.responsables.find((responsable) => responsable.rank === 1)?.nom ?? sheets[0]?.nom ?? '';
  return { scope, sheets, groupName: scope.kind === 'family' ? familyName : groupName };
}
