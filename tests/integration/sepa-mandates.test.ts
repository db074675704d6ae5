import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MandateAccountInput } from '../../src/shared/api/sepa.js';
import { rumFor, rumProblem } from '../../src/shared/sepa/rum.js';
import { ibanFromRib, ribKey } from '../../src/shared/validation/bank.js';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/**
 * SEPA mandates through the real core on a real SQLite file (issue #12, item 3): every refusal leaves nothing behind,
 * the RUM, the signature, the amendment that keeps the history, the revocation, the lapse after 36 months on the
 * injected clock, the reactivation, the family's bank details and the mandate kept in step, and the form's PDF read
 * back with pdftotext.
 */

let office: TestOffice | undefined;
afterEach(async () => {
  await office?.close();
  office = undefined;
});

const RIB = { banque: '30006', guichet: '00001', compte: '12345678901', cle: ribKey('30006', '00001', '12345678901') };
const IBAN = ibanFromRib(RIB);
const OTHER_RIB = { banque: '10278', guichet: '07321', compte: '00020123401', cle: ribKey('10278', '07321', '00020123401') };
const OTHER_IBAN = ibanFromRib(OTHER_RIB);

function account(overrides: Partial<MandateAccountInput> = {}): MandateAccountInput {
  return { holder: 'Hélène D’Aubigné-Martin', iban: IBAN, bic: 'AGRIFRPP', bankName: 'Crédit Agricole', rib: RIB, scan: null, ...overrides };
}

// The smallest PDF header documentMime accepts as a PDF: the scan's bytes are kept, not read, by 'mandates.create'.
const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function family(o: TestOffice, overrides = {}): Promise<number> {
  return (await o.value('families.create', { data: sampleFamilyInput({ bank: { holder: '', iban: '', bic: '' }, ...overrides }) })).id;
}

function counts(o: TestOffice) {
  const count = (table: string) => o.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return { mandates: count('sepa_mandates'), accounts: count('sepa_mandate_accounts'), documents: count('family_documents') };
}

function pdfText(base64: string, dir: string): string {
  const file = path.join(dir, 'mandate.pdf');
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[\s\u00a0\u202f]+/g, ' ');
}

