import type { Page } from '@playwright/test';
import { officeApi } from './api.js';
import { expect, login, openFamily, test, useOfficeBridge } from './bridge.js';

/** Unsaved edits are never lost without a question; a family already on file is shown before a second one is created. */

const bridge = useOfficeBridge();
const QUESTION = 'Abandonner les modifications ?';

/** Answers the next confirm dialog and returns its message. */
function answerNext(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      const message = dialog.message();
      expect(dialog.type()).toBe('confirm');
      void (accept ? dialog.accept() : dialog.dismiss()).then(() => resolve(message));
    });
  });
}

test('leaving a family file with a changed « Employeur » asks first; Échap asks too', async ({ page }) => {
  await login(page, bridge);
  await page.locator('.ag-row').first().dblclick();
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
  const url = page.url();
  const r1 = page.getByRole('region', { name: 'Responsable 1' });
  const employer = r1.getByLabel('Employeur');
  const saved = await employer.inputValue();
  await employer.fill('Scierie du Val');

  // Clicking elsewhere: kept when the agent says no.
  let asked = answerNext(page, false);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  expect(await asked).toBe(QUESTION);
  expect(page.url()).toBe(url);
  await expect(employer).toHaveValue('Scierie du Val');

  // The history tab unmounts the form: asked too.
  asked = answerNext(page, false);
  await page.getByRole('tab', { name: 'Historique' }).click();
  expect(await asked).toBe(QUESTION);
  await expect(employer).toHaveValue('Scierie du Val');

  // The back key (a hash change from outside the page) is undone when the agent keeps the changes.
  asked = answerNext(page, false);
  await page.evaluate(() => {
    window.location.hash = '#/enfants';
  });
  expect(await asked).toBe(QUESTION);
  await expect(page).toHaveURL(url);
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
  await expect(employer).toHaveValue('Scierie du Val');

  // Échap: asked; no keeps the text, yes puts the saved value back.
  asked = answerNext(page, false);
  await employer.press('Escape');
  expect(await asked).toBe(QUESTION);
  await expect(employer).toHaveValue('Scierie du Val');
  asked = answerNext(page, true);
  await employer.press('Escape');
  expect(await asked).toBe(QUESTION);
  await expect(employer).toHaveValue(saved);

  // Nothing changed any more: leaving asks nothing (a dialog would fail this test: auto-dismissed and page kept).
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  await expect(page).toHaveURL(/#\/enfants$/);

  // Changed again, then agreed: the page is left and nothing was saved.
  await page.goto(url);
  await page.getByRole('region', { name: 'Responsable 1' }).getByLabel('Employeur').fill('Scierie du Val');
  asked = answerNext(page, true);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Familles' }).click();
  expect(await asked).toBe(QUESTION);
  await expect(page).toHaveURL(/#\/familles$/);
  await page.goto(url);
  await expect(page.getByRole('region', { name: 'Responsable 1' }).getByLabel('Employeur')).toHaveValue(saved);
});

test('Échap in « Ajouter un enfant » being filled asks before leaving; untouched, it leaves at once', async ({ page }) => {
  await login(page, bridge);
  await page.locator('.ag-row').first().dblclick();
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
  const familyUrl = page.url();
  await page.getByRole('link', { name: 'Ajouter un enfant' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ajouter un enfant' })).toBeVisible();
  await page.getByLabel('Prénom', { exact: true }).press('Escape');
  await expect(page).toHaveURL(familyUrl);

  await page.getByRole('link', { name: 'Ajouter un enfant' }).click();
  const firstName = page.getByLabel('Prénom', { exact: true });
  await firstName.fill('Léonie');
  let asked = answerNext(page, false);
  await firstName.press('Escape');
  expect(await asked).toBe(QUESTION);
  await expect(page.getByRole('heading', { level: 1, name: 'Ajouter un enfant' })).toBeVisible();
  await expect(firstName).toHaveValue('Léonie');
  // « Annuler » is a link away: asked as well.
  asked = answerNext(page, false);
  await page.getByRole('link', { name: 'Annuler' }).click();
  expect(await asked).toBe(QUESTION);
  await expect(firstName).toHaveValue('Léonie');
  asked = answerNext(page, true);
  await firstName.press('Escape');
  expect(await asked).toBe(QUESTION);
  await expect(page).toHaveURL(familyUrl);
});

test('« Nouvelle famille » shows the family already on file, opens it, or creates anyway', async ({ page }) => {
  const call = await officeApi(bridge);
  const existing = (await call('families.search', { query: '', includeArchived: false, limit: 1 }))[0]!;
  const file = await call('families.get', { id: existing.id });
  const r1 = file.data.responsable1;
  expect(r1.telMobile || r1.email).not.toBe('');

  await login(page, bridge);
  await page.getByRole('link', { name: 'Nouvelle famille' }).click();
  // Same name, same phone typed another way, same e-mail in capitals.
  await page.getByLabel('Nom', { exact: true }).fill(r1.nom);
  await page.getByLabel('Prénom', { exact: true }).fill(r1.prenom);
  const phone = r1.telMobile.replace(/\D/g, '');
  if (phone) await page.getByLabel('Téléphone mobile').fill(phone.startsWith('0') ? `+33 ${phone.slice(1)}` : phone);
  if (r1.email) await page.getByLabel('E-mail').fill(r1.email.toUpperCase());
  await page.getByRole('button', { name: 'Créer la famille' }).click();

  const warning = page.getByRole('alert').filter({ hasText: 'semble déjà enregistrée' });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(phone ? 'même téléphone' : 'même e-mail');
  const before = await call('families.search', { query: r1.nom, includeArchived: true });
  const link = warning.getByRole('link', { name: new RegExp(`Ouvrir le dossier de la famille ${r1.nom} ${r1.prenom}`) });
  await expect(link).toHaveAttribute('href', `#/familles/${existing.id}`);

  // Opening the existing file leaves the form being filled: asked, then the file opens; nothing was created.
  const asked = answerNext(page, true);
  await link.click();
  expect(await asked).toBe(QUESTION);
  await expect(page.getByRole('heading', { level: 1, name: `Famille ${r1.nom} ${r1.prenom}` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/familles/${existing.id}$`));
  expect(await call('families.search', { query: r1.nom, includeArchived: true })).toHaveLength(before.length);

  // Back to a new family: « Créer quand même » creates it and opens the new file.
  await page.goto(`${bridge.url.split('#')[0]}#/familles/nouvelle`);
  await page.getByLabel('Nom', { exact: true }).fill(r1.nom);
  await page.getByLabel('Prénom', { exact: true }).fill(r1.prenom);
  if (phone) await page.getByLabel('Téléphone mobile').fill(phone);
  if (r1.email) await page.getByLabel('E-mail').fill(r1.email);
  await page.getByRole('button', { name: 'Créer la famille' }).click();
  await page.getByRole('button', { name: 'Créer quand même' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Famille ${r1.nom} ${r1.prenom}` })).toBeVisible();
  await expect(page).not.toHaveURL(new RegExp(`#/familles/${existing.id}$`));
  expect(await call('families.search', { query: r1.nom, includeArchived: true })).toHaveLength(before.length + 1);

  // A family that shares nothing is created at once, without a warning.
  await page.goto(`${bridge.url.split('#')[0]}#/familles/nouvelle`);
  await page.getByLabel('Nom', { exact: true }).fill('Quenouille');
  await page.getByLabel('Prénom', { exact: true }).fill('Ysaline');
  await page.getByRole('button', { name: 'Créer la famille' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Famille Quenouille Ysaline' })).toBeVisible();
});

test('opening a family from the grid still works without a question when nothing is being edited', async ({ page }) => {
  await login(page, bridge);
  await openFamily(page, 'Quenouille');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Familles' }).click();
  await expect(page).toHaveURL(/#\/familles$/);
});

test('in the calendar settings, opening another period over a changed one asks first', async ({ page }) => {
  await login(page, bridge, 'admin');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Calendrier' }).click();
  await page.getByRole('button', { name: 'Ajouter une période' }).click();
  const form = page.getByRole('region', { name: 'Nouvelle période' });
  await form.getByLabel('Libellé').fill('Fermeture pour inventaire');
  const asked = answerNext(page, false);
  await page.getByRole('button', { name: 'Ajouter une année scolaire' }).click();
  expect(await asked).toBe(QUESTION);
  await expect(form.getByLabel('Libellé')).toHaveValue('Fermeture pour inventaire');
  await expect(page.getByRole('region', { name: 'Nouvelle année scolaire' })).toHaveCount(0);
});

test('a collective absence being filled in asks before another settings tab is opened', async ({ page }) => {
  await login(page, bridge, 'admin');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Événement' }).click();
  const form = page.getByRole('region', { name: 'Événement : absence collective' });
  await form.getByLabel('Commentaire').fill('Grève annoncée par le syndicat');
  let asked = answerNext(page, false);
  await page.getByRole('tab', { name: 'Services' }).click();
  expect(await asked).toBe(QUESTION);
  await expect(form.getByLabel('Commentaire')).toHaveValue('Grève annoncée par le syndicat');
  asked = answerNext(page, true);
  await page.getByRole('tab', { name: 'Services' }).click();
  expect(await asked).toBe(QUESTION);
  await expect(form).toHaveCount(0);
});
