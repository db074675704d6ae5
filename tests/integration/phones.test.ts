import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, openOfficeDatabase } from '../../src/office/db/open.js';
import { loadMigrations, migrate } from '../../src/server/migrate.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

const clock = () => new Date('2026-11-28T10:00:00Z');
const dirs: string[] = [];
let office: TestOffice | undefined;
afterEach(async () => {
  await office?.close();
  office = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('phones in E.164 (issue 10, item 5)', () => {
  it('migration 0006 normalises stored phones, keeps what is not a phone as typed and counts it, and search finds them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-phones-'));
    dirs.push(dir);
    const file = path.join(dir, 'office.sqlite');
    const old = new BetterSqlite3(file);
    migrate(old, loadMigrations(defaultMigrationsDir()), clock, 5);
    const at = '2026-01-01T00:00:00Z';
    old.prepare('INSERT INTO families (id, created_at, updated_at) VALUES (1, ?, ?)').run(at, at);
    old
      .prepare("INSERT INTO responsables (family_id, rank, nom, prenom, tel_mobile, tel_fixe, tel_pro) VALUES (1, 1, 'Martin', 'Hélène', ?, ?, ?)")
      .run('+33 6 12 34 56 78', '04.50.11.22.33', 'le soir seulement');
    old.prepare("INSERT INTO family_search (family_id, haystack) VALUES (1, 'martin helene')").run();
    old.close();

    const opened = openOfficeDatabase({ file, clock });
    try {
      expect(opened.sqlite.prepare('SELECT tel_mobile, tel_fixe, tel_pro FROM responsables').get()).toEqual({
        tel_mobile: '+33612345678',
        tel_fixe: '+33450112233',
        tel_pro: 'le soir seulement',
      });
      const report = JSON.parse(opened.sqlite.prepare("SELECT value FROM settings WHERE key = 'phones_kept_as_typed'").pluck().get() as string);
      expect(report.count).toBe(1);
      // The haystack was rebuilt with the phones' national digits, and the FTS index follows it.
      const found = (match: string) => opened.sqlite.prepare('SELECT rowid FROM family_search_fts WHERE family_search_fts MATCH ?').pluck().all(match);
      expect(found('"0450112233"')).toEqual([1]);
      expect(found('"helene"')).toEqual([1]);
    } finally {
      void opened.close();
    }
  });

  it('lists the phones kept as typed for the agents to correct, the doctor only to the roles that see health data', async () => {
    office = await makeTestOffice();
    expect(await office.value('families.phonesToFix', {})).toEqual([]);
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const child = await office.value('children.create', { familyId: family.id, data: sampleChildInput() });
    const childId = child.id;
    office.sqlite.prepare("UPDATE children SET medecin_tel = 'cabinet du bourg' WHERE id = ?").run(childId);
    // As migration 0006 leaves what it cannot read.
    office.sqlite.prepare("UPDATE responsables SET tel_pro = 'le soir seulement' WHERE family_id = ? AND rank = 1").run(family.id);
    office.sqlite.prepare("INSERT INTO authorised_persons (child_id, nom, prenom, tel1, tel2) VALUES (?, 'Roux', 'Marc', '+33612345678', 'voisin')").run(childId);
    const listed = await office.value('families.phonesToFix', {});
    const r1 = sampleFamilyInput().responsable1;
    expect(listed).toEqual([
      { familyId: family.id, where: `Responsable 1 (${r1.prenom} ${r1.nom}) · téléphone professionnel`, phone: 'le soir seulement' },
      { familyId: family.id, where: `Personne autorisée de ${sampleChildInput().identity.prenom} (Marc Roux)`, phone: 'voisin' },
      { familyId: family.id, where: `Médecin de ${sampleChildInput().identity.prenom}`, phone: 'cabinet du bourg' },
    ]);
    const regie = await office.as('regisseur');
    expect(await regie.call('families.phonesToFix', {})).toEqual({ ok: true, value: listed.slice(0, 2) });
  });

  it('the office stores what agents type in E.164, shows it the French way and finds it typed any way', async () => {
    office = await makeTestOffice();
    const base = sampleFamilyInput();
    const created = await office.value('families.create', {
      data: { ...base, responsable1: { ...base.responsable1, telMobile: '+33 4 50 11 22 33', telFixe: '0033 6 98 76 54 32' } },
    });
    expect(office.sqlite.prepare('SELECT tel_mobile, tel_fixe FROM responsables WHERE family_id = ?').get(created.id)).toEqual({
      tel_mobile: '+33450112233',
      tel_fixe: '+33698765432',
    });
    expect(created.data.responsable1.telMobile).toBe('04 50 11 22 33');
    for (const typed of ['04 50 11 22 33', '+33 4 50 11 22 33', '0450112233', '+33 (0)4 50 11', '0033 4 50 11 22 33', '50 11 22']) {
      const page = await office.value('families.grid', { query: typed, includeArchived: false });
      expect(page.rows.map((row) => row.id), typed).toEqual([created.id]);
      expect(page.rows[0]!.telephone).toBe('04 50 11 22 33');
    }
    // Saving the file as shown changes nothing (no audit line, no new value).
    const again = await office.value('families.update', { id: created.id, patch: { responsable1: created.data.responsable1 } });
    expect(again.updatedAt).toBe(created.updatedAt);
    const refused = await office.call('families.update', { id: created.id, patch: { responsable1: { ...created.data.responsable1, telMobile: '04 50 11' } } });
    expect(refused).toMatchObject({ ok: false, error: { fields: { 'responsable1.telMobile': expect.stringMatching(/^Numéro de téléphone invalide/) } } });
  });
});