describe('mandates.create', () => {
  it('refuses each bad input with a French message by field, and saves nothing', async () => {
    office = await makeTestOffice();
    const familyId = await family(office);
    const other = await family(office, { responsable1: { ...sampleFamilyInput().responsable1, nom: 'Durand', email: 'durand@example.fr' } });
    const otherDoc = await office.value('documents.add', {
      familyId: other, kind: 'rib', label: 'RIB', documentDate: '2026-11-01', fileName: 'rib.pdf', mime: 'application/pdf', base64: PDF_BYTES.toString('base64'),
    });
    const before = counts(office);
    const altered = IBAN.slice(0, 12) + String((Number(IBAN[12]) + 1) % 10) + IBAN.slice(13);
    const cases: [MandateAccountInput, string, RegExp][] = [
      [account({ iban: altered, rib: null }), 'account.iban', /IBAN|clé/],
      [account({ rib: OTHER_RIB }), 'account.iban', /ne correspond pas au RIB/],
      [account({ bic: 'COBADEFFXXX' }), 'account.bic', /pays du BIC \(DE\)/],
      [account({ holder: '' }), 'account.holder', /titulaire/],
      [account({ rib: { ...RIB, guichet: '12' } }), 'account.rib.guichet', /guichet/],
      [account({ scan: { kind: 'file', fileName: 'rib.txt', mime: 'text/plain', base64: Buffer.from('IBAN FR76').toString('base64') } }), 'account.scan', /PDF, JPEG ou PNG/],
      [account({ scan: { kind: 'document', documentId: otherDoc.id } }), 'account.scan', /dossier de la famille/],
    ];
    for (const [input, field, message] of cases) {
      const result = await office.call('mandates.create', { familyId, account: input });
      expect(result.ok, field).toBe(false);
      if (result.ok) continue;
      expect(result.error.fields?.[field], field).toMatch(message);
    }
    expect(counts(office)).toEqual(before);
    const file = await office.value('families.get', { id: familyId });
    expect(file.data.bank.iban).toBe('');
  });

  it('refuses while the ICS of Paramètres is wrong, and says so on the family', async () => {
    office = await makeTestOffice();
    const familyId = await family(office);
    office.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('sepa.settings', ?)").run(JSON.stringify({ ics: 'FR73ZZZ123456' }));
    const before = counts(office);
    const result = await office.call('mandates.create', { familyId, account: account() });
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/ICS.*chiffres de contrôle/) } });
    expect(counts(office)).toEqual(before);
    const debit = await office.value('mandates.forFamily', { familyId });
    expect(debit).toMatchObject({ canSetUp: false, setUpBlockedBy: expect.stringMatching(/Paramètres/) });
  });

  it('files the scan as the family RIB, gives a unique RUM of at most 35 characters, and writes the family bank details', async () => {
    office = await makeTestOffice();
    const first = await family(office);
    const second = await family(office, { responsable1: { ...sampleFamilyInput().responsable1, nom: 'Durand', email: 'durand@example.fr' } });
    const scan = { kind: 'file' as const, fileName: 'rib-martin.pdf', mime: 'application/pdf', base64: PDF_BYTES.toString('base64') };
    const a = await office.value('mandates.create', { familyId: first, account: account({ scan }) });
    const b = await office.value('mandates.create', { familyId: second, account: account({ iban: OTHER_IBAN, rib: OTHER_RIB, bic: 'CMCIFRPP' }) });
    expect(a.rum).toBe(rumFor(first, a.id));
    expect(b.rum).toBe(rumFor(second, b.id));
    expect(a.rum).not.toBe(b.rum);
    for (const rum of [a.rum, b.rum]) {
      expect(rumProblem(rum)).toBeNull();
      expect(rum.length).toBeLessThanOrEqual(35);
      expect(rum).not.toContain(IBAN.slice(4, 14));
    }
    expect(a).toMatchObject({ status: 'a_signer', statusLabel: 'À signer', signedOn: null, actions: { sign: true, amend: true, revoke: true, print: true, reactivate: false } });
    expect(a.accounts).toHaveLength(1);
    expect(a.accounts[0]).toMatchObject({ holder: 'Hélène D’Aubigné-Martin', ibanMasked: 'FR76 •••• •••• •••• •••• •••• 189', bic: 'AGRIFRPP', validFrom: '2026-11-28' });
    const documentId = a.accounts[0]!.documentId;
    expect(documentId).not.toBeNull();
    const file = await office.value('families.get', { id: first });
    expect(file.documents.find((doc) => doc.id === documentId)).toMatchObject({ kind: 'rib', fileName: 'rib-martin.pdf' });
    expect(file.data.bank).toEqual({ holder: 'Hélène D’Aubigné-Martin', iban: 'FR76 •••• •••• •••• •••• •••• 189', bic: 'AGRIFRPP' });
    const regisseur = await office.as('regisseur');
    const shown = await regisseur.call('sepa.revealIban', { familyId: first, accountId: null });
    expect(shown).toEqual({ ok: true, value: { iban: IBAN } });

    // An existing document of the family can be the scan too; but a second live mandate is refused.
    const again = await office.call('mandates.create', { familyId: first, account: account({ scan: { kind: 'document', documentId: documentId! } }) });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/déjà un mandat à signer/) } });
    const debit = await office.value('mandates.forFamily', { familyId: first });
    expect(debit).toMatchObject({ canSetUp: false, flag: null, mandates: [{ id: a.id, rejectCount: 0 }] });

    const audit = await office.value('audit.forFamily', { familyId: first });
    expect(audit.map((entry) => entry.field)).toEqual(expect.arrayContaining(['Prélèvement · Mandat créé', 'Prélèvement · Compte du mandat', 'Document ajouté']));
    expect(JSON.stringify(audit)).not.toContain(IBAN);
  });
});

