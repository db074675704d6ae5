import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadIbanKey, pendingKeyFileFor, safeKeyFileFor, type KeyChain } from '../../src/main/iban-key.js';
import { openOfficeDatabase } from '../../src/office/db/open.js';
import { silentLogger } from '../../src/office/log.js';
import { IbanKeyError, ibanVault, isSealedBytes, openStoredIban } from '../../src/office/sepa/iban-vault.js';
import { RIB_REFUSAL } from '../../src/office/sepa/rib-documents.js';
import type { MandateAccountInput } from '../../src/shared/api/sepa.js';
import { maskIban } from '../../src/shared/validation/bank.js';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { EXAMPLE_RIB, POSTAL_RIB, ribTextPdf } from '../helpers/rib-scan.js';

/**
 * The IBAN exposures found by the review of issue #12, each through the real core on real SQLite files: a stored RIB
 * read by 'sepa.readScan' (audited), RIB scans sealed at rest and served by the set-up rule, the mandate form printed
 * masked once signed, a holder change refused on a live mandate, and the IBAN key exported and imported with a backup.
 */

let office: TestOffice | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await office?.close();
  office = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-exposure-'));
  dirs.push(dir);
  return dir;
}

const clock = () => new Date('2026-11-28T10:00:00Z');
const PLAIN_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const spaced = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ');

function pdfText(base64: string, dir: string): string {
  const file = path.join(dir, 'mandate.pdf');
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[\s\u00a0\u202f]+/g, ' ');
}

function account(overrides: Partial<MandateAccountInput> = {}): MandateAccountInput {
  return {
    holder: 'Hélène D’Aubigné-Martin',
    iban: EXAMPLE_RIB.iban,
    bic: EXAMPLE_RIB.bic,
    bankName: 'Crédit Agricole',
    rib: EXAMPLE_RIB.rib,
    scan: null,
    ...overrides,
  };
}

async function emptyBankFamily(o: TestOffice): Promise<number> {
  return (await o.value('families.create', { data: sampleFamilyInput({ bank: { holder: '', iban: '', bic: '' } }) })).id;
}

async function addDocument(o: TestOffice, familyId: number, kind: 'rib' | 'autre', bytes: Buffer, fileName: string): Promise<number> {
  return (await o.value('documents.add', { familyId, kind, label: '', documentDate: '2026-11-20', fileName, mime: 'application/pdf', base64: bytes.toString('base64') })).id;
}

const storedContent = (o: TestOffice, id: number) => o.sqlite.prepare('SELECT content FROM family_documents WHERE id = ?').pluck().get(id) as Buffer;
/** The family's « IBAN affiché » rows, newest first (as the history lists them). */
const reveals = async (o: TestOffice, familyId: number) =>
  (await o.value('audit.forFamily', { familyId })).filter((entry) => entry.field === 'IBAN affiché').map((entry) => entry.newValue ?? '');

