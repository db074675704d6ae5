import { sql } from 'kysely';
import type { PhoneToFix } from '../../shared/api/contract.js';
import { canSeeHealth, type Role } from '../../shared/auth/roles.js';
import type { OfficeDb } from '../db/open.js';

/**
 * The phones stored as typed because the shared rule could not read them when migration 0006 put every phone in
 * E.164 (src/shared/validation/phone.ts): listed for the agents to correct, never erased. Every stored phone the rule
 * reads starts with « + »; anything else non-empty is one of these. The doctor's phone is a health detail: only for the
 * roles that see health data.
 */
/** A stored phone the shared rule did not read: every phone it reads starts with « + » (E.164). */
const keptAsTyped = (phone: string): boolean => phone !== '' && !phone.startsWith('+');

export async function phonesToFix(db: OfficeDb, role: Role): Promise<PhoneToFix[]> {
  // The same test in SQL, to read only the rows holding one.
  const unread = (column: string) => sql<boolean>`(${sql.ref(column)} <> '' and ${sql.ref(column)} not like '+%')`;
  const labels = { tel_mobile: 'téléphone mobile', tel_fixe: 'téléphone fixe', tel_pro: 'téléphone professionnel' } as const;
  const found: PhoneToFix[] = [];
  const responsables = await db
    .selectFrom('responsables as r')
    .innerJoin('families as f', 'f.id', 'r.family_id')
    .select(['r.family_id', 'r.rank', 'r.nom', 'r.prenom', 'r.tel_mobile', 'r.tel_fixe', 'r.tel_pro'])
    .where((eb) => eb.or([unread('r.tel_mobile'), unread('r.tel_fixe'), unread('r.tel_pro')]))
    .where('f.archived_at', 'is', null)
    .orderBy('r.family_id')
    .orderBy('r.rank')
    .execute();
  for (const row of responsables) {
    for (const column of ['tel_mobile', 'tel_fixe', 'tel_pro'] as const) {
      const phone = row[column];
      if (keptAsTyped(phone)) {
        found.push({ familyId: row.family_id, where: `Responsable ${row.rank} (${row.prenom} ${row.nom}) · ${labels[column]}`, phone });
      }
    }
  }
  const persons = await db
    .selectFrom('authorised_persons as p')
    .innerJoin('children as c', 'c.id', 'p.child_id')
    .select(['c.family_id', 'c.prenom as child', 'p.nom', 'p.prenom', 'p.tel1', 'p.tel2'])
    .where((eb) => eb.or([unread('p.tel1'), unread('p.tel2')]))
    .where('c.archived_at', 'is', null)
    .orderBy('c.family_id')
    .execute();
  for (const row of persons) {
    for (const phone of [row.tel1, row.tel2]) {
      if (keptAsTyped(phone)) {
        found.push({ familyId: row.family_id, where: `Personne autorisée de ${row.child} (${row.prenom} ${row.nom})`, phone });
      }
    }
  }
  if (canSeeHealth(role)) {
    const doctors = await db
      .selectFrom('children as c')
      .select(['c.family_id', 'c.prenom', 'c.medecin_tel'])
      .where(unread('c.medecin_tel'))
      .where('c.archived_at', 'is', null)
      .orderBy('c.family_id')
      .execute();
    for (const row of doctors) found.push({ familyId: row.family_id, where: `Médecin de ${row.prenom}`, phone: row.medecin_tel });
  }
  return found.sort((a, b) => a.familyId - b.familyId);
}
