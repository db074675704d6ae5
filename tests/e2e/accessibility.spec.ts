import { expect, login, test, useOfficeBridge } from './bridge.js';
import { seriousViolations } from './axe.js';

const bridge = useOfficeBridge();

test('login, grids and files have no serious accessibility violation', async ({ page }) => {
  await page.goto(bridge.url);
  await expect(page.getByLabel('Identifiant')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await login(page, bridge);
  await expect(page.locator('.ag-row').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.locator('.ag-row').first().dblclick();
  await expect(page.getByRole('region', { name: 'Responsable 1' })).toBeVisible();
  await page.getByRole('region', { name: 'Responsable 1' }).getByLabel('Nom', { exact: true }).fill('');
  await page.getByRole('region', { name: 'Responsable 1' }).getByRole('button', { name: 'Enregistrer' }).click();
  expect(await seriousViolations(page)).toEqual([]);

  // The refused name is still being edited: leaving asks « Abandonner les modifications ? » first.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.locator('.child-list a').first().click();
  await expect(page.getByRole('region', { name: 'Identité' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
