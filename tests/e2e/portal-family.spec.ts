import { expectNoViolation } from './axe.js';
import { expect, test } from '@playwright/test';
import { publishedInvoice, sampleInvoiceDocument } from '../helpers/invoice.js';
import { ACTIVATION_CODE, insertPublication, insertSettings, makePublication, startTestPortal, type TestPortal } from '../helpers/portal.js';

/**
 * The portail famille in a phone-sized browser: a real server on a temp database, a real SMTP server catching its
 * mail, and axe-core (WCAG 2.1 A and AA) on every page a family can reach.
 */
const EMAIL = 'famille1@example.test';
const PASSWORD = 'un mot de passe solide';

let portal: TestPortal;

test.use({ viewport: { width: 360, height: 740 } });

test.beforeAll(async () => {
  portal = await startTestPortal({ listen: true });
  await insertSettings(portal.db, { news: [{ date: '2026-11-25', title: 'Menus de décembre', body: 'Les menus de décembre sont affichés dans les écoles.' }] });
  await insertPublication(portal.db, makePublication(1, {
    invoices: [publishedInvoice(sampleInvoiceDocument({ number: '2026-000042' }))],
    payments: [{ date: '2026-10-10', amountCents: 3850, method: 'Prélèvement' }],
    balanceCents: 1640,
    requests: [{ uid: '11111111-1111-4111-8111-111111111111', kind: 'absence', submittedAt: '2026-11-20T10:00:00.000Z', reason: 'MEDICAL', items: [
      { childId: 11, serviceId: 1, day: '2026-11-23', status: 'accepted', refusalReason: null, decidedAt: '2026-11-21T10:00:00.000Z' },
      { childId: 11, serviceId: 1, day: '2026-11-24', status: 'refused', refusalReason: 'Certificat manquant', decidedAt: '2026-11-21T10:00:00.000Z' },
    ] }],
  }));
});

test.afterAll(async () => {
  await portal.close();
});


test('a family activates its account on a phone, visits every page, and each passes axe', async ({ page }) => {
  // axe on fifteen pages of a shared machine: more than the default minute.
  test.setTimeout(240_000);
  const cspErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') cspErrors.push(msg.text());
  });
  await page.goto(`${portal.url}/`);
  await expect(page).toHaveTitle('Connexion – Portail famille – Epagny Metz-Tessy');
  await expectNoViolation(page, 'login');

  await page.getByRole('link', { name: 'Activer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Activer mon compte' })).toBeVisible();
  await expectNoViolation(page, 'activation');
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByLabel('Code d’activation').fill('mauvais');
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expect(page.getByRole('alert')).toContainText('code d’activation incorrect');
  await expectNoViolation(page, 'activation with an error');

  await page.getByLabel('Code d’activation').fill(ACTIVATION_CODE);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bonjour Claire Martin' })).toBeVisible();
  await expect(page.getByText('Modifications pour la semaine du 7 décembre')).toBeVisible();
  await expect(page.getByText('Refus du mardi 24 novembre 2026 : Certificat manquant')).toBeVisible();
  await expectNoViolation(page, 'accueil');

  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await nav.getByRole('link', { name: 'Mon compte' }).click();
  await expect(page).toHaveTitle('Mon compte – Portail famille – Epagny Metz-Tessy');
  await expectNoViolation(page, 'mon compte');
  const caf = page.getByRole('region', { name: 'CAF' });
  await caf.getByRole('link', { name: 'Demander une modification : CAF' }).click();
  await expectNoViolation(page, 'modifier : CAF');
  await page.getByRole('link', { name: 'Numéro allocataire' }).click();
  await expect(page.getByText('Valeur actuelle : 1234567')).toBeVisible();
  await expectNoViolation(page, 'modifier : Numéro allocataire');
  await page.getByLabel('Nouvelle valeur').fill('7654321');
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await expect(page.getByText('🚧 Modification demandée, en attente : Numéro allocataire → « 7654321 »')).toBeVisible();
  await expectNoViolation(page, 'mon compte after a request');

  await nav.getByRole('link', { name: 'Mes enfants' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Léo Martin' })).toBeVisible();
  await expectNoViolation(page, 'mes enfants');

  await nav.getByRole('link', { name: 'Relevé de compte' }).click();
  await expect(page.getByRole('link', { name: 'Télécharger la facture n° 2026-000042 (PDF)' })).toBeVisible();
  await expectNoViolation(page, 'relevé');

  await page.goto(`${portal.url}/mot-de-passe`);
  await expectNoViolation(page, 'changer mon mot de passe');

  await page.getByRole('link', { name: 'Accessibilité : partiellement conforme' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Déclaration d’accessibilité' })).toBeVisible();
  await expectNoViolation(page, 'accessibilité');

  await page.goto(`${portal.url}/mes-enfants/999/photo`);
  await expect(page.getByRole('heading', { level: 1, name: 'Page introuvable' })).toBeVisible();
  await expectNoViolation(page, '404');

  await page.goto(`${portal.url}/`);
  await nav.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page).toHaveTitle(/^Connexion/);
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toHaveText('Adresse e-mail ou mot de passe incorrect.');
  await expectNoViolation(page, 'login with an error');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bonjour Claire Martin' })).toBeVisible();
  expect(cspErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
});

test('a forgotten password is reset from the mailed link, and the pages pass axe', async ({ page }) => {
  await page.goto(`${portal.url}/connexion`);
  await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await expectNoViolation(page, 'mot de passe oublié');
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByRole('button', { name: 'Recevoir un lien' }).click();
  await expect(page.getByRole('status')).toContainText('Si un compte correspond à cette adresse');
  await expectNoViolation(page, 'mot de passe oublié, envoyé');

  const mail = await portal.smtp.waitForMail((m) => m.subject?.includes('nouveau mot de passe') ?? false);
  const link = /(http:\/\/\S+jeton=\S+)/.exec(mail.text ?? '')![1]!;
  await page.goto(link);
  await expectNoViolation(page, 'nouveau mot de passe');
  await page.getByLabel('Nouveau mot de passe').fill('mon nouveau mot de passe');
  await page.getByLabel('Confirmez le mot de passe').fill('mon nouveau mot de passe');
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(page.getByRole('status')).toContainText('Votre mot de passe a été changé');
  await page.getByLabel('Adresse e-mail').fill(EMAIL);
  await page.getByLabel('Mot de passe').fill('mon nouveau mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bonjour Claire Martin' })).toBeVisible();

  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Lien expiré' })).toBeVisible();
  await expectNoViolation(page, 'lien expiré');
});
