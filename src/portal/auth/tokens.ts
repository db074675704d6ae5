import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

const TOKEN_BYTES = 32;
/**
 * Random bytes drawn from the system's CSPRNG a batch at a time (every page's forms carry a fresh one-time key, so a
 * page asked for 32 bytes at least once: one call into OpenSSL per token was about 1.5 % of a page). Each token takes
 * its own bytes, never handed out twice: the batch is refilled once used up, as crypto.randomUUID does with its cache.
 */
const batch = Buffer.alloc(TOKEN_BYTES * 128);
let used = batch.length;

/** 32 random bytes, base64url: session cookies, CSRF tokens, reset links, one-time form keys. */
export function newToken(): string {
  if (used === batch.length) {
    randomFillSync(batch);
    used = 0;
  }
  const token = batch.toString('base64url', used, used + TOKEN_BYTES);
  used += TOKEN_BYTES;
  return token;
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
