import { officeApi } from './api.js';
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

  await expect(page.getByLabel('Jour', { exact: true })).toHaveValue('10/03/2027');
  await expect(page.getByRole('heading', { level: 2, name: /—/ })).toContainText('mercredi 10 mars 2027');

  await page.getByLabel('Jour', { exact: true }).fill('2027-03-12');
  await expect(page.getByRole('heading', { level: 2, name: /—/ })).toContainText('vendredi 12 mars 2027');
  // A day that does not exist stays as typed, said under the field; the list does not move.
  await page.getByLabel('Jour', { exact: true }).fill('31/02/2027');
  await expect(page.getByLabel('Jour', { exact: true })).toHaveAccessibleDescription('Date invalide : écrivez jj/mm/aaaa.');
  await expect(page.getByRole('heading', { level: 2, name: /—/ })).toContainText('vendredi 12 mars 2027');
  await page.getByRole('button', { name: 'Aujourd’hui' }).click();
  await expect(page.getByLabel('Jour', { exact: true })).toHaveValue('10/03/2027');
  expect(consoleProblems).toEqual([]);
});

test('a closed day lists who was booked as closed, expects nobody and offers no attendance buttons', async ({ page, consoleProblems }) => {
  const admin = await officeApi(bridge, 'admin');
  const cantine = (await admin('services.list', {})).find((service) => service.code === 'cantine')!;
  const before = await admin('planning.day', { serviceId: cantine.id, day: '2027-03-11' });
  expect(before.expected).toBeGreaterThan(0);
  await admin('calendar.savePeriod', { id: null, kind: 'closure', label: 'Fermeture exceptionnelle : grève', startDate: '2027-03-11', endDate: '2027-03-11', serviceId: cantine.id });

  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Journée' }).click();
  await page.getByLabel('Service').selectOption({ label: cantine.name });
  await page.getByLabel('Jour', { exact: true }).fill('2027-03-11');
  await expect(page.getByRole('heading', { level: 2, name: /—/ })).toContainText('jeudi 11 mars 2027');
  await expect(page.getByText('Service fermé ce jour-là : Fermeture exceptionnelle : grève.')).toBeVisible();
  await expect(page.locator('.day-total strong')).toHaveText('0');
  await expect(page.locator('.day-grid .ag-row').first()).toContainText('Fermé');
  await expect(page.getByRole('button', { name: /^Présent : / })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Tous présents/ })).toHaveCount(0);
  expect(consoleProblems).toEqual([]);
});
