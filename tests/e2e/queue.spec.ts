import type { Page } from '@playwright/test';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { seriousViolations } from './axe.js';
import { officeApi, type OfficeCall } from './api.js';

const bridge = useOfficeBridge();

/** A child with the canteen booked on every given day: the demo's own inscriptions when they cover them, else a new one. */
async function childBookedAtCanteen(call: OfficeCall, days: string[], skip = 0) {
  const canteen = (await call('services.list', {})).find((service) => service.code === 'cantine')!;
  const children = (await call('children.search', { query: '', includeArchived: false, limit: 200 })).filter((c) => c.ecole !== '').slice(skip);
  const from = days[0]!;
  const to = days[days.length - 1]!;
  for (const child of children) {
    const inscriptions = await call('inscriptions.list', { childId: child.id });
    const overlapping = inscriptions.filter((ins) => ins.serviceId === canteen.id && ins.startDate <= to && ins.endDate >= from);
    if (overlapping.length === 0) {
      await call('inscriptions.create', { childIds: [child.id], serviceId: canteen.id, startDate: from, endDate: to, weekdays: [1, 2, 4, 5] });
    }
    const planning = await call('planning.child', { childId: child.id, from, to });
    const row = planning.rows.find((r) => r.serviceId === canteen.id);
    if (days.every((day) => row?.cells.find((cell) => cell.day === day)?.state === 'booked')) return { child, canteen };
  }
  throw new Error('No child with the canteen booked on those days');
}

/** The grid's rows, by their centre part (the selection and decision columns are pinned in other containers). */
function queueRows(page: Page) {
  return page.locator('.ag-row').filter({ has: page.locator('.ag-cell[col-id="childName"]') });
}

const MONDAY = '2027-01-11';
const TUESDAY = '2027-01-12';

