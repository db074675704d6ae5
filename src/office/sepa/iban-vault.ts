import crypto from 'node:crypto';
import fs from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { maskIban } from '../../shared/validation/bank.js';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * IBANs are sealed at rest in the office database (issue #12): AES-256-GCM with a random 96-bit nonce per value, the
 * key never in the database. Where the key comes from:
 * - the Electron app: a random key sealed by Electron's safeStorage (the OS keychain / DPAPI), opened by the main
 *   process and handed to the office worker (OfficeAppOptions.ibanKey);
 * - elsewhere (the browser bridge, tests, a machine without a keychain): the key file `<database>.key` beside the
 *   database, created with mode 0600 on first open. Documented in the README: a backup restored on another machine
 *   needs this key (or the keychain's) to read the IBANs back.
 * The vault belongs to the opened database (a WeakMap, like the background jobs), so every module that holds `db` reads
 * and writes IBANs the same way without passing a key around.
 */

export interface IbanVault {
  /** 'v1:' + base64(nonce | ciphertext | tag); '' stays '' (no IBAN on file). */
  seal(iban: string): string;
  /** The IBAN in clear; throws IbanKeyError when the value was sealed with another key. */
  open(sealed: string): string;
  /**
   * A file that shows an IBAN in full (the scan of a RIB, issue #12) sealed the same way: SEALED_BYTES_MAGIC, then
   * nonce | ciphertext | tag. Kept binary (a BLOB), so a scan does not grow by a third as base64 would.
   */
  sealBytes(bytes: Buffer): Buffer;
  /** The file in clear; bytes that are not sealed (isSealedBytes) are returned as they are. */
  openBytes(bytes: Buffer): Buffer;
  /** The key as the plain key file holds it (base64 and a newline): what 'sepa.exportIbanKey' hands the admin. */
  keyFileText(): string;
}

export class IbanKeyError extends Error {
  constructor() {
    super(
      'Les IBAN de cette base ont été chiffrés avec une autre clé : restaurez la clé de chiffrement (voir le README, « Sauvegardes »).',
    );
    this.name = 'IbanKeyError';
  }
}

const PREFIX = 'v1:';

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** The first bytes of a sealed file: no PDF (%PDF), JPEG (FF D8) nor PNG (89 50) starts with them. */
export const SEALED_BYTES_MAGIC = Buffer.from('GRNSEAL1', 'latin1');
/** What sealing adds to a file: the magic, the nonce and the tag (the document list shows the scan's own size). */
export const SEALED_BYTES_OVERHEAD = SEALED_BYTES_MAGIC.length + 12 + 16;

export function isSealedBytes(bytes: Uint8Array): boolean {
  return bytes.length >= SEALED_BYTES_OVERHEAD && Buffer.from(bytes.buffer, bytes.byteOffset, SEALED_BYTES_MAGIC.length).equals(SEALED_BYTES_MAGIC);
}

export function vaultWithKey(key: Buffer): IbanVault {
  if (key.length !== 32) throw new Error('IBAN key: 32 bytes expected');
  return {
    seal(iban) {
      if (iban === '') return '';
      const nonce = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(iban, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
    },
    open(sealed) {
      if (sealed === '') return '';
      if (!isSealed(sealed)) throw new Error('IBAN vault: value not sealed');
      const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new IbanKeyError();
      }
    },
    sealBytes(bytes) {
      if (isSealedBytes(bytes)) return Buffer.from(bytes);
      const nonce = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
      return Buffer.concat([SEALED_BYTES_MAGIC, nonce, body, cipher.getAuthTag()]);
    },
    openBytes(bytes) {
      if (!isSealedBytes(bytes)) return Buffer.from(bytes);
      const start = SEALED_BYTES_MAGIC.length;
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, bytes.subarray(start, start + 12));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([decipher.update(bytes.subarray(start + 12, bytes.length - 16)), decipher.final()]);
      } catch {
        throw new IbanKeyError();
      }
    },
    keyFileText() {
      return `${key.toString('base64')}\n`;
    },
  };
}

