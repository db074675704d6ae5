import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Logger } from '../office/log.js';

/**
 * The key sealing IBANs in the office database (src/office/sepa/iban-vault.ts), kept by the operating system's
 * keychain through Electron's safeStorage: a random 32-byte key, encrypted with safeStorage.encryptString, in
 * `<database>.key.safe` beside the database (mode 0600), opened at each start and handed to the office worker.
 * Where safeStorage is not available (a Linux session without a keyring), nothing is returned and the worker falls
 * back to the plain key file `<database>.key` (0600), as the browser bridge does; the log says so.
 * The key is put in its place only once the database opened with it (LoadedIbanKey.keep), and a plain key file found
 * beside the database is taken as an import (a restored backup's key): see loadIbanKey.
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

/** Where a new key waits until the office opened the database with it (see loadIbanKey). */
export function pendingKeyFileFor(dbFile: string): string {
  return `${dbFile}.key.safe.new`;
}

export interface LoadedIbanKey {
  /** The key to hand to the office worker; undefined: no keychain, the worker uses the plain key file `<db>.key`. */
  key: Buffer | undefined;
  /**
   * To call once the office has opened the database with this key (its IBANs proved readable, iban-vault.ts
   * sealPlainIbans): only then is the key put in its place, `<db>.key.safe`. A database that does not open (damaged,
   * or sealed by another key) thus leaves no key of its own behind that would shadow the right one restored later.
   */
  keep(): void;
}

function writeSafeKey(file: string, keychain: KeyChain, key: Buffer): void {
  // Written beside, then renamed over: a crash never leaves a half-written key file.
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, keychain.encryptString(key.toString('base64')), { mode: 0o600 });
  fs.renameSync(temporary, file);
}

function openSafeKey(file: string, keychain: KeyChain): Buffer {
  let text: string;
  try {
    text = keychain.decryptString(fs.readFileSync(file));
  } catch {
    throw new SafeKeyError(file);
  }
  return keyOf(text, file);
}

/**
 * The key for the database `dbFile`, by order of precedence:
 * 1. the plain key file `<db>.key` when there is one: a key imported by hand (the file 'sepa.exportIbanKey' gave,
 *    copied beside a restored database, README « Sauvegardes »), or one from before the keychain took over; once the
 *    database opened with it, it replaces `<db>.key.safe` and the plain copy is removed;
 * 2. `<db>.key.safe`, opened by the keychain;
 * 3. a key created at an earlier start whose database has not opened yet (`<db>.key.safe.new`);
 * 4. a new random key, kept in `<db>.key.safe.new` (the first open may seal plain IBANs with it: a crash before
 *    keep() must not lose it), moved to `<db>.key.safe` by keep().
 */
export function loadIbanKey(dbFile: string, keychain: KeyChain, log: Logger): LoadedIbanKey {
  if (!keychain.isEncryptionAvailable()) {
    log.info('safeStorage unavailable: IBAN key kept in the plain key file beside the database', { file: `${dbFile}.key` });
    return { key: undefined, keep: () => undefined };
  }
  const file = safeKeyFileFor(dbFile);
  const pending = pendingKeyFileFor(dbFile);
  const plainFile = `${dbFile}.key`;
  if (fs.existsSync(plainFile)) {
    const key = keyOf(fs.readFileSync(plainFile, 'utf8'), plainFile);
    return {
      key,
      keep() {
        writeSafeKey(file, keychain, key);
        fs.rmSync(plainFile);
        fs.rmSync(pending, { force: true });
        log.info('IBAN key taken from the plain key file into the keychain', { file });
      },
    };
  }
  if (fs.existsSync(file)) return { key: openSafeKey(file, keychain), keep: () => undefined };
  if (fs.existsSync(pending)) {
    const key = openSafeKey(pending, keychain);
    return {
      key,
      keep() {
        fs.renameSync(pending, file);
        log.info('IBAN key created in the keychain', { file });
      },
    };
  }
  const key = crypto.randomBytes(32);
  fs.writeFileSync(pending, keychain.encryptString(key.toString('base64')), { mode: 0o600, flag: 'wx' });
  return {
    key,
    keep() {
      fs.renameSync(pending, file);
      log.info('IBAN key created in the keychain', { file });
    },
  };
}
