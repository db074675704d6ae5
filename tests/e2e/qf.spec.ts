import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { officeApi } from './api.js';
import { seriousViolations } from './axe.js';
import { expect, login, openFamily, test, useOfficeBridge } from './bridge.js';

const bridge = useOfficeBridge();

/*
 * The QF where agents see it, on the demo commune with the office clock on 28/11/2026 (E2E_NOW): a family whose CAF
 * quotient expired and that has no tax notice (flagged, highest bracket), one with a valid CAF quotient of 850, a
 * canteen grid tariff and an evening service billed by the half hour started. Tariffs are written as rows (the
 * definition is the Tariff without service and dates) so this spec does not depend on Paramètres › Tarifs; any tariff
 * the demo has for these two services is replaced first, so that one tariff is in force.
 */
const PAST_THURSDAY = '2026-11-26';

test.use({ viewport: { width: 1800, height: 1000 } });

const CANTINE = {
  unit: 'meal',
  time: null,
  pricing: {
    kind: 'brackets',
    brackets: [
      { upTo: 800, residentCents: 250, nonResidentCents: 400 },
      { upTo: 1200, residentCents: 380, nonResidentCents: 520 },
      { upTo: null, residentCents: 450, nonResidentCents: 600 },
    ],
  },
  lateSurcharge: null,
  unbookedSurcharge: null,
  paiReduction: null,
};
const SOIR = {
  unit: 'time',
  time: { blockMinutes: 30, rounding: 'started' },
  pricing: { kind: 'effort', resident: { rateBasisPoints: 10, minCents: 40, maxCents: 150 }, nonResident: { rateBasisPoints: 15, minCents: 60, maxCents: 200 } },
  lateSurcharge: null,
  unbookedSurcharge: null,
  paiReduction: null,
};

test.beforeAll(async () => {
  const db = new Database(bridge.dbFile);
  try {
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare(
      "INSERT INTO tariffs (service_id, school_year_id, valid_from, valid_to, definition, updated_at, updated_by) SELECT id, NULL, '2026-09-01', '2027-07-02', ?, '2026-09-01T00:00:00.000Z', NULL FROM services WHERE code = ?",
    );
    db.transaction(() => {
      db.prepare("DELETE FROM tariffs WHERE service_id IN (SELECT id FROM services WHERE code IN ('cantine', 'soir'))").run();
      insert.run(JSON.stringify(CANTINE), 'cantine');
      insert.run(JSON.stringify(SOIR), 'soir');
    })();
  } finally {
    db.close();
  }

  const call = await officeApi(bridge);
  const responsable = (nom: string) => ({
    civilite: 'Mme' as const,
    nom,
    prenom: 'Inès',
    dateNaissance: '1984-02-03',
    adresse: '1 rue de la Grenette',
    codePostal: '74370',
    ville: 'Epagny Metz-Tessy',
    telMobile: '06 11 22 33 44',
    telFixe: '',
    email: `${nom.toLowerCase()}@example.fr`,
    profession: '',
    employeur: '',
    telPro: '',
  });
  const family = (nom: string, caf: { qf: number; qfValidUntil: string }) => ({
    responsable1: responsable(nom),
    responsable2: null,
    household: { situation: 'marie', resident: true, notes: '' },
    fiscal: { rfrCents: null, partsX100: null, year: null },
    caf: { regime: 'CAF' as const, number: '7000001', ...caf },
    bank: { holder: '', iban: '', bic: '' },
    custom: {},
  });
  const child = (nom: string) => ({
    identity: { nom, prenom: 'Noé', sexe: 'M' as const, dateNaissance: '2018-05-04', schoolId: null, classe: 'CE1' as const, regime: 'standard' as const },
    health: { allergies: '', pai: false, paiEnd: null, paiDetails: '', medecinNom: '', medecinTel: '', medicalNotes: '', vaccinations: [] },
    authorisedPersons: [],
    authorisations: { droitImage: false, sortieSeule: false, transport: false, soinsUrgence: false },
    custom: {},
  });
  for (const [nom, caf] of [
    ['Qfexpire', { qf: 620, qfValidUntil: '2026-10-31' }],
    ['Qfvalide', { qf: 850, qfValidUntil: '2026-12-31' }],
  ] as const) {
    const created = await call('families.create', { data: family(nom, caf) as never });
    await call('children.create', { familyId: created.id, data: child(nom) as never });
  }
});