/** The key file beside the database, created (0600) with a random key when missing. */
export function keyFromFile(file: string): Buffer {
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`IBAN key file ${file} is not a 32-byte base64 key`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = crypto.randomBytes(32);
    // 'wx': two processes opening a new database at once must not each write their own key.
    try {
      fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      return key;
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code === 'EEXIST') return keyFromFile(file);
      throw writeError;
    }
  }
}

/** The key file's path for a database file; an in-memory database gets a key for the process's life only. */
export function keyFileFor(dbFile: string): string | null {
  return dbFile === ':memory:' || dbFile === '' ? null : `${dbFile}.key`;
}

/*
 * Keyed by the Kysely executor's adapter: a transaction (db.transaction().execute(trx => …)) is another Kysely object
 * but shares its database's adapter, so the stores that run inside a transaction find the vault too.
 */
const vaults = new WeakMap<object, IbanVault>();

function vaultKeyOf(db: Kysely<OfficeDatabase>): object {
  return db.getExecutor().adapter;
}

export function attachVault(db: Kysely<OfficeDatabase>, vault: IbanVault): void {
  vaults.set(vaultKeyOf(db), vault);
}

/** The vault of an opened database, or of a transaction on it. */
export function ibanVault(db: Kysely<OfficeDatabase>): IbanVault {
  const vault = vaults.get(vaultKeyOf(db));
  if (!vault) throw new Error('IBAN vault: database opened without a key (openOfficeDatabase attaches one)');
  return vault;
}

/** The family's IBAN as stored read back in clear; a value left plain (before its sealing at open) read as it is. */
export function openStoredIban(vault: IbanVault, stored: string): string {
  return isSealed(stored) ? vault.open(stored) : stored;
}

/** The stored IBAN masked for screens, without the caller handling the clear value. */
export function maskedStoredIban(vault: IbanVault, stored: string): string {
  return maskIban(openStoredIban(vault, stored));
}

/**
 * SQL: a family document's content is sealed (starts with SEALED_BYTES_MAGIC, 'GRNSEAL1'). SQLite reads the whole
 * blob for substr(): used only by the one sweep of sealPlainIbans, never per request.
 */
const SEALED_CONTENT = `substr(content, 1, ${SEALED_BYTES_MAGIC.length}) = X'${SEALED_BYTES_MAGIC.toString('hex').toUpperCase()}'`;

/** The settings row saying the RIB scans filed in clear before they were sealed have been swept (once per database). */
const RIB_SCANS_SWEPT = 'sepa.ribScansSealed';

/**
 * SQL: the family documents that show an IBAN in full, sealed like the IBANs: those of kind « RIB » and any document
 * a mandate's account was read from (an agent may have filed a RIB as « Autre »).
 */
export const RIB_DOCUMENT = `(kind = 'rib' OR id IN (SELECT document_id FROM sepa_mandate_accounts WHERE document_id IS NOT NULL))`;

/** The smallest RIB scan on file (length() reads no blob), and whether it is sealed: the key's proof costs one small read. */
function smallestRibScan(sqlite: BetterSqlite3.Database): { content: Buffer; sealed: boolean } | null {
  const content = sqlite.prepare(`SELECT content FROM family_documents WHERE ${RIB_DOCUMENT} ORDER BY length(content) LIMIT 1`).pluck().get() as
    | Buffer
    | undefined;
  return content ? { content, sealed: isSealedBytes(content) } : null;
}

/** Whether the database holds IBANs sealed by some key (families' or mandates' accounts). */
export function hasSealedIbans(sqlite: BetterSqlite3.Database): boolean {
  const table = (name: string) => sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  if (table('families') && sqlite.prepare("SELECT 1 FROM families WHERE bank_iban LIKE 'v1:%' LIMIT 1").get() !== undefined) return true;
  if (table('family_documents') && table('sepa_mandate_accounts') && smallestRibScan(sqlite)?.sealed) return true;
  return table('sepa_mandate_accounts') && sqlite.prepare('SELECT 1 FROM sepa_mandate_accounts LIMIT 1').get() !== undefined;
}