describe('a mandate’s life', () => {
  it('is signed, amended with its history kept, printed, and revoked', async () => {
    office = await makeTestOffice();
    const familyId = await family(office);
    const created = await office.value('mandates.create', { familyId, account: account() });

    const tomorrow = await office.call('mandates.sign', { mandateId: created.id, signedOn: '2026-11-29' });
    expect(tomorrow).toMatchObject({ ok: false, error: { fields: { signedOn: expect.stringMatching(/futur/) } } });
    const before = await office.call('mandates.sign', { mandateId: created.id, signedOn: '2026-11-27' });
    expect(before).toMatchObject({ ok: false, error: { fields: { signedOn: expect.stringMatching(/imprimé le/) } } });
    const signed = await office.value('mandates.sign', { mandateId: created.id, signedOn: '2026-11-28' });
    expect(signed).toMatchObject({ status: 'actif', signedOn: '2026-11-28', actions: { sign: false } });

    office.clock.set('2026-12-15T10:00:00Z');
    const amended = await office.value('mandates.amend', { mandateId: created.id, account: account({ iban: OTHER_IBAN, rib: OTHER_RIB, bic: 'CMCIFRPP', bankName: 'Crédit Mutuel' }) });
    expect(amended.rum).toBe(created.rum);
    expect(amended.status).toBe('actif');
    expect(amended.accounts.map((a) => [a.validFrom, a.bic, a.ibanMasked.slice(-3)])).toEqual([
      ['2026-12-15', 'CMCIFRPP', OTHER_IBAN.slice(-3)],
      ['2026-11-28', 'AGRIFRPP', IBAN.slice(-3)],
    ]);
    const file = await office.value('families.get', { id: familyId });
    expect(file.data.bank.bic).toBe('CMCIFRPP');
    const same = await office.call('mandates.amend', { mandateId: created.id, account: account({ iban: OTHER_IBAN, rib: OTHER_RIB, bic: 'CMCIFRPP', bankName: 'Crédit Mutuel' }) });
    expect(same).toMatchObject({ ok: false, error: { fields: { 'account.iban': expect.stringMatching(/déjà celui du mandat/) } } });

    // Signed: a copy printed by a role other than the régisseur shows the IBAN masked, and reveals nothing.
    const copy = pdfText((await office.value('mandates.pdf', { mandateId: created.id })).base64, office.dir);
    expect(copy).not.toContain(OTHER_IBAN.replace(/(.{4})(?=.)/g, '$1 '));
    expect(copy).toContain(`FR76 •••• •••• •••• •••• •••• ${OTHER_IBAN.slice(-3)}`);
    expect((await office.value('audit.forFamily', { familyId })).some((entry) => entry.field === 'IBAN affiché')).toBe(false);
    const regisseur = await office.as('regisseur');
    const printed = await regisseur.call('mandates.pdf', { mandateId: created.id });
    if (!printed.ok) throw new Error(JSON.stringify(printed.error));
    const pdf = printed.value;
    expect(pdf).toMatchObject({ fileName: `mandat-sepa-${created.rum}.pdf`, mime: 'application/pdf' });
    const text = pdfText(pdf.base64, office.dir);
    expect(text).toContain('Mandat de prélèvement SEPA');
    expect(text).toContain(`Référence unique du mandat (RUM) : ${created.rum}`);
    expect(text).toContain('FR72ZZZ123456');
    expect(text).toContain('Regie Enfance Jeunesse Epagny Metz-Tessy');
    expect(text).toContain(OTHER_IBAN.replace(/(.{4})(?=.)/g, '$1 '));
    expect(text).toContain('CMCIFRPP');
    expect(text).toContain('Mme Hélène Martin');
    expect(text).toContain('3 rue des Lilas');
    expect(text).toMatch(/récurrent/);
    expect(text).toContain('En signant ce formulaire de mandat, vous autorisez (A) Regie Enfance Jeunesse Epagny Metz-Tessy à envoyer des instructions');
    expect(text).toContain('dans les 8 semaines suivant la date de débit de votre compte pour un prélèvement autorisé.');
    expect(text).toMatch(/Signature du débiteur/);
    const audit = await office.value('audit.forFamily', { familyId });
    expect(audit.find((entry) => entry.field === 'IBAN affiché')).toMatchObject({ newValue: `Mandat ${created.rum} imprimé : FR76 •••• •••• •••• •••• •••• ${OTHER_IBAN.slice(-3)}` });

    const future = await office.call('mandates.revoke', { mandateId: created.id, day: '2026-12-16', note: '' });
    expect(future).toMatchObject({ ok: false, error: { fields: { day: expect.stringMatching(/futur/) } } });
    const revoked = await office.value('mandates.revoke', { mandateId: created.id, day: '2026-12-15', note: 'Demande de la famille par courrier' });
    expect(revoked).toMatchObject({ status: 'revoque', endedOn: '2026-12-15', statusNote: 'Demande de la famille par courrier', actions: { amend: false, revoke: false, print: false } });
    expect(await office.call('mandates.pdf', { mandateId: created.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await office.value('mandates.forFamily', { familyId })).toMatchObject({ canSetUp: true, setUpBlockedBy: null });
  });

  it('revokes a mandate never signed back', async () => {
    office = await makeTestOffice();
    const familyId = await family(office);
    const created = await office.value('mandates.create', { familyId, account: account() });
    const revoked = await office.value('mandates.revoke', { mandateId: created.id, day: '2026-11-28', note: '' });
    expect(revoked).toMatchObject({ status: 'revoque', signedOn: null });
  });

  it('lapses 36 months after its last collection, and a new one can then be set up', async () => {
    office = await makeTestOffice();
    const familyId = await family(office);
    const created = await office.value('mandates.create', { familyId, account: account() });
    await office.value('mandates.sign', { mandateId: created.id, signedOn: '2026-11-28' });
    // The collections record the last debit (their part of issue #12).
    office.sqlite.prepare("UPDATE sepa_mandates SET last_collection_on = '2027-01-10' WHERE id = ?").run(created.id);
    office.clock.set('2030-01-09T10:00:00Z');
    expect((await office.value('mandates.forFamily', { familyId })).mandates[0]).toMatchObject({ status: 'actif' });
    office.clock.set('2030-01-10T10:00:00Z');
    const lapsed = await office.value('mandates.forFamily', { familyId });
    expect(lapsed).toMatchObject({ canSetUp: true, mandates: [{ status: 'caduc', statusLabel: 'Caduc', endedOn: '2030-01-10', actions: { amend: false, print: false } }] });
    expect(await office.call('mandates.amend', { mandateId: created.id, account: account({ iban: OTHER_IBAN, rib: OTHER_RIB, bic: 'CMCIFRPP' }) })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/caduc/) },
    });
    const renewed = await office.value('mandates.create', { familyId, account: account() });
    expect(renewed.rum).not.toBe(created.rum);
    const stored = office.sqlite.prepare('SELECT status, ended_on FROM sepa_mandates WHERE id = ?').get(created.id);
    expect(stored).toEqual({ status: 'caduc', ended_on: '2030-01-10' });
    expect((await office.value('mandates.forFamily', { familyId })).mandates.map((m) => m.id)).toEqual([renewed.id, created.id]);
  });

  it('is reactivated after a suspension by the régie only, with a reason', async () => {
    office = await makeTestOffice();
    const familyId = await family(office);
    const created = await office.value('mandates.create', { familyId, account: account() });
    await office.value('mandates.sign', { mandateId: created.id, signedOn: '2026-11-28' });
    // Two rejects suspend it (the collections' part of issue #12).
    office.sqlite.prepare("UPDATE sepa_mandates SET status = 'suspendu', status_note = 'Deux rejets' WHERE id = ?").run(created.id);
    const agent = await office.as('agent');
    expect(await agent.call('mandates.forFamily', { familyId })).toMatchObject({
      value: { mandates: [{ status: 'suspendu', actions: { reactivate: false, reveal: false } }] },
    });
    expect(await agent.call('mandates.reactivate', { mandateId: created.id, note: 'Accord' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const regisseur = await office.as('regisseur');
    expect(await regisseur.call('mandates.reactivate', { mandateId: created.id, note: '  ' })).toMatchObject({
      ok: false,
      error: { fields: { note: expect.stringMatching(/pourquoi/) } },
    });
    const again = await regisseur.call('mandates.reactivate', { mandateId: created.id, note: 'Provision rétablie, accord de la famille' });
    expect(again).toMatchObject({ ok: true, value: { status: 'actif', statusNote: 'Provision rétablie, accord de la famille', actions: { reveal: true } } });
    expect(await regisseur.call('mandates.reactivate', { mandateId: created.id, note: 'encore' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('the family’s bank details and the mandate kept in step', () => {
  it('amends the live mandate when the office changes the family IBAN (same holder, spelled otherwise), and refuses a BIC of another country', async () => {
    office = await makeTestOffice();
    const familyId = await family(office);
    const created = await office.value('mandates.create', { familyId, account: account() });
    const file = await office.value('families.get', { id: familyId });

    // Saving the bank section as shown (IBAN masked) changes nothing.
    await office.value('families.update', { id: familyId, patch: { bank: file.data.bank } });
    expect((await office.value('mandates.forFamily', { familyId })).mandates[0]!.accounts).toHaveLength(1);

    const before = counts(office);
    const wrongBic = await office.call('families.update', { id: familyId, patch: { bank: { holder: 'Hélène D’Aubigné-Martin', iban: 'DE89370400440532013000', bic: 'AGRIFRPP' } } });
    expect(wrongBic).toMatchObject({ ok: false, error: { fields: { 'bank.bic': expect.stringMatching(/Mandat de prélèvement en cours.*pays du BIC/) } } });
    const emptied = await office.call('families.update', { id: familyId, patch: { bank: { holder: '', iban: '', bic: '' } } });
    expect(emptied).toMatchObject({ ok: false, error: { fields: { 'bank.iban': expect.stringMatching(/révoquez-le/) } } });
    expect(counts(office)).toEqual(before);

    office.clock.set('2026-12-02T09:00:00Z');
    // The same debtor once written in the SEPA set (case, accents): an amendment, not a new holder.
    await office.value('families.update', { id: familyId, patch: { bank: { holder: 'HELENE D’AUBIGNE-MARTIN', iban: OTHER_IBAN, bic: 'CMCIFRPP' } } });
    const followed = (await office.value('mandates.forFamily', { familyId })).mandates[0]!;
    expect(followed.id).toBe(created.id);
    expect(followed.accounts.map((a) => [a.holder, a.bic, a.validFrom])).toEqual([
      ['HELENE D’AUBIGNE-MARTIN', 'CMCIFRPP', '2026-12-02'],
      ['Hélène D’Aubigné-Martin', 'AGRIFRPP', '2026-11-28'],
    ]);
    const regisseur = await office.as('regisseur');
    expect(await regisseur.call('sepa.revealIban', { familyId, accountId: followed.accounts[0]!.id })).toEqual({ ok: true, value: { iban: OTHER_IBAN } });
    const audit = await office.value('audit.forFamily', { familyId });
    expect(audit.find((entry) => entry.field.includes('coordonnées bancaires de la famille'))).toMatchObject({
      oldValue: expect.stringContaining('•'),
      newValue: `HELENE D’AUBIGNE-MARTIN · FR76 •••• •••• •••• •••• •••• ${OTHER_IBAN.slice(-3)} · CMCIFRPP`,
    });
  });

  it('amends the live mandate when the office accepts a family request changing the IBAN', async () => {
    office = await makeTestOffice();
    const familyId = await family(office);
    const created = await office.value('mandates.create', { familyId, account: account() });
    await office.value('requests.create', {
      familyId,
      kind: 'data_change',
      items: [],
      reason: null,
      comment: '',
      certificate: null,
      photo: null,
      changes: [{ entity: 'family', entityId: familyId, field: 'bank.iban', label: 'IBAN', oldValue: 'FR76 •••• •••• •••• •••• •••• 189', newValue: OTHER_IBAN }],
    });
    // Only the IBAN changes: the BIC on file stays, and only its country is checked against the new IBAN's.
    const queue = await office.value('requests.queue', {});
    expect(queue[0]!.changes[0]!.newValue).toBe(`FR76 •••• •••• •••• •••• •••• ${OTHER_IBAN.slice(-3)}`);
    expect(JSON.stringify(office.sqlite.prepare('SELECT payload FROM requests').all())).not.toContain(OTHER_IBAN);
    await office.value('requests.decide', { itemIds: queue.map((row) => row.itemId), decision: 'accept', refusalReason: null });
    const mandate = (await office.value('mandates.forFamily', { familyId })).mandates[0]!;
    expect(mandate.id).toBe(created.id);
    expect(mandate.accounts.map((a) => a.ibanMasked.slice(-3))).toEqual([OTHER_IBAN.slice(-3), IBAN.slice(-3)]);

    // A German IBAN with the French BIC on file cannot carry the mandate: the request is refused with the reason.
    const german = await office.call('requests.create', {
      familyId,
      kind: 'data_change',
      items: [],
      reason: null,
      comment: '',
      certificate: null,
      photo: null,
      changes: [{ entity: 'family', entityId: familyId, field: 'bank.iban', label: 'IBAN', oldValue: '', newValue: 'DE89370400440532013000' }],
    });
    expect(german).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Mandat de prélèvement en cours.*pays du BIC/) } });
    expect((await office.value('mandates.forFamily', { familyId })).mandates[0]!.accounts).toHaveLength(2);
  });
});
