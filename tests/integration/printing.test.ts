import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileContent, PrintScope } from '../../src/shared/api/contract.js';
import type { Role } from '../../src/shared/auth/roles.js';
import type { Clock } from '../../src/shared/clock.js';
import { createOfficeCore, type OfficeCore } from '../../src/office/api/core.js';
import type { OfficeSession } from '../../src/office/api/handler.js';
import { openOfficeDatabase, type OpenedOfficeDatabase } from '../../src/office/db/open.js';
import type { NewChild } from '../../src/office/db/schema.js';
import { silentLogger } from '../../src/office/log.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
// 15:05 in Paris (UTC+1 in November).
const clock: Clock = () => new Date('2026-11-28T14:05:00Z');
const NOW = clock().toISOString();

let dir: string;
let opened: OpenedOfficeDatabase;
let core: OfficeCore;
const ids = { school: 0, otherSchool: 0, martinFamily: 0, lucas: 0, emma: 0, zola: 0, lonelyFamily: 0 };
const sessions = {} as Record<Role, OfficeSession>;

async function addChild(child: Partial<NewChild> & Pick<NewChild, 'family_id' | 'nom' | 'prenom'>): Promise<number> {
  const row = await opened.db
    .insertInto('children')
    .values({ sexe: 'M', date_naissance: '2018-05-14', created_at: NOW, updated_at: NOW, ...child })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addFamily(): Promise<number> {
  const row = await opened.db
    .insertInto('families')
    .values({ created_at: NOW, updated_at: NOW })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function seed(): Promise<void> {
  const { db } = opened;
  for (const role of ['agent', 'regisseur', 'admin'] as const) {
    const user = await db
      .insertInto('staff_users')
      .values({ username: role, display_name: `Test ${role}`, role, password_hash: 'x', created_at: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    sessions[role] = core.openSession();
    sessions[role].user = { id: user.id, username: role, displayName: `Test ${role}`, role };
  }
  ids.school = (
    await db.insertInto('schools').values({ name: 'École Les Prés' }).returning('id').executeTakeFirstOrThrow()
  ).id;

  ids.martinFamily = await addFamily();
  // One insert per row: a multi-row insert would write NULL into the columns a row leaves out.
  await db
    .insertInto('responsables')
    .values({
        family_id: ids.martinFamily,
        rank: 1,
        civilite: 'Mme',
        nom: 'Martin',
        prenom: 'Claire',
        adresse: '12 chemin des Vergers',
        code_postal: '74370',
        ville: 'Epagny Metz-Tessy',
        tel_mobile: '06 12 34 56 78',
        email: 'claire.martin@example.fr',
      })
    .execute();
  await db
    .insertInto('responsables')
    .values({ family_id: ids.martinFamily, rank: 2, civilite: 'M.', nom: 'Martin', prenom: 'Paul', tel_pro: '04 50 11 22 33' })
    .execute();
  ids.lucas = await addChild({
    family_id: ids.martinFamily,
    nom: 'Martin',
    prenom: 'Lucas',
    date_naissance: '2018-03-09',
    school_id: ids.school,
    classe: 'CE1',
    regime: 'sans_porc',
    photo: fs.readFileSync(path.join(FIXTURES, 'child-photo.jpg')),
    photo_mime: 'image/jpeg',
    allergies: 'Arachides et fruits à coque',
    pai: 1,
    pai_end: '2027-07-03',
    pai_details: "Trousse d'urgence dans le bureau de la direction (adrénaline auto-injectable).",
    medecin_nom: 'Dr Lefèvre',
    medecin_tel: '04 50 99 88 77',
    auth_droit_image: 1,
    auth_soins_urgence: 1,
  });
  for (const person of [
    { nom: 'Dupont', prenom: 'Josiane', relation: 'Grand-mère', tel1: '06 98 76 54 32', may_pick_up: 1, emergency: 1 },
    { nom: 'Girard', prenom: 'Marc', relation: 'Voisin', tel1: '07 11 22 33 44', may_pick_up: 0, emergency: 1 },
  ]) {
    await db.insertInto('authorised_persons').values({ child_id: ids.lucas, ...person }).execute();
  }
  await db
    .insertInto('vaccinations')
    .values([
      { child_id: ids.lucas, vaccine: 'DTP', date: '2019-05-02' },
      { child_id: ids.lucas, vaccine: 'ROR', date: '2019-11-20' },
    ])
    .execute();
  const field = await db
    .insertInto('custom_fields')
    .values({ entity: 'child', label: 'Lunettes', kind: 'boolean' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('custom_values').values({ field_id: field.id, entity_id: ids.lucas, value: 'true' }).execute();

  ids.emma = await addChild({
    family_id: ids.martinFamily,
    nom: 'Martin',
    prenom: 'Emma',
    sexe: 'F',
    school_id: ids.school,
    classe: 'CE1',
    archived_at: NOW,
  });
  await addChild({ family_id: ids.martinFamily, nom: 'Martin', prenom: 'Zoé', sexe: 'F', school_id: ids.school, classe: 'CP' });

  const others = await addFamily();
  ids.zola = await addChild({
    family_id: others,
    nom: 'Zola',
    prenom: 'Hugo',
    school_id: ids.school,
    classe: 'CE1',
    photo: fs.readFileSync(path.join(FIXTURES, 'child-photo.webp')),
    photo_mime: 'image/webp',
  });
  await addChild({ family_id: others, nom: 'Échard', prenom: 'Jules', school_id: ids.school, classe: 'CE1' });
  await addChild({ family_id: others, nom: 'Bernard', prenom: 'Alice', sexe: 'F', school_id: ids.school, classe: 'CE1' });
  await addChild({ family_id: others, nom: 'Bernard', prenom: 'Adam', school_id: ids.school, classe: 'CE1' });

  // A JPEG cut short: its first bytes pass the format check, pdfmake cannot embed it.
  ids.otherSchool = (
    await db.insertInto('schools').values({ name: 'École du Château' }).returning('id').executeTakeFirstOrThrow()
  ).id;
  const jpeg = fs.readFileSync(path.join(FIXTURES, 'child-photo.jpg'));
  await addChild({ family_id: others, nom: 'Abel', prenom: 'Nina', school_id: ids.otherSchool, classe: 'MS', photo: jpeg, photo_mime: 'image/jpeg' });
  await addChild({ family_id: others, nom: 'Brun', prenom: 'Léo', school_id: ids.otherSchool, classe: 'MS', photo: jpeg.subarray(0, 100), photo_mime: 'image/jpeg' });

  ids.lonelyFamily = await addFamily();
  await addChild({ family_id: ids.lonelyFamily, nom: 'Seul', prenom: 'Archivé', archived_at: NOW });
}

async function print(scope: PrintScope, role: Role = 'agent') {
  return core.call(sessions[role], 'print.childSheets', { scope });
}

/** Writes the returned PDF and gives its path, to read it back with poppler like a person opening the file. */
async function printed(scope: PrintScope): Promise<{ file: FileContent; pdf: string }> {
  const result = await print(scope);
  if (!result.ok) throw new Error(`print failed: ${result.error.message}`);
  const file = result.value as FileContent;
  const pdf = path.join(dir, file.fileName);
  fs.writeFileSync(pdf, Buffer.from(file.base64, 'base64'));
  return { file, pdf };
}

function text(pdf: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('pdftotext', ['-layout', ...range, pdf, '-'], { encoding: 'utf8' });
}

function pages(pdf: string): number {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-print-'));
  opened = openOfficeDatabase({ file: path.join(dir, 'office.sqlite'), clock });
  core = createOfficeCore({ db: opened.db, clock, log: silentLogger });
  await seed();
});

afterAll(async () => {
  await opened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('print.childSheets', () => {
  it("prints one child's sheet with identity, health, PAI, contacts and authorisations", async () => {
    const { file, pdf } = await printed({ kind: 'child', childId: ids.lucas });
    expect(file.fileName).toBe('fiche-enfant-martin-lucas.pdf');
    expect(file.mime).toBe('application/pdf');
    expect(pages(pdf)).toBe(1);
    const sheet = text(pdf);
    expect(sheet).toContain("Ville d'Epagny Metz-Tessy — Service Enfance Jeunesse");
    expect(sheet).toContain('Fiche enfant et sanitaire de liaison');
    expect(sheet).toContain('Année scolaire 2026-2027');
    expect(sheet).toContain('MARTIN Lucas');
    expect(sheet).toContain('09/03/2018');
    expect(sheet).toContain('Sans porc');
    expect(sheet).toContain('Arachides et fruits à coque');
    expect(sheet).toMatch(/PAI — Projet d'accueil individualisé \(valable jusqu'au 03\/07\/2027\)/);
    expect(sheet).toContain("Trousse d'urgence");
    expect(sheet).toMatch(/DUPONT Josiane\s+Grand-mère\s+06 98 76 54 32/);
    expect(sheet).toContain('06 12 34 56 78');
    expect(sheet).toContain('04 50 11 22 33');
    expect(sheet).toContain('claire.martin@example.fr');
    expect(sheet).toContain('DTP : 02/05/2019');
    expect(sheet).toContain('Dr Lefèvre — 04 50 99 88 77');
    expect(sheet).toMatch(/Droit à l'image\s+Oui\s+Sortie seule autorisée\s+Non/);
    expect(sheet).toMatch(/Lunettes\s+Oui/);
    expect(sheet).toMatch(/Je soussigné\(e\) …+, responsable légal de l'enfant, certifie exacts les renseignements portés sur cette\s+fiche/);
    expect(sheet).toMatch(/Fait à …+, le …+\s+Signature/);
    expect(sheet).toContain('Imprimé le 28/11/2026 à 15h05');
    expect(sheet).toContain('Page 1 / 1');
  });

  it('embeds a JPEG photo and leaves a frame for a WebP one', async () => {
    const { pdf: withJpeg } = await printed({ kind: 'child', childId: ids.lucas });
    const jpegImages = execFileSync('pdfimages', ['-list', withJpeg], { encoding: 'utf8' });
    expect(jpegImages).toMatch(/\s120\s+150\s/);

    const { pdf: withWebp } = await printed({ kind: 'child', childId: ids.zola });
    const webpImages = execFileSync('pdfimages', ['-list', withWebp], { encoding: 'utf8' });
    expect(webpImages.trim().split('\n')).toHaveLength(2); // header lines only: no image
    expect(text(withWebp)).toContain('Photo');
  });

  it('prints a class one page per child, in alphabetical order, without archived children', async () => {
    const { file, pdf } = await printed({ kind: 'class', schoolId: ids.school, classe: 'CE1' });
    expect(file.fileName).toBe('fiches-ecole-les-pres-ce1.pdf');
    const expected = ['BERNARD Adam', 'BERNARD Alice', 'ÉCHARD Jules', 'MARTIN Lucas', 'ZOLA Hugo'];
    expect(pages(pdf)).toBe(expected.length);
    expected.forEach((name, index) => {
      const page = text(pdf, index + 1);
      expect(page).toContain(name);
      expect(page).toContain(`Page ${index + 1} / ${expected.length}`);
    });
    expect(text(pdf)).not.toContain('Emma');
  });

  it('still prints a class when one photo is damaged, with a frame in its place and the other photos kept', async () => {
    const { file, pdf } = await printed({ kind: 'class', schoolId: ids.otherSchool, classe: 'MS' });
    expect(file.fileName).toBe('fiches-ecole-du-chateau-ms.pdf');
    expect(pages(pdf)).toBe(2);
    expect(text(pdf, 1)).toContain('ABEL Nina');
    expect(text(pdf, 2)).toContain('BRUN Léo');
    expect(text(pdf, 2)).toContain('Photo');
    const images = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' });
    expect(images.trim().split('\n').slice(2).map((line) => line.trim().split(/\s+/)[0])).toEqual(['1']);
  });

  it("prints a family's active children only", async () => {
    const { file, pdf } = await printed({ kind: 'family', familyId: ids.martinFamily });
    expect(file.fileName).toBe('fiches-famille-martin.pdf');
    expect(pages(pdf)).toBe(2);
    expect(text(pdf, 1)).toContain('MARTIN Lucas');
    expect(text(pdf, 2)).toContain('MARTIN Zoé');
    expect(text(pdf)).not.toContain('Emma');
  });

  it('reads a class in the same few queries as a single child (no query per child)', async () => {
    const sqlite = opened.sqlite;
    const prepare = sqlite.prepare.bind(sqlite);
    let queries = 0;
    sqlite.prepare = ((source: string) => {
      queries += 1;
      return prepare(source);
    }) as typeof sqlite.prepare;
    try {
      await printed({ kind: 'child', childId: ids.lucas });
      const forOne = queries;
      queries = 0;
      await printed({ kind: 'class', schoolId: ids.school, classe: 'CE1' });
      expect(queries).toBeLessThanOrEqual(forOne + 1);
      expect(queries).toBeLessThanOrEqual(7);
    } finally {
      sqlite.prepare = prepare;
    }
  });

  it('refuses the régie (health data) and asks for a login without a session', async () => {
    const refused = await print({ kind: 'child', childId: ids.lucas }, 'regisseur');
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const anonymous = await core.call(core.openSession(), 'print.childSheets', { scope: { kind: 'child', childId: ids.lucas } });
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const admin = await print({ kind: 'child', childId: ids.lucas }, 'admin');
    expect(admin.ok).toBe(true);
  });

  it('answers not_found in French for an unknown child, family or school and for an empty class', async () => {
    expect(await print({ kind: 'child', childId: 999_999 })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'Enfant introuvable.' },
    });
    expect(await print({ kind: 'family', familyId: 999_999 })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'Famille introuvable.' },
    });
    expect(await print({ kind: 'family', familyId: ids.lonelyFamily })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await print({ kind: 'class', schoolId: 999_999, classe: 'CE1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'École introuvable.' },
    });
    expect(await print({ kind: 'class', schoolId: ids.school, classe: 'CM2' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'Aucun enfant inscrit en CM2 à École Les Prés.' },
    });
  });

  it('rejects a malformed scope as a validation error', async () => {
    const result = await core.call(sessions.agent, 'print.childSheets', { scope: { kind: 'child', childId: 'x' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation' } });
  });
});
