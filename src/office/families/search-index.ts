import type { Kysely, Transaction } from 'kysely';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * Search as you type over 30,000 families: one pre-normalised text per family (family_search.haystack), matched with
 * LIKE, so a keystroke costs one indexed-free scan of a narrow table instead of joins over every name and phone.
 */

/** Lowercase, accents stripped (NFD), spaces collapsed: "Hélène  DUPONT" → "helene dupont". Used on both sides. */
export function normaliseSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function digitsOnly(value: string): string {
  return value.replace(/\D/g, '');
}

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/** Recomputes one family's haystack; call it in the same transaction as the change it reflects. */
export async function refreshFamilySearch(db: Db, familyId: number): Promise<void> {
  const family = await db
    .selectFrom('families')
    .select(['id', 'caf_number'])
    .where('id', '=', familyId)
    .executeTakeFirst();
  if (!family) {
    await db.deleteFrom('family_search').where('family_id', '=', familyId).execute();
    return;
  }
  const responsables = await db
    .selectFrom('responsables')
    .select(['nom', 'prenom', 'email', 'tel_mobile', 'tel_fixe', 'tel_pro'])
    .where('family_id', '=', familyId)
    .orderBy('rank')
    .execute();
  const children = await db
    .selectFrom('children')
    .select(['nom', 'prenom'])
    .where('family_id', '=', familyId)
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute();

  const parts: string[] = [];
  for (const person of responsables) {
    parts.push(`${person.nom} ${person.prenom}`, person.email);
    for (const tel of [person.tel_mobile, person.tel_fixe, person.tel_pro]) parts.push(digitsOnly(tel));
  }
  for (const child of children) parts.push(`${child.nom} ${child.prenom}`);
  parts.push(family.caf_number);
  const haystack = normaliseSearch(parts.filter((part) => part.trim() !== '').join(' | '));

  await db
    .insertInto('family_search')
    .values({ family_id: familyId, haystack })
    .onConflict((conflict) => conflict.column('family_id').doUpdateSet({ haystack }))
    .execute();
}
