import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startupErrorDialog } from '../../src/main/startup-errors.js';
import { loadIbanKey, pendingKeyFileFor, safeKeyFileFor, type KeyChain } from '../../src/main/iban-key.js';
import { openOfficeDatabase } from '../../src/office/db/open.js';
import { silentLogger } from '../../src/office/log.js';
import { IbanKeyError, ibanVault, vaultWithKey } from '../../src/office/sepa/iban-vault.js';
import { startOfficeWorker } from '../../src/office/worker/host.js';
import { ibanFromRib, ribKey } from '../../src/shared/validation/bank.js';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/**
 * IBANs at rest (issue #12, item 6): sealed in the SQLite file (families, mandates' accounts, requests), plain values of
 * older databases sealed at open, masked for every role, shown in clear to the régisseur only and audited, the key
 * file 0600, the key given by Electron's keychain used as given, a wrong key refused with its French message.
 */

const IBAN = 'FR7630006000011234567890189';
const MASKED = 'FR76 •••• •••• •••• •••• •••• 189';
const NOW = '2026-11-28T10:00:00Z';
const clock = () => new Date(NOW);

let office: TestOffice | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await office?.close();
  office = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-vault-'));
  dirs.push(dir);
  return dir;
}

/** Every byte SQLite wrote for the database (the file, its WAL and shared memory). */
function databaseBytes(file: string): Buffer {
  const dir = path.dirname(file);
  return Buffer.concat(
    fs
      .readdirSync(dir)
      .filter((name) => name.startsWith(path.basename(file)) && !name.endsWith('.key'))
      .map((name) => fs.readFileSync(path.join(dir, name))),
  );
}

describe('IBANs sealed at rest', () => {
  it('leaves no IBAN in clear in the SQLite file after a family, a mandate and a family request', async () => {
    office = await makeTestOffice();
    const other = ibanFromRib({ banque: '10278', guichet: '07321', compte: '00020123401', cle: ribKey('10278', '07321', '00020123401') });
    const familyId = (await office.value('families.create', { data: sampleFamilyInput() })).id;
    const second = (await office.value('families.create', { data: sampleFamilyInput({ bank: { holder: '', iban: '', bic: '' } }) })).id;
    await office.value('mandates.create', {
      familyId: second,
      account: { holder: 'Paul Durand', iban: other, bic: 'CMCIFRPP', bankName: '', rib: null, scan: null },
    });
    const third = ibanFromRib({ banque: '30004', guichet: '00001', compte: '00012345678', cle: ribKey('30004', '00001', '00012345678') });
    await office.value('requests.create', {
      familyId,
      kind: 'data_change',
      items: [],
      reason: null,
      comment: '',
      certificate: null,
      photo: null,
      changes: [{ entity: 'family', entityId: familyId, field: 'bank.iban', label: 'IBAN', oldValue: MASKED, newValue: third }],
    });
    office.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = databaseBytes(office.file);
    // The bytes read are the data's: the holder's name, stored in clear, is found.
    expect(bytes.includes(Buffer.from('Paul Durand'))).toBe(true);
    for (const iban of [IBAN, other, third]) {
      // The IBAN, its account number alone, and the way a screen groups it: none is in the file.
      for (const needle of [iban, iban.slice(4), iban.slice(14, 25), iban.replace(/(.{4})(?=.)/g, '$1 ')]) {
        expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
      }
    }
    // What is stored is the vault's form, and the same code reads it back.
    const stored = office.sqlite.prepare('SELECT bank_iban FROM families WHERE id = ?').pluck().get(familyId) as string;
    expect(stored).toMatch(/^v1:/);
    expect(ibanVault(office.db).open(stored)).toBe(IBAN);
    const cipher = office.sqlite.prepare('SELECT iban_cipher, iban_masked FROM sepa_mandate_accounts').get() as { iban_cipher: string; iban_masked: string };
    expect(cipher.iban_cipher).toMatch(/^v1:/);
    expect(cipher.iban_masked).toBe(`FR76 •••• •••• •••• •••• •••• ${other.slice(-3)}`);
  });

  it('seals the plain IBANs of an older database at open, once, and reads them back', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'grenette.sqlite');
    let database = openOfficeDatabase({ file, clock });
    const { id } = await database.db.insertInto('families').values({ created_at: NOW, updated_at: NOW }).returning('id').executeTakeFirstOrThrow();
    await database.db.insertInto('responsables').values({ family_id: id, rank: 1, nom: 'Martin', prenom: 'Hélène' }).execute();
    // As written before issue #12: in clear.
    database.sqlite.prepare('UPDATE families SET bank_holder = ?, bank_iban = ?, bank_bic = ? WHERE id = ?').run('Hélène Martin', IBAN, 'AGRIFRPP', id);
    const requested = ibanFromRib({ banque: '30004', guichet: '00001', compte: '00012345678', cle: ribKey('30004', '00001', '00012345678') });
    const payload = [
      { entity: 'family', entityId: id, field: 'bank.holder', label: 'Titulaire', oldValue: 'Hélène Martin', newValue: 'Hélène et Paul Martin' },
      { entity: 'family', entityId: id, field: 'bank.iban', label: 'IBAN', oldValue: MASKED, newValue: requested },
    ];
    database.sqlite
      .prepare("INSERT INTO requests (uid, family_id, kind, payload, source, submitted_at) VALUES ('r1', ?, 'data_change', ?, 'portal', ?)")
      .run(id, JSON.stringify(payload), NOW);
    await database.close();

    database = openOfficeDatabase({ file, clock });
    const sealed = database.sqlite.prepare('SELECT bank_iban FROM families WHERE id = ?').pluck().get(id) as string;
    expect(sealed).toMatch(/^v1:/);
    expect(ibanVault(database.db).open(sealed)).toBe(IBAN);
    const stored = JSON.parse(database.sqlite.prepare('SELECT payload FROM requests').pluck().get() as string) as { newValue: string }[];
    expect(stored[0]!.newValue).toBe('Hélène et Paul Martin');
    expect(stored[1]!.newValue).toMatch(/^v1:/);
    expect(ibanVault(database.db).open(stored[1]!.newValue)).toBe(requested);
    await database.close();
    database = openOfficeDatabase({ file, clock });
    expect(database.sqlite.prepare('SELECT bank_iban FROM families WHERE id = ?').pluck().get(id)).toBe(sealed);
    await database.close();
    expect(databaseBytes(file).includes(Buffer.from(IBAN))).toBe(false);
    expect(databaseBytes(file).includes(Buffer.from(requested))).toBe(false);
  });
});

