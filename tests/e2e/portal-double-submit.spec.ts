import { expect, test, type Locator, type Page, type Route } from '@playwright/test';
import type { TestOffice } from '../helpers/office.js';
import { pairedFamily, type PairedFamily } from '../helpers/paired-family.js';
import type { TestPortal } from '../helpers/sync.js';
import { certificatePdf, pngImage } from '../helpers/uploads.js';

/**
 * Issue 13's acceptance: a family double-submits every form of the portal in a browser with JavaScript disabled
 * (nothing but the server can stop the second post), and the office, through the real sync pull, receives each request
 * once. Two real servers on their SQLite files: the office core and the portal, on the office's clock (Saturday
 * 28 November 2026; the days asked are in the week of 14 December, before their deadlines).
 */
test.use({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });

const PASSWORD = 'un mot de passe solide';
let office: TestOffice;
let portal: TestPortal;
let familyId: number;
let childId: number;
let cantine: number;

let paired: PairedFamily | undefined;

test.beforeAll(async () => {
  paired = await pairedFamily(['2026-12-14', '2026-12-15']);
  ({ office, portal, familyId, childId, cantine } = paired);
});

test.afterAll(async () => {
  await paired?.close();
});

/**
 * Chooses an option of a list as a person does with the keyboard (focus, then the arrow keys): without JavaScript in
 * the page Playwright cannot pick it by script. Checks the value chosen.
 */
async function choose(page: Page, select: Locator, value: string): Promise<void> {
  await select.selectOption(value, { force: true, timeout: 10_000 });
  await expect(select).toHaveValue(value);
}

/**
 * Sends the form twice as an impatient parent does on a slow connection: the first post reaches the server but its
 * answer is slow to come back (held here), the parent presses the button again, and the browser, without JavaScript,
 * sends the same form a second time (abandoning the first). Only the server can tell. Returns how many of these posts
 * the server received; waits until the page that follows is shown.
 */
async function submitTwice(page: Page, button: Locator, action: string): Promise<number> {
  let received = 0;
  const route = async (request: Route) => {
    if (request.request().method() !== 'POST') return request.continue();
    received += 1;
    const first = received === 1;
    const response = await request.fetch({ maxRedirects: 0 });
    // The first answer is held until the second post is on its way; the browser no longer waits for it by then.
    if (first) await expect.poll(() => received, { timeout: 30_000 }).toBe(2);
    await request.fulfill({ response }).catch(() => undefined);
  };
  const ours = (url: URL) => url.pathname === action;
  await page.route(ours, route);
  const before = page.url();
  await button.click({ noWaitAfter: true });
  await expect.poll(() => received, { timeout: 30_000 }).toBe(1);
  // The page is still shown (its answer held) and the button still has the focus the click gave it: pressed again.
  await page.keyboard.press('Enter');
  await expect.poll(() => received, { timeout: 30_000 }).toBe(2);
  // The first navigation is abandoned (net::ERR_ABORTED): the page that follows is the second post's answer.
  await expect.poll(() => page.url() !== before, { timeout: 30_000 }).toBe(true);
  await page.waitForLoadState('load');
  await page.unroute(ours, route);
  return received;
}

test('a family double-submits every form without JavaScript; each request is stored once and reaches the office once', async ({ page }) => {
  test.setTimeout(60_000);
  const { code } = await office.value('portal.issueActivation', { familyId, rank: 1 });
  expect((await office.value('sync.now', {})).lastError).toBeNull();

  await page.goto(`${portal.url}/activation`);
  await page.locator('input[name="email"]').fill('helene.martin@example.fr');
  await page.locator('input[name="code"]').fill(code);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('input[name="password2"]').fill(PASSWORD);
  await page.locator('form[action="/activation"] button[type="submit"]').click();
  await expect(page).toHaveURL(`${portal.url}/`);

  const sent: Record<string, number> = {};
  // Mon compte: one field's form.
  await page.goto(`${portal.url}/mon-compte/modification?champ=caf.number`);
  await page.locator('input[name="value"]').fill('7654321');
  sent.account = await submitTwice(page, page.getByRole('button', { name: 'Envoyer la demande', exact: true }), '/mon-compte/modification');
  // Mes enfants: a child's data, then its photo.
  await page.goto(`${portal.url}/mes-enfants`);
  const childForm = page.locator(`form[action="/mes-enfants/${childId}/modification"]`);
  await page.locator('details', { has: childForm }).locator('summary').click();
  await choose(page, childForm.locator('select[name="field"]'), 'health.allergies');
  await childForm.locator('input[name="value"]').fill('Arachide, kiwi');
  sent.child = await submitTwice(page, childForm.locator('button[type="submit"]'), `/mes-enfants/${childId}/modification`);
  await page.goto(`${portal.url}/mes-enfants`);
  await page.locator('input[name="photo"]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: pngImage(60, 80) });
  sent.photo = await submitTwice(page, page.getByRole('button', { name: 'Envoyer la photo', exact: true }), `/mes-enfants/${childId}/photo`);
  // The planning: an absence (motif, then its confirmation with a certificate), a cancellation, a booking.
  const cell = (day: string) => `/planning/${childId}/${cantine}/${day}`;
  await page.goto(`${portal.url}${cell('2026-12-14')}`);
  await choose(page, page.locator('select[name="motif"]'), 'MEDICAL');
  await page.getByRole('button', { name: 'Continuer', exact: true }).click();
  await page.locator('input[name="certificat"]').setInputFiles({ name: 'certificat.pdf', mimeType: 'application/pdf', buffer: await certificatePdf() });
  sent.absence = await submitTwice(page, page.getByRole('button', { name: 'Confirmer l’absence', exact: true }), cell('2026-12-14'));
  await page.goto(`${portal.url}${cell('2026-12-15')}`);
  sent.cancel = await submitTwice(page, page.getByRole('button', { name: 'Annuler la réservation', exact: true }), cell('2026-12-15'));
  await page.goto(`${portal.url}${cell('2026-12-18')}`);
  sent.book = await submitTwice(page, page.getByRole('button', { name: 'Réserver', exact: true }), cell('2026-12-18'));

  // The server did receive each form twice: only it stood between them and a second request.
  expect(sent).toEqual({ account: 2, child: 2, photo: 2, absence: 2, cancel: 2, book: 2 });
  const onPortal = await portal.db.selectFrom('requests').select(['uid', 'kind']).orderBy('seq').execute();
  expect(onPortal.map((row) => row.kind)).toEqual(['data_change', 'data_change', 'photo', 'absence', 'cancel', 'book']);

  // The office pulls: each request once, with the same ids.
  expect((await office.value('sync.now', {})).lastError).toBeNull();
  const atOffice = office.sqlite.prepare("SELECT uid, kind FROM requests WHERE source = 'portal' ORDER BY id").all() as { uid: string; kind: string }[];
  expect(atOffice).toEqual(onPortal.map((row) => ({ uid: row.uid, kind: row.kind })));
});
