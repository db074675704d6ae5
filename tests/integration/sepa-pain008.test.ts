import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pain008Version } from '../../src/shared/api/sepa.js';
import { ibanFromRib } from '../../src/shared/validation/bank.js';
import { decimalAmount, writePain008 } from '../../src/office/sepa/pain008.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';
import { amendAccount, insertNotice, insertSignedMandate, validatePain008 } from '../helpers/sepa.js';
import { family } from './billing-run-commune.js';
import { ibanVault } from '../../src/office/sepa/iban-vault.js';

/**
 * The pain.008 files a batch is exported as, in both versions, validated with xmllint against the official ISO
 * schemas (../shared/sepa): counts and control sums against the batch and the invoices, names transliterated with
 * their apostrophe kept, the mandate's signature date, FRST and RCUR, and the amendments of a changed account.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

const iban = (banque: string, compte: string) => {
  const base = { banque, guichet: '00001', compte };
  // The RIB key makes the IBAN valid (its check digits follow from it).
  for (let key = 0; key < 100; key += 1) {
    const cle = String(key).padStart(2, '0');
    const candidate = ibanFromRib({ ...base, cle });
    if (candidate.length === 27) return { candidate, cle };
  }
  throw new Error('no key');
};

const tag = (xml: string, name: string): string[] => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);

async function exported(version: Pain008Version) {
  office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
  const helene = await family(office, { nom: 'Aubigne', prenom: 'Hélène', civilite: 'Mme' });
  const zoe = await family(office, { nom: 'Hote', prenom: 'Zoé', civilite: 'Mme' });
  const moved = await family(office, { nom: 'Martin', prenom: 'Jean', civilite: 'M.' });
  const sameBank = await family(office, { nom: 'Petit', prenom: 'Luc', civilite: 'M.' });
  const collected = await family(office, { nom: 'Roux', prenom: 'Inès', civilite: 'Mme' });
  const m0 = insertSignedMandate(office, helene, { holder: 'Hélène D’Aubigné-Müller', iban: iban('30006', '00011234567').candidate, bic: 'AGRIFRPP' }, { signedOn: '2026-10-02' });
  const mz = insertSignedMandate(office, zoe, { holder: "Zoé L'Hôte", iban: iban('30004', '00012345678').candidate, bic: 'BNPAFRPP' }, { signedOn: '2026-10-03' });
  // Moved to another bank after signing: SMNDA and a first debit again.
  const m1 = insertSignedMandate(office, moved, { holder: 'Jean Martin', iban: iban('30003', '00050001234').candidate, bic: 'SOGEFRPP' }, { signedOn: '2026-10-04' });
  amendAccount(office, m1.mandateId, { holder: 'Jean Martin', iban: iban('20041', '0500013M026').candidate, bic: 'PSSTFRPP' }, '2026-11-10');
  // A new account at the same bank: its former IBAN named.
  const formerSameBank = iban('30002', '00000123456').candidate;
  const m2 = insertSignedMandate(office, sameBank, { holder: 'Luc Petit', iban: formerSameBank, bic: 'CRLYFRPP' }, { signedOn: '2026-10-05' });
  amendAccount(office, m2.mandateId, { holder: 'Luc Petit', iban: iban('30002', '00000654321').candidate, bic: 'CRLYFRPP' }, '2026-11-12');
  // Collected before: a recurring debit.
  const m3 = insertSignedMandate(office, collected, { holder: 'Inès Roux', iban: iban('10278', '00020123401').candidate, bic: 'CMCIFR2A' }, { signedOn: '2026-09-01' });
  office.sqlite.prepare("UPDATE sepa_mandates SET last_collection_on = '2026-11-10' WHERE id = ?").run(m3.mandateId);

  const amounts: [number, number][] = [
    [helene, 1_234],
    [helene, 5],
    [zoe, 999_999],
    [moved, 4_650],
    [sameBank, 300],
    [collected, 10_001],
  ];
  // Each pre-notified by its invoice, as the run records it.
  const mandates = new Map([
    [helene, m0],
    [zoe, mz],
    [moved, m1],
    [sameBank, m2],
    [collected, m3],
  ]);
  for (const [familyId, totalCents] of amounts) {
    const invoice = insertIssuedInvoice(office.sqlite, { familyId, issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents });
    const { mandateId, rum } = mandates.get(familyId)!;
    insertNotice(office, { invoiceId: invoice.id, familyId, mandateId, rum, amountCents: totalCents, notifiedOn: '2026-11-02' });
  }
  const regie = await office.as('regisseur');
  const prepared = await regie.call('sepa.prepare', { collectionDate: '2026-12-10' });
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.error));
  const file = await regie.call('sepa.export', { batchId: prepared.value.id, version });
  if (!file.ok) throw new Error(JSON.stringify(file.error));
  const xml = Buffer.from(file.value.base64, 'base64').toString('utf8');
  const out = path.join(office.dir, file.value.fileName);
  fs.writeFileSync(out, xml);
  return { batch: prepared.value, xml, out, total: amounts.reduce((sum, [, cents]) => sum + cents, 0), m1, m2, formerSameBank };
}

describe('pain.008 export', () => {
  it('formats integer cents exactly', () => {
    expect([0, 5, 100, 1_234, 999_999, 123_456_789_01].map(decimalAmount)).toEqual(['0.00', '0.05', '1.00', '12.34', '9999.99', '123456789.01']);
    expect(() => decimalAmount(12.5)).toThrow();
  });

  for (const version of ['pain.008.001.02', 'pain.008.001.08'] as const) {
    it(`writes a ${version} file that validates against the ISO schema, with counts, sums, names and amendments right`, async () => {
      const { batch, xml, out, total, m1, m2, formerSameBank } = await exported(version);
      expect(validatePain008(out, version)).toBe('');
      expect(xml).toContain(`xmlns="urn:iso:std:iso:20022:tech:xsd:${version}"`);

      // Group header and payment information blocks: counts and control sums match the batch and the invoices.
      expect([batch.count, batch.controlSumCents]).toEqual([6, total]);
      const counts = tag(xml, 'NbOfTxs');
      const sums = tag(xml, 'CtrlSum');
      expect(counts[0]).toBe('6');
      expect(sums[0]).toBe(decimalAmount(total));
      // 12,34 + 0,05 + 9 999,99 + 46,50 + 3,00 + 100,01 €, added by hand.
      expect(sums[0]).toBe('10161.89');
      expect(counts.slice(1).reduce((n, c) => n + Number(c), 0)).toBe(6);
      const amounts = [...xml.matchAll(/<InstdAmt Ccy="EUR">([^<]*)<\/InstdAmt>/g)].map((m) => m[1]);
      expect(amounts.sort()).toEqual(['0.05', '100.01', '12.34', '3.00', '46.50', '9999.99'].sort());
      // FRST for the mandates never collected and the one moved to another bank; RCUR for the one collected before.
      expect(tag(xml, 'SeqTp')).toEqual(['FRST', 'RCUR']);
      expect(counts.slice(1)).toEqual(['5', '1']);
      expect(xml.match(/<LclInstrm><Cd>CORE<\/Cd><\/LclInstrm>/g)).toHaveLength(2);
      expect(sums.slice(1).map((sum) => Math.round(Number(sum) * 100)).reduce((a, b) => a + b, 0)).toBe(total);
      expect(tag(xml, 'Id')).toContain('FR72ZZZ123456');

      // Names in the SEPA set: accents dropped, the typographic apostrophe made plain and kept.
      const names = tag(xml, 'Nm');
      expect(names).toContain("Helene D'Aubigne-Muller");
      expect(names).toContain("Zoe L'Hote");
      expect([...xml].every((char) => char.charCodeAt(0) < 128)).toBe(true);

      // Mandates: id and signature date; the amendments.
      expect(tag(xml, 'DtOfSgntr').sort()).toEqual(['2026-09-01', '2026-10-02', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05']);
      expect(tag(xml, 'AmdmntInd').filter((v) => v === 'true')).toHaveLength(2);
      const tx = (rum: string) => xml.slice(xml.indexOf(`<MndtId>${rum}</MndtId>`), xml.indexOf('</DrctDbtTxInf>', xml.indexOf(`<MndtId>${rum}</MndtId>`)));
      expect(tx(m1.rum)).toContain('<AmdmntInd>true</AmdmntInd><AmdmntInfDtls><OrgnlDbtrAcct><Id><Othr><Id>SMNDA</Id></Othr></Id></OrgnlDbtrAcct></AmdmntInfDtls>');
      expect(tx(m2.rum)).toContain(`<AmdmntInd>true</AmdmntInd><AmdmntInfDtls><OrgnlDbtrAcct><Id><IBAN>${formerSameBank}</IBAN></Id></OrgnlDbtrAcct></AmdmntInfDtls>`);
      // The batch's end-to-end ids, each once.
      const ids = tag(xml, 'EndToEndId');
      expect(new Set(ids).size).toBe(6);
      const stored = office.sqlite.prepare('SELECT end_to_end_id FROM sepa_debits ORDER BY id').pluck().all() as string[];
      expect(ids.sort()).toEqual(stored.sort());
      // Stored as sent, sealed: the file names every debtor's IBAN, none of them in clear in the database.
      const sealed = office.sqlite.prepare('SELECT sent_xml FROM sepa_batches WHERE id = ?').pluck().get(batch.id) as string;
      expect(sealed).not.toContain('<IBAN>');
      for (const iban of tag(xml, 'IBAN')) expect(sealed).not.toContain(iban);
      expect(ibanVault(office.db).open(sealed)).toBe(xml);
      expect(office.sqlite.prepare('SELECT sent_version FROM sepa_batches WHERE id = ?').pluck().get(batch.id)).toBe(version);
    });
  }

  it('writes a debtor without BIC as NOTPROVIDED, valid in both versions', () => {
    for (const version of ['pain.008.001.02', 'pain.008.001.08'] as const) {
      const xml = writePain008(
        {
          messageId: 'GRENETTE-20261210-000009',
          createdAt: '2026-12-01T10:00:00',
          collectionDate: '2026-12-10',
          creditor: { name: 'Régie', iban: 'FR7630001007941234567890185', bic: 'TRPUFRP1', ics: 'FR72ZZZ123456' },
          debits: [
            { endToEndId: 'GRE-1', amountCents: 1_000, sequenceType: 'RCUR', rum: 'GRE-F000001-000001', signedOn: '2026-10-01', debtorName: 'Zoé L’Hôte', debtorIban: 'FR7630006000011234567890189', debtorBic: '', remittance: 'Facture 1', amendment: null },
          ],
        },
        version,
      );
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pain008-')), 'x.xml');
      fs.writeFileSync(out, xml);
      expect(validatePain008(out, version)).toBe('');
      expect(xml).toContain('<DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></DbtrAgt>');
      expect(xml).toContain("<Nm>Zoe L'Hote</Nm>");
      fs.rmSync(path.dirname(out), { recursive: true });
    }
  });

  it('fails the schema check on a broken file (the check can fail)', async () => {
    const { xml, out } = await exported('pain.008.001.08');
    fs.writeFileSync(out, xml.replace('<ChrgBr>SLEV</ChrgBr>', '<ChrgBr>NONE</ChrgBr>'));
    expect(validatePain008(out, 'pain.008.001.08')).toContain('ChrgBr');
  });
});
