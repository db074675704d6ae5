import type { Page } from '@playwright/test';
import { expect, login, test, useOfficeBridge } from './bridge.js';
import { seriousViolations } from './axe.js';
import { officeApi } from './api.js';

const bridge = useOfficeBridge();

async function openSettings(page: Page, tab: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Paramètres' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Paramètres' })).toBeVisible();
  await page.getByRole('tab', { name: tab }).click();
}

test('an administrator changes the canteen’s capacity and booking deadline, and finds them after a reload', async ({ page, consoleProblems }) => {
  await login(page, bridge, 'admin');
  await openSettings(page, 'Services');
  await page.getByRole('button', { name: 'Modifier Restauration scolaire' }).click();
  const form = page.getByRole('region', { name: 'Modifier : Restauration scolaire' });
  const capacity = form.getByLabel('Capacité par jour');
  await capacity.fill('deux cents');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Indiquez un nombre entier de places (vide : sans limite).')).toBeVisible();
  await expect(capacity).toHaveAttribute('aria-invalid', 'true');
  expect(await seriousViolations(page)).toEqual([]);

  await capacity.fill('250');
  const booking = form.getByRole('group', { name: 'Délai : Réservation' });
  await expect(booking).toContainText('Le mercredi de la semaine précédente avant 12h00');
  await booking.getByLabel('Règle').selectOption('J-n (jours calendaires)');
  await booking.getByLabel('Nombre de jours avant (J-n)').fill('2');
  await booking.getByLabel('Heure limite (hh:mm)').fill('18:00');
  await expect(booking).toContainText('J-2 avant 18h00');
  const cancel = form.getByRole('group', { name: 'Délai : Annulation' });
  await cancel.getByLabel('Règle').selectOption('n jours ouvrés avant');
  await cancel.getByLabel('Nombre de jours ouvrés avant').fill('3');
  await expect(cancel).toContainText('3 jours ouvrés avant le jour, avant 12h00');
  await form.getByLabel('Demande hors délai').selectOption('Accepter en signalant le retard');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Modifications enregistrées.')).toBeVisible();

  await page.reload();
  const row = page.getByRole('row').filter({ hasText: 'Restauration scolaire' });
  await expect(row).toContainText('250');
  await expect(row).toContainText('J-2 avant 18h00');
  await expect(row).toContainText('Accepter en signalant le retard');
  await page.getByRole('button', { name: 'Modifier Restauration scolaire' }).click();
  const again = page.getByRole('region', { name: 'Modifier : Restauration scolaire' });
  await expect(again.getByLabel('Capacité par jour')).toHaveValue('250');
  await expect(again.getByRole('group', { name: 'Délai : Annulation' })).toContainText('3 jours ouvrés avant le jour, avant 12h00');
  expect(consoleProblems).toEqual([]);
});

