import { DEMO_PASSWORD, expect, login, test, useOfficeBridge } from './bridge.js';

const bridge = useOfficeBridge();

test('a wrong password is refused in French, the right one opens the families', async ({ page, consoleProblems }) => {
  await page.goto(bridge.url);
  // The token leaves the address bar as soon as the page has read it.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByLabel('Identifiant')).toBeFocused();

  await page.getByLabel('Identifiant').fill('accueil');
  await page.getByLabel('Mot de passe').fill('pas-le-bon');
  await page.getByLabel('Mot de passe').press('Enter');
  await expect(page.getByText(/mot de passe incorrect/i).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toHaveCount(0);

  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('banner')).toContainText('Accueil (démo)');
  await expect(page.getByRole('banner')).toContainText('Agent d’accueil');
  await expect(page.getByRole('heading', { level: 1, name: 'Familles' })).toBeVisible();
  await expect(page.getByLabel('Rechercher une famille')).toBeFocused();

  // A reload keeps the session of this tab.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Déconnexion' })).toBeVisible();

  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page.getByRole('heading', { name: 'Connexion' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Connexion' })).toBeVisible();
  expect(consoleProblems).toEqual([]);
});

test('the régie account sees its role and the children grid without health columns filled', async ({ page }) => {
  await login(page, bridge, 'regie');
  await expect(page.getByRole('banner')).toContainText('Régisseur');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enfants' })).toBeVisible();
  await expect(page.locator('.ag-row').first()).toBeVisible();
  // Health data are not for the régie: the PAI column reads « masqué » (a dash would say « none »).
  const paiCells = page.locator('.ag-row .ag-cell[col-id="pai"]');
  await expect(paiCells.first()).toHaveText('masqué');
});
