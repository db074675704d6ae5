import { afterEach, describe, expect, it } from 'vitest';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

describe('families', () => {
  it('creates a family and reads it back whole', async () => {
    office = await makeTestOffice();
    const created = await office.value('families.create', { data: sampleFamilyInput() });
    expect(created.data.responsable1).toMatchObject({ nom: 'Martin', prenom: 'Hélène', telMobile: '06 12 34 56 78' });
    // Masked for every role (issue #12): tests/integration/iban-vault.test.ts covers the reveal.
    expect(created.data.bank.iban).toBe('FR76 •••• •••• •••• •••• •••• 189');
    expect(created.actions).toEqual({ edit: true, archive: true, addChild: true });
    const read = await office.value('families.get', { id: created.id });
    expect(read.data).toEqual(created.data);
    const audit = await office.value('audit.forFamily', { familyId: created.id });
    expect(audit.every((entry) => entry.action === 'create')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('FR7630006000011234567890189');
  });

  it('audits a phone change with the old and the new value', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const r1 = { ...family.data.responsable1, telMobile: '07 98 76 54 32' };
    const updated = await office.value('families.update', { id: family.id, patch: { responsable1: r1 } });
    expect(updated.data.responsable1.telMobile).toBe('07 98 76 54 32');
    const audit = await office.value('audit.forFamily', { familyId: family.id });
    expect(audit[0]).toMatchObject({
      action: 'update',
      field: 'Responsable 1 · Téléphone mobile',
      oldValue: '06 12 34 56 78',
      newValue: '07 98 76 54 32',
      user: 'Test admin 1',
      subject: 'Famille Martin Hélène',
    });
    expect(audit.filter((entry) => entry.action === 'update')).toHaveLength(1);
    const rows = await office.db.selectFrom('audit_log').selectAll().where('action', '=', 'update').execute();
    expect(rows[0]).toMatchObject({ family_id: family.id, at: '2026-11-28T10:00:00.000Z', entity: 'family' });
  });

  it('refuses wrong IBAN check digits on bank.iban and saves nothing of the patch', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const result = await office.call('families.update', {
      id: family.id,
      patch: {
        household: { situation: 'divorce', resident: false, notes: 'Nouvelle adresse' },
        bank: { holder: 'Hélène Martin', iban: 'FR77 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP' },
      },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation' } });
    if (result.ok) throw new Error('unreachable');
    expect(Object.keys(result.error.fields ?? {})).toEqual(['bank.iban']);
    expect(result.error.fields?.['bank.iban']).toMatch(/chiffres de contrôle/);
    const read = await office.value('families.get', { id: family.id });
    expect(read.data.household).toEqual({ situation: 'marie', resident: true, notes: '' });
    expect(await office.db.selectFrom('audit_log').selectAll().where('action', '=', 'update').execute()).toEqual([]);
  });

  it('refuses a French IBAN whose embedded RIB key is wrong', async () => {
    office = await makeTestOffice();
    // Valid mod-97 checksum but RIB key 88 instead of 89.
    const bban = '30006000011234567890188';
    const numeric = `${bban}152700`;
    let remainder = 0;
    for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
    const iban = `FR${String(98 - remainder).padStart(2, '0')}${bban}`;
    const result = await office.call('families.create', {
      data: sampleFamilyInput({ bank: { holder: 'Hélène Martin', iban, bic: 'AGRIFRPP' } }),
    });
    expect(result).toMatchObject({ ok: false, error: { fields: { 'bank.iban': expect.stringMatching(/clé RIB/) } } });
    expect(await office.db.selectFrom('families').selectAll().execute()).toEqual([]);
  });

  it('checks birth date, allocataire number and names', async () => {
    office = await makeTestOffice();
    const base = sampleFamilyInput();
    const future = await office.call('families.create', {
      data: { ...base, responsable1: { ...base.responsable1, dateNaissance: '2026-11-29' } },
    });
    expect(future).toMatchObject({ ok: false, error: { fields: { 'responsable1.dateNaissance': 'La date de naissance ne peut pas être dans le futur.' } } });
    const allocataire = await office.call('families.create', { data: { ...base, caf: { ...base.caf, number: '123456' } } });
    expect(allocataire).toMatchObject({ ok: false, error: { fields: { 'caf.number': "Le numéro d'allocataire compte 7 chiffres." } } });
    const noName = await office.call('families.create', { data: { ...base, responsable1: { ...base.responsable1, nom: '  ' } } });
    expect(noName).toMatchObject({ ok: false, error: { fields: { 'responsable1.nom': 'Le nom est obligatoire.' } } });
    expect(await office.db.selectFrom('families').selectAll().execute()).toEqual([]);
  });

  it('masks the IBAN in the audit of a bank change', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput({ bank: { holder: '', iban: '', bic: '' } }) });
    await office.value('families.update', {
      id: family.id,
      patch: { bank: { holder: 'Hélène Martin', iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP' } },
    });
    const audit = await office.value('audit.forFamily', { familyId: family.id });
    const ibanLine = audit.find((entry) => entry.field === 'Banque · IBAN' && entry.action === 'update');
    expect(ibanLine?.newValue).toBe('FR76 •••• •••• •••• •••• •••• 189');
    expect(JSON.stringify(await office.db.selectFrom('audit_log').selectAll().execute())).not.toContain('3000600001123456');
  });

  it('archives a family and then refuses edits until reactivated', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const archived = await office.value('families.archive', { id: family.id, archived: true });
    expect(archived.archivedAt).toBe('2026-11-28T10:00:00.000Z');
    expect(archived.actions).toMatchObject({ edit: false, addChild: false });
    const refused = await office.call('families.update', {
      id: family.id,
      patch: { household: { situation: 'divorce', resident: true, notes: '' } },
    });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'Cette fiche est archivée : réactivez-la pour la modifier.' },
    });
    await office.value('families.archive', { id: family.id, archived: false });
    expect((await office.call('families.update', { id: family.id, patch: { household: { situation: 'divorce', resident: true, notes: '' } } })).ok).toBe(true);
  });

  it('saves custom values and lets a régisseur edit the family', async () => {
    office = await makeTestOffice();
    const field = await office.value('customFields.save', { id: null, entity: 'family', label: 'Numéro de dossier', kind: 'text', active: true });
    const family = await office.value('families.create', { data: sampleFamilyInput({ custom: { [field.id]: 'D-42' } }) });
    expect(family.data.custom).toEqual({ [String(field.id)]: 'D-42' });
    const regie = await office.as('regisseur');
    const updated = await regie.call('families.update', { id: family.id, patch: { custom: { [field.id]: 'D-43' } } });
    expect(updated).toMatchObject({ ok: true, value: { data: { custom: { [String(field.id)]: 'D-43' } } } });
    const audit = await office.value('audit.forFamily', { familyId: family.id });
    expect(audit[0]).toMatchObject({ field: 'Champ complémentaire · Numéro de dossier', oldValue: 'D-42', newValue: 'D-43' });
  });
});
