import type { Page } from '@playwright/test';
import type { OfficeMethod } from '../../src/shared/api/contract.js';
import { officeApi } from './api.js';
import { expect, test, useOfficeBridge } from './bridge.js';
import { loginAs, mainScreens, prepareTour, type TourData } from './tour.js';

/*
 * Each role walks every main screen; the actions it is shown are listed (attached to the test as JSON) and compared
 * with what the office lets that role call (`auth.permissions`, the core's own table): an action the office would
 * refuse with « Votre profil ne permet pas cette action » is never shown, and every action the role may use is there.
 */

const bridge = useOfficeBridge();
let data: TourData;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  data = await prepareTour(bridge);
});

// The queue's and the day list's decision buttons need a wide window to be drawn (column virtualisation).
test.use({ viewport: { width: 1920, height: 1080 } });

/**
 * The actions the tour shows when the role may call their method (label as written on the button or the link,
 * without its count). Actions of the tour not listed here only read (open, filter, go to a month) or need a state
 * the tour does not make (a configured portal for « Synchroniser maintenant »). Several methods: all are needed.
 */
const ACTIONS: Record<string, OfficeMethod | OfficeMethod[]> = {
  'Nouvelle famille': 'families.create',
  'Ajouter un enfant': 'children.create',
  'Imprimer les fiches': 'print.childSheets',
  'Imprimer la fiche': 'print.childSheets',
  'Exporter (CSV)': 'qf.exportToUpdate',
  'Nouvelle inscription': 'inscriptions.create',
  'Modifier à partir du…': 'inscriptions.update',
  'Feuille de présence (PDF)': 'planning.attendanceSheet',
  Présent: 'planning.apply',
  Absent: 'planning.apply',
  'Tous présents': 'planning.apply',
  Accepter: 'requests.decide',
  'Refuser…': 'requests.decide',
  'Accepter la sélection': 'requests.decide',
  'Refuser la sélection…': 'requests.decide',
  Recalculer: 'invoiceRuns.generate',
  'Émettre les factures': 'invoiceRuns.issue',
  'Avoir / facture complémentaire': 'invoices.correct',
  'Mettre en place le prélèvement': 'mandates.create',
  'Imprimer le mandat': 'mandates.pdf',
  'Changer de compte': 'mandates.amend',
  Révoquer: 'mandates.revoke',
  'Nouveau lot': 'sepa.prepare',
  'Nouvel utilisateur': 'users.save',
  // The desk may declare a collective absence too, but the form sits with the calendar's settings (administrator).
  'Déclarer l’absence': ['events.declareAbsence', 'calendar.savePeriod'],
};

/** The labels of the buttons, button-links and menu items on screen, counts such as « (0) » left out. */
async function visibleActions(page: Page): Promise<string[]> {
  const labels = await page
    .locator('main button, main a.button, main [role="menuitem"], header button')
    .filter({ visible: true })
    .evaluateAll((elements) => elements.map((element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim()));
  return [...new Set(labels.map((label) => label.replace(/\s*\(\d+\)$/, '')).filter(Boolean))].sort();
}

for (const [username, role] of [
  ['accueil', 'agent'],
  ['regie', 'regisseur'],
  ['admin', 'admin'],
] as const) {
  test(`the ${role} is shown only the actions the office lets them use, on every main screen`, async ({ page, consoleProblems }, testInfo) => {
    test.setTimeout(240_000);
    const allowed = new Set(await (await officeApi(bridge, username))('auth.permissions', {}));
    await loginAs(page, bridge, username);
    const shown: Record<string, string[]> = {};
    await mainScreens(page, data, async (name) => {
      shown[name] = await visibleActions(page);
    });
    await testInfo.attach(`actions-${role}.json`, { body: JSON.stringify(shown, null, 2), contentType: 'application/json' });

    const may = (label: string) => [ACTIONS[label] ?? []].flat().every((method) => allowed.has(method));
    const everywhere = new Set(Object.values(shown).flat());
    const refused = Object.entries(shown).flatMap(([screen, labels]) =>
      labels.filter((label) => ACTIONS[label] && !may(label)).map((label) => `${screen}: ${label} (${String(ACTIONS[label])})`),
    );
    expect(refused, 'actions shown that the office would refuse').toEqual([]);
    const expected = Object.keys(ACTIONS).filter(may);
    expect([...everywhere].filter((label) => ACTIONS[label]).sort(), 'the actions the role may use, all shown').toEqual(expected.sort());

    // « Paramètres » is in the top bar for the roles that may save at least one setting.
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await expect(nav.getByRole('link', { name: 'Paramètres' })).toHaveCount(allowed.has('tariffs.save') ? 1 : 0);
    expect(consoleProblems).toEqual([]);
  });
}
