import { execFileSync } from 'node:child_process';
import { expect, login, test, useOfficeBridge } from './bridge.js';

const bridge = useOfficeBridge();

test('a child created with an allergy and an authorised person prints on its sheet', async ({ page, consoleProblems }, testInfo) => {
  await login(page, bridge);
  await page.locator('.ag-row').first().dblclick();
  await expect(page.getByRole('heading', { level: 1, name: /^Famille / })).toBeVisible();
  await page.getByRole('link', { name: 'Ajouter un enfant' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Ajouter un enfant' })).toBeVisible();
  await page.getByLabel('Prénom', { exact: true }).fill('Séraphin');
  await page.getByLabel('Nom', { exact: true }).fill('Vauquelin');
  await page.getByLabel('Sexe').selectOption('M');
  await page.getByLabel('Date de naissance').fill('2018-05-14');
  await page.getByLabel('Classe').selectOption('CE2');
  await page.getByLabel('Allergies').fill('Arachide et fruits à coque');
  await page.getByRole('button', { name: 'Ajouter une personne' }).click();
  await page.getByLabel('Nom (personne 1)', { exact: true }).fill('Brisebarre');
  await page.getByLabel('Prénom (personne 1)', { exact: true }).fill('Odile');
  await page.getByLabel('Lien avec l’enfant (personne 1)').fill('Grand-mère');
  await page.getByLabel('Téléphone (personne 1)', { exact: true }).fill('06 45 67 89 01');
  await page.getByRole('button', { name: 'Créer l’enfant' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Séraphin Vauquelin' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Santé' }).getByLabel('Allergies')).toHaveValue('Arachide et fruits à coque');
  await expect(page.getByRole('region', { name: 'Personnes autorisées' }).getByLabel('Nom (personne 1)', { exact: true })).toHaveValue('Brisebarre');

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Imprimer la fiche' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.pdf$/i);
  const pdf = testInfo.outputPath('fiche.pdf');
  await download.saveAs(pdf);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  // Sheets print family names in capitals, as French forms do.
  expect(text).toMatch(/VAUQUELIN\s+Séraphin/);
  expect(text).toContain('Arachide et fruits à coque');
  expect(text).toMatch(/BRISEBARRE\s+Odile/);

  // The new child shows in the children grid.
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  await page.getByLabel('Rechercher un enfant').fill('vauque');
  await expect(page.locator('.ag-row').filter({ hasText: 'Séraphin' })).toBeVisible();
  expect(consoleProblems).toEqual([]);
});

test('a photo is resized to JPEG and kept; a file that is not an image is refused next to the field', async ({ page }) => {
  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  await page.locator('.ag-row').first().dblclick();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const photoSection = page.getByRole('region', { name: 'Photo' });
  const hadPhoto = (await photoSection.getByRole('img').count()) > 0;

  const input = photoSection.getByLabel('Choisir une photo');
  await input.setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('ceci est un texte, pas une image') });
  await expect(input).toHaveAccessibleDescription('Ce fichier n’est pas une image (JPEG, PNG ou WebP).');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Photo' }).getByRole('img')).toHaveCount(hadPhoto ? 1 : 0);

  // A real 1200x800 PNG, drawn by the browser itself.
  const png = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 1200;
    canvas.height = 800;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#3a7';
    context.fillRect(0, 0, 1200, 800);
    return canvas.toDataURL('image/png').split(',')[1]!;
  });
  await page.getByRole('region', { name: 'Photo' }).getByLabel('Choisir une photo').setInputFiles({
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: Buffer.from(png, 'base64'),
  });
  await expect(page.getByText('Photo enregistrée.')).toBeVisible();
  await page.reload();
  const image = page.getByRole('region', { name: 'Photo' }).getByRole('img');
  await expect(image).toBeVisible();
  await expect(image).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
  const size = await image.evaluate((element: HTMLImageElement) => [element.naturalWidth, element.naturalHeight]);
  expect(size).toEqual([600, 400]);
});
