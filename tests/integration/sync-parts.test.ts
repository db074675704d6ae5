import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activationCodeHash, newActivationCode } from '../../src/shared/sync/activation.js';
import { durationFr } from '../../src/shared/sync/clock-skew.js';
import { signCall, verifyCall } from '../../src/shared/sync/signature.js';
import type { FamilyPublication } from '../../src/shared/sync/contract.js';
import { maskIban, planningWindow } from '../../src/office/sync/publication.js';
import { decisionMails } from '../../src/portal/sync/decision-mail.js';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

/** The pieces of the sync on their own: signing, the window, masking, activation codes, decision mails. */

describe('signing', () => {
  const call = { method: 'POST', path: '/sync/v1/requests', body: '{"after":0,"limit":10}' };
  const now = new Date('2026-11-28T10:00:00Z');

  it('verifies what it signed, and says in French why anything else is refused', async () => {
    const headers = await signCall('s3cret', call, now);
    expect(await verifyCall('s3cret', call, headers, new Date(now.getTime() + 4 * 60_000))).toMatchObject({ ok: true, nonce: headers.nonce });
    expect(await verifyCall('autre', call, headers, now)).toEqual({ ok: false, reason: expect.stringContaining('Signature invalide') });
    expect(await verifyCall('s3cret', { ...call, path: '/sync/v1/publish' }, headers, now)).toMatchObject({ ok: false });
    expect(await verifyCall('s3cret', { ...call, body: '{"after":5,"limit":10}' }, headers, now)).toMatchObject({ ok: false });
    expect(await verifyCall('s3cret', call, headers, new Date(now.getTime() + 5 * 60_000 + 1))).toEqual({
      ok: false,
      reason: expect.stringContaining('Horodatage hors délai'),
      clockSkew: true,
    });
    expect(durationFr(45_000)).toBe('45 s');
    expect(durationFr(-(7 * 60_000 + 30_000))).toBe('7 min 30 s');
    expect(durationFr(3 * 3_600_000 + 59_000)).toBe('3 h');
    expect(durationFr(86_400_000 * 2 + 3_600_000 * 4 + 60_000)).toBe('2 jours 4 h');
    expect(await verifyCall('s3cret', call, { timestamp: headers.timestamp, nonce: headers.nonce }, now)).toEqual({ ok: false, reason: expect.stringContaining('non signé') });
    expect(await verifyCall('s3cret', call, { ...headers, signature: 'zz' }, now)).toMatchObject({ ok: false });
  });
});

