import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, login, test, useOfficeBridge } from './bridge.js';

const bridge = useOfficeBridge();

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

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

  await page.locator('.child-list a').first().click();
  await expect(page.getByRole('region', { name: 'Identité' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
