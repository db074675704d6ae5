import type { Page } from '@playwright/test';
import { officeApi, type OfficeCall } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';

/** What a person reads: French labels rather than codes, days jj/mm/aaaa, and sentences that say what happened. */

const bridge = useOfficeBridge();
const DAY = '2027-01-11';
const CODES = /\b(standard|sans_porc|vegetarien|sans_viande)\b/;
const ISO_DAY = /\d{4}-\d{2}-\d{2}/;

let call: OfficeCall;

test.beforeAll(async () => {
  call = await officeApi(bridge, 'admin');
});

async function canteenId(): Promise<number> {
  return (await call('services.list', {})).find((service) => service.code === 'cantine')!.id;
}

test('the day list’s Régime column and the meals panel name the régimes in French', async ({ page }) => {
  const cantine = await canteenId();
  // One child expected that day eats without pork, another is vegetarian: both shown by their French names.
  const expected = (await call('planning.day', { serviceId: cantine, day: DAY })).children.filter((child) => child.state === 'booked');
  expect(expected.length).toBeGreaterThan(1);
  for (const [child, regime] of [
    [expected[0]!, 'sans_porc'],
    [expected[1]!, 'vegetarien'],
  ] as const) {
    const file = await call('children.get', { id: child.childId });
    await call('children.update', { id: child.childId, patch: { identity: { ...file.data.identity, regime } } });
  }

  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Journée' }).click();
  await page.getByLabel('Service').selectOption({ label: 'Restauration scolaire' });
  await page.getByLabel('Jour', { exact: true }).fill(DAY);
  await expect(page.getByRole('heading', { level: 2, name: /^Restauration scolaire — / })).toContainText('11 janvier 2027');
  const regimes = page.locator('.day-grid .ag-cell[col-id="regime"]');
  await expect(regimes.filter({ hasText: 'Sans porc' }).first()).toBeVisible();
  await expect(regimes.filter({ hasText: 'Végétarien' }).first()).toBeVisible();
  for (const text of await regimes.allTextContents()) expect(['Standard', 'Sans porc', 'Végétarien', 'Sans viande']).toContain(text);

  const meals = page.locator(`.meals-table tr[data-day="${DAY}"]`);
  await expect(meals).toContainText('Sans porc : ');
  await expect(meals).toContainText('Végétarien : ');
  expect(await page.locator('.meals-table').textContent()).not.toMatch(CODES);
});

async function openFamilyHistory(page: Page, familyId: number): Promise<void> {
  await page.goto(`${bridge.url.split('#')[0]}#/familles/${familyId}`);
  await page.getByRole('tab', { name: 'Historique' }).click();
}

test('the history writes every day jj/mm/aaaa, a commune’s date field too', async ({ page }) => {
  await call('customFields.save', { id: null, entity: 'family', label: 'Date d’arrivée', kind: 'date', active: true });
  const family = (await call('families.search', { query: '', includeArchived: false, limit: 1 }))[0]!;
  await login(page, bridge, 'admin');
  await page.goto(`${bridge.url.split('#')[0]}#/familles/${family.id}`);
  const r1 = page.getByRole('region', { name: 'Responsable 1' });
  await r1.getByLabel('Date de naissance').fill('17/04/1986');
  await r1.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(r1.getByText('Modifications enregistrées.')).toBeVisible();
  const custom = page.getByRole('region', { name: 'Informations complémentaires' });
  await custom.getByLabel('Date d’arrivée').fill('01/06/2015');
  await custom.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(custom.getByText('Modifications enregistrées.')).toBeVisible();

  await openFamilyHistory(page, family.id);
  const history = page.locator('.history-table');
  await expect(history.getByRole('row', { name: /Responsable 1 · Date de naissance/ }).first()).toContainText('17/04/1986');
  await expect(history.getByRole('row', { name: /Date d’arrivée/ })).toContainText('01/06/2015');
  const values = await history.locator('td.old-value, td.new-value').allTextContents();
  expect(values.filter((value) => ISO_DAY.test(value))).toEqual([]);
});

test('a collective absence counts children and days apart', async ({ page }) => {
  const cantine = await canteenId();
  const expected = (await call('planning.day', { serviceId: cantine, day: DAY })).children.filter((child) => child.state === 'booked');
  const school = expected[0]!.ecole;
  const ofSchool = expected.filter((child) => child.ecole === school).length;
  await login(page, bridge, 'admin');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Événement' }).click();
  const form = page.getByRole('region', { name: 'Événement : absence collective' });
  await form.getByLabel('École').selectOption(school);
  await form.getByLabel('Premier jour').fill('11/01/2027');
  await form.getByRole('group', { name: 'Services concernés' }).getByLabel('Restauration scolaire').check();
  await form.getByRole('button', { name: 'Déclarer l’absence' }).click();
  await expect(form.locator('.success-note')).toContainText(
    `${ofSchool} enfant${ofSchool > 1 ? 's' : ''} marqué${ofSchool > 1 ? 's' : ''} absent${ofSchool > 1 ? 's' : ''} sur 1 jour.`,
  );
  await expect(form).not.toContainText('jour-enfant');
});

test('a negative QF is answered as such', async ({ page }) => {
  const family = (await call('families.search', { query: '', includeArchived: false, limit: 1 }))[0]!;
  await login(page, bridge);
  await page.goto(`${bridge.url.split('#')[0]}#/familles/${family.id}`);
  const caf = page.getByRole('region', { name: 'CAF / MSA' });
  await caf.getByLabel('Quotient familial').fill('-350');
  await caf.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(caf.getByLabel('Quotient familial')).toHaveAccessibleDescription('Le quotient familial ne peut pas être négatif.');
});

test('an empty planning says there is no inscription, not « Aucun résultat »', async ({ page }) => {
  const family = (await call('families.search', { query: '', includeArchived: false, limit: 1 }))[0]!;
  const file = await call('families.get', { id: family.id });
  const child = await call('children.create', {
    familyId: family.id,
    data: {
      identity: { nom: file.data.responsable1.nom, prenom: 'Nina', sexe: 'F', dateNaissance: '2019-03-04', schoolId: null, classe: '', regime: 'standard' },
      health: { allergies: '', pai: false, paiEnd: null, paiDetails: '', medecinNom: '', medecinTel: '', medicalNotes: '', vaccinations: [] },
      authorisedPersons: [],
      authorisations: { droitImage: false, sortieSeule: false, transport: false, soinsUrgence: true },
      custom: {},
    },
  });
  await login(page, bridge);
  await page.goto(`${bridge.url.split('#')[0]}#/enfants/${child.id}`);
  await page.getByRole('tab', { name: 'Planning' }).click();
  const planning = page.getByRole('region', { name: 'Planning' });
  // The grid's overlay (ag-grid also copies it into its live region for screen readers, at its own pace).
  await expect(planning.locator('.ag-overlay-no-rows-center')).toContainText('Aucune inscription sur cette période');
  await expect(planning.getByText('Aucun résultat')).toHaveCount(0);
});