describe('what families see', () => {
  it('plans the current month and the next two, by the Paris calendar', () => {
    expect(planningWindow(new Date('2026-11-28T10:00:00Z'))).toEqual({ from: '2026-11-01', to: '2027-01-31' });
    // 31 December 23:30 UTC is already 1 January in Paris.
    expect(planningWindow(new Date('2026-12-31T23:30:00Z'))).toEqual({ from: '2027-01-01', to: '2027-03-31' });
    expect(planningWindow(new Date('2027-12-15T10:00:00Z'))).toEqual({ from: '2027-12-01', to: '2028-02-29' });
  });

  it('masks the IBAN but for the country, check digits and last three characters', () => {
    expect(maskIban('FR76 3000 6000 0112 3456 7890 189')).toBe('FR76 •••• •••• •••• •••• •••• 189');
    expect(maskIban('')).toBe('');
  });

  it('gives activation codes easy to read from paper, hashed whatever the case or dashes', async () => {
    const codes = new Set(Array.from({ length: 200 }, () => newActivationCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(await activationCodeHash('abcd efgh-jkmn')).toBe(await activationCodeHash('ABCDEFGHJKMN'));
  });
});

describe('decision mails', () => {
  const base = {
    familyId: 1,
    version: 1,
    archived: false,
    logins: [],
    children: [],
    planning: { from: '2026-11-01', to: '2027-01-31', children: [] },
    invoices: [],
    payments: [],
    balanceCents: 0,
  } as unknown as FamilyPublication;
  const request = (status: 'pending' | 'accepted' | 'refused', refusalReason: string | null = null) => ({
    uid: '6f0c1d1e-3b8a-4c6e-9a51-0e2f6f7d8a90',
    kind: 'absence' as const,
    submittedAt: '2026-12-02T10:59:00.000Z',
    reason: 'MEDICAL' as const,
    items: [{ childId: null, serviceId: null, day: '2026-12-07', status, refusalReason, decidedAt: null }],
  });

  it('writes once when an item leaves pending, and never for a decision already told', () => {
    const pending = { ...base, requests: [request('pending')] };
    const refused = { ...base, version: 2, requests: [request('refused', 'Justificatif manquant')] };
    const mails = decisionMails(pending, refused, null);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Votre demande d’absence a été refusée');
    expect(mails[0]!.text).toContain('lundi 7 décembre 2026 : refusée. Motif : Justificatif manquant');
    expect(decisionMails(refused, { ...refused, version: 3 }, null)).toEqual([]);
    expect(decisionMails(pending, { ...pending, version: 2 }, null)).toEqual([]);
  });
});

describe('activation codes at the office', () => {
  let office: TestOffice;
  beforeEach(async () => {
    office = await makeTestOffice();
  });
  afterEach(async () => {
    await office.close();
  });

  it('are shown once, audited without the code, and need the responsable’s e-mail', async () => {
    const family = await office.value('families.create', {
      data: sampleFamilyInput({ responsable2: { ...sampleFamilyInput().responsable1, prenom: 'Paul', email: '' } }),
    });
    const issued = await office.value('portal.issueActivation', { familyId: family.id, rank: 1 });
    expect(issued.expiresAt).toBe('2026-12-28T10:00:00.000Z');
    const stored = office.sqlite.prepare('SELECT code_hash FROM portal_activations WHERE family_id = ?').pluck().get(family.id);
    expect(stored).toBe(await activationCodeHash(issued.code));
    const audit = JSON.stringify(office.sqlite.prepare('SELECT * FROM audit_log WHERE family_id = ?').all(family.id));
    expect(audit).toContain("Code d'activation du portail (responsable 1)");
    expect(audit).not.toContain(issued.code);
    const noEmail = await office.call('portal.issueActivation', { familyId: family.id, rank: 2 });
    expect(noEmail).toMatchObject({ ok: false, error: { message: expect.stringContaining("Paul Martin n'a pas d'adresse e-mail") } });
    const regie = await office.as('regisseur');
    expect(await regie.call('portal.issueActivation', { familyId: family.id, rank: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses a responsable 2 the family does not have, and an unknown or archived family, leaving any code as it was', async () => {
    const family = await office.value('families.create', { data: sampleFamilyInput({ responsable2: null }) });
    const first = await office.value('portal.issueActivation', { familyId: family.id, rank: 1 });
    expect(await office.call('portal.issueActivation', { familyId: family.id, rank: 2 })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: "Cette famille n'a pas de responsable 2." },
    });
    expect(await office.call('portal.issueActivation', { familyId: 999_999, rank: 1 })).toMatchObject({ ok: false, error: { message: 'Famille introuvable.' } });
    await office.value('families.archive', { id: family.id, archived: true });
    expect(await office.call('portal.issueActivation', { familyId: family.id, rank: 1 })).toMatchObject({
      ok: false,
      error: { message: 'La fiche de cette famille est archivée.' },
    });
    const codes = office.sqlite.prepare('SELECT rank, code_hash FROM portal_activations WHERE family_id = ?').all(family.id);
    expect(codes).toEqual([{ rank: 1, code_hash: await activationCodeHash(first.code) }]);
  });

  it('gives the letter for a responsable 2 without an address of their own at the family’s address, and says so when the portal is not set up', async () => {
    const base = sampleFamilyInput();
    const family = await office.value('families.create', {
      data: { ...base, responsable2: { ...base.responsable1, prenom: 'Paul', email: 'paul.martin@example.fr', adresse: '', codePostal: '', ville: '' } },
    });
    const issued = await office.value('portal.issueActivation', { familyId: family.id, rank: 2 });
    expect(issued.letter).toMatchObject({ fileName: `courrier-activation-famille-${family.id}-responsable-2.pdf`, mime: 'application/pdf' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-letter-')), 'letter.pdf');
    fs.writeFileSync(file, Buffer.from(issued.letter.base64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(`Paul ${base.responsable1.nom.toLocaleUpperCase('fr-FR')}`);
    expect(text).toContain(`${base.responsable1.codePostal} ${base.responsable1.ville}`);
    expect(text).toContain('paul.martin@example.fr');
    expect(text).toContain(issued.code);
    expect(text).toContain('rendez-vous à l’adresse du portail que le service vous communiquera');
  });
});
