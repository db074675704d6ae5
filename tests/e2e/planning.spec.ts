import { execFileSync } from 'node:child_process';
import type { Locator, Page } from '@playwright/test';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { seriousViolations } from './axe.js';

const bridge = useOfficeBridge();

/*
 * The bridge runs on the real clock. The dates below are in the 2026-2027 school year whose zone A holidays are
 * preloaded; the absence requests (11 and 12 January 2027) are on time until Wednesday 6 January 2027 at 12:00,
 * and the canteen refuses late requests, so this scenario needs a clock before then (registration from 1 December).
 */
const START = '2026-12-01';
const END = '2027-01-15';
const REFUSED_DAY = '2027-01-11';
const ACCEPTED_DAY = '2027-01-12';
const PAST_THURSDAY = '2026-11-26';

// The queue grid has many columns; a wide window keeps its decision buttons rendered (column virtualisation).
test.use({ viewport: { width: 2300, height: 1100 }, screenshot: 'only-on-failure' });

/** The canteen's cell for a day in the planning grid (rows are keyed by service). */
async function canteenCell(page: Page, day: string): Promise<Locator> {
  const grid = page.locator('.planning-grid');
  const row = grid.locator('.ag-row').filter({ has: page.locator('.ag-cell[col-id="service"]', { hasText: 'Restauration scolaire' }) });
  const rowId = await row.first().getAttribute('row-id');
  return grid.locator(`.ag-row[row-id="${rowId}"] .ag-cell[col-id="${day}"]`);
}

async function openDay(page: Page, day: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Journée' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Journée' })).toBeVisible();
  await page.getByLabel('Service').selectOption({ label: 'Restauration scolaire' });
  await page.getByLabel('Jour', { exact: true }).fill(day);
  await expect(page.getByRole('heading', { level: 2, name: /^Restauration scolaire — / })).toContainText(day === ACCEPTED_DAY ? '12 janvier 2027' : '11 janvier 2027');
}

async function expectedCount(page: Page): Promise<number> {
  return Number(await page.locator('.day-total strong').textContent());
}

async function mealTotal(page: Page, day: string): Promise<number> {
  const cell = page.locator(`.meals-table tr[data-day="${day}"] .meal-total`);
  await expect(cell).toBeVisible();
  return Number(await cell.textContent());
}

async function attendanceSheetText(page: Page, path: string): Promise<string> {
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Feuille de présence (PDF)' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.pdf$/i);
  await download.saveAs(path);
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}

