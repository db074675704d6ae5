import fs from 'node:fs';
import { expect, login, openFamily, test, useOfficeBridge } from './bridge.js';

const bridge = useOfficeBridge();

test('find a family by a fragment of its name, change a phone number, see it kept and in the history', async ({ page, consoleProblems }) => {
  await login(page, bridge);
  const firstName = (await page.locator('.ag-row .ag-cell[col-id="nom"]').first().textContent())?.trim() ?? '';
  expect(firstName.length).toBeGreaterThan(3);
  const fragment = firstName.slice(1, 4).toLowerCase();

  await page.getByLabel('Rechercher une famille').fill(fragment);
  const rows = page.locator('.ag-row');
  await expect(rows.filter({ hasText: firstName }).first()).toBeVisible();
  // Every row shown matches the fragment somewhere (name, second parent, children, e-mail...).
  await expect(page.getByRole('status').filter({ hasText: /résultat/ })).not.toHaveText('350 résultats');

  await openFamily(page, fragment, firstName);
  const r1 = page.getByRole('region', { name: 'Responsable 1' });
  const mobile = r1.getByLabel('Téléphone mobile');
  const oldPhone = await mobile.inputValue();
  const newPhone = oldPhone.startsWith('06 11') ? '06 22 33 44 55' : '06 11 22 33 44';
  await mobile.fill(newPhone);
  await mobile.press('Enter');
  await expect(r1.getByText('Modifications enregistrées.')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('region', { name: 'Responsable 1' }).getByLabel('Téléphone mobile')).toHaveValue(newPhone);

  await page.getByRole('tab', { name: 'Historique' }).click();
  const change = page.getByRole('row').filter({ hasText: newPhone });
  await expect(change).toBeVisible();
  if (oldPhone) await expect(change).toContainText(oldPhone);
  await expect(change).toContainText('Accueil (démo)');
  expect(consoleProblems).toEqual([]);
});

test('Échap cancels an edit without saving, once the agent agrees to lose it', async ({ page }) => {
  await login(page, bridge);
  await page.locator('.ag-row').first().dblclick();
  const household = page.getByRole('region', { name: 'Foyer' });
  const notes = household.getByLabel('Notes');
  const before = await notes.inputValue();
  await notes.fill('Note qui ne doit pas rester');
  const asked = new Promise<string>((resolve) => {
    page.once('dialog', (dialog) => void dialog.accept().then(() => resolve(dialog.message())));
  });
  await notes.press('Escape');
  expect(await asked).toBe('Abandonner les modifications ?');
  await expect(notes).toHaveValue(before);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Foyer' }).getByLabel('Notes')).toHaveValue(before);
});

test('the families grid exports an Excel-ready CSV', async ({ page }, testInfo) => {
  await login(page, bridge);
  await expect(page.locator('.ag-row').first()).toBeVisible();
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Exporter en CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^familles-\d{4}-\d{2}-\d{2}\.csv$/);
  const file = testInfo.outputPath('familles.csv');
  await download.saveAs(file);
  const bytes = fs.readFileSync(file);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  const lines = text.split('\r\n');
  expect(lines[0]).toBe('Nom;Prénom;Responsable 2;Enfants;Téléphone;E-mail;N° allocataire;Ville;QF;Justificatif QF;Motif QF;Résident;Archivée');
  expect(lines.length).toBeGreaterThan(10);
  expect(lines[1]?.split(';').length).toBe(13);
});

test('a new family is created from the grid and opened', async ({ page }) => {
  await login(page, bridge);
  await page.getByRole('link', { name: 'Nouvelle famille' }).click();
  await expect(page.getByLabel('Nom', { exact: true })).toBeFocused();
  await page.getByLabel('Nom', { exact: true }).fill('Quintavalle');
  await page.getByLabel('Prénom', { exact: true }).fill('Aurore');
  await page.getByLabel('Téléphone mobile').fill('06 98 76 54 32');
  await page.getByRole('button', { name: 'Créer la famille' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Famille Quintavalle Aurore' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Familles' }).click();
  await page.getByLabel('Rechercher une famille').fill('98 76 54');
  await expect(page.locator('.ag-row').filter({ hasText: 'Quintavalle' })).toBeVisible();
  await page.getByLabel('Rechercher une famille').press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Famille Quintavalle Aurore' })).toBeVisible();
});

test('the keyboard alone finds and opens a family: « / » focuses the search, arrows and Enter open the row', async ({ page }) => {
  await login(page, bridge);
  await page.getByRole('heading', { level: 1, name: 'Familles' }).click();
  await expect(page.getByLabel('Rechercher une famille')).not.toBeFocused();
  await page.keyboard.press('/');
  await expect(page.getByLabel('Rechercher une famille')).toBeFocused();
  const secondName = (await page.locator('.ag-row[row-index="1"] .ag-cell[col-id="nom"]').textContent())?.trim() ?? '';
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^Famille ${secondName}`) })).toBeVisible();
  await page.keyboard.press('Control+f');
  // No search box on a family's file: Ctrl+F is left to the browser there.
  await expect(page.getByLabel('Rechercher une famille')).toHaveCount(0);
});

test('a column filter narrows the grid, in French, without breaking the page’s security policy', async ({ page, consoleProblems }) => {
  await login(page, bridge);
  await expect(page.getByRole('status').filter({ hasText: 'résultats' })).toBeVisible();
  const header = page.locator('.ag-header-cell[col-id="ville"]');
  await header.hover();
  await header.locator('.ag-header-cell-filter-button, .ag-header-icon').first().click();
  const filterInput = page.getByPlaceholder('Filtrer…');
  await expect(filterInput).toBeVisible();
  await expect(page.locator('.ag-popup')).toContainText('Contient');
  await filterInput.fill('Annecy');
  await expect(async () => {
    const towns = await page.locator('.ag-row .ag-cell[col-id="ville"]').allTextContents();
    expect(towns.length).toBeGreaterThan(0);
    expect(towns.every((town) => town.includes('Annecy'))).toBe(true);
  }).toPass();
  // style-src 'self' holds: the grid's legacy CSS theme is a file, nothing injected at run time.
  expect(consoleProblems).toEqual([]);
});
