import { sha256Hex } from './signature.js';

/**
 * Activation codes the office gives a responsable (printed letter or email) to create their portal password. Only the
 * hash travels to the portal. No 0/O or 1/I/L, so a code read from paper is typed right.
 */
export const ACTIVATION_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ACTIVATION_VALIDITY_DAYS = 30;

/** 'abcd efgh-jkmn' and 'ABCDEFGHJKMN' are the same code. */
export function normaliseActivationCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** What the portal compares: the hex SHA-256 of the normalised code. */
export function activationCodeHash(code: string): Promise<string> {
  return sha256Hex(normaliseActivationCode(code));
}

/** A new code in three groups of four ('K7QM-3XPA-W9TD'), from a cryptographic random source. */
export function newActivationCode(): string {
  const chars: string[] = [];
  // Bytes above the largest multiple of the alphabet's size are drawn again, so every character is equally likely.
  const limit = 256 - (256 % ACTIVATION_ALPHABET.length);
  while (chars.length < 12) {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
    for (const byte of bytes) if (byte < limit && chars.length < 12) chars.push(ACTIVATION_ALPHABET[byte % ACTIVATION_ALPHABET.length]!);
  }
  return [0, 4, 8].map((start) => chars.slice(start, start + 4).join('')).join('-');
}