describe('a RIB scan on file', () => {
  it('is sealed at rest, read and opened while the account is set up (each time audited), refused once the mandate is signed except to the régisseur', async () => {
    office = await makeTestOffice();
    const familyId = await emptyBankFamily(office);
    const agent = await office.as('agent');
    const regisseur = await office.as('regisseur');
    const rib = await ribTextPdf(EXAMPLE_RIB);
    const ribId = await addDocument(office, familyId, 'rib', rib, 'rib-lefevre.pdf');
    const otherId = await addDocument(office, familyId, 'autre', PLAIN_PDF, 'courrier.pdf');

    // At rest: the RIB sealed (neither the PDF nor the IBAN readable in the file), another document as it was.
    const sealed = storedContent(office, ribId);
    expect(isSealedBytes(sealed)).toBe(true);
    expect(sealed.includes(Buffer.from('%PDF'))).toBe(false);
    expect(storedContent(office, otherId).equals(PLAIN_PDF)).toBe(true);
    // The list still shows the RIB, with the scan's own size.
    const listed = (await office.value('families.get', { id: familyId })).documents;
    expect(listed.find((doc) => doc.id === ribId)).toMatchObject({ kind: 'rib', fileName: 'rib-lefevre.pdf', size: rib.length });

    // Set-up: the agent reads the stored RIB and gets the IBAN to confirm against the scan; written as a reveal.
    const read = await agent.call('sepa.readScan', { familyId, source: { kind: 'document', documentId: ribId } });
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect(read.value.fields.iban?.value).toBe(EXAMPLE_RIB.iban);
    expect(await reveals(office, familyId)).toEqual([`RIB lu pour le prélèvement : RIB du 20/11/2026 (rib-lefevre.pdf) · ${maskIban(EXAMPLE_RIB.iban)}`]);
    // A file given in the window is the paper the agent holds: read, nothing revealed.
    const given = await agent.call('sepa.readScan', { familyId, source: { kind: 'file', fileName: 'rib.pdf', mime: 'application/pdf', base64: rib.toString('base64') } });
    expect(given.ok).toBe(true);
    expect(await reveals(office, familyId)).toHaveLength(1);
    const opened = await agent.call('documents.get', { id: ribId });
    expect(opened.ok && Buffer.from(opened.value.base64, 'base64').equals(rib)).toBe(true);
    expect(await reveals(office, familyId)).toHaveLength(2);
    expect((await reveals(office, familyId))[0]).toBe('RIB ouvert : RIB du 20/11/2026 (rib-lefevre.pdf)');

    // The mandate set up from that scan, à signer: the form printed by the agent carries the IBAN in full, audited.
    const mandate = await agent.call('mandates.create', { familyId, account: account({ holder: EXAMPLE_RIB.holder, scan: { kind: 'document', documentId: ribId } }) });
    if (!mandate.ok) throw new Error(JSON.stringify(mandate.error));
    const form = await agent.call('mandates.pdf', { mandateId: mandate.value.id });
    if (!form.ok) throw new Error(JSON.stringify(form.error));
    expect(pdfText(form.value.base64, office.dir)).toContain(spaced(EXAMPLE_RIB.iban));
    expect((await reveals(office, familyId))[0]).toBe(`Mandat ${mandate.value.rum} imprimé : ${maskIban(EXAMPLE_RIB.iban)}`);
    expect((await agent.call('documents.get', { id: ribId })).ok).toBe(true);
    const beforeSigning = (await reveals(office, familyId)).length;

    // Signed: the scan shows what the family file masks; refused to every role but the régisseur, nothing revealed.
    await office.value('mandates.sign', { mandateId: mandate.value.id, signedOn: '2026-11-28' });
    for (const call of [agent.call, office.call]) {
      expect(await call('documents.get', { id: ribId })).toEqual({ ok: false, error: { code: 'forbidden', message: RIB_REFUSAL } });
      expect(await call('sepa.readScan', { familyId, source: { kind: 'document', documentId: ribId } })).toEqual({
        ok: false,
        error: { code: 'forbidden', message: RIB_REFUSAL },
      });
    }
    expect(await reveals(office, familyId)).toHaveLength(beforeSigning);
    // A copy of the signed form printed by the agent: masked, not a reveal.
    const copy = await agent.call('mandates.pdf', { mandateId: mandate.value.id });
    if (!copy.ok) throw new Error(JSON.stringify(copy.error));
    expect(pdfText(copy.value.base64, office.dir)).not.toContain(spaced(EXAMPLE_RIB.iban));
    expect(pdfText(copy.value.base64, office.dir)).toContain(maskIban(EXAMPLE_RIB.iban));
    expect(await reveals(office, familyId)).toHaveLength(beforeSigning);
    // The régisseur opens it, written in the history; other documents stay everyone's, without a reveal.
    const shown = await regisseur.call('documents.get', { id: ribId });
    expect(shown.ok && Buffer.from(shown.value.base64, 'base64').equals(rib)).toBe(true);
    expect((await regisseur.call('sepa.readScan', { familyId, source: { kind: 'document', documentId: ribId } })).ok).toBe(true);
    expect(await reveals(office, familyId)).toHaveLength(beforeSigning + 2);
    const other = await agent.call('documents.get', { id: otherId });
    expect(other.ok && Buffer.from(other.value.base64, 'base64').equals(PLAIN_PDF)).toBe(true);
    expect(await reveals(office, familyId)).toHaveLength(beforeSigning + 2);
    expect(JSON.stringify(await office.value('audit.forFamily', { familyId }))).not.toContain(EXAMPLE_RIB.iban);
  });

  it('filed as another kind is sealed once a mandate is read from it; RIBs filed in clear before are sealed at the next open', async () => {
    office = await makeTestOffice();
    const familyId = await emptyBankFamily(office);
    const rib = await ribTextPdf(EXAMPLE_RIB);
    const postal = await ribTextPdf(POSTAL_RIB);
    const filedAsOther = await addDocument(office, familyId, 'autre', rib, 'scan.pdf');
    expect(storedContent(office, filedAsOther).equals(rib)).toBe(true);
    await office.value('mandates.create', { familyId, account: account({ holder: EXAMPLE_RIB.holder, scan: { kind: 'document', documentId: filedAsOther } }) });
    expect(isSealedBytes(storedContent(office, filedAsOther))).toBe(true);

    // A database from before the review: its RIBs (and the mandate's scan) stored in clear, another document too.
    const oldRib = await addDocument(office, familyId, 'rib', postal, 'ancien-rib.pdf');
    const letter = await addDocument(office, familyId, 'autre', PLAIN_PDF, 'courrier.pdf');
    const setPlain = office.sqlite.prepare('UPDATE family_documents SET content = ? WHERE id = ?');
    setPlain.run(rib, filedAsOther);
    setPlain.run(postal, oldRib);
    // Nor had it been swept: the mark the first open after the review leaves.
    expect(office.sqlite.prepare("DELETE FROM settings WHERE key = 'sepa.ribScansSealed'").run().changes).toBe(1);
    const copy = path.join(tempDir(), 'office.sqlite');
    office.sqlite.prepare('VACUUM INTO ?').run(copy);
    fs.copyFileSync(`${office.file}.key`, `${copy}.key`);

    const reopened = openOfficeDatabase({ file: copy, clock });
    const content = (id: number) => reopened.sqlite.prepare('SELECT content FROM family_documents WHERE id = ?').pluck().get(id) as Buffer;
    const vault = ibanVault(reopened.db);
    for (const [id, bytes] of [[filedAsOther, rib], [oldRib, postal]] as const) {
      expect(isSealedBytes(content(id)), `document ${id}`).toBe(true);
      expect(vault.openBytes(content(id)).equals(bytes)).toBe(true);
    }
    expect(content(letter).equals(PLAIN_PDF)).toBe(true);
    expect(reopened.sqlite.prepare("SELECT value FROM settings WHERE key = 'sepa.ribScansSealed'").pluck().get()).toBe('1');
    const once = content(oldRib);
    await reopened.close();
    // Idempotent: opened again, the sealed scans are left as they are.
    const again = openOfficeDatabase({ file: copy, clock });
    expect((again.sqlite.prepare('SELECT content FROM family_documents WHERE id = ?').pluck().get(oldRib) as Buffer).equals(once)).toBe(true);
    await again.close();
  });
});