describe('the IBAN on screen', () => {
  it('is masked for every role, kept when the bank section is saved as shown, replaced when a new one is typed', async () => {
    office = await makeTestOffice();
    const familyId = (await office.value('families.create', { data: sampleFamilyInput() })).id;
    for (const role of ['agent', 'regisseur', 'admin'] as const) {
      const user = await office.as(role);
      const file = await user.call('families.get', { id: familyId });
      expect(file.ok && file.value.data.bank.iban, role).toBe(MASKED);
    }
    const file = await office.value('families.get', { id: familyId });
    const saved = await office.value('families.update', { id: familyId, patch: { bank: { ...file.data.bank, holder: 'Hélène et Paul Martin' } } });
    expect(saved.data.bank).toEqual({ holder: 'Hélène et Paul Martin', iban: MASKED, bic: 'AGRIFRPP' });
    const regisseur = await office.as('regisseur');
    expect(await regisseur.call('sepa.revealIban', { familyId, accountId: null })).toEqual({ ok: true, value: { iban: IBAN } });

    const partly = await office.call('families.update', { id: familyId, patch: { bank: { ...file.data.bank, iban: 'FR76 •••• •••• •••• •••• •••• 188' } } });
    expect(partly).toMatchObject({ ok: false, error: { fields: { 'bank.iban': expect.stringMatching(/en entier/) } } });

    const typed = ibanFromRib({ banque: '30004', guichet: '00001', compte: '00012345678', cle: ribKey('30004', '00001', '00012345678') });
    const replaced = await office.value('families.update', { id: familyId, patch: { bank: { ...file.data.bank, iban: typed.replace(/(.{4})/g, '$1 ') } } });
    expect(replaced.data.bank.iban).toBe(`FR76 •••• •••• •••• •••• •••• ${typed.slice(-3)}`);
    expect(await regisseur.call('sepa.revealIban', { familyId, accountId: null })).toEqual({ ok: true, value: { iban: typed } });
    const audit = await office.value('audit.forFamily', { familyId });
    expect(audit.find((entry) => entry.field === 'Banque · IBAN')).toMatchObject({ oldValue: MASKED, newValue: `FR76 •••• •••• •••• •••• •••• ${typed.slice(-3)}` });
  });

  it('is shown in clear to the régisseur only, each time written in the family history', async () => {
    office = await makeTestOffice();
    const familyId = (await office.value('families.create', { data: sampleFamilyInput({ bank: { holder: '', iban: '', bic: '' } }) })).id;
    const created = await office.value('mandates.create', {
      familyId,
      account: { holder: 'Hélène Martin', iban: IBAN, bic: 'AGRIFRPP', bankName: '', rib: null, scan: null },
    });
    const accountId = created.accounts[0]!.id;
    for (const role of ['agent', 'admin'] as const) {
      const user = await office.as(role);
      const refused = await user.call('sepa.revealIban', { familyId, accountId });
      expect(refused, role).toEqual({ ok: false, error: { code: 'forbidden', message: 'Seul le régisseur peut afficher un IBAN en entier.' } });
    }
    expect((await office.value('audit.forFamily', { familyId })).some((entry) => entry.field === 'IBAN affiché')).toBe(false);

    const regisseur = await office.as('regisseur');
    expect(await regisseur.call('sepa.revealIban', { familyId, accountId })).toEqual({ ok: true, value: { iban: IBAN } });
    expect(await regisseur.call('sepa.revealIban', { familyId: familyId + 99, accountId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const shown = (await office.value('audit.forFamily', { familyId })).filter((entry) => entry.field === 'IBAN affiché');
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({
      user: expect.stringMatching(/^Test regisseur/),
      at: NOW.replace('Z', '.000Z'),
      entity: 'mandate_account',
      entityId: accountId,
      newValue: `Compte du mandat ${created.rum} (depuis le 28/11/2026) : ${MASKED}`,
    });
  });
});

describe('the IBAN key', () => {
  it('is a key file beside the database, mode 0600, when none is given', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'grenette.sqlite');
    const database = openOfficeDatabase({ file, clock });
    await database.close();
    const stat = fs.statSync(`${file}.key`);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(`${file}.key`, 'utf8').trim(), 'base64')).toHaveLength(32);
  });

  it('is the key given (the keychain’s) when there is one: no key file, the values open with that key only', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'grenette.sqlite');
    const key = crypto.randomBytes(32);
    const database = openOfficeDatabase({ file, clock, ibanKey: key });
    const { id } = await database.db.insertInto('families').values({ created_at: NOW, updated_at: NOW, bank_iban: ibanVault(database.db).seal(IBAN) }).returning('id').executeTakeFirstOrThrow();
    const stored = database.sqlite.prepare('SELECT bank_iban FROM families WHERE id = ?').pluck().get(id) as string;
    await database.close();
    expect(fs.existsSync(`${file}.key`)).toBe(false);
    expect(vaultWithKey(key).open(stored)).toBe(IBAN);
    expect(() => vaultWithKey(crypto.randomBytes(32)).open(stored)).toThrow(IbanKeyError);
  });

  it('refuses to open the database with a wrong key, with its French message, and changes nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'grenette.sqlite');
    const database = openOfficeDatabase({ file, clock });
    await database.db.insertInto('families').values({ created_at: NOW, updated_at: NOW, bank_iban: ibanVault(database.db).seal(IBAN) }).execute();
    await database.close();
    const before = fs.readFileSync(file);
    let error: unknown;
    try {
      openOfficeDatabase({ file, clock, ibanKey: crypto.randomBytes(32) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(IbanKeyError);
    expect((error as Error).message).toMatch(/^Les IBAN de cette base ont été chiffrés avec une autre clé/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    // The right key (the file's) still opens it.
    const again = openOfficeDatabase({ file, clock });
    await again.close();
    // The key file lost (a backup restored elsewhere): refused too, and no new key file left beside the database.
    fs.renameSync(`${file}.key`, `${file}.key.kept`);
    expect(() => openOfficeDatabase({ file, clock })).toThrow(IbanKeyError);
    expect(fs.existsSync(`${file}.key`)).toBe(false);
  });

  it('reaches the office worker from the host; a wrong one fails the start with the French dialog, not a crash', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'grenette.sqlite');
    const key = crypto.randomBytes(32);
    const database = openOfficeDatabase({ file, clock, ibanKey: key });
    await database.db.insertInto('families').values({ created_at: NOW, updated_at: NOW, bank_iban: ibanVault(database.db).seal(IBAN) }).execute();
    await database.close();
    const config = (ibanKey: Buffer) => ({
      paths: { dbFile: file, backupDir: path.join(dir, 'backups'), logFile: path.join(dir, 'grenette.log') },
      clock: { kind: 'fixed' as const, at: NOW },
      demoOnFirstRun: false,
      log: 'silent' as const,
      ibanKey: ibanKey.toString('base64'),
    });
    const host = await startOfficeWorker({ config: config(key), log: silentLogger });
    await host.close();
    expect(fs.existsSync(`${file}.key`)).toBe(false);

    const failed = await startOfficeWorker({ config: config(crypto.randomBytes(32)), log: silentLogger }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failed).toMatchObject({ name: 'IbanKeyError' });
    expect(startupErrorDialog(failed, '/data/grenette.log')).toEqual({
      title: 'Grenette ne peut pas ouvrir la base de données',
      message: new IbanKeyError().message,
    });
  });

  it('is sealed by the keychain beside the database (Electron main), or left to the plain key file without one', () => {
    const dir = tempDir();
    const file = path.join(dir, 'grenette.sqlite');
    const keychain: KeyChain = {
      isEncryptionAvailable: () => true,
      encryptString: (text) => Buffer.from(`sealed:${Buffer.from(text).toString('hex')}`),
      decryptString: (sealed) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'hex').toString(),
    };
    // A new key waits beside the database until the office opened it; keep() puts it in its place.
    const loaded = loadIbanKey(file, keychain, silentLogger);
    const first = loaded.key!;
    expect(first).toHaveLength(32);
    expect(fs.existsSync(safeKeyFileFor(file))).toBe(false);
    expect(fs.statSync(pendingKeyFileFor(file)).mode & 0o777).toBe(0o600);
    // A start that failed before keep() (the database did not open) finds the same pending key again.
    expect(loadIbanKey(file, keychain, silentLogger).key!.equals(first)).toBe(true);
    loaded.keep();
    expect(fs.existsSync(pendingKeyFileFor(file))).toBe(false);
    expect(fs.statSync(safeKeyFileFor(file)).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(safeKeyFileFor(file)).includes(Buffer.from(first.toString('base64')))).toBe(false);
    expect(loadIbanKey(file, keychain, silentLogger).key!.equals(first)).toBe(true);

    // Another session's keychain cannot open it: the French message, not a crash.
    const foreign: KeyChain = { ...keychain, decryptString: () => { throw new Error('decrypt failed'); } };
    expect(() => loadIbanKey(file, foreign, silentLogger)).toThrow(/trousseau/);

    // No keychain: nothing from the main process, the worker uses `<db>.key`.
    const plainDir = tempDir();
    expect(loadIbanKey(path.join(plainDir, 'grenette.sqlite'), { ...keychain, isEncryptionAvailable: () => false }, silentLogger).key).toBeUndefined();

    // A database first opened with the plain key file keeps its key when the keychain takes over, once opened.
    const plainFile = path.join(plainDir, 'grenette.sqlite');
    const plainKey = crypto.randomBytes(32);
    fs.writeFileSync(`${plainFile}.key`, plainKey.toString('base64'), { mode: 0o600 });
    const adopted = loadIbanKey(plainFile, keychain, silentLogger);
    expect(adopted.key!.equals(plainKey)).toBe(true);
    expect(fs.existsSync(`${plainFile}.key`)).toBe(true);
    adopted.keep();
    expect(fs.existsSync(`${plainFile}.key`)).toBe(false);
    expect(loadIbanKey(plainFile, keychain, silentLogger).key!.equals(plainKey)).toBe(true);

    // An imported key (the exported file copied beside a restored database) wins over the keychain's own.
    const imported = crypto.randomBytes(32);
    fs.writeFileSync(`${file}.key`, imported.toString('base64'), { mode: 0o600 });
    const restoring = loadIbanKey(file, keychain, silentLogger);
    expect(restoring.key!.equals(imported)).toBe(true);
    // Until the database opened with it, the keychain's key file is left as it was.
    expect(loadIbanKey(file, { ...keychain, isEncryptionAvailable: () => true }, silentLogger).key!.equals(imported)).toBe(true);
    fs.rmSync(`${file}.key`);
    expect(loadIbanKey(file, keychain, silentLogger).key!.equals(first)).toBe(true);
    fs.writeFileSync(`${file}.key`, imported.toString('base64'), { mode: 0o600 });
    loadIbanKey(file, keychain, silentLogger).keep();
    expect(fs.existsSync(`${file}.key`)).toBe(false);
    expect(loadIbanKey(file, keychain, silentLogger).key!.equals(imported)).toBe(true);
  });
});
