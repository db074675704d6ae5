import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { seriousViolations } from './axe.js';
import { officeApi } from './api.js';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { LAPTOP, layoutProblems, screenshot } from './layout.js';

/**
 * « Régie › Relances » in the office (dev bridge, demo commune, its clock on Saturday 28 November 2026): two families
 * with overdue invoices (written in the office's file as issuing stores them); the régisseur sets one aside with a note,
 * sends the other a first reminder after a confirmation counting letters and mails, and the letters' PDF is read back
 * with pdftotext; the agent sees the list without the régisseur's buttons.
 */
const bridge = useOfficeBridge();


test('the régisseur sets a family aside and sends a first reminder; the PDF holds the letter; the agent only reads', async ({ page }) => {
  test.setTimeout(180_000);
  const db = new Database(bridge.dbFile);
  const [first, second] = db.prepare("SELECT f.id, r.nom, r.prenom, r.email FROM families f JOIN responsables r ON r.family_id = f.id AND r.rank = 1 WHERE f.archived_at IS NULL AND r.email <> '' ORDER BY f.id LIMIT 2").all() as Array<{ id: number; nom: string; prenom: string; email: string }>;
  const mails = (db.prepare("SELECT COUNT(DISTINCT email) FROM responsables WHERE family_id = ? AND email <> ''").pluck().get(first!.id) as number);
  // Due 2 November: 26 days late on 28 November. Due 1 October: 58 days late.
  const a = insertIssuedInvoice(db, { familyId: first!.id, issueDate: '2026-10-02', dueDate: '2026-11-02', totalCents: 4_210 }).number;
  const b = insertIssuedInvoice(db, { familyId: second!.id, issueDate: '2026-09-01', dueDate: '2026-10-01', totalCents: 1_830 }).number;
  db.close();

  await login(page, bridge, 'regie');
  await page.goto(`${bridge.url.split('#')[0]}#/regie/relances`);
  const firstName = `${first!.nom} ${first!.prenom}`;
  const secondName = `${second!.nom} ${second!.prenom}`;
  const table = page.getByRole('table', { name: 'Familles avec des factures échues impayées' });
  const firstRow = table.getByRole('row').filter({ hasText: a });
  const secondRow = table.getByRole('row').filter({ hasText: b });
  await expect(firstRow).toContainText('42,10');
  await expect(firstRow).toContainText('Niveau 1');
  await expect(secondRow).toContainText('18,30');
  expect(await seriousViolations(page)).toEqual([]);
  // At the town hall's laptop size: photographed for a person to look at, and nothing cut.
  await page.setViewportSize(LAPTOP);
  await screenshot(page, 'regie-relances');
  expect(await layoutProblems(page)).toEqual([]);

  // The second family is set aside with a note: its box is disabled, its note shown.
  await secondRow.getByRole('button', { name: `Mettre de côté ${secondName}` }).click();
  const hold = page.getByRole('dialog', { name: `Mettre de côté : ${secondName}` });
  await hold.getByRole('button', { name: 'Mettre de côté' }).click();
  await expect(hold.getByText('Indiquez pourquoi la famille est mise de côté')).toBeVisible();
  await hold.getByLabel('Motif').selectOption({ label: 'Échéancier de paiement' });
  await hold.getByLabel('Note (obligatoire)').fill('Échéancier : 6,10 € par mois');
  await hold.getByRole('button', { name: 'Mettre de côté' }).click();
  await expect(secondRow).toContainText('Échéancier de paiement depuis le 28/11/2026 : Échéancier : 6,10 € par mois');
  await expect(secondRow.getByRole('checkbox')).toBeDisabled();

  await firstRow.getByRole('checkbox', { name: `Choisir ${firstName}` }).check();
  await page.getByRole('button', { name: 'Envoyer la relance (niveau 1)' }).click();
  const confirm = page.getByRole('dialog', { name: 'Première relance (niveau 1)' });
  await expect(confirm).toContainText('1 lettre de relance pour un total échu de 42,10 € va être enregistrée sur le compte de la famille');
  await expect(confirm).toContainText(mails > 1 ? `${mails} courriels seront envoyés` : '1 courriel sera envoyé');
  expect(await seriousViolations(page)).toEqual([]);
  const download = page.waitForEvent('download');
  await confirm.getByRole('button', { name: 'Envoyer 1 relance' }).click();
  const file = await (await download).path();
  expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[\s\u00a0]+/g, ' ');
  expect(text).toContain(`n° ${a}`);
  expect(text).toContain('Total restant dû 42,10 €');
  expect(text).not.toContain(b);
  await expect(page.getByText(`1 lettre de relance enregistrée ; ${mails} courriel${mails > 1 ? 's' : ''} à la prochaine synchronisation.`)).toBeVisible();
  await expect(firstRow).toContainText('Niveau 1 le 28/11/2026');

  // The agent reads the same list, without the régisseur's buttons.
  const agent = await officeApi(bridge, 'accueil');
  expect((await agent('reminders.list', {})).rows.find((row) => row.familyId === first!.id)?.lastReminder).toEqual({ level: 1, day: '2026-11-28' });
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await login(page, bridge, 'accueil');
  await page.goto(`${bridge.url.split('#')[0]}#/regie/relances`);
  await expect(table.getByRole('row').filter({ hasText: a })).toContainText('Niveau 1 le 28/11/2026');
  await expect(page.getByRole('button', { name: /Envoyer la relance/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Mettre de côté|Reprendre/ })).toHaveCount(0);
});
