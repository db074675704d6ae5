import { afterEach, describe, expect, it } from 'vitest';
import { normaliseSearch } from '../../src/office/families/search-index.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

async function seed(target: TestOffice) {
  const base = sampleFamilyInput();
  const martin = await target.value('families.create', { data: base });
  const durand = await target.value('families.create', {
    data: sampleFamilyInput({
      responsable1: { ...base.responsable1, nom: 'Durand', prenom: 'Paul', telMobile: '07 55 44 33 22', email: 'paul.durand@example.fr' },
      responsable2: { ...base.responsable1, nom: 'Lefèvre', prenom: 'Zoé', telMobile: '', email: '' },
      caf: { regime: 'CAF', number: '7654321', qf: 400, qfValidUntil: null },
    }),
  });
  const child = sampleChildInput();
  await target.value('children.create', { familyId: durand.id, data: { ...child, identity: { ...child.identity, nom: 'Durand', prenom: 'Émile' } } });
  await target.value('children.create', { familyId: durand.id, data: { ...child, identity: { ...child.identity, nom: 'Durand', prenom: 'Anaïs', sexe: 'F' } } });
  return { martin, durand };
}

const ids = (rows: { id: number }[]) => rows.map((row) => row.id);

describe('families.search', () => {
  it('finds by a name fragment typed without accents, every word required', async () => {
    office = await makeTestOffice();
    const { martin, durand } = await seed(office);
    expect(ids(await office.value('families.search', { query: 'hel', includeArchived: false }))).toEqual([martin.id]);
    expect(ids(await office.value('families.search', { query: 'ZOE lefevre', includeArchived: false }))).toEqual([durand.id]);
    expect(ids(await office.value('families.search', { query: 'emile', includeArchived: false }))).toEqual([durand.id]);
    expect(await office.value('families.search', { query: 'paul martin', includeArchived: false })).toEqual([]);
    expect(ids(await office.value('families.search', { query: '', includeArchived: false }))).toEqual([durand.id, martin.id]);
  });

  it('finds by phone digits typed with or without spaces, and by allocataire number', async () => {
    office = await makeTestOffice();
    const { martin, durand } = await seed(office);
    expect(ids(await office.value('families.search', { query: '06 12 34', includeArchived: false }))).toEqual([martin.id]);
    expect(ids(await office.value('families.search', { query: '0755443322', includeArchived: false }))).toEqual([durand.id]);
    expect(ids(await office.value('families.search', { query: '7654321', includeArchived: false }))).toEqual([durand.id]);
  });

  it('fills the grid columns', async () => {
    office = await makeTestOffice();
    const { durand } = await seed(office);
    const [row] = await office.value('families.search', { query: 'durand', includeArchived: false });
    expect(row).toEqual({
      id: durand.id,
      nom: 'Durand',
      prenom: 'Paul',
      responsable2: 'Zoé Lefèvre',
      enfants: expect.stringMatching(/^(Émile, Anaïs|Anaïs, Émile)$/),
      email: 'paul.durand@example.fr',
      telephone: '07 55 44 33 22',
      allocataire: '7654321',
      ville: 'Villeurbanne',
      resident: true,
      // The CAF quotient 400 has no validity date, so under the default rule (CAF first) the tax notice serves:
      // 32 000,00 € / 12 / 2,5 parts = 1 066,67 → 1 066.
      qf: 1066,
      qfFlagged: false,
      qfWhy: expect.stringMatching(/^QF 1\s066 : avis d’imposition sur les revenus 2025 \(quotient CAF 400 sans date de validité\)\.$/),
      archived: false,
    });
  });

  it('hides archived families unless asked, and follows renames and archived children', async () => {
    office = await makeTestOffice();
    const { martin, durand } = await seed(office);
    await office.value('families.archive', { id: martin.id, archived: true });
    expect(await office.value('families.search', { query: 'martin', includeArchived: false })).toEqual([]);
    expect(await office.value('families.search', { query: 'martin', includeArchived: true })).toMatchObject([{ id: martin.id, archived: true }]);

    const file = await office.value('families.get', { id: durand.id });
    await office.value('families.update', { id: durand.id, patch: { responsable1: { ...file.data.responsable1, nom: 'Dupont-Durand' } } });
    expect(ids(await office.value('families.search', { query: 'dupont', includeArchived: false }))).toEqual([durand.id]);
    const emile = file.children.find((child) => child.prenom === 'Émile');
    await office.value('children.archive', { id: emile!.id, archived: true });
    expect(await office.value('families.search', { query: 'emile', includeArchived: false })).toEqual([]);
  });

  it('stays fast on 30,000 families', async () => {
    office = await makeTestOffice();
    const at = '2026-01-01T00:00:00.000Z';
    const family = office.sqlite.prepare('INSERT INTO families (id, created_at, updated_at, caf_number) VALUES (?, ?, ?, ?)');
    const person = office.sqlite.prepare('INSERT INTO responsables (family_id, rank, nom, prenom, tel_mobile, email) VALUES (?, 1, ?, ?, ?, ?)');
    const child = office.sqlite.prepare("INSERT INTO children (family_id, nom, prenom, sexe, date_naissance, created_at, updated_at) VALUES (?, ?, ?, 'F', '2018-05-05', ?, ?)");
    const search = office.sqlite.prepare('INSERT INTO family_search (family_id, haystack) VALUES (?, ?)');
    const names = ['Hélène', 'Éric', 'Chloé', 'Noé', 'Inès', 'Léa', 'Jérôme', 'Zoé'];
    office.sqlite.transaction(() => {
      for (let id = 1; id <= 30_000; id += 1) {
        const nom = `Famille${id}`;
        const prenom = names[id % names.length]!;
        const tel = `06${String(id).padStart(8, '0')}`;
        family.run(id, at, at, String(1_000_000 + id));
        person.run(id, nom, prenom, tel, `f${id}@example.fr`);
        child.run(id, nom, 'Enfant', at, at);
        search.run(id, normaliseSearch(`${nom} ${prenom} | f${id}@example.fr | ${tel} | ${nom} Enfant | ${1_000_000 + id}`));
      }
    })();
    const started = performance.now();
    const helene = await office.value('families.search', { query: 'hel', includeArchived: false });
    const one = await office.value('families.search', { query: '06 00 01 23 45', includeArchived: false });
    const all = await office.value('families.search', { query: '', includeArchived: false });
    const elapsed = performance.now() - started;
    expect(helene).toHaveLength(200);
    expect(one).toMatchObject([{ id: 12345, enfants: 'Enfant', telephone: '06 00 01 23 45' }]);
    expect(all).toHaveLength(200);
    expect(elapsed).toBeLessThan(1500);
  });
});

describe('children.search', () => {
  it('finds a child by its own name or its family name, not its siblings by their name', async () => {
    office = await makeTestOffice();
    await seed(office);
    const emile = await office.value('children.search', { query: 'emi', includeArchived: false });
    expect(emile.map((child) => child.prenom)).toEqual(['Émile']);
    const durands = await office.value('children.search', { query: 'lefevre', includeArchived: false });
    expect(durands.map((child) => child.prenom)).toEqual(['Anaïs', 'Émile']);
    expect(durands[0]).toMatchObject({ famille: 'Durand Paul', pai: true, allergies: 'Arachide' });
  });
});