describe('a change of account holder on a live mandate', () => {
  it('is refused from the office form and the mandate dialog; the same holder spelled otherwise amends it', async () => {
    office = await makeTestOffice();
    const familyId = await emptyBankFamily(office);
    const created = await office.value('mandates.create', { familyId, account: account() });
    await office.value('mandates.sign', { mandateId: created.id, signedOn: '2026-11-28' });
    const why = `Le titulaire du compte change : un nouveau mandat doit être signé par Paul Martin ; révoquez le mandat ${created.rum} puis mettez en place le prélèvement.`;
    const countAccounts = () => office!.sqlite.prepare('SELECT count(*) FROM sepa_mandate_accounts').pluck().get();
    const storedBank = () => office!.sqlite.prepare('SELECT bank_holder, bank_iban FROM families WHERE id = ?').get(familyId);
    const before = storedBank();

    const sameIban = await office.call('families.update', { id: familyId, patch: { bank: { holder: 'Paul Martin', iban: EXAMPLE_RIB.iban, bic: 'AGRIFRPP' } } });
    expect(sameIban).toMatchObject({ ok: false, error: { code: 'validation', fields: { 'bank.holder': why } } });
    const newIban = await office.call('families.update', { id: familyId, patch: { bank: { holder: 'Paul Martin', iban: POSTAL_RIB.iban, bic: POSTAL_RIB.bic } } });
    expect(newIban).toMatchObject({ ok: false, error: { fields: { 'bank.holder': why } } });
    const dialog = await office.call('mandates.amend', { mandateId: created.id, account: account({ holder: 'Paul Martin', iban: POSTAL_RIB.iban, bic: POSTAL_RIB.bic, rib: POSTAL_RIB.rib }) });
    expect(dialog).toMatchObject({ ok: false, error: { fields: { 'account.holder': why } } });
    expect(countAccounts()).toBe(1);
    expect(storedBank()).toEqual(before);

    // Case, accents, spaces and the typographic apostrophe aside, the same debtor: an amendment.
    await office.value('families.update', { id: familyId, patch: { bank: { holder: '  HELENE  D\'AUBIGNE-MARTIN ', iban: POSTAL_RIB.iban, bic: POSTAL_RIB.bic } } });
    const amended = (await office.value('mandates.forFamily', { familyId })).mandates[0]!;
    expect(amended).toMatchObject({ id: created.id, status: 'actif' });
    expect(amended.accounts.map((a) => a.ibanMasked)).toEqual([maskIban(POSTAL_RIB.iban), maskIban(EXAMPLE_RIB.iban)]);
  });
});