/**
 * The data step run at every open, after the migrations: seals the families' IBANs still in clear (databases from
 * before issue #12, a backup of one restored) and the scans of RIBs filed in clear (RIB_DOCUMENT), then proves the key opens what is sealed. Idempotent: sealed values
 * are left alone. Throws IbanKeyError, with its French message, when the key is not the one the values were sealed
 * with (a database restored on another machine without its key): the office refuses to start rather than show
 * errors on every family file.
 */
export function sealPlainIbans(sqlite: BetterSqlite3.Database, vault: IbanVault): number {
  // A database opened with part of the migrations (tests of the migrations themselves) has no mandates yet.
  const hasAccounts = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sepa_mandate_accounts'").get() !== undefined;
  if (!hasAccounts) return 0;
  // The key first: plain values sealed with a wrong key would be lost with it.
  const sample = sqlite
    .prepare(
      `SELECT value FROM (SELECT bank_iban AS value FROM families WHERE bank_iban LIKE 'v1:%' LIMIT 1)
       UNION ALL SELECT value FROM (SELECT iban_cipher AS value FROM sepa_mandate_accounts LIMIT 1)`,
    )
    .pluck()
    .all() as string[];
  for (const value of sample) vault.open(value);
  const scan = smallestRibScan(sqlite);
  if (scan?.sealed) vault.openBytes(scan.content);
  const plain = sqlite
    .prepare("SELECT id, bank_iban FROM families WHERE bank_iban <> '' AND bank_iban NOT LIKE 'v1:%'")
    .all() as { id: number; bank_iban: string }[];
  const update = sqlite.prepare('UPDATE families SET bank_iban = ? WHERE id = ?');
  // Families' requests to change their IBAN, received before issue #12: the requested IBAN sealed in the payload too
  // (src/office/requests/sealed-changes.ts reads both forms).
  const requests = sqlite
    .prepare("SELECT id, payload FROM requests WHERE kind = 'data_change' AND payload LIKE '%\"bank.iban\"%'")
    .all() as { id: number; payload: string }[];
  const updateRequest = sqlite.prepare('UPDATE requests SET payload = ? WHERE id = ?');
  // The scans of RIBs filed before they were sealed (issue #12 review), swept once per database (a backup from before
  // the review, restored, has no mark and is swept at its first open): the sweep reads every RIB's content, which no
  // start should pay again. One at a time, a scan can weigh 15 MB. Since, every RIB is sealed as it is filed.
  const swept = sqlite.prepare('SELECT 1 FROM settings WHERE key = ?').get(RIB_SCANS_SWEPT) !== undefined;
  const plainScans = swept
    ? []
    : (sqlite.prepare(`SELECT id FROM family_documents WHERE ${RIB_DOCUMENT} AND NOT (${SEALED_CONTENT})`).pluck().all() as number[]);
  const readScan = sqlite.prepare('SELECT content FROM family_documents WHERE id = ?').pluck();
  const updateScan = sqlite.prepare('UPDATE family_documents SET content = ? WHERE id = ?');
  sqlite.transaction(() => {
    for (const id of plainScans) updateScan.run(vault.sealBytes(readScan.get(id) as Buffer), id);
    if (!swept) sqlite.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(RIB_SCANS_SWEPT, '1');
    for (const row of plain) update.run(vault.seal(row.bank_iban), row.id);
    for (const request of requests) {
      const changes = JSON.parse(request.payload) as { field: string; newValue: string }[];
      if (!changes.some((change) => change.field === 'bank.iban' && change.newValue !== '' && !isSealed(change.newValue))) continue;
      const sealed = changes.map((change) =>
        change.field === 'bank.iban' && change.newValue !== '' && !isSealed(change.newValue) ? { ...change, newValue: vault.seal(change.newValue) } : change,
      );
      updateRequest.run(JSON.stringify(sealed), request.id);
    }
  })();
  return plain.length + plainScans.length;
}
