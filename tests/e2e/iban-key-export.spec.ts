import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { seriousViolations } from './axe.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';

/**
 * The IBAN key saved with the backups (issue #12 review): the administrator exports it from Paramètres › Prélèvement
 * as the plain key file the office would read beside a restored database; the régisseur is not offered it.
 */

const bridge = useOfficeBridge();

async function openPrelevement(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Paramètres' })).toBeVisible();
  await page.getByRole('tab', { name: 'Prélèvement' }).click();
}

test('the administrator exports the IBAN key as the key file beside the database', async ({ page, consoleProblems }) => {
  await login(page, bridge, 'admin');
  await openPrelevement(page);
  const section = page.getByRole('region', { name: 'Clé de chiffrement des IBAN' });
  await expect(section).toContainText('pas dans les sauvegardes');
  const waiting = page.waitForEvent('download');
  await section.getByRole('button', { name: 'Exporter la clé de chiffrement' }).click();
  const download = await waiting;
  expect(download.suggestedFilename()).toBe('grenette.sqlite.key');
  const file = await download.path();
  expect(fs.readFileSync(file, 'utf8')).toBe(fs.readFileSync(`${bridge.dbFile}.key`, 'utf8'));
  await expect(section.getByRole('status')).toContainText('Clé exportée');
  expect(await seriousViolations(page)).toEqual([]);
  expect(consoleProblems).toEqual([]);
});

test('the régisseur is not offered the key', async ({ page }) => {
  await login(page, bridge, 'regie');
  await openPrelevement(page);
  await expect(page.getByRole('heading', { name: 'Prélèvement SEPA' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Exporter la clé de chiffrement' })).toHaveCount(0);
});
