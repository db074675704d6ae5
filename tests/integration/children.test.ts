import { afterEach, describe, expect, it } from 'vitest';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

async function familyWithChild(target: TestOffice) {
  const family = await target.value('families.create', { data: sampleFamilyInput() });
  const child = await target.value('children.create', { familyId: family.id, data: sampleChildInput() });
  return { family, child };
}

describe('children', () => {
  it('creates a child with health data, listed on the family file', async () => {
    office = await makeTestOffice();
    await office.db.insertInto('schools').values({ name: 'École Jean Jaurès' }).execute();
    const school = await office.db.selectFrom('schools').select('id').executeTakeFirstOrThrow();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const base = sampleChildInput();
    const child = await office.value('children.create', {
      familyId: family.id,
      data: { ...base, identity: { ...base.identity, schoolId: school.id } },
    });
    expect(child.data.health).toMatchObject({ allergies: 'Arachide', pai: true });
    expect(child.actions).toEqual({ edit: true, editHealth: true, archive: true, print: true });
    const file = await office.value('families.get', { id: family.id });
    expect(file.children).toEqual([
      expect.objectContaining({ id: child.id, prenom: 'Lucas', ecole: 'École Jean Jaurès', classe: 'CP', pai: true, allergies: 'Arachide' }),
    ]);
  });

  it('audits an allergy change and an added authorised person on the child and family logs', async () => {
    office = await makeTestOffice();
    const { family, child } = await familyWithChild(office);
    const data = child.data;
    if (!data.health) throw new Error('admin sees health');
    await office.value('children.update', {
      id: child.id,
      patch: {
        health: { ...data.health, allergies: 'Arachide, kiwi' },
        authorisedPersons: [
          ...data.authorisedPersons,
          { nom: 'Bernard', prenom: 'Luc', relation: 'Voisin', tel1: '06 11 22 33 44', tel2: '', mayPickUp: true, emergency: false },
        ],
      },
    });
    const forChild = await office.value('audit.forChild', { childId: child.id });
    const updates = forChild.filter((entry) => entry.action === 'update').map((entry) => [entry.field, entry.oldValue, entry.newValue]);
    expect(updates).toEqual(
      expect.arrayContaining([
        ['Enfant · Allergies', 'Arachide', 'Arachide, kiwi'],
        ['Personne autorisée ajoutée', null, expect.stringContaining('Luc Bernard (Voisin)')],
      ]),
    );
    expect(updates).toHaveLength(2);
    const forFamily = await office.value('audit.forFamily', { familyId: family.id });
    expect(forFamily[0]).toMatchObject({ subject: 'Lucas Martin', entity: 'child' });
  });

  it('refuses a future birth date and a nameless authorised person, saving nothing', async () => {
    office = await makeTestOffice();
    const { child } = await familyWithChild(office);
    const data = child.data;
    const result = await office.call('children.update', {
      id: child.id,
      patch: {
        identity: { ...data.identity, dateNaissance: '2027-01-01' },
        authorisedPersons: [{ ...data.authorisedPersons[0]!, nom: '' }],
        authorisations: { ...data.authorisations, droitImage: false },
      },
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'validation',
        fields: {
          'identity.dateNaissance': 'La date de naissance ne peut pas être dans le futur.',
          'authorisedPersons.0.nom': 'Le nom est obligatoire.',
        },
      },
    });
    const read = await office.value('children.get', { id: child.id });
    expect(read.data.authorisations.droitImage).toBe(true);
    expect(read.data.identity.dateNaissance).toBe('2019-03-02');
  });

  it('hides health data from the régisseur and forbids editing it', async () => {
    office = await makeTestOffice();
    const { family, child } = await familyWithChild(office);
    const regie = await office.as('regisseur');
    const read = await regie.call('children.get', { id: child.id });
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect(read.value.data.health).toBeNull();
    expect(read.value.actions).toMatchObject({ edit: true, editHealth: false });
    expect(JSON.stringify(read.value)).not.toContain('Arachide');
    const familyFile = await regie.call('families.get', { id: family.id });
    expect(familyFile).toMatchObject({ ok: true, value: { children: [{ pai: null, allergies: null }] } });
    const search = await regie.call('children.search', { query: 'lucas', includeArchived: false });
    expect(search).toMatchObject({ ok: true, value: [{ id: child.id, pai: null, allergies: null }] });

    const edit = await regie.call('children.update', {
      id: child.id,
      patch: { health: { ...child.data.health!, allergies: '' } },
    });
    expect(edit).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await office.value('children.get', { id: child.id })).data.health?.allergies).toBe('Arachide');

    // The régie may still edit the rest, and reads the log without the health values.
    await office.value('children.update', { id: child.id, patch: { health: { ...child.data.health!, allergies: 'Kiwi' } } });
    const identity = { ...child.data.identity, classe: 'CE1' as const };
    expect((await regie.call('children.update', { id: child.id, patch: { identity } })).ok).toBe(true);
    const log = await regie.call('audit.forChild', { childId: child.id });
    expect(JSON.stringify(log)).not.toContain('Kiwi');
  });

  it('stores a photo only when the bytes are an image', async () => {
    office = await makeTestOffice();
    const { child } = await familyWithChild(office);
    const fake = Buffer.from('%PDF-1.4 not an image').toString('base64');
    const refused = await office.call('children.setPhoto', { id: child.id, mime: 'image/png', base64: fake });
    expect(refused).toMatchObject({ ok: false, error: { fields: { photo: "Ce fichier n'est pas une image (JPEG, PNG ou WebP)." } } });
    const saved = await office.value('children.setPhoto', { id: child.id, mime: 'image/png', base64: PNG_1PX });
    expect(saved.photo).toEqual({ mime: 'image/png', base64: PNG_1PX });
    const audit = await office.db.selectFrom('audit_log').selectAll().where('field', '=', 'Enfant · Photo').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.new_value).not.toContain(PNG_1PX.slice(0, 20));
  });

  it('refuses edits on an archived child and a new child in an archived family', async () => {
    office = await makeTestOffice();
    const { family, child } = await familyWithChild(office);
    await office.value('children.archive', { id: child.id, archived: true });
    const edit = await office.call('children.update', { id: child.id, patch: { authorisations: { ...child.data.authorisations, transport: false } } });
    expect(edit).toMatchObject({ ok: false, error: { code: 'conflict', message: 'Cette fiche est archivée : réactivez-la pour la modifier.' } });
    const photo = await office.call('children.setPhoto', { id: child.id, mime: 'image/png', base64: PNG_1PX });
    expect(photo).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await office.value('families.archive', { id: family.id, archived: true });
    const created = await office.call('children.create', { familyId: family.id, data: sampleChildInput({}) });
    expect(created).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await office.db.selectFrom('children').select('id').execute()).toHaveLength(1);
  });

  it('lets the régisseur add a child only without health data', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const regie = await office.as('regisseur');
    const withHealth = await regie.call('children.create', { familyId: family.id, data: sampleChildInput() });
    expect(withHealth).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const empty = { allergies: '', pai: false, paiEnd: null, paiDetails: '', medecinNom: '', medecinTel: '', medicalNotes: '', vaccinations: [] };
    const created = await regie.call('children.create', { familyId: family.id, data: sampleChildInput({ health: empty }) });
    expect(created).toMatchObject({ ok: true, value: { data: { health: null } } });
    expect(await office.db.selectFrom('children').select('id').execute()).toHaveLength(1);
  });
});
