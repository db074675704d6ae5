import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { officeApi } from './api.js';

const bridge = useOfficeBridge();

const MINIMAL_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

test('a scanned document is added to the family file and opens again', async ({ page }, testInfo) => {
  await login(page, bridge);
  await page.locator('.ag-row').first().dblclick();
  const documents = page.getByRole('region', { name: 'Documents' });
  await documents.getByLabel('Type de document').selectOption('attestation_caf');
  await documents.getByLabel('Libellé').fill('Attestation QF janvier');
  await documents.getByLabel('Date du document').fill('2026-01-12');
  // The file picker speaks French (the browser's own input would say « Choose File / No file chosen »).
  const picker = documents.locator('.file-input');
  await expect(picker.getByText('Choisir un fichier…')).toBeVisible();
  await expect(picker.getByText('Aucun fichier choisi')).toBeVisible();
  expect((await documents.getByLabel('Fichier').boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
  await documents.getByLabel('Fichier').setInputFiles({ name: 'attestation.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF });
  await expect(picker.getByText('attestation.pdf')).toBeVisible();
  await documents.getByRole('button', { name: 'Ajouter le document' }).click();
  await expect(documents.getByText('Document ajouté.')).toBeVisible();
  await expect(picker.getByText('Aucun fichier choisi')).toBeVisible();

  await page.reload();
  const row = page.getByRole('region', { name: 'Documents' }).getByRole('row').filter({ hasText: 'Attestation QF janvier' });
  await expect(row).toContainText('Attestation CAF');
  await expect(row).toContainText('12/01/2026');
  const downloadPromise = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Ouvrir' }).click();
  const download = await downloadPromise;
  const file = testInfo.outputPath('doc.pdf');
  await download.saveAs(file);
  expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
});

test('an archived family leaves the search until « Afficher les archivées » is ticked, and comes back when reactivated', async ({ page }) => {
  await login(page, bridge);
  const firstName = (await page.locator('.ag-row .ag-cell[col-id="nom"]').first().textContent())?.trim() ?? '';
  const firstPrenom = (await page.locator('.ag-row .ag-cell[col-id="prenom"]').first().textContent())?.trim() ?? '';
  await page.locator('.ag-row').first().dblclick();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Archiver' }).click();
  await expect(page.getByRole('button', { name: 'Réactiver' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Archivée');
  // An archived file is read-only.
  await expect(page.getByRole('region', { name: 'Responsable 1' }).getByRole('button', { name: 'Enregistrer' })).toHaveCount(0);

  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Familles' }).click();
  await page.getByLabel('Rechercher une famille').fill(`${firstName} ${firstPrenom}`);
  await expect(page.getByRole('status').filter({ hasText: 'résultat' })).toBeVisible();
  const familyRow = page
    .locator('.ag-row')
    .filter({ has: page.locator('[col-id="nom"]').getByText(firstName, { exact: true }) })
    .filter({ has: page.locator('[col-id="prenom"]').getByText(firstPrenom, { exact: true }) });
  await expect(familyRow).toHaveCount(0);
  await page.getByLabel('Afficher les archivées').check();
  const archivedRow = familyRow;
  await expect(archivedRow).toBeVisible();
  await archivedRow.dblclick();
  await page.getByRole('button', { name: 'Réactiver' }).click();
  await expect(page.getByRole('button', { name: 'Archiver' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Responsable 1' }).getByRole('button', { name: 'Enregistrer' })).toBeVisible();
});

test('the family sheets print as one PDF with every child', async ({ page }, testInfo) => {
  await login(page, bridge);
  await page.locator('.ag-row').first().dblclick();
  await expect(page.locator('.child-list a').first()).toBeVisible();
  const children = await page.locator('.child-list a').allTextContents();
  expect(children.length).toBeGreaterThan(0);
  // The office reports its progress while it lays the sheets out: the bar shows it (it goes once the PDF is there).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const bar = document.querySelector('.call-progress');
      if (bar?.textContent && seen.at(-1) !== bar.textContent) seen.push(bar.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Imprimer les fiches' }).click();
  const download = await downloadPromise;
  const file = testInfo.outputPath('fiches.pdf');
  await download.saveAs(file);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  for (const child of children) expect(text).toContain(child.trim().split(' ')[0]);
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  expect(seen[0]).toBe(`Mise en page des fiches : 0 / ${children.length}`);
  await expect(page.locator('.call-progress')).toHaveCount(0);
});

test('the régie does not see children’s health data', async ({ page }) => {
  await login(page, bridge, 'regie');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  await page.locator('.ag-row').first().dblclick();
  await expect(page.getByRole('region', { name: 'Identité' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Santé' })).toHaveCount(0);
  await expect(page.getByLabel('Allergies')).toHaveCount(0);
});

test('a class’s sheets print from the children page and from the day list, with every child of the class', async ({ page }, testInfo) => {
  const admin = await officeApi(bridge, 'admin');
  const canteen = (await admin('services.list', {})).find((service) => service.code === 'cantine')!;
  const day = '2027-01-12';
  const list = await admin('planning.day', { serviceId: canteen.id, day });
  const count = list.counts.find((one) => one.schoolId !== null && one.classe !== '' && one.expected > 1)!;
  expect(count).toBeDefined();
  const { rows } = await admin('children.grid', { query: '', includeArchived: false });
  const pupils = rows.filter((child) => child.ecole === count.ecole && child.classe === count.classe);
  expect(pupils.length).toBeGreaterThanOrEqual(count.expected);
  const sheets = async (click: () => Promise<void>, name: string) => {
    const download = page.waitForEvent('download');
    await click();
    const file = testInfo.outputPath(name);
    await (await download).saveAs(file);
    return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  };

  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enfants' }).click();
  await page.getByText('Fiches d’une classe').click();
  await page.getByLabel('École', { exact: true }).selectOption({ label: count.ecole });
  await page.getByLabel('Classe', { exact: true }).selectOption(count.classe);
  const fromGrid = await sheets(
    () => page.getByRole('button', { name: `Imprimer les fiches des ${count.classe} — ${count.ecole}` }).click(),
    'classe.pdf',
  );
  for (const pupil of pupils) expect(fromGrid).toContain(pupil.prenom);

  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Journée' }).click();
  await page.getByLabel('Service').selectOption({ label: canteen.name });
  await page.getByLabel('Jour', { exact: true }).fill(day);
  await page.getByText(/^Attendus par école et par classe/).click();
  const fromDay = await sheets(
    () => page.getByRole('button', { name: `Fiches des ${count.classe} — ${count.ecole}` }).click(),
    'classe-jour.pdf',
  );
  for (const pupil of pupils) expect(fromDay).toContain(pupil.prenom);
});
