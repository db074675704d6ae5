import { expectNoViolation } from './axe.js';
import { expect, test, type Page } from '@playwright/test';
import { dayRange, isoWeekday } from '../../src/shared/calendar/days.js';
import { deadlineFor } from '../../src/shared/planning/deadlines.js';
import type { FamilyPublication } from '../../src/shared/sync/contract.js';
import { ACTIVATION_CODE, CANTEEN, EVENING, insertPublication, insertSettings, makePublication, PLANNING_SETTINGS, startTestPortal, WEDNESDAY_RULE, type TestPortal } from '../helpers/portal.js';

/**
 * Issue 13's phone-first portal (points 9 to 14) on a real portal (temp SQLite, its clock on Monday 30 November
 * 2026, 10:00 Paris) in a 360×740 browser: no page wider than the phone, refusals readable on the cell, the absence
 * in two steps (motif → confirmer) ending 🚧 with its words, and axe (WCAG 2.1 A and AA) at zero on each page.
 */
const EMAIL = 'famille1@example.test';
const PASSWORD = 'un mot de passe solide';
const WIDTH = 360;


type Row = FamilyPublication['planning']['children'][number]['rows'][number];

/** Booked on school days, closed on Wednesdays and weekends; the evening care refused a booking on Thursday 17 December. */
function row(serviceId: number, from: string, to: string): Row {
  return {
    serviceId,
    cells: dayRange(from, to).map((day) => {
      const weekday = isoWeekday(day);
      if (weekday >= 6) return { day, state: 'closed' as const, closedWhy: 'Service fermé le week-end' };
      if (weekday === 3) return { day, state: 'closed' as const, closedWhy: 'Service fermé le mercredi' };
      const changeableUntil = deadlineFor(WEDNESDAY_RULE, day);
      if (serviceId === EVENING && day === '2026-12-17') return { day, state: 'refused' as const, refusalReason: 'Plus de place disponible', changeableUntil };
      return { day, state: 'booked' as const, changeableUntil };
    }),
  };
}

function publication(): FamilyPublication {
  const base = makePublication(1);
  const leo = base.children[0]!;
  const from = '2026-11-01';
  const to = '2027-01-31';
  return {
    ...base,
    children: [{
      ...leo,
      authorisedPersons: [
        ...leo.authorisedPersons,
        { nom: 'Dupont-Lagarde', prenom: 'Marie-Christine', relation: 'Voisine', tel1: '06 00 00 00 02', mayPickUp: true, emergency: false },
      ],
    }],
    planning: { from, to, children: [{ childId: leo.id, rows: [row(CANTEEN, from, to), row(EVENING, from, to)] }] },
    requests: [{
      uid: '33333333-3333-4333-8333-333333333333', kind: 'absence', submittedAt: '2026-11-27T10:00:00.000Z', reason: 'MEDICAL', items: [
        { childId: leo.id, serviceId: CANTEEN, day: '2026-12-14', status: 'refused', refusalReason: 'Certificat manquant', decidedAt: '2026-11-28T10:00:00.000Z' },
      ],
    }],
  };
}

let portal: TestPortal;

test.use({ viewport: { width: WIDTH, height: 740 } });

test.beforeAll(async () => {
  portal = await startTestPortal({ listen: true, now: '2026-11-30T09:00:00.000Z' });
  await insertSettings(portal.db, PLANNING_SETTINGS);
  await insertPublication(portal.db, publication());
});

test.afterAll(async () => {
  await portal.close();
});


/** The document is exactly as wide as the phone: nothing to scroll sideways, no text escaping a scroll box. */
async function expectNoOverflow(page: Page, what: string): Promise<void> {
  const widths = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: window.innerWidth }));
  expect(widths, what).toEqual({ document: WIDTH, body: WIDTH, viewport: WIDTH });
}

/** The grid's cell of a day and service (the table cell holding the link or text of that day). */
function cell(page: Page, service: string, day: string) {
  return page.locator('td.cell').filter({ has: page.locator('.sr-only', { hasText: new RegExp(`^${service}, ${day} :`) }) });
}

async function activate(page: Page): Promise<void> {
  await page.goto(`${portal.url}/activation`);
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByLabel('Code d’activation').fill(ACTIVATION_CODE);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bonjour Claire Martin' })).toBeVisible();
}

