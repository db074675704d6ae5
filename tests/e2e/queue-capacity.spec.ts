import { expect, login, test, useOfficeBridge } from './bridge.js';
import { officeApi } from './api.js';

const bridge = useOfficeBridge();

const DAY = '2027-03-03'; // a Wednesday of the demo's school year

/**
 * Two children booked on `day` cancel; the service is then left with one place for the two bookings their families
 * ask for at the counter. Returns them (in the day list's order) with the service and the count expected before.
 */
async function twoBookingsForOnePlace(day: string) {
  const admin = await officeApi(bridge, 'admin');
  const call = await officeApi(bridge, 'accueil');
  const service = (await admin('services.list', {})).find((s) => s.code === 'mercredi_apres_midi')!;
  const list = await call('planning.day', { serviceId: service.id, day });
  const [first, second] = list.children;
  for (const child of [first!, second!]) {
    await call('planning.apply', { cells: [{ childId: child.childId, serviceId: service.id, day }], action: { kind: 'cancel' } });
  }
  const expected = (await call('planning.day', { serviceId: service.id, day })).expected;
  await admin('services.save', { ...service, capacity: expected + 1 });
  for (const child of [first!, second!]) {
    await call('requests.create', {
      familyId: child.familyId,
      kind: 'book',
      items: [{ childId: child.childId, serviceId: service.id, day }],
      reason: null,
      comment: '',
      certificate: null,
      changes: [],
      photo: null,
    });
  }
  return { admin, call, service, first: first!, second: second!, expected };
}

test('« A » on a booking over capacity asks for a confirmation; confirmed, it is accepted and recorded as forced', async ({ page, consoleProblems }) => {
  const { call, service, first, second, expected } = await twoBookingsForOnePlace(DAY);

  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: /^Demandes/ }).click();
  await page.getByLabel('Service', { exact: true }).selectOption(service.name);
  const rows = page.locator('.ag-row').filter({ has: page.locator('.ag-cell[col-id="childName"]') });
  await expect(rows).toHaveCount(2);
  const firstRow = rows.filter({ hasText: first.prenom });
  const secondRow = rows.filter({ hasText: second.prenom });
  await expect(firstRow.locator('.ag-cell[col-id="capacityLeft"]')).toHaveText('0');
  await expect(secondRow.locator('.ag-cell[col-id="capacityLeft"]')).toHaveText('-1');
  // Both decision buttons fit in their cell, whole, at the office's usual window width.
  const actionsCell = page.locator('.ag-row .ag-cell[col-id="actions"]').first();
  const cellBox = (await actionsCell.boundingBox())!;
  for (const name of [/^Accepter :/, /^Refuser :/]) {
    const box = (await actionsCell.getByRole('button', { name }).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(cellBox.x + cellBox.width);
    expect(box.y + box.height).toBeLessThanOrEqual(cellBox.y + cellBox.height);
  }

  // Within capacity: no question asked.
  let questions = 0;
  page.on('dialog', (dialog) => {
    questions += 1;
    expect(dialog.message()).toContain('dépasse la capacité du service');
    expect(dialog.message()).toContain(second.prenom);
    void (questions === 1 ? dialog.dismiss() : dialog.accept());
  });
  await firstRow.locator('.ag-cell[col-id="childName"]').click();
  await page.keyboard.press('a');
  await expect(page.locator('.queue-outcome')).toContainText('1 acceptée');
  await expect(rows).toHaveCount(1);
  expect(questions).toBe(0);

  // Over capacity: the first answer is « Annuler », and nothing happens; the second is « OK », and it is forced.
  await secondRow.locator('.ag-cell[col-id="childName"]').click();
  await page.keyboard.press('a');
  await expect.poll(() => questions).toBe(1);
  await expect(rows).toHaveCount(1);
  await secondRow.locator('.ag-cell[col-id="childName"]').click();
  await page.keyboard.press('a');
  await expect.poll(() => questions).toBe(2);
  await expect(page.locator('.queue-outcome')).toContainText('1 acceptée');
  await expect(rows).toHaveCount(0);
  expect((await call('planning.day', { serviceId: service.id, day: DAY })).expected).toBe(expected + 2);
  expect(consoleProblems).toEqual([]);
});

test('accepting the later of two bookings while the day still has a place asks nothing and forces nothing; the earlier one, then over capacity, is confirmed and recorded', async ({
  page,
  consoleProblems,
}) => {
  const day = '2027-03-10'; // the next Wednesday: the first test changed nobody there
  const { call, service, first, second, expected } = await twoBookingsForOnePlace(day);

  await login(page, bridge);
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: /^Demandes/ }).click();
  await page.getByLabel('Service', { exact: true }).selectOption(service.name);
  const rows = page.locator('.ag-row').filter({ has: page.locator('.ag-cell[col-id="childName"]') }).filter({ hasText: /mercredi 10 mars 2027/ });
  await expect(rows).toHaveCount(2);
  const firstRow = rows.filter({ hasText: first.prenom });
  const secondRow = rows.filter({ hasText: second.prenom });
  // In the queue's order the later booking is the one without a place …
  await expect(secondRow.locator('.ag-cell[col-id="capacityLeft"]')).toHaveText('-1');
  const questions: string[] = [];
  page.on('dialog', (dialog) => {
    questions.push(dialog.message());
    void dialog.accept();
  });

  // … but the day has one place left: accepting it alone takes that place, without a question nor a forcing on record.
  await secondRow.locator('.ag-cell[col-id="childName"]').click();
  await page.keyboard.press('a');
  await expect(page.locator('.queue-outcome')).toContainText('1 acceptée');
  await expect(rows).toHaveCount(1);
  expect(questions).toEqual([]);
  const itemsOn = async (familyId: number) =>
    (await call('requests.forFamily', { familyId })).flatMap((view) => view.items).filter((item) => item.day === day).map((item) => [item.status, item.forced]);
  expect(await itemsOn(second.familyId)).toEqual([['accepted', false]]);

  // The earlier booking now has no place: confirmed, it is forced and the family's file says so.
  await firstRow.locator('.ag-cell[col-id="childName"]').click();
  await page.keyboard.press('a');
  await expect.poll(() => questions.length).toBe(1);
  expect(questions[0]).toContain('dépasse la capacité du service');
  expect(questions[0]).toContain(first.prenom);
  await expect(rows).toHaveCount(0);
  expect(await itemsOn(first.familyId)).toEqual([['accepted', true]]);
  expect((await call('planning.day', { serviceId: service.id, day })).expected).toBe(expected + 2);

  // The family's history says it in French, as every other line.
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, `#/familles/${first.familyId}`);
  await page.getByRole('tab', { name: 'Historique' }).click();
  const forcedLine = page.getByRole('row').filter({ hasText: 'Réservation acceptée au-delà de la capacité, sur confirmation' });
  await expect(forcedLine).toHaveCount(1);
  await expect(forcedLine.getByRole('cell').nth(3)).toHaveText('Acceptation au-delà de la capacité');
  expect(consoleProblems).toEqual([]);
});