test('an exceptional closure is added to the calendar and kept; public holidays are listed', async ({ page }) => {
  await login(page, bridge, 'admin');
  await openSettings(page, 'Calendrier');
  await expect(page.getByRole('region', { name: /^Jours fériés/ })).toContainText('Armistice');
  await page.getByRole('button', { name: 'Ajouter une période' }).click();
  const form = page.getByRole('region', { name: 'Nouvelle période' });
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Le libellé est obligatoire.')).toBeVisible();
  await expect(form.getByText('Indiquez la date de début.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await form.getByLabel('Type').selectOption('Fermeture exceptionnelle');
  await form.getByLabel('Libellé').fill('Fermeture pour travaux de la cuisine');
  await form.getByLabel('Du').fill('2027-03-08');
  await form.getByLabel('Au (inclus)').fill('2027-03-09');
  await form.getByLabel('Service concerné').selectOption('Restauration scolaire');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Période enregistrée.')).toBeVisible();

  await page.reload();
  await page.getByRole('tab', { name: 'Calendrier' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Fermeture pour travaux de la cuisine' });
  await expect(row).toContainText('Fermeture exceptionnelle');
  await expect(row).toContainText('08/03/2027');
  await expect(row).toContainText('09/03/2027');
  await expect(row).toContainText('Restauration scolaire');

  // The canteen is now closed those days for the office itself.
  const call = await officeApi(bridge, 'admin');
  const closures = (await call('calendar.get', { from: '2027-03-01', to: '2027-03-31' })).periods;
  expect(closures.some((period) => period.kind === 'closure' && period.startDate === '2027-03-08')).toBe(true);

  await row.getByRole('button', { name: 'Supprimer Fermeture pour travaux de la cuisine' }).click();
  await row.getByRole('button', { name: 'Confirmer la suppression' }).click();
  await expect(page.getByText('Période « Fermeture pour travaux de la cuisine » supprimée.')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Fermeture pour travaux de la cuisine' })).toHaveCount(0);
});

test('refusal reasons are added and deactivated', async ({ page }) => {
  await login(page, bridge, 'admin');
  await openSettings(page, 'Motifs de refus');
  const section = page.getByRole('region', { name: 'Motifs de refus' });
  await section.getByRole('button', { name: 'Ajouter le motif' }).click();
  await expect(section.getByText('Saisissez le motif à ajouter.')).toBeVisible();
  await section.getByLabel('Nouveau motif').fill('Repas déjà commandé au fournisseur');
  await section.getByRole('button', { name: 'Ajouter le motif' }).click();
  await expect(section.getByText('Motif « Repas déjà commandé au fournisseur » ajouté.')).toBeVisible();
  await section.getByRole('button', { name: 'Désactiver « Repas déjà commandé au fournisseur »' }).click();
  await expect(section.getByText('Motif « Repas déjà commandé au fournisseur » désactivé.')).toBeVisible();
  const call = await officeApi(bridge, 'admin');
  const reasons = await call('refusalReasons.list', {});
  expect(reasons.find((reason) => reason.label === 'Repas déjà commandé au fournisseur')?.active).toBe(false);
  expect(await seriousViolations(page)).toEqual([]);
});

test('a strike declared for a school marks its expected children absent', async ({ page }) => {
  const call = await officeApi(bridge, 'admin');
  const canteen = (await call('services.list', {})).find((service) => service.code === 'cantine')!;
  const day = '2027-01-14';
  const children = (await call('children.search', { query: '', includeArchived: false, limit: 200 })).filter((c) => c.ecole !== '');
  let target: (typeof children)[number] | undefined;
  for (const child of children) {
    const inscriptions = await call('inscriptions.list', { childId: child.id });
    if (!inscriptions.some((ins) => ins.serviceId === canteen.id && ins.startDate <= day && ins.endDate >= day)) {
      await call('inscriptions.create', { childIds: [child.id], serviceId: canteen.id, startDate: day, endDate: day, weekdays: [4] });
    }
    const planning = await call('planning.child', { childId: child.id, from: day, to: day });
    if (planning.rows.find((row) => row.serviceId === canteen.id)?.cells[0]?.state === 'booked') {
      target = child;
      break;
    }
  }
  expect(target).toBeDefined();

  await login(page, bridge, 'admin');
  await openSettings(page, 'Événement');
  const form = page.getByRole('region', { name: 'Événement : absence collective' });
  await form.getByRole('button', { name: 'Déclarer l’absence' }).click();
  await expect(form.getByText('Choisissez l’école concernée.')).toBeVisible();
  await expect(form.getByText('Cochez au moins un service.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await form.getByLabel('École').selectOption(target!.ecole);
  await form.getByLabel('Premier jour').fill(day);
  await form.getByLabel('Motif').selectOption('GREVE DU PERSONNEL OU DES ENSEIGNANTS');
  await form.getByRole('group', { name: 'Services concernés' }).getByLabel('Restauration scolaire').check();
  await form.getByRole('button', { name: 'Déclarer l’absence' }).click();
  await expect(form.getByText(/^[1-9]\d* enfants? marqués? absents?/)).toBeVisible();

  const after = await call('planning.child', { childId: target!.id, from: day, to: day });
  const cell = after.rows.find((row) => row.serviceId === canteen.id)?.cells[0];
  expect(cell?.state).toBe('absent');
  expect(cell?.absenceReason).toBe('STRIKE');
});

test('an agent does not see the settings, and the page refuses them', async ({ page }) => {
  await login(page, bridge, 'accueil');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await expect(nav.getByRole('link', { name: /^Demandes/ })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Paramètres' })).toHaveCount(0);
  await page.evaluate(() => {
    window.location.hash = '#/parametres';
  });
  await expect(page.getByText('Les paramètres sont réservés aux administrateurs.')).toBeVisible();
  const call = await officeApi(bridge, 'accueil');
  await expect(call('refusalReasons.save', { id: null, label: 'Essai', active: true })).rejects.toThrow();
});

test('an administrator creates a service, which the planning settings then list and keep', async ({ page, consoleProblems }) => {
  await login(page, bridge, 'admin');
  await openSettings(page, 'Services');
  await page.getByRole('button', { name: 'Nouveau service' }).click();
  const form = page.getByRole('region', { name: 'Nouveau service' });
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Le nom est obligatoire.')).toBeVisible();
  await expect(form.getByText('Code invalide : lettres minuscules, chiffres et _ seulement (40 au plus).')).toBeVisible();
  await form.getByLabel('Nom', { exact: true }).fill('Pause méridienne');
  await form.getByLabel('Code').fill('Pause Midi');
  await form.getByLabel('Unité facturée').fill('séance');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Code invalide : lettres minuscules, chiffres et _ seulement (40 au plus).')).toBeVisible();
  await form.getByLabel('Code').fill('pause_midi');
  await form.getByLabel('Type de service').selectOption('Accueil du soir');
  await form.getByLabel('Capacité par jour').fill('40');
  expect(await seriousViolations(page)).toEqual([]);
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  // Saved, the form becomes the service's own.
  const saved = page.getByRole('region', { name: 'Modifier : Pause méridienne' });
  await expect(saved).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Pause méridienne' })).toContainText('40');

  const call = await officeApi(bridge, 'admin');
  const service = (await call('services.list', {})).find((one) => one.code === 'pause_midi');
  expect(service).toMatchObject({ name: 'Pause méridienne', kind: 'soir', unit: 'séance', capacity: 40, weekdays: [1, 2, 4, 5], active: true });
  // A second service with the same code is refused by the office, with the field named.
  await page.getByRole('button', { name: 'Nouveau service' }).click();
  const second = page.getByRole('region', { name: 'Nouveau service' });
  await second.getByLabel('Nom', { exact: true }).fill('Doublon');
  await second.getByLabel('Code').fill('pause_midi');
  await second.getByLabel('Unité facturée').fill('séance');
  await second.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(second.getByText('Un autre service porte déjà ce code.')).toBeVisible();
  expect((await call('services.list', {})).filter((one) => one.code === 'pause_midi')).toHaveLength(1);
  expect(consoleProblems).toEqual([]);
});

test('an administrator defines complementary fields, and agents fill them in a child file', async ({ page, consoleProblems }) => {
  await login(page, bridge, 'admin');
  await openSettings(page, 'Champs complémentaires');
  await page.getByRole('button', { name: 'Nouveau champ' }).click();
  const form = page.getByRole('region', { name: 'Nouveau champ complémentaire' });
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByText('Le libellé est obligatoire (60 caractères au plus).')).toBeVisible();
  await form.getByLabel('Fiche', { exact: true }).selectOption('Enfant');
  await form.getByLabel('Type', { exact: true }).selectOption('Oui / non');
  await form.getByLabel('Libellé').fill('Transport scolaire');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('region', { name: 'Modifier : Transport scolaire' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'Transport scolaire' });
  await expect(row).toContainText('Enfant');
  await expect(row).toContainText('Oui / non');
  expect(await seriousViolations(page)).toEqual([]);

  const call = await officeApi(bridge, 'admin');
  const field = (await call('customFields.list', {})).find((one) => one.label === 'Transport scolaire');
  expect(field).toMatchObject({ entity: 'child', kind: 'boolean', active: true });
  const [child] = await call('children.search', { query: '', includeArchived: false, limit: 1 });
  await page.evaluate((id) => {
    window.location.hash = `#/enfants/${id}`;
  }, child!.id);
  const section = page.getByRole('region', { name: 'Informations complémentaires' });
  await section.getByLabel('Transport scolaire').check();
  await section.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(section.getByText('Modifications enregistrées.')).toBeVisible();
  expect((await call('children.get', { id: child!.id })).data.custom[String(field!.id)]).toBe('true');
  // Unticked, it is « Non », not « not filled ».
  await section.getByLabel('Transport scolaire').uncheck();
  await section.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(section.getByText('Modifications enregistrées.')).toBeVisible();
  expect((await call('children.get', { id: child!.id })).data.custom[String(field!.id)]).toBe('false');
  expect(consoleProblems).toEqual([]);
});