test('the planning fits a 360 px phone, shows refusals on the cell, and an absence goes motif → confirmer → 🚧 « en attente »', async ({ page }) => {
  // axe on eight pages of a shared machine: more than the default minute.
  test.setTimeout(240_000);
  await activate(page);
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  // The menu keeps to a sixth of the first screen.
  const header = await page.locator('.site-header').boundingBox();
  expect(header!.height).toBeLessThanOrEqual(740 / 5);

  await nav.getByRole('link', { name: 'Planning' }).click();
  await page.getByRole('link', { name: 'Semaine suivante →' }).click();
  await page.getByRole('link', { name: 'Semaine suivante →' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Léo Martin – Semaine du lundi 14 décembre 2026' })).toBeVisible();
  await expectNoOverflow(page, 'week');
  // The grid starts on the first screen.
  const firstDay = await page.locator('.planning-grid tbody tr').first().boundingBox();
  expect(firstDay!.y + firstDay!.height).toBeLessThanOrEqual(740);
  // Every day of the week, and every service, within the phone's width.
  for (const th of await page.locator('.planning-grid th, .planning-grid td').all()) {
    const box = (await th.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(WIDTH);
  }

  // A refused absence: the day stays booked, and the cell says the absence was refused, and why, in visible words.
  const refusedAbsence = cell(page, 'Restauration scolaire', 'lundi 14 décembre 2026');
  await expect(refusedAbsence.locator('.cell-refusal')).toHaveText('⛔ Absence refusée : Certificat manquant');
  await expect(refusedAbsence.locator('.cell-refusal')).toBeVisible();
  await expect(refusedAbsence.locator('.cell-text')).toHaveText('Réservé');
  // A refused booking: ⛔ « Refusé » with the office's reason.
  const refusedBooking = cell(page, 'Accueil du soir', 'jeudi 17 décembre 2026');
  await expect(refusedBooking.locator('.cell-visible')).toContainText('⛔');
  await expect(refusedBooking.locator('.cell-refusal')).toHaveText('Refusé : Plus de place disponible');
  await expect(refusedBooking.locator('.cell-refusal')).toBeVisible();
  await page.getByText('Légende').click();
  await expect(page.locator('.legend')).toContainText('⛔ Demande refusée, avec le motif du service');
  await expectNoViolation(page, 'planning, week');
  await page.screenshot({ path: test.info().outputPath('planning-week-360.png'), fullPage: true });

  await page.getByRole('link', { name: 'Voir le mois' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Léo Martin – Décembre 2026' })).toBeVisible();
  await expectNoOverflow(page, 'month');
  await expect(cell(page, 'Restauration scolaire', 'lundi 14 décembre 2026').locator('.cell-refusal')).toBeVisible();
  await expectNoViolation(page, 'planning, month');
  await page.screenshot({ path: test.info().outputPath('planning-month-360.png'), fullPage: true });

  // The day's page: the absence first, the cancellation named for what it does.
  await page.getByRole('link', { name: 'Voir par semaine' }).click();
  await page.getByRole('link', { name: 'Semaine suivante →' }).click();
  await page.getByRole('link', { name: /^Restauration scolaire, lundi 7 décembre 2026 : Réservé/ }).click();
  const actions = page.locator('main section.action h2');
  await expect(actions).toHaveText(['Déclarer une absence', 'Annuler la réservation']);
  await expectNoOverflow(page, 'day');
  await expectNoViolation(page, 'day');
  await page.screenshot({ path: test.info().outputPath('day-360.png'), fullPage: true });

  // Step 1, the motif.
  const absence = page.getByRole('region', { name: 'Déclarer une absence' });
  await absence.getByLabel('Motif de l’absence').selectOption({ label: 'RAISON MEDICALE' });
  await absence.getByLabel('Commentaire (facultatif)').fill('Angine');
  await absence.getByRole('button', { name: 'Continuer' }).click();

  // Step 2, confirmer: nothing is sent yet.
  await expect(page.getByRole('heading', { level: 1, name: 'Confirmer l’absence' })).toBeVisible();
  await expect(page.locator('main dl')).toContainText('RAISON MEDICALE');
  await expect(page.locator('main dl')).toContainText('lundi 7 décembre 2026');
  await expect(page.locator('main dl')).toContainText('Angine');
  expect(await portal.db.selectFrom('requests').select('uid').execute()).toEqual([]);
  await expectNoOverflow(page, 'confirm');
  await expectNoViolation(page, 'confirm');
  await page.screenshot({ path: test.info().outputPath('confirm-360.png'), fullPage: true });
  await page.getByRole('button', { name: 'Confirmer l’absence' }).click();

  // Stored, and shown 🚧 with its words on the cell.
  await expect(page.getByRole('status')).toContainText('Votre demande a été envoyée au service (1 jour). Les jours concernés sont marqués 🚧 « en attente »');
  const pending = cell(page, 'Restauration scolaire', 'lundi 7 décembre 2026');
  await expect(pending.locator('.cell-symbol').first()).toHaveText('🚧');
  await expect(pending.locator('.cell-text')).toHaveText('Absence en attente');
  await expect(pending.locator('.cell-text')).toBeVisible();
  const stored = await portal.db.selectFrom('requests').select(['kind']).execute();
  expect(stored).toEqual([{ kind: 'absence' }]);
  await expectNoOverflow(page, 'week after the absence');
  await expectNoViolation(page, 'planning after the absence');
  await page.screenshot({ path: test.info().outputPath('planning-pending-360.png'), fullPage: true });

  // The request lists: cards on the phone, the refusal with ⛔ and its reason, the pending one « en attente ».
  await nav.getByRole('link', { name: 'Accueil' }).click();
  const open = page.getByRole('region', { name: 'Demandes en attente' });
  await expect(open.getByRole('row').filter({ hasText: 'Absence' })).toContainText('🚧 Envoyée, en attente de transmission au service');
  const recent = page.getByRole('region', { name: /^Demandes traitées/ });
  await expect(recent.getByText('Refus du lundi 14 décembre 2026 : Certificat manquant')).toBeVisible();
  await expect(recent).toContainText('⛔ Refusée');
  await expectNoOverflow(page, 'accueil');
  await expectNoViolation(page, 'accueil');
});

test('Mes enfants and Mon compte fit the phone: tables as cards, one change at a time with its current value and format', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`${portal.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });

  await nav.getByRole('link', { name: 'Mes enfants' }).click();
  const persons = page.getByRole('table', { name: 'Personnes autorisées pour Léo Martin' });
  // Each person is a card: every column visible, named, within the phone's width.
  const neighbour = persons.getByRole('row').filter({ hasText: 'Marie-Christine Dupont-Lagarde' });
  await expect(neighbour.getByRole('cell').nth(3)).toBeVisible();
  await expect(neighbour.getByRole('cell').nth(4)).toBeVisible();
  for (const td of await persons.locator('td').all()) {
    const box = (await td.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(WIDTH);
  }
  await expectNoOverflow(page, 'mes enfants');
  await expectNoViolation(page, 'mes enfants');
  await page.screenshot({ path: test.info().outputPath('enfants-360.png'), fullPage: true });

  await nav.getByRole('link', { name: 'Mon compte' }).click();
  await expectNoOverflow(page, 'mon compte');
  await expectNoViolation(page, 'mon compte');
  await page.screenshot({ path: test.info().outputPath('compte-360.png'), fullPage: true });
  const fiscal = page.getByRole('region', { name: 'Données fiscales' });
  await fiscal.getByRole('link', { name: 'Demander une modification : Données fiscales' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Modifier : Données fiscales' })).toBeVisible();
  await expectNoOverflow(page, 'section');
  await expectNoViolation(page, 'section');
  await page.getByRole('link', { name: /^Revenu fiscal de référence/ }).click();
  await expect(page.getByText('Valeur actuelle : 42 000,00 €')).toBeVisible();
  await expect(page.locator('main')).toContainText('Format attendu');
  await expectNoViolation(page, 'field');
  await page.getByLabel('Nouvelle valeur').fill('abc');
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await expect(page.getByRole('alert')).toContainText('Demande non envoyée');
  await expectNoViolation(page, 'field with an error');
  await page.getByLabel('Nouvelle valeur').fill('43 500');
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await expect(page.getByRole('status')).toContainText('Votre demande de modification a été envoyée');
  await expect(page.getByRole('region', { name: 'Données fiscales' })).toContainText('🚧 Modification demandée, en attente : Revenu fiscal de référence → « 43 500,00 € »');
  await expectNoViolation(page, 'mon compte after a request');
});
