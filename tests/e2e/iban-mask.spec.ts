import { officeApi } from './api.js';
import { expect, login, openFamily, test, useOfficeBridge } from './bridge.js';

/**
 * The family's IBAN on screen (issue #12): masked for the agent, kept when the bank section is saved as shown,
 * replaced by what is typed; the régisseur alone has « Afficher l’IBAN », which the office writes in the history.
 */

const bridge = useOfficeBridge();
const IBAN = 'FR76 3000 6000 0112 3456 7890 189';
const MASKED = 'FR76 •••• •••• •••• •••• •••• 189';

test.beforeAll(async () => {
  const call = await officeApi(bridge);
  await call('families.create', {
    data: {
      responsable1: {
        civilite: 'Mme', nom: 'Ibanmasque', prenom: 'Inès', dateNaissance: '1984-02-03', adresse: '1 rue de la Grenette', codePostal: '74370',
        ville: 'Epagny Metz-Tessy', telMobile: '06 11 22 33 44', telFixe: '', email: 'ibanmasque@example.fr', profession: '', employeur: '', telPro: '',
      },
      responsable2: null,
      household: { situation: 'marie', resident: true, notes: '' },
      fiscal: { rfrCents: null, partsX100: null, year: null },
      caf: { regime: '', number: '', qf: null, qfValidUntil: null },
      bank: { holder: 'Inès Ibanmasque', iban: IBAN, bic: 'AGRIFRPP' },
      custom: {},
    } as never,
  });
});

test('the agent sees the IBAN masked, saves the bank section without losing it, and types a new one', async ({ page }) => {
  await login(page, bridge);
  await openFamily(page, 'Ibanmasque');
  const bank = page.getByRole('region', { name: 'Coordonnées bancaires' });
  await expect(bank.getByLabel('IBAN')).toHaveValue(MASKED);
  await expect(bank.getByRole('button', { name: 'Afficher l’IBAN' })).toHaveCount(0);

  await bank.getByLabel('Titulaire du compte').fill('Inès et Paul Ibanmasque');
  await bank.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(bank.getByText('Modifications enregistrées.')).toBeVisible();
  await page.reload();
  const reloaded = page.getByRole('region', { name: 'Coordonnées bancaires' });
  await expect(reloaded.getByLabel('Titulaire du compte')).toHaveValue('Inès et Paul Ibanmasque');
  await expect(reloaded.getByLabel('IBAN')).toHaveValue(MASKED);

  // Deleting from a masked IBAN empties it; what is typed then is the new IBAN.
  await reloaded.getByLabel('IBAN').press('End');
  await reloaded.getByLabel('IBAN').press('Backspace');
  await expect(reloaded.getByLabel('IBAN')).toHaveValue('');
  await reloaded.getByLabel('IBAN').pressSequentially('FR7630004000010001234567830');
  await reloaded.getByLabel('BIC').fill('BNPAFRPP');
  await reloaded.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(reloaded.getByText('Modifications enregistrées.')).toBeVisible();
  await expect(reloaded.getByLabel('IBAN')).toHaveValue('FR76 •••• •••• •••• •••• •••• 830');
});

test('the régisseur shows the IBAN in clear, and the history says so', async ({ page }) => {
  await login(page, bridge, 'regie');
  await openFamily(page, 'Ibanmasque');
  const bank = page.getByRole('region', { name: 'Coordonnées bancaires' });
  await expect(bank.getByLabel('IBAN')).toHaveValue(/^FR76 •••• /);
  await bank.getByRole('button', { name: 'Afficher l’IBAN' }).click();
  await expect(bank.getByText(/^IBAN : FR76 3000 /)).toBeVisible();
  const call = await officeApi(bridge, 'regie');
  const family = (await call('families.search', { query: 'Ibanmasque', includeArchived: false }))[0]!;
  const audit = await call('audit.forFamily', { familyId: family.id });
  expect(audit.find((entry) => entry.field === 'IBAN affiché')).toMatchObject({ user: 'Régie (démo)' });
});