test('two absence days in the queue: one refused with a reason, one accepted; the family file shows both answers', async ({ page, consoleProblems }) => {
  const call = await officeApi(bridge, 'accueil');
  const { child: found, canteen: service } = await childBookedAtCanteen(call, [MONDAY, TUESDAY]);
  const child = found as typeof found | undefined;
  const canteen = service as typeof service | undefined;
  await call('requests.create', {
    familyId: child!.familyId,
    kind: 'absence',
    items: [MONDAY, TUESDAY].map((day) => ({ childId: child!.id, serviceId: canteen!.id, day })),
    reason: 'MEDICAL',
    comment: 'Angine',
    certificate: null,
    changes: [],
    photo: null,
  });

  await login(page, bridge);
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await expect(nav.getByRole('link', { name: 'Demandes 2 en attente' })).toBeVisible();
  // An agent runs the queue but does not configure the services.
  await expect(nav.getByRole('link', { name: 'Paramètres' })).toHaveCount(0);
  await nav.getByRole('link', { name: /^Demandes/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Demandes en attente' })).toBeVisible();

  const rows = queueRows(page);
  await expect(rows).toHaveCount(2);
  const mondayRow = rows.filter({ hasText: 'lundi 11 janvier 2027' });
  const tuesdayRow = rows.filter({ hasText: 'mardi 12 janvier 2027' });
  // Oldest first, and every column a decision needs.
  for (const row of [mondayRow, tuesdayRow]) {
    await expect(row).toContainText(child!.prenom);
    await expect(row).toContainText('Restauration scolaire');
    await expect(row).toContainText('Absence');
    await expect(row).toContainText('RAISON MEDICALE');
    await expect(row).toContainText('Angine');
    await expect(row).toContainText('À temps');
  }
  expect(consoleProblems).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);

  // The family's name opens its file.
  await mondayRow.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
  await page.goBack();
  await expect(rows).toHaveCount(2);

  // Refuse the Tuesday: the reason is required, Échap closes, the keyboard's R opens the dialog again.
  await page.getByRole('button', { name: /^Refuser : .*mardi 12 janvier 2027/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Refuser la demande' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Motif du refus')).toBeFocused();
  await dialog.getByRole('button', { name: 'Refuser' }).click();
  await expect(dialog.getByText('Choisissez un motif de refus, ou « Autre motif » pour le saisir.')).toBeVisible();
  await expect(dialog.getByLabel('Motif du refus')).toHaveAttribute('aria-invalid', 'true');
  expect(await seriousViolations(page)).toEqual([]);
  // Focus stays inside: Tab from the last button comes back to the first field.
  await dialog.getByRole('button', { name: 'Annuler' }).focus();
  await page.keyboard.press('Tab');
  await expect(dialog.getByLabel('Motif du refus')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(rows).toHaveCount(2);

  await tuesdayRow.locator('.ag-cell[col-id="childName"]').click();
  await page.keyboard.press('r');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Motif du refus').selectOption('Autre motif (à saisir)');
  await dialog.getByRole('button', { name: 'Refuser' }).click();
  await expect(dialog.getByText('Saisissez le motif du refus : la famille le lira.')).toBeVisible();
  await dialog.getByLabel('Motif saisi').fill('Certificat illisible, merci de le renvoyer');
  await dialog.getByRole('button', { name: 'Refuser' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.queue-outcome')).toContainText('1 refusée');
  await expect(rows).toHaveCount(1);
  await expect(nav.getByRole('link', { name: 'Demandes 1 en attente' })).toBeVisible();

  // Accept the Monday with the keyboard: Space selects the row, A accepts the selection.
  await mondayRow.locator('.ag-cell[col-id="childName"]').click();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Accepter la sélection (1)' })).toBeEnabled();
  await page.keyboard.press('a');
  await expect(page.locator('.queue-outcome')).toContainText('1 acceptée');
  await expect(rows).toHaveCount(0);
  // Exact: ag-grid's live region for screen readers repeats the overlay's text with a keyboard hint after it.
  await expect(page.getByText('Aucune demande en attente', { exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Demandes', exact: true })).toBeVisible();

  await page.evaluate((familyId) => {
    window.location.hash = `#/familles/${familyId}`;
  }, child!.familyId);
  const section = page.getByRole('region', { name: 'Demandes' });
  await expect(section.getByRole('row').filter({ hasText: 'lundi 11 janvier 2027' })).toContainText('✔ Acceptée');
  const refused = section.getByRole('row').filter({ hasText: 'mardi 12 janvier 2027' });
  await expect(refused).toContainText('⛔ Refusée');
  await expect(refused).toContainText('Certificat illisible, merci de le renvoyer');
  await expect(refused).toContainText('RAISON MEDICALE');
  expect(consoleProblems).toEqual([]);
});

test('the queue filters by service, type and lateness; the régie reads it without deciding', async ({ page }) => {
  const call = await officeApi(bridge, 'accueil');
  const { child, canteen } = await childBookedAtCanteen(call, ['2027-02-01'], 20);
  await call('requests.create', {
    familyId: child.familyId,
    kind: 'cancel',
    items: [{ childId: child.id, serviceId: canteen.id, day: '2027-02-01' }],
    reason: null,
    comment: '',
    certificate: null,
    changes: [],
    photo: null,
  });

  await login(page, bridge, 'regie');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: /^Demandes/ }).click();
  const rows = queueRows(page);
  await expect(rows.filter({ hasText: 'Annulation' })).toHaveCount(1);
  await expect(page.getByRole('button', { name: /Accepter/ })).toHaveCount(0);
  await page.getByLabel('Type', { exact: true }).selectOption('Absence');
  await expect(rows).toHaveCount(0);
  await page.getByLabel('Type', { exact: true }).selectOption('Annulation');
  await expect(rows).toHaveCount(1);
  await page.getByLabel('Hors délai seulement').check();
  await expect(rows).toHaveCount(0);
  await page.getByLabel('Hors délai seulement').uncheck();
  await page.getByLabel('Service', { exact: true }).selectOption('Restauration scolaire');
  await expect(rows).toHaveCount(1);
});
