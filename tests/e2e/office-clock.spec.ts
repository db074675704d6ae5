import { expect, login, test, useOfficeBridge } from './bridge.js';

/*
 * « Today » in the window is the office's: the office core runs on GRENETTE_CLOCK (Wednesday 10 March 2027, 10:00
 * Paris) while the browser's own clock is pinned to another day (Monday 15 June 2026), so a page that read the
 * browser's date would open on the wrong day.
 */
const OFFICE_NOW = '2027-03-10T09:00:00Z';
const BROWSER_NOW = '2026-06-15T08:00:00Z';

const bridge = useOfficeBridge({ clock: OFFICE_NOW });

test('the day list opens on the office’s today, and « Aujourd’hui » comes back to it', async ({ page, consoleProblems }) => {
  await page.clock.setFixedTime(new Date(BROWSER_NOW));
  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Journée' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Journée' })).toBeVisible();

  await expect(page.getByLabel('Jour', { exact: true })).toHaveValue('2027-03-10');
  await expect(page.getByRole('heading', { level: 2, name: /—/ })).toContainText('mercredi 10 mars 2027');

  await page.getByLabel('Jour', { exact: true }).fill('2027-03-12');
  await expect(page.getByRole('heading', { level: 2, name: /—/ })).toContainText('vendredi 12 mars 2027');
  await page.getByRole('button', { name: 'Aujourd’hui' }).click();
  await expect(page.getByLabel('Jour', { exact: true })).toHaveValue('2027-03-10');
  expect(consoleProblems).toEqual([]);
});
