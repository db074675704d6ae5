import type { FamilyPublication } from '../../shared/sync/contract.js';
import { hashPassword, verifyPassword } from '../../crypto/password.js';
import type { PortalDb, PortalTrx } from '../db/open.js';
import { normaliseEmail, sameToken, sha256Hex } from './tokens.js';

export const MIN_PASSWORD_LENGTH = 10;

/** A French message when the password is not acceptable, or null. */
export function passwordProblem(password: string, confirmation: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Le mot de passe doit contenir au moins ${MIN_PASSWORD_LENGTH} caractères.`;
  if (password.length > 200) return 'Le mot de passe ne doit pas dépasser 200 caractères.';
  if (password !== confirmation) return 'Les deux mots de passe ne sont pas identiques.';
  return null;
}

/** Codes are typed from a letter: case, spaces and dashes do not matter. */
export function normaliseActivationCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * The office publishes activationCodeHash as either hashPassword(normaliseActivationCode(code))
 * (src/crypto/password.ts, 'scrypt$…') or the hex SHA-256 of the normalised code.
 */
export function hashActivationCode(code: string): Promise<string> {
  return hashPassword(normaliseActivationCode(code));
}

/**
 * Whether the typed code matches the stored hash (null: no code to match, e.g. an unknown address). Both kinds of
 * check run every time, the slow scrypt and the fast SHA-256, each against the stored hash when it is of its kind
 * and against a dummy otherwise: an unknown address, an account without a code and a wrong code for either kind
 * of hash take the same time, so the answer's delay says nothing about which addresses exist.
 */
export async function activationCodeMatches(code: string, stored: string | null): Promise<boolean> {
  const normalised = normaliseActivationCode(code);
  const slowStored = stored !== null && stored.startsWith('scrypt$') ? stored : null;
  const fastStored = stored !== null && slowStored === null ? stored.toLowerCase() : DUMMY_SHA256;
  const slow = await verifyPassword(normalised, slowStored ?? (await dummyPasswordHash()));
  const fast = sameToken(sha256Hex(normalised), fastStored);
  if (stored === null) return false;
  return slowStored !== null ? slow : fast;
}

/**
 * Whether the password matches the account's hash (null: not activated, or no account): the scrypt check runs
 * against a dummy hash of the same cost when there is none, so every answer takes the same time.
 */
export async function passwordMatches(password: string, stored: string | null): Promise<boolean> {
  const ok = await verifyPassword(password, stored ?? (await dummyPasswordHash()));
  return ok && stored !== null;
}

export interface UpsertResult {
  created: number;
  updated: number;
  disabled: number;
  /** Logins skipped because another family's account already uses the address. */
  conflicts: string[];
}

/**
 * Brings the family's logins in line with the office's publication, in the caller's transaction. A new activation
 * code (a hash different from the one held) reopens activation; the password stays until the family chooses a new
 * one. Logins the office no longer publishes, and every login of an archived family, are disabled and logged out.
 */
export async function upsertAccountsFromPublication(trx: PortalTrx | PortalDb, publication: FamilyPublication, now: Date): Promise<UpsertResult> {
  const at = now.toISOString();
  const result: UpsertResult = { created: 0, updated: 0, disabled: 0, conflicts: [] };
  const existing = await trx.selectFrom('accounts').selectAll().where('family_id', '=', publication.familyId).execute();
  const kept = new Set<number>();
  if (!publication.archived) {
    for (const login of publication.logins) {
      const email = normaliseEmail(login.email);
      if (!email) continue;
      const mine = existing.find((a) => a.responsable_rank === login.rank);
      const holder = await trx.selectFrom('accounts').select(['id', 'family_id', 'responsable_rank']).where('email', '=', email).executeTakeFirst();
      if (holder && holder.id !== mine?.id) {
        result.conflicts.push(email);
        continue;
      }
      if (!mine) {
        const inserted = await trx
          .insertInto('accounts')
          .values({
            family_id: publication.familyId,
            responsable_rank: login.rank,
            email,
            password_hash: null,
            activation_code_hash: login.activationCodeHash,
            activation_expires_at: login.activationExpiresAt,
            activated_at: null,
            disabled: 0,
            created_at: at,
            updated_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        kept.add(inserted.id);
        result.created += 1;
        continue;
      }
      kept.add(mine.id);
      const newCode = login.activationCodeHash !== null && login.activationCodeHash !== mine.activation_code_hash;
      const newExpiry = !sameInstant(mine.activation_expires_at, login.activationExpiresAt);
      const changed = mine.email !== email || mine.disabled !== 0 || newCode || newExpiry;
      if (!changed) continue;
      await trx
        .updateTable('accounts')
        .set({
          email,
          disabled: 0,
          updated_at: at,
          ...(newCode ? { activation_code_hash: login.activationCodeHash, activation_expires_at: login.activationExpiresAt, activated_at: null } : {}),
          ...(!newCode && newExpiry && mine.activated_at === null
            ? { activation_expires_at: login.activationExpiresAt }
            : {}),
        })
        .where('id', '=', mine.id)
        .execute();
      result.updated += 1;
    }
  }
  for (const account of existing) {
    if (kept.has(account.id) || account.disabled !== 0) continue;
    await trx.updateTable('accounts').set({ disabled: 1, updated_at: at }).where('id', '=', account.id).execute();
    await trx.deleteFrom('sessions').where('account_id', '=', account.id).execute();
    result.disabled += 1;
  }
  return result;
}

/**
 * The same instant, whatever its ISO form: PostgreSQL gives back an instant with milliseconds ('…T00:00:00.000Z')
 * that the office may have written without them.
 */
function sameInstant(held: string | null, published: string | null): boolean {
  if (held === null || published === null) return held === published;
  return Date.parse(held) === Date.parse(published);
}

export type AccountRow = Awaited<ReturnType<typeof findAccountByEmail>>;

export async function findAccountByEmail(db: PortalDb, email: string) {
  return db.selectFrom('accounts').selectAll().where('email', '=', normaliseEmail(email)).where('disabled', '=', 0).executeTakeFirst();
}

const DUMMY_SHA256 = sha256Hex('grenette-dummy-activation-code');

/** A hash to verify against when the address is unknown, so both cases take the same time (same cost as hashPassword). */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('grenette-dummy-password');
  return dummyHash;
}
