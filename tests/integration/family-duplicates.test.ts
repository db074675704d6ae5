import { afterEach, describe, expect, it } from 'vitest';
import { phoneKey } from '../../src/office/families/duplicates.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

/** A family that shares nothing with sampleFamilyInput. */
function otherFamily() {
  const base = sampleFamilyInput();
  return sampleFamilyInput({
    responsable1: {
      ...base.responsable1,
      nom: 'Durand',
      prenom: 'Paul',
      dateNaissance: '1979-02-03',
      telMobile: '07 11 22 33 44',
      email: 'paul.durand@example.fr',
    },
    caf: { ...base.caf, number: '7654321' },
  });
}

describe('likely duplicates of a new family', () => {
  it('reads a phone the same however it is typed', () => {
    expect(phoneKey('+33 4 50 11 22 33')).toBe('33450112233');
    expect(phoneKey('04 50 11 22 33')).toBe('33450112233');
    expect(phoneKey('04.50.11.22.33')).toBe('33450112233');
    expect(phoneKey('0033 4 50 11 22 33')).toBe('33450112233');
    expect(phoneKey('+41 22 123 45 67')).toBe('41221234567');
    expect(phoneKey('')).toBe('');
  });

  it('finds nothing for a family that shares nothing', async () => {
    office = await makeTestOffice();
    await office.value('families.create', { data: sampleFamilyInput() });
    expect(await office.value('families.duplicates', { data: otherFamily() })).toEqual([]);
  });

  it('names each match: name and birth date, phone typed otherwise, e-mail in capitals, allocataire number', async () => {
    office = await makeTestOffice();
    const existing = await office.value('families.create', { data: sampleFamilyInput() });
    const other = otherFamily();

    const byName = await office.value('families.duplicates', {
      data: { ...other, responsable1: { ...other.responsable1, nom: 'MARTIN', prenom: 'Helene', dateNaissance: '1985-04-12' } },
    });
    expect(byName).toEqual([{ id: existing.id, name: 'Martin Hélène', ville: 'Villeurbanne', archived: false, reasons: ['même nom et même date de naissance'] }]);
    // The same name born another day is another person.
    const namesake = await office.value('families.duplicates', {
      data: { ...other, responsable1: { ...other.responsable1, nom: 'Martin', prenom: 'Hélène', dateNaissance: '1990-01-01' } },
    });
    expect(namesake).toEqual([]);

    const byPhone = await office.value('families.duplicates', { data: { ...other, responsable1: { ...other.responsable1, telFixe: '+33 6 12 34 56 78' } } });
    expect(byPhone.map((found) => [found.id, found.reasons])).toEqual([[existing.id, ['même téléphone']]]);

    const byEmail = await office.value('families.duplicates', { data: { ...other, responsable1: { ...other.responsable1, email: ' Helene.MARTIN@example.fr ' } } });
    expect(byEmail.map((found) => [found.id, found.reasons])).toEqual([[existing.id, ['même e-mail']]]);

    const byCaf = await office.value('families.duplicates', { data: { ...other, caf: { ...other.caf, number: '1234567' } } });
    expect(byCaf.map((found) => [found.id, found.reasons])).toEqual([[existing.id, ['même n° d’allocataire']]]);

    // The same family typed again: every reason at once, archived files included and flagged.
    await office.value('families.archive', { id: existing.id, archived: true });
    const again = await office.value('families.duplicates', { data: sampleFamilyInput() });
    expect(again).toEqual([
      {
        id: existing.id,
        name: 'Martin Hélène',
        ville: 'Villeurbanne',
        archived: true,
        reasons: ['même nom et même date de naissance', 'même téléphone', 'même e-mail', 'même n° d’allocataire'],
      },
    ]);
  });

  it('looks at responsable 2 on both sides', async () => {
    office = await makeTestOffice();
    const other = otherFamily();
    const withSecond = await office.value('families.create', {
      data: { ...other, responsable2: { ...other.responsable1, nom: 'Roux', prenom: 'Anne', dateNaissance: '1982-05-06', telMobile: '06 99 88 77 66', email: 'anne.roux@example.fr' } },
    });
    const base = sampleFamilyInput();
    const found = await office.value('families.duplicates', { data: { ...base, responsable1: { ...base.responsable1, telMobile: '+33699887766' } } });
    expect(found.map((family) => family.id)).toEqual([withSecond.id]);
  });
});

describe('an invalid date is refused by the office, never stored as no date', () => {
  it('keeps a family’s birth date and QF validity when the patch carries 31 February', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const bad = await office.call('families.update', {
      id: family.id,
      patch: { responsable1: { ...family.data.responsable1, dateNaissance: '2026-02-31' } },
    });
    expect(bad).toMatchObject({ ok: false, error: { fields: { 'responsable1.dateNaissance': 'La date de naissance : date invalide (jj/mm/aaaa).' } } });
    const typed = await office.call('families.update', { id: family.id, patch: { caf: { ...family.data.caf, qfValidUntil: '31/02/2026' } } });
    expect(typed).toMatchObject({ ok: false, error: { fields: { 'caf.qfValidUntil': 'La date de validité du QF : date invalide (jj/mm/aaaa).' } } });
    const read = await office.value('families.get', { id: family.id });
    expect(read.data.responsable1.dateNaissance).toBe('1985-04-12');
    expect(read.data.caf.qfValidUntil).toBe('2026-12-31');
  });

  it('keeps a child’s end of PAI', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const base = sampleChildInput();
    const child = await office.value('children.create', { familyId: family.id, data: { ...base, health: { ...base.health, pai: true, paiEnd: '2027-06-30' } } });
    const bad = await office.call('children.update', { id: child.id, patch: { health: { ...base.health, pai: true, paiEnd: '31/02/2027' } } });
    expect(bad).toMatchObject({ ok: false, error: { fields: { 'health.paiEnd': 'La fin du PAI : date invalide (jj/mm/aaaa).' } } });
    expect((await office.value('children.get', { id: child.id })).data.health?.paiEnd).toBe('2027-06-30');
  });
});
