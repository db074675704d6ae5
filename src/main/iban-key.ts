import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Logger } from '../office/log.js';

/**
 * The key sealing IBANs in the office database (src/office/sepa/iban-vault.ts), kept by the operating system's
 * keychain through Electron's safeStorage: a random 32-byte key, encrypted with safeStorage.encryptString, in
 * `<database>.key.safe` beside the database (mode 0600), opened at each start and handed to the office worker.
 * Where safeStorage is not available (a Linux session without a keyring), nothing is returned and the worker falls
 * back to the plain key file `<database>.key` (0600), as the browser bridge does; the log says so.
 * Plain data in, plain data out, no Electron import: tests/unit/main-iban-key.test.ts runs it with a fake keychain.
 */

/** The part of Electron's safeStorage used here. */
export interface KeyChain {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Same name as the vault's error: the start-up dialog shows its French message (src/main/startup-errors.ts). */
export class SafeKeyError extends Error {
  constructor(file: string) {
    super(
      `La clé de chiffrement des IBAN (${file}) ne peut pas être ouverte par le trousseau de ce poste ou de cette session : ` +
        'ouvrez Grenette avec le compte qui l’a créée, ou restaurez la clé (voir le README, « Sauvegardes »).',
    );
    this.name = 'IbanKeyError';
  }
}

export function safeKeyFileFor(dbFile: string): string {
  return `${dbFile}.key.safe`;
}

function keyOf(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new SafeKeyError(file);
  return key;
}

export function loadIbanKey(dbFile: string, keychain: KeyChain, log: Logger): Buffer | undefined {
  if (!keychain.isEncryptionAvailable()) {
    log.info('safeStorage unavailable: IBAN key kept in the plain key file beside the database', { file: `${dbFile}.key` });
    return undefined;
  }
  const file = safeKeyFileFor(dbFile);
  if (fs.existsSync(file)) {
    let text: string;
    try {
      text = keychain.decryptString(fs.readFileSync(file));
    } catch {
      throw new SafeKeyError(file);
    }
    return keyOf(text, file);
  }
  // A database first opened without the keychain (or by the browser bridge) has its key in the plain file: it is
  // adopted, sealed by the keychain, and the plain copy removed, so the IBANs already sealed stay readable.
  const plainFile = `${dbFile}.key`;
  const adopted = fs.existsSync(plainFile) ? keyOf(fs.readFileSync(plainFile, 'utf8'), plainFile) : null;
  const key = adopted ?? crypto.randomBytes(32);
  fs.writeFileSync(file, keychain.encryptString(key.toString('base64')), { mode: 0o600, flag: 'wx' });
  if (adopted) {
    fs.rmSync(plainFile);
    log.info('IBAN key moved from the plain key file into the keychain', { file });
  } else {
    log.info('IBAN key created in the keychain', { file });
  }
  return key;
}
