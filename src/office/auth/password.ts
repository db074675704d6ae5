import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Staff passwords: scrypt with a random salt, stored as `scrypt$N$r$p$salt$hash` (base64) so the cost can be raised
 * later without breaking existing hashes.
 */

const COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFC'), salt, KEY_LENGTH, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), hash.toString('base64')].join('$');
}

export function verifyPassword(password: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltText, hashText] = parts as [string, string, string, string, string, string];
  const cost = Number(n);
  const blockSize = Number(r);
  const parallelism = Number(p);
  if (![cost, blockSize, parallelism].every((value) => Number.isInteger(value) && value > 0)) return false;
  const expected = Buffer.from(hashText, 'base64');
  if (expected.length === 0) return false;
  const actual = scryptSync(password.normalize('NFC'), Buffer.from(saltText, 'base64'), expected.length, {
    N: cost,
    r: blockSize,
    p: parallelism,
    maxmem: 256 * cost * blockSize + 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}
