import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { FamilyDuplicate } from '../../shared/api/contract.js';
import type { FamilyData } from '../../shared/families/input.js';
import { normalisePhone } from '../../shared/validation/phone.js';
import type { OfficeDatabase } from '../db/schema.js';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/**
 * Two phone numbers compared for duplicates by the shared rule (src/shared/validation/phone.ts): the E.164 form's
 * digits, so « +33 4 50 11 22 33 », « 0033 450112233 » and « 04.50.11.22.33 » are the same number; a stored value the
 * rule cannot read (kept as typed by migration 0006) by its digits.
 */
export function phoneKey(value: string): string {
  const parsed = normalisePhone(value);
  return (parsed.ok ? parsed.value : value).replace(/\D/g, '');
}

/** Names compared without case, accents, hyphens or extra spaces: « Lefèvre-Martin » and « LEFEVRE MARTIN ». */
function nameKey(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

// A stored phone with its usual separators taken out, in SQL, to narrow the rows before phoneKey decides.
const STRIPPED = (column: string) =>
  sql<string>`replace(replace(replace(replace(replace(replace(${sql.ref(column)}, ' ', ''), '.', ''), '-', ''), '(', ''), ')', ''), '/', '')`;

const MAX_DUPLICATES = 10;

/**
 * The families already on file that the new one probably is (same responsable's name and birth date, same phone,
 * same e-mail, same allocataire number), each with its reasons in French; archived ones too, flagged, since a family
 * that comes back is the usual duplicate. Asked by the « Nouvelle famille » form before creating.
 */
export async function findFamilyDuplicates(db: Db, data: Pick<FamilyData, 'responsable1' | 'responsable2' | 'caf'>): Promise<FamilyDuplicate[]> {
  const people = [data.responsable1, data.responsable2].filter((person): person is FamilyData['responsable1'] => person !== null);
  const reasons = new Map<number, Set<string>>();
  const add = (familyId: number, reason: string) => {
    const known = reasons.get(familyId) ?? new Set<string>();
    known.add(reason);
    reasons.set(familyId, known);
  };

  // Same name and birth date: rows of that birth date, names compared in JS (accents and case).
  for (const person of people) {
    if (!person.dateNaissance) continue;
    const rows = await db
      .selectFrom('responsables')
      .select(['family_id', 'nom', 'prenom'])
      .where('date_naissance', '=', person.dateNaissance)
      .execute();
    for (const row of rows) {
      if (nameKey(row.nom) === nameKey(person.nom) && nameKey(row.prenom) === nameKey(person.prenom)) {
        add(row.family_id, 'même nom et même date de naissance');
      }
    }
  }

  // Same phone, whichever of the three numbers and however it was typed.
  const phones = new Set(people.flatMap((person) => [person.telMobile, person.telFixe, person.telPro]).map(phoneKey).filter((key) => key.length >= 8));
  for (const key of phones) {
    const tail = key.slice(-8);
    const columns = ['tel_mobile', 'tel_fixe', 'tel_pro'] as const;
    const rows = await db
      .selectFrom('responsables')
      .select(['family_id', 'tel_mobile', 'tel_fixe', 'tel_pro'])
      .where((eb) => eb.or(columns.map((column) => eb(sql`substr(${STRIPPED(column)}, -8)`, '=', tail))))
      .execute();
    for (const row of rows) {
      if (columns.some((column) => phoneKey(row[column]) === key)) add(row.family_id, 'même téléphone');
    }
  }

  // Same e-mail, without case.
  const emails = new Set(people.map((person) => person.email.trim().toLowerCase()).filter(Boolean));
  if (emails.size > 0) {
    const rows = await db
      .selectFrom('responsables')
      .select('family_id')
      .where(sql`lower(trim(email))`, 'in', [...emails])
      .execute();
    for (const row of rows) add(row.family_id, 'même e-mail');
  }

  const number = data.caf.number.trim();
  if (number !== '') {
    const rows = await db.selectFrom('families').select('id').where('caf_number', '=', number).execute();
    for (const row of rows) add(row.id, 'même n° d’allocataire');
  }

  if (reasons.size === 0) return [];
  // Most reasons first, then the most recent file.
  const ids = [...reasons.keys()].sort((a, b) => reasons.get(b)!.size - reasons.get(a)!.size || b - a).slice(0, MAX_DUPLICATES);
  const families = await db
    .selectFrom('families as f')
    .innerJoin('responsables as r', (join) => join.onRef('r.family_id', '=', 'f.id').on('r.rank', '=', 1))
    .select(['f.id', 'f.archived_at', 'r.nom', 'r.prenom', 'r.ville'])
    .where('f.id', 'in', ids)
    .execute();
  const byId = new Map(families.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [{ id, name: `${row.nom} ${row.prenom}`, ville: row.ville, archived: row.archived_at !== null, reasons: [...reasons.get(id)!] }];
  });
}