test('the family file shows the QF in force, its source and why, the flag, and each service’s bracket and price', async ({ page, consoleProblems }) => {
  await login(page, bridge);
  await openFamily(page, 'Qfexpire');
  const section = page.getByRole('region', { name: 'Quotient familial et tarifs' });
  await expect(section).toBeVisible();
  await expect(section.getByText('QF à mettre à jour')).toBeVisible();
  await expect(section.getByTestId('qf-value')).toHaveText('Non justifié (tranche la plus haute)');
  await expect(section).toContainText('Aucun justificatif valable');
  await expect(section).toContainText(/Quotient CAF 620 expiré le 31\/10\/2026 et aucun avis d’imposition complet/);
  const canteen = section.getByRole('row', { name: /Restauration scolaire/ });
  await expect(canteen).toContainText('Tranche 3 (QF non justifié, tranche la plus haute)');
  await expect(canteen).toContainText(/4,50\s€ \/ repas/);
  await expect(section.getByRole('row', { name: /Accueil du soir/ })).toContainText(/1,50\s€ \/ tranche de 30 min/);
  expect(await seriousViolations(page)).toEqual([]);

  await openFamily(page, 'Qfvalide');
  const valid = page.getByRole('region', { name: 'Quotient familial et tarifs' });
  await expect(valid.getByTestId('qf-value')).toHaveText('850');
  await expect(valid).toContainText('Quotient CAF/MSA');
  await expect(valid.getByText('QF à mettre à jour')).toHaveCount(0);
  await expect(valid.getByRole('row', { name: /Restauration scolaire/ })).toContainText(/Tranche 2 \(QF de 801 à 1\s200\)/);
  await expect(valid.getByRole('row', { name: /Restauration scolaire/ })).toContainText(/3,80\s€ \/ repas/);
  expect(consoleProblems).toEqual([]);
});

test('the families grid shows the QF in force and flags the family without valid proof', async ({ page, consoleProblems }) => {
  await login(page, bridge);
  await page.getByLabel('Rechercher une famille').fill('Qf');
  const flagged = page.locator('.ag-row').filter({ hasText: 'Qfexpire' });
  await expect(flagged.locator('[col-id="qfFlagged"]')).toHaveText('À mettre à jour');
  await expect(flagged.locator('[col-id="qf"]')).toHaveText('');
  const valid = page.locator('.ag-row').filter({ hasText: 'Qfvalide' });
  await expect(valid.locator('[col-id="qf"]')).toHaveText('850');
  await expect(valid.locator('[col-id="qfFlagged"]')).toHaveText('À jour');
  expect(consoleProblems).toEqual([]);
});

test('« QF à mettre à jour » lists the flagged family and exports it as CSV', async ({ page, consoleProblems }, testInfo) => {
  await login(page, bridge);
  await page.getByRole('link', { name: 'QF à mettre à jour' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'QF à mettre à jour' })).toBeVisible();
  const row = page.locator('.ag-row').filter({ hasText: 'Qfexpire Inès' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('31/10/2026');
  await expect(page.locator('.ag-row').filter({ hasText: 'Qfvalide' })).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Exporter (CSV)' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('qf-a-mettre-a-jour-2026-11-28.csv');
  const file = path.join(testInfo.outputDir, 'qf.csv');
  await download.saveAs(file);
  const csv = fs.readFileSync(file, 'utf8');
  expect(csv.startsWith('\uFEFFN° famille;Famille;')).toBe(true);
  expect(csv).toMatch(/;Qfexpire Inès;qfexpire@example\.fr;06 11 22 33 44;31\/10\/2026;;Quotient CAF 620 expiré le 31\/10\/2026/);
  expect(csv).not.toContain('Qfvalide');
  expect(consoleProblems).toEqual([]);
});

test('arrival and departure pointed on the day page for the evening service billed by time', async ({ page, consoleProblems }) => {
  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Journée' }).click();
  await page.getByLabel('Service').selectOption({ label: 'Accueil du soir' });
  await page.getByLabel('Jour', { exact: true }).fill(PAST_THURSDAY);
  await expect(page.getByRole('heading', { level: 2, name: /Accueil du soir — jeudi 26 novembre 2026/ })).toBeVisible();
  const times = page.getByRole('region', { name: 'Heures d’arrivée et de départ' });
  await expect(times).toContainText('Aucun enfant pointé présent.');

  const booked = page.locator('.day-grid .ag-row').filter({ hasText: 'Réservé' }).first();
  const nom = (await booked.locator('[col-id="nom"]').textContent())?.trim() ?? '';
  const prenom = (await booked.locator('[col-id="prenom"]').textContent())?.trim() ?? '';
  const name = `${prenom} ${nom}`;
  await page.getByRole('button', { name: `Présent : ${name}`, exact: true }).click();
  await expect(page.getByText('1 pointage enregistré.')).toBeVisible();

  const arrival = times.getByLabel(`Arrivée de ${name}`);
  const departure = times.getByLabel(`Départ de ${name}`);
  await arrival.fill('16h30');
  await departure.fill('18:05');
  await times.getByRole('button', { name: `Enregistrer les heures de ${name}` }).click();
  await expect(times.getByText('Heure d’arrivée invalide : « 16h30 » (attendu hh:mm).')).toBeVisible();
  await arrival.fill('18:30');
  await times.getByRole('button', { name: `Enregistrer les heures de ${name}` }).click();
  await expect(times.getByText('Le départ (18:05) précède l’arrivée (18:30).')).toBeVisible();
  await arrival.fill('16:30');
  await times.getByRole('button', { name: `Enregistrer les heures de ${name}` }).click();
  await expect(times.getByText('Heures enregistrées.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  const call = await officeApi(bridge);
  const soir = (await call('services.list', {})).find((service) => service.code === 'soir');
  const list = await call('planning.day', { serviceId: soir!.id, day: PAST_THURSDAY });
  expect(list.children.find((child) => `${child.prenom} ${child.nom}` === name)).toMatchObject({ attendance: 'present', arrival: '16:30', departure: '18:05' });
  expect(consoleProblems).toEqual([]);
});
