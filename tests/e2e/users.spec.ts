import type { Page } from '@playwright/test';
import { DEMO_PASSWORD, expect, login, test, useOfficeBridge } from './bridge.js';
import { seriousViolations } from './axe.js';

const bridge = useOfficeBridge();

async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page.getByRole('button', { name: 'Se connecter' })).toBeVisible();
}

async function tryLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

test('an administrator creates a user, who can then log in; errors stay next to their fields', async ({ page, consoleProblems }) => {
  await login(page, bridge, 'admin');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Utilisateurs' }).click();
  const panel = page.getByRole('region', { name: 'Utilisateurs' });
  const accueil = panel.getByRole('row').filter({ hasText: 'accueil' });
  await expect(accueil).toContainText('Agent d’accueil');
  await expect(accueil).toContainText('Oui');
  expect(await seriousViolations(page)).toEqual([]);

  await panel.getByRole('button', { name: 'Nouvel utilisateur' }).click();
  const form = page.getByRole('region', { name: 'Nouvel utilisateur' });
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText("L'identifiant compte 2 à 40 lettres, chiffres, points, tirets.")).toBeVisible();
  await expect(form.getByText('Le nom affiché est obligatoire.')).toBeVisible();
  await expect(form.getByText('Le mot de passe est obligatoire pour un nouvel utilisateur.')).toBeVisible();
  await expect(form.getByLabel('Mot de passe')).toHaveAttribute('aria-invalid', 'true');
  expect(await seriousViolations(page)).toEqual([]);

  // The office's own refusal (a taken username) lands next to the field too.
  await form.getByLabel('Identifiant').fill('accueil');
  await form.getByLabel('Nom affiché').fill('Camille Martin');
  await form.getByLabel('Rôle').selectOption({ label: 'Régisseur' });
  await form.getByLabel('Mot de passe').fill('court');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Le mot de passe compte au moins 10 caractères.')).toBeVisible();
  await form.getByLabel('Mot de passe').fill('camille-2026-secret');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Cet identifiant est déjà utilisé.')).toBeVisible();
  await expect(form.getByLabel('Identifiant')).toHaveAttribute('aria-invalid', 'true');

  await form.getByLabel('Identifiant').fill('camille.martin');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Utilisateur « Camille Martin » enregistré.')).toBeVisible();
  const row = panel.getByRole('row').filter({ hasText: 'camille.martin' });
  await expect(row).toContainText('Camille Martin');
  await expect(row).toContainText('Régisseur');
  await expect(row).toContainText('Oui');

  await logout(page);
  await tryLogin(page, 'camille.martin', 'camille-2026-secret');
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toBeVisible();
  await expect(page.locator('.user-box')).toContainText('Camille Martin');
  await expect(page.locator('.user-box')).toContainText('Régisseur');

  // Deactivated by the administrator, the account no longer opens.
  await logout(page);
  await login(page, bridge, 'admin');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Utilisateurs' }).click();
  await page.getByRole('button', { name: 'Modifier Camille Martin' }).click();
  const edit = page.getByRole('region', { name: 'Modifier : Camille Martin' });
  await expect(edit.getByLabel('Identifiant')).toHaveValue('camille.martin');
  await edit.getByLabel('Actif (peut se connecter)').uncheck();
  await edit.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('region', { name: 'Utilisateurs' }).getByRole('row').filter({ hasText: 'camille.martin' })).toContainText('Non');
  await logout(page);
  await tryLogin(page, 'camille.martin', 'camille-2026-secret');
  await expect(page.getByText('Ce compte est désactivé', { exact: false }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toHaveCount(0);
  expect(consoleProblems).toEqual([]);
});

test('a user changes their password in a dialog, then logs in with the new one; the old one is refused', async ({ page, consoleProblems }) => {
  await login(page, bridge, 'regie');
  const opener = page.getByRole('button', { name: 'Mon mot de passe' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Mon mot de passe' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Mot de passe actuel')).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);

  // Focus stays inside the dialog while tabbing around.
  for (let step = 0; step < 7; step += 1) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();

  await opener.click();
  await dialog.getByLabel('Mot de passe actuel').fill('pas-le-bon-mot-de-passe');
  await dialog.getByLabel('Nouveau mot de passe', { exact: true }).fill('regie-nouveau-2026');
  await dialog.getByLabel('Confirmez le nouveau mot de passe').fill('regie-nouveau-2027');
  await dialog.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(dialog.getByText('Les deux saisies du nouveau mot de passe diffèrent.')).toBeVisible();
  await dialog.getByLabel('Confirmez le nouveau mot de passe').fill('regie-nouveau-2026');
  await dialog.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(dialog.getByText('Mot de passe actuel incorrect.')).toBeVisible();
  await expect(dialog.getByLabel('Mot de passe actuel')).toHaveAttribute('aria-invalid', 'true');
  expect(await seriousViolations(page)).toEqual([]);

  await dialog.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
  await dialog.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(dialog.getByText('Mot de passe modifié', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  await expect(dialog).toHaveCount(0);

  await logout(page);
  await tryLogin(page, 'regie', DEMO_PASSWORD);
  await expect(page.getByText('Identifiant ou mot de passe incorrect.').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toHaveCount(0);
  await tryLogin(page, 'regie', 'regie-nouveau-2026');
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toBeVisible();
  expect(consoleProblems).toEqual([]);
});