test('canteen Mon/Tue/Thu/Fri, two medical absences requested, one refused and one accepted, day list, meals and sheet follow', async ({
  page,
  consoleProblems,
}, testInfo) => {
  test.setTimeout(180_000);
  await login(page, bridge);

  // A new child, so nothing in the demo commune is registered already.
  await page.locator('.ag-row').first().dblclick();
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
  await page.getByRole('link', { name: 'Ajouter un enfant' }).click();
  // The child's form first: typed sooner, « Prénom » would be the family file's, still on screen.
  await expect(page.getByRole('heading', { level: 1, name: 'Ajouter un enfant' })).toBeVisible();
  await page.getByLabel('Prénom', { exact: true }).fill('Anatole');
  await page.getByLabel('Nom', { exact: true }).fill('Quintard');
  await page.getByLabel('Sexe').selectOption('M');
  await page.getByLabel('Date de naissance').fill('2018-03-02');
  await page.getByLabel('École').selectOption({ index: 1 });
  await page.getByLabel('Classe').selectOption('CE2');
  await page.getByRole('button', { name: 'Créer l’enfant' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Anatole Quintard' })).toBeVisible();
  const childUrl = page.url();

  await page.getByRole('tab', { name: 'Planning' }).click();
  const inscriptions = page.getByRole('region', { name: 'Inscriptions' });
  await expect(inscriptions.getByText('Aucune inscription.')).toBeVisible();
  await inscriptions.getByRole('button', { name: 'Nouvelle inscription' }).click();
  await inscriptions.getByLabel('Service').selectOption({ label: 'Restauration scolaire' });
  // Only the canteen's weekdays are offered, all ticked.
  for (const weekday of ['lundi', 'mardi', 'jeudi', 'vendredi']) await expect(inscriptions.getByLabel(weekday, { exact: true })).toBeChecked();
  await expect(inscriptions.getByLabel('mercredi', { exact: true })).toHaveCount(0);
  await inscriptions.getByLabel('Du', { exact: true }).fill(START);
  await inscriptions.getByLabel('Au', { exact: true }).fill(END);
  await inscriptions.getByRole('button', { name: 'Inscrire' }).click();
  await expect(inscriptions.getByText('Inscription enregistrée.')).toBeVisible();
  await expect(inscriptions.getByRole('row', { name: /Restauration scolaire/ })).toContainText('du 01/12/2026 au 15/01/2027');

  // December: booked on Mon, Tue, Thu, Fri of school weeks; closed on Wednesdays and in the Christmas holidays.
  const planning = page.getByRole('region', { name: 'Planning' });
  await planning.getByLabel('Aller au').fill(START);
  await expect(planning.getByText('Décembre 2026', { exact: true })).toBeVisible();
  for (const day of ['2026-12-01', '2026-12-03', '2026-12-04', '2026-12-07', '2026-12-18']) {
    await expect(await canteenCell(page, day)).toContainText('✔');
  }
  const wednesday = await canteenCell(page, '2026-12-02');
  await expect(wednesday).not.toContainText('✔');
  await expect(wednesday).toHaveAttribute('title', /Fermé.*mercredi/);
  for (const day of ['2026-12-21', '2026-12-22', '2026-12-24', '2026-12-28', '2026-12-31']) {
    const cell = await canteenCell(page, day);
    await expect(cell).not.toContainText('✔');
    await expect(cell).toHaveAttribute('title', /Vacances de Noël 2026/);
  }
  await expect(planning.locator('.planning-legend')).toContainText('Réservation demandée');

  await planning.getByRole('button', { name: 'Mois suivant' }).click();
  await expect(planning.getByText('Janvier 2027', { exact: true })).toBeVisible();
  const newYear = await canteenCell(page, '2027-01-01');
  await expect(newYear).not.toContainText('✔');
  await expect(newYear).toHaveAttribute('title', /Jour férié/);
  await expect(await canteenCell(page, '2027-01-04')).toContainText('✔');
  await expect(await canteenCell(page, '2027-01-15')).toContainText('✔');
  await expect(await canteenCell(page, '2027-01-18')).not.toContainText('✔');

  // The family phones: a medical absence on Monday 11 and Tuesday 12 January, recorded with the keyboard.
  await (await canteenCell(page, REFUSED_DAY)).click();
  await expect(await canteenCell(page, REFUSED_DAY)).toHaveClass(/cell-selected/);
  await page.keyboard.press('Shift+ArrowRight');
  await expect(await canteenCell(page, ACCEPTED_DAY)).toHaveClass(/cell-selected/);
  await page.keyboard.press('Shift+F10');
  const menu = page.getByRole('menu', { name: 'Actions sur 2 jours' });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: 'Réserver' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(menu.getByRole('menuitem', { name: 'Demande de la famille…' })).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Demande de la famille (2 jours)' });
  await expect(dialog.getByLabel('Type de demande')).toHaveValue('absence');
  await dialog.getByLabel('RAISON MEDICALE').check();
  await dialog.getByLabel('Commentaire').fill('Angine, certificat à suivre');
  await dialog.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await expect(dialog).toBeHidden();
  for (const day of [REFUSED_DAY, ACCEPTED_DAY]) {
    const cell = await canteenCell(page, day);
    await expect(cell).toContainText('🚧');
    await expect(cell).toHaveAttribute('title', /Absence déclarée \(en attente\).*RAISON MEDICALE/);
  }

  // Before the decision, the day list expects the child and counts a meal for them.
  await openDay(page, ACCEPTED_DAY);
  const expectedBefore = await expectedCount(page);
  const mealsBefore = await mealTotal(page, ACCEPTED_DAY);
  expect(expectedBefore).toBeGreaterThan(0);

  // The queue: refuse the Monday with a reason the family will read, accept the Tuesday.
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: /Demandes/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Demandes en attente' })).toBeVisible();
  await page.getByRole('button', { name: /^Refuser : .*Quintard.*lundi 11 janvier 2027/ }).click();
  const refuse = page.getByRole('dialog', { name: 'Refuser la demande' });
  await refuse.getByLabel('Motif du refus').selectOption('Justificatif manquant');
  await refuse.getByRole('button', { name: 'Refuser', exact: true }).click();
  await expect(refuse).toBeHidden();
  await expect(page.getByRole('button', { name: /^Refuser : .*Quintard.*lundi 11 janvier 2027/ })).toHaveCount(0);
  await page.getByRole('button', { name: /^Accepter : .*Quintard.*mardi 12 janvier 2027/ }).click();
  await expect(page.getByRole('button', { name: /^Accepter : .*Quintard.*mardi 12 janvier 2027/ })).toHaveCount(0);

  // Back in the planning: Monday stays booked, Tuesday is absent with its reason.
  await page.goto(childUrl);
  await page.getByRole('tab', { name: 'Planning' }).click();
  await page.getByRole('region', { name: 'Planning' }).getByLabel('Aller au').fill(REFUSED_DAY);
  const monday = await canteenCell(page, REFUSED_DAY);
  await expect(monday).toContainText('✔');
  await expect(monday).not.toContainText('🚧');
  const tuesday = await canteenCell(page, ACCEPTED_DAY);
  await expect(tuesday).toContainText('A');
  await expect(tuesday).toHaveAttribute('title', /Absent \(motif connu\).*RAISON MEDICALE/);
  expect(await seriousViolations(page)).toEqual([]);

  // The day list shows the child absent, one child and one meal fewer; the sheet leaves them out that day.
  await openDay(page, ACCEPTED_DAY);
  await page.getByLabel('Filtrer la liste').fill('Quintard');
  const row = page.locator('.day-grid .ag-row').filter({ hasText: 'Quintard' });
  await expect(row.first()).toContainText('Absent (motif connu)');
  await expect(row.first()).toContainText('RAISON MEDICALE');
  await expect.poll(() => expectedCount(page)).toBe(expectedBefore - 1);
  expect(await mealTotal(page, ACCEPTED_DAY)).toBe(mealsBefore - 1);
  expect(await seriousViolations(page)).toEqual([]);
  const absentSheet = await attendanceSheetText(page, testInfo.outputPath('presence-12.pdf'));
  expect(absentSheet).not.toMatch(/QUINTARD/i);

  // On Monday the child is expected and on the sheet.
  await page.getByRole('button', { name: 'Jour d’ouverture précédent' }).click();
  await expect(page.getByRole('heading', { level: 2, name: /lundi 11 janvier 2027/ })).toBeVisible();
  await expect(page.locator('.day-grid .ag-row').filter({ hasText: 'Quintard' }).first()).toContainText('Réservé');
  const presentSheet = await attendanceSheetText(page, testInfo.outputPath('presence-11.pdf'));
  expect(presentSheet).toMatch(/QUINTARD/i);
  expect(presentSheet).toMatch(/Anatole/);
  expect(consoleProblems).toEqual([]);
});

test('staff mark attendance on the day list and edit a demo child’s planning with the mouse; the régie only reads', async ({
  page,
  consoleProblems,
}) => {
  test.setTimeout(120_000);
  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Journée' }).click();
  await page.getByLabel('Service').selectOption({ label: 'Restauration scolaire' });
  // Attendance is marked on the day or after: a Thursday already past on the bridge's real clock.
  await page.getByLabel('Jour', { exact: true }).fill(PAST_THURSDAY);
  await expect(page.getByRole('heading', { level: 2, name: /jeudi 26 novembre 2026/ })).toBeVisible();

  // One child marked present with its own button, two more through the selection.
  const booked = page.locator('.day-grid .ag-row').filter({ hasText: 'Réservé' });
  const first = booked.first();
  const nom = (await first.locator('[col-id="nom"]').textContent())?.trim() ?? '';
  const prenom = (await first.locator('[col-id="prenom"]').textContent())?.trim() ?? '';
  await page.getByRole('button', { name: `Présent : ${prenom} ${nom}`, exact: true }).click();
  await expect(page.getByText('1 pointage enregistré.')).toBeVisible();
  await expect(page.getByRole('button', { name: `Présent : ${prenom} ${nom}`, exact: true })).toHaveAttribute('aria-pressed', 'true');
  const others = page.locator('.day-grid .ag-row').filter({ hasText: 'Réservé' });
  await others.nth(0).getByRole('checkbox').check();
  await others.nth(1).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Tous présents (2)' }).click();
  await expect(page.getByText('2 pointages enregistrés.')).toBeVisible();

  // The same child's planning shows P on that day; two later days become absent for a strike.
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  await page.getByLabel('Rechercher un enfant').fill(`${prenom} ${nom}`);
  await page.locator('.ag-row').filter({ hasText: prenom }).filter({ hasText: nom }).first().dblclick();
  await page.getByRole('tab', { name: 'Planning' }).click();
  await page.getByRole('region', { name: 'Planning' }).getByLabel('Aller au').fill(PAST_THURSDAY);
  await expect(await canteenCell(page, PAST_THURSDAY)).toHaveAttribute('title', /Présent/);
  await page.getByRole('region', { name: 'Planning' }).getByLabel('Aller au').fill('2027-01-18');

  await (await canteenCell(page, '2027-01-18')).click();
  await (await canteenCell(page, '2027-01-19')).click({ modifiers: ['Control'] });
  await (await canteenCell(page, '2027-01-19')).click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Actions sur 2 jours' });
  await menu.getByRole('menuitem', { name: 'Absent (motif…)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Absence (2 jours)' });
  // Each reason reads as one line: its radio button at the start, the label right after it.
  const radioBox = (await dialog.getByLabel('RAISON MEDICALE').boundingBox())!;
  const labelBox = (await dialog.locator('label', { hasText: 'RAISON MEDICALE' }).boundingBox())!;
  const dialogBox = (await dialog.boundingBox())!;
  expect(radioBox.width).toBeLessThan(30);
  expect(radioBox.x - dialogBox.x).toBeLessThan(40);
  expect(labelBox.x - (radioBox.x + radioBox.width)).toBeLessThan(20);
  await dialog.getByLabel('GREVE DU PERSONNEL OU DES ENSEIGNANTS').check();
  await dialog.getByRole('button', { name: 'Enregistrer l’absence' }).click();
  await expect(page.getByText('2 jours modifiés.')).toBeVisible();
  for (const day of ['2027-01-18', '2027-01-19']) {
    await expect(await canteenCell(page, day)).toHaveAttribute('title', /Absent \(motif connu\).*GREVE DU PERSONNEL/);
  }

  // A Wednesday cannot be booked: the reason is shown, nothing changes.
  await (await canteenCell(page, '2027-01-20')).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions sur 1 jour' }).getByRole('menuitem', { name: 'Réserver' }).click();
  await expect(page.getByText('Aucun jour modifié.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Jours non modifiés' })).toContainText('20/01/2027');
  await expect(await canteenCell(page, '2027-01-20')).not.toContainText('✔');
  const childUrl = page.url();
  expect(consoleProblems).toEqual([]);

  // The régie sees the same cells, with no menu.
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await login(page, bridge, 'regie');
  await page.goto(childUrl);
  await page.getByRole('tab', { name: 'Planning' }).click();
  await page.getByRole('region', { name: 'Planning' }).getByLabel('Aller au').fill('2027-01-18');
  await expect(await canteenCell(page, '2027-01-18')).toHaveAttribute('title', /GREVE DU PERSONNEL/);
  await (await canteenCell(page, '2027-01-18')).click({ button: 'right' });
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Inscriptions' }).getByRole('button', { name: 'Nouvelle inscription' })).toHaveCount(0);
});

test('an inscription for two siblings, French errors next to the fields, then ended early from a day on', async ({ page, consoleProblems }) => {
  await login(page, bridge);
  // A family with several children: their first names are listed with commas in the families grid.
  await page.locator('.ag-row').filter({ has: page.locator('.ag-cell[col-id="enfants"]', { hasText: ',' }) }).first().dblclick();
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
  const childLinks = page.locator('.child-list a');
  expect(await childLinks.count()).toBeGreaterThan(1);
  const sibling = (await childLinks.nth(1).textContent())?.trim() ?? '';
  await childLinks.first().click();
  await page.getByRole('tab', { name: 'Planning' }).click();

  const section = page.getByRole('region', { name: 'Inscriptions' });
  await section.getByRole('button', { name: 'Nouvelle inscription' }).click();
  await section.getByLabel('Service').selectOption({ label: 'Accueil de loisirs vacances' });
  await section.getByLabel('Du', { exact: true }).fill('2027-02-26');
  await section.getByLabel('Au', { exact: true }).fill('2027-02-15');
  for (const weekday of ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi']) await section.getByLabel(weekday, { exact: true }).uncheck();
  await section.getByRole('button', { name: 'Inscrire' }).click();
  await expect(section.getByLabel('Au', { exact: true })).toHaveAccessibleDescription('La date de fin doit suivre la date de début.');
  await expect(section.getByRole('group', { name: 'Jours' })).toHaveAccessibleDescription('Choisissez au moins un jour de la semaine.');

  await section.getByLabel('Du', { exact: true }).fill('2027-02-15');
  await section.getByLabel('Au', { exact: true }).fill('2027-02-26');
  for (const weekday of ['lundi', 'mardi', 'jeudi', 'vendredi']) await section.getByLabel(weekday, { exact: true }).check();
  await section.getByRole('group', { name: 'Inscrire aussi les frères et sœurs' }).getByLabel(sibling).check();
  await section.getByRole('button', { name: 'Inscrire' }).click();
  await expect(section.getByText('2 enfants inscrits.')).toBeVisible();
  const row = section.getByRole('row', { name: /Accueil de loisirs vacances/ });
  await expect(row).toContainText('du 15/02/2027 au 26/02/2027');
  await expect(row).toContainText('lundi, mardi, jeudi, vendredi');

  // The grid shows the holiday centre booked in the winter holidays, not on the Wednesday left out.
  await page.getByRole('region', { name: 'Planning' }).getByLabel('Aller au').fill('2027-02-15');
  const grid = page.locator('.planning-grid');
  const rowId = await grid
    .locator('.ag-row')
    .filter({ has: page.locator('.ag-cell[col-id="service"]', { hasText: 'Accueil de loisirs vacances' }) })
    .first()
    .getAttribute('row-id');
  const cell = (day: string) => grid.locator(`.ag-row[row-id="${rowId}"] .ag-cell[col-id="${day}"]`);
  await expect(cell('2027-02-16')).toContainText('✔');
  await expect(cell('2027-02-17')).not.toContainText('✔');
  await expect(cell('2027-02-25')).toContainText('✔');

  // Ended after the first week: the second week's days go, the first week's stay.
  await row.getByRole('button', { name: /Modifier à partir du/ }).click();
  const change = section.getByRole('form', { name: 'Modifier l’inscription Accueil de loisirs vacances' });
  await change.getByLabel('À partir du').fill('2027-02-22');
  await change.getByLabel('Fin de l’inscription').fill('2027-02-19');
  await change.getByRole('button', { name: 'Enregistrer la modification' }).click();
  // The office's own check, shown next to the field it concerns.
  await expect(change.getByLabel('Fin de l’inscription')).toHaveAccessibleDescription('La date de fin ne peut pas précéder la date de prise en compte.');
  await change.getByLabel('À partir du').fill('2027-02-19');
  await change.getByRole('button', { name: 'Enregistrer la modification' }).click();
  await expect(section.getByText('Inscription modifiée.')).toBeVisible();
  await expect(row).toContainText('au 19/02/2027');
  await expect(cell('2027-02-16')).toContainText('✔');
  await expect(cell('2027-02-25')).not.toContainText('✔');
  expect(consoleProblems).toEqual([]);
});