describe('the IBAN key', () => {
  it('is exported by the admin only (audited), and opens a backup restored elsewhere, by the key file or through the keychain', async () => {
    office = await makeTestOffice();
    const familyId = await office.value('families.create', { data: sampleFamilyInput() }).then((file) => file.id);
    for (const role of ['agent', 'regisseur'] as const) {
      const user = await office.as(role);
      expect(await user.call('sepa.exportIbanKey', {})).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'Seul l’administrateur peut exporter la clé de chiffrement des IBAN.' },
      });
    }
    const exported = await office.value('sepa.exportIbanKey', {});
    expect(exported).toMatchObject({ fileName: 'grenette.sqlite.key', mime: 'text/plain' });
    const keyText = Buffer.from(exported.base64, 'base64').toString('utf8');
    expect(keyText).toBe(fs.readFileSync(`${office.file}.key`, 'utf8'));
    const audit = office.sqlite.prepare("SELECT field, user_id FROM audit_log WHERE action = 'export'").all();
    expect(audit).toEqual([{ field: 'Clé de chiffrement des IBAN exportée', user_id: expect.any(Number) }]);

    // The backup restored on another PC: without the key the office refuses to open it, with it every IBAN reads.
    const restoredDir = tempDir();
    const restored = path.join(restoredDir, 'grenette.sqlite');
    office.sqlite.prepare('VACUUM INTO ?').run(restored);
    expect(() => openOfficeDatabase({ file: restored, clock })).toThrow(IbanKeyError);
    fs.writeFileSync(path.join(restoredDir, exported.fileName), keyText, { mode: 0o600 });
    const opened = openOfficeDatabase({ file: restored, clock });
    const stored = opened.sqlite.prepare('SELECT bank_iban FROM families WHERE id = ?').pluck().get(familyId) as string;
    expect(openStoredIban(ibanVault(opened.db), stored)).toBe('FR7630006000011234567890189');
    await opened.close();

    // The Electron app on that PC: its first start made a key of its own, which does not open the restored base; that
    // key is not kept. The exported file copied beside the database is then taken into the keychain.
    const appDir = tempDir();
    const appDb = path.join(appDir, 'grenette.sqlite');
    office.sqlite.prepare('VACUUM INTO ?').run(appDb);
    const keychain: KeyChain = {
      isEncryptionAvailable: () => true,
      encryptString: (text) => Buffer.from(`sealed:${Buffer.from(text).toString('hex')}`),
      decryptString: (sealed) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'hex').toString(),
    };
    const own = loadIbanKey(appDb, keychain, silentLogger);
    expect(() => openOfficeDatabase({ file: appDb, clock, ibanKey: own.key! })).toThrow(IbanKeyError);
    expect(fs.existsSync(safeKeyFileFor(appDb))).toBe(false);
    fs.writeFileSync(`${appDb}.key`, keyText, { mode: 0o600 });
    const imported = loadIbanKey(appDb, keychain, silentLogger);
    expect(imported.key!.toString('base64')).toBe(keyText.trim());
    const app = openOfficeDatabase({ file: appDb, clock, ibanKey: imported.key! });
    await app.close();
    imported.keep();
    expect(fs.existsSync(`${appDb}.key`)).toBe(false);
    expect(fs.existsSync(pendingKeyFileFor(appDb))).toBe(false);
    expect(loadIbanKey(appDb, keychain, silentLogger).key!.equals(imported.key!)).toBe(true);
    expect(crypto.timingSafeEqual(imported.key!, Buffer.from(keyText.trim(), 'base64'))).toBe(true);
  });
});
