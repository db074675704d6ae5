import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { officeApi } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';

/**
 * Issue 10, item 2: no grid or export cut silently. The demo commune has 499 active children here; two more, named to
 * sort last, make the 501 of the issue, where the old limit of 500 dropped the last one from the grid and the CSV.
 */

const bridge = useOfficeBridge();

test.beforeAll(async () => {
  const call = await officeApi(bridge);
  const [family] = await call('families.search', { query: '', includeArchived: false, limit: 1 });
  const child = (prenom: string) => ({
    identity: { nom: 'Zyzzyva', prenom, sexe: 'F' as const, dateNaissance: '2018-05-04', schoolId: null, classe: 'CE1' as const, regime: 'standard' as const },
    health: { allergies: '', pai: false, paiEnd: null, paiDetails: '', medecinNom: '', medecinTel: '', medicalNotes: '', vaccinations: [] },
    authorisedPersons: [],
    authorisations: { droitImage: false, sortieSeule: false, transport: false, soinsUrgence: false },
    custom: {},
  });
  for (const prenom of ['Anouk', 'Zélie']) await call('children.create', { familyId: family!.id, data: child(prenom) as never });
  const all = await call('children.grid', { query: '', includeArchived: false });
  expect(all.total).toBe(501);
});

function csvRows(file: string): string[][] {
  const text = fs.readFileSync(file).toString('utf8').slice(1);
  return text.split('\r\n').filter((line) => line !== '').map((line) => line.split(';'));
}

test('the children grid shows and exports every active child of the demo commune', async ({ page, consoleProblems }, testInfo) => {
  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  const status = page.getByRole('status').filter({ hasText: /résultat|sur/ });
  await expect(status).toHaveText('501 résultats');
  await expect(status).not.toContainText('sur');

  // The grid holds them all: scrolled to its end, the last child by name is there.
  await page.locator('.ag-row .ag-cell[col-id="nom"]').first().click();
  await page.keyboard.press('Control+End');
  // The grid scrolls and draws its last rows asynchronously: a loaded machine takes longer than the default wait.
  await expect(page.locator('.ag-row[row-index="500"]')).toContainText('Zyzzyva', { timeout: 20_000 });

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Exporter en CSV' }).click();
  const download = await downloadPromise;
  const file = testInfo.outputPath('enfants.csv');
  await download.saveAs(file);
  const rows = csvRows(file);
  expect(rows[0]).toEqual(['Nom', 'Prénom', 'Date de naissance', 'École', 'Classe', 'Famille']);
  expect(rows).toHaveLength(1 + 501);
  expect(rows.at(-1)?.slice(0, 2)).toEqual(['Zyzzyva', 'Zélie']);

  // A search lists and counts its own matches, with nothing left out.
  await page.getByLabel('Rechercher un enfant').fill('a');
  await expect(status).toHaveText(/^\d+ résultats?$/);
  expect(consoleProblems).toEqual([]);
});

test('a phone typed the international way finds the family, shown the French way', async ({ page }) => {
  await login(page, bridge);
  const phone = (await page.locator('.ag-row .ag-cell[col-id="telephone"]').first().textContent())?.trim() ?? '';
  expect(phone).toMatch(/^0\d( \d\d){4}$/);
  const international = `+33 ${phone.slice(1)}`;
  await page.getByLabel('Rechercher une famille').fill(international);
  await expect(page.locator('.ag-row .ag-cell[col-id="telephone"]').filter({ hasText: phone }).first()).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /résultat/ })).toHaveText(/^\d+ résultats?$/);
});

test('a phone the office could not read is listed on the families page, with a link to its family’s file', async ({ page }) => {
  const admin = await officeApi(bridge, 'admin');
  const { rows } = await admin('families.grid', { query: '', includeArchived: false, limit: 1 });
  const family = rows[0]!;
  // As migration 0006 keeps a phone it cannot read: as typed.
  const db = new BetterSqlite3(bridge.dbFile);
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare("UPDATE responsables SET tel_pro = 'le soir seulement' WHERE family_id = ? AND rank = 1").run(family.id);
  } finally {
    db.close();
  }
  await login(page, bridge);
  await page.getByText('Téléphones à corriger (1)').click();
  const link = page.getByRole('link', { name: new RegExp(`^Famille n° ${family.id} — Responsable 1 .* · téléphone professionnel$`) });
  await expect(link.locator('xpath=..')).toContainText('« le soir seulement »');
  await link.click();
  await expect(page).toHaveURL(new RegExp(`#/familles/${family.id}$`));
});

test('health data hidden from a role reads « masqué » in the children grid, never « — » as for a child without any', async ({ page }) => {
  const zyzzyva = async () => {
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
    await page.getByLabel('Rechercher un enfant').fill('Zyzzyva');
    const row = page.locator('.ag-row').filter({ hasText: 'Anouk' });
    await expect(row).toBeVisible();
    return row;
  };
  // The agent sees the child's health data: no PAI, no allergy.
  await login(page, bridge);
  let row = await zyzzyva();
  await expect(row.locator('.ag-cell[col-id="pai"]')).toHaveText('Non');
  await expect(row.locator('.ag-cell[col-id="allergies"]')).toHaveText('—');
  await page.getByRole('button', { name: 'Déconnexion' }).click();

  // The régisseur may not: both say so.
  await login(page, bridge, 'regie');
  row = await zyzzyva();
  await expect(row.locator('.ag-cell[col-id="pai"]')).toHaveText('masqué');
  await expect(row.locator('.ag-cell[col-id="allergies"]')).toHaveText('masqué');
});
