import { execFileSync } from 'node:child_process';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { seriousViolations } from './axe.js';
import { officeApi } from './api.js';

const bridge = useOfficeBridge();

/** Nothing listens on the discard port of the loopback: the sync fails at once, without leaving the machine. */
const DEAD_PORTAL = 'http://127.0.0.1:9';
const SECRET = 'un-secret-partage-de-test-assez-long-0123456789';

test('an administrator pairs the office with a portal that does not answer and reads a plain French error', async ({ page, consoleProblems }) => {
  await login(page, bridge, 'admin');
  const indicator = page.getByRole('group', { name: 'Synchronisation avec le portail famille' });
  await expect(indicator).toContainText('Portail : non configuré');
  await expect(indicator.getByRole('button', { name: 'Synchroniser maintenant' })).toHaveCount(0);

  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await page.getByRole('tab', { name: 'Portail famille' }).click();
  const form = page.getByRole('region', { name: 'Liaison avec le portail famille' });
  await form.getByLabel('Adresse du portail').fill('portail sans schéma');
  const secret = form.getByLabel('Secret partagé');
  await expect(secret).toHaveAttribute('type', 'password');
  await secret.fill('trop-court');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Adresse du portail invalide', { exact: false })).toBeVisible();
  await expect(form.getByText('Le secret partagé doit faire au moins 32 caractères.')).toBeVisible();
  await expect(secret).toHaveAttribute('aria-invalid', 'true');
  expect(await seriousViolations(page)).toEqual([]);

  await form.getByLabel('Adresse du portail').fill(DEAD_PORTAL);
  await secret.fill(SECRET);
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Portail enregistré', { exact: false })).toBeVisible();
  await expect(secret).toHaveValue('');
  await expect(indicator).toContainText(/Portail : (non synchronisé|erreur)/);

  const run = indicator.getByRole('button', { name: 'Synchroniser maintenant' });
  await run.click();
  await expect(indicator.getByRole('button', { name: 'Synchroniser maintenant' })).toBeEnabled();
  await expect(indicator).toContainText(`Portail : erreur — Portail injoignable (${DEAD_PORTAL})`);
  await expect(indicator).toContainText(/\d+ publications? en attente d’envoi/);
  const details = page.getByRole('region', { name: 'État de la synchronisation' });
  await expect(details).toContainText(DEAD_PORTAL);
  await expect(details).toContainText('Portail injoignable');
  // Nothing the portal sent was set aside (an unknown family, an unreadable body): said, not left out.
  const setAside = details.locator('dt', { hasText: 'Demandes du portail mises de côté' }).locator('xpath=following-sibling::dd[1]');
  await expect(setAside).toHaveText('aucune');
  const shown = (await indicator.innerText()) + (await details.innerText());
  expect(shown).not.toMatch(/\n\s+at |Error:|TypeError|node:internal/);
  expect(await seriousViolations(page)).toEqual([]);

  // The pairing is kept: a reload shows the saved address, never the secret.
  await page.reload();
  await page.getByRole('tab', { name: 'Portail famille' }).click();
  await expect(page.getByLabel('Adresse du portail')).toHaveValue(DEAD_PORTAL);
  await expect(page.getByLabel('Secret partagé')).toHaveValue('');
  expect(consoleProblems).toEqual([]);
});

test('an agent issues an activation code for a responsable and prints the letter', async ({ page, consoleProblems }) => {
  const admin = await officeApi(bridge, 'admin');
  await admin('sync.configure', { portalUrl: DEAD_PORTAL, secret: SECRET });
  const families = await admin('families.search', { query: '', includeArchived: false, limit: 300 });
  const withEmail = families.find((family) => family.email !== '');
  const withoutEmail = families.find((family) => family.email === '');
  expect(withEmail).toBeDefined();
  const family = await admin('families.get', { id: withEmail!.id });
  const parent = family.data.responsable1;

  await login(page, bridge, 'accueil');
  await page.evaluate((id) => {
    window.location.hash = `#/familles/${id}`;
  }, family.id);
  const section = page.getByRole('region', { name: 'Accès au portail famille' });
  await expect(section).toBeVisible();
  await section.getByRole('button', { name: `Générer un code d’activation pour ${parent.prenom} ${parent.nom}` }).click();
  const code = section.locator('.activation-code .code');
  await expect(code).toHaveText(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  const codeText = await code.innerText();
  await expect(section).toContainText(/Valable jusqu’au (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+(er)? \p{L}+ \d{4} à \d{2}h\d{2}/u);
  expect(await seriousViolations(page)).toEqual([]);

  // The letter: one A4 page for a window envelope, from the commune to the responsable at home, dated, with the code.
  const download = page.waitForEvent('download');
  await section.getByRole('button', { name: 'Imprimer le courrier' }).click();
  const file = await (await download).path();
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  expect(info).toMatch(/^Pages:\s+1$/m);
  expect(info).toMatch(/^Page size:\s+595\.\d* x 841\.\d* pts \(A4\)/m);
  const letter = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[\s\u00a0\u202f]+/g, ' ');
  const settings = await admin('billing.settings', {});
  expect(letter).toContain(settings.issuer.communeName);
  expect(letter).toContain(`${parent.prenom} ${parent.nom.toLocaleUpperCase('fr-FR')}`);
  expect(letter).toContain(parent.adresse);
  expect(letter).toContain(`${parent.codePostal} ${parent.ville}`);
  expect(letter).toMatch(/, le \d{1,2}(er)? \p{L}+ \d{4}/u);
  expect(letter).toContain(`${DEAD_PORTAL}/activation`);
  expect(letter).toContain(parent.email!);
  expect(letter).toContain(codeText);
  // Where a window envelope shows it: the name and address in the window, right half of the page, below the sender.
  const boxes = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  const word = (text: string) => {
    const match = new RegExp(`<word xMin="([\\d.]+)" yMin="([\\d.]+)"[^>]*>${text}</word>`).exec(boxes);
    return match ? { x: Number(match[1]) / (72 / 25.4), y: Number(match[2]) / (72 / 25.4) } : null;
  };
  const at = word(parent.nom.toLocaleUpperCase('fr-FR').split(' ')[0]!);
  expect(at).not.toBeNull();
  expect(at!.x).toBeGreaterThan(100);
  expect(at!.y).toBeGreaterThan(45);
  expect(at!.y).toBeLessThan(90);

  // The audit says a code was issued, never the code.
  const history = await admin('audit.forFamily', { familyId: family.id });
  expect(JSON.stringify(history)).toContain('Code d');
  expect(JSON.stringify(history)).not.toContain(codeText);

  if (withoutEmail) {
    await page.evaluate((id) => {
      window.location.hash = `#/familles/${id}`;
    }, withoutEmail.id);
    const other = page.getByRole('region', { name: 'Accès au portail famille' });
    await expect(other).toContainText('Pas d’adresse e-mail : elle sert d’identifiant sur le portail.');
  }
  expect(consoleProblems).toEqual([]);
});

test('the régisseur sees the portal state but has no sync button and no activation code', async ({ page }) => {
  await login(page, bridge, 'regie');
  const indicator = page.getByRole('group', { name: 'Synchronisation avec le portail famille' });
  await expect(indicator).toContainText('Portail :');
  await expect(indicator.getByRole('button')).toHaveCount(0);
  await page.locator('.ag-row').first().dblclick();
  const section = page.getByRole('region', { name: 'Accès au portail famille' });
  await expect(section).toContainText('Responsable 1');
  await expect(section.getByRole('button')).toHaveCount(0);
});
