import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { familyPublicationSchema } from '../../src/shared/sync/contract.js';
import { maskIban } from '../../src/shared/validation/bank.js';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { activatedFamily } from '../helpers/paired-family.js';
import type { HttpFamily } from '../helpers/portal-http.js';
import { EXAMPLE_RIB, POSTAL_RIB } from '../helpers/rib-scan.js';
import { startTestPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';

/**
 * A family with a live SEPA mandate asks on the portal to change its bank details (issue #12 review): the request
 * travels through both real servers (HTTP form on the portal, the office's sync, the queue and the decision). Another
 * holder cannot take the mandate over: the item is refused with the reason, nothing is amended; an IBAN changed by
 * the same holder amends the mandate.
 */

let office: TestOffice;
let portal: TestPortal;
let familyId: number;
let mandateId: number;
let rum: string;
const PASSWORD = 'un mot de passe solide';
const HOLDER = 'Hélène Martin';

beforeEach(async () => {
  office = await makeTestOffice();
  portal = await startTestPortal(office.clock);
  familyId = (await office.value('families.create', { data: sampleFamilyInput({ bank: { holder: '', iban: '', bic: '' } }) })).id;
  const mandate = await office.value('mandates.create', {
    familyId,
    account: { holder: HOLDER, iban: EXAMPLE_RIB.iban, bic: EXAMPLE_RIB.bic, bankName: '', rib: null, scan: null },
  });
  await office.value('mandates.sign', { mandateId: mandate.id, signedOn: '2026-11-28' });
  mandateId = mandate.id;
  rum = mandate.rum;
  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
});

afterEach(async () => {
  await portal.close();
  await office.close();
});

const loggedInFamily = (): Promise<HttpFamily> => activatedFamily(office, portal.url, familyId, PASSWORD);

async function ask(family: HttpFamily, field: string, value: string): Promise<void> {
  await family.get('/mon-compte');
  expect(await family.post('/mon-compte/modification', { field, value })).toMatchObject({ status: 303, location: '/mon-compte?demande=envoyee' });
}

const accounts = async () => (await office.value('mandates.forFamily', { familyId })).mandates.find((m) => m.id === mandateId)!.accounts;

describe('a family asking on the portal to change the bank details of its mandate', () => {
  it('is refused with the reason when the holder changes, and amends the mandate when only the IBAN does', async () => {
    const family = await loggedInFamily();
    const why = `Le titulaire du compte change : un nouveau mandat doit être signé par Paul Martin ; révoquez le mandat ${rum} puis mettez en place le prélèvement.`;
    await ask(family, 'bank.holder', 'Paul Martin');
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    const items = office.sqlite.prepare("SELECT status, refusal_reason FROM request_items").all();
    expect(items).toEqual([{ status: 'refused', refusal_reason: why }]);
    expect(await accounts()).toHaveLength(1);
    expect((await office.value('families.get', { id: familyId })).data.bank.holder).toBe(HOLDER);
    // The family reads the refusal and its reason.
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    const row = await portal.db.selectFrom('publications').select('data').where('family_id', '=', familyId).executeTakeFirstOrThrow();
    const published = familyPublicationSchema.parse(JSON.parse(row.data));
    expect(JSON.stringify(published.requests)).toContain(why);

    // The same holder, another IBAN: queued, accepted, the mandate amended (its history kept).
    await ask(family, 'bank.iban', POSTAL_RIB.iban);
    await ask(family, 'bank.bic', POSTAL_RIB.bic);
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    const queue = await office.value('requests.queue', {});
    expect(queue.map((entry) => entry.changes[0]!.field).sort()).toEqual(['bank.bic', 'bank.iban']);
    const decided = await office.value('requests.decide', { itemIds: queue.map((entry) => entry.itemId).sort((a, b) => a - b), decision: 'accept', refusalReason: null });
    expect(decided).toMatchObject({ refused: 0, skipped: [] });
    // Each request amends in turn: the IBAN (the BIC on file kept, same country), then the BIC.
    expect((await accounts()).map((a) => [a.holder, a.ibanMasked, a.bic])).toEqual([
      [HOLDER, maskIban(POSTAL_RIB.iban), POSTAL_RIB.bic],
      [HOLDER, maskIban(POSTAL_RIB.iban), EXAMPLE_RIB.bic],
      [HOLDER, maskIban(EXAMPLE_RIB.iban), EXAMPLE_RIB.bic],
    ]);
  });

  it('asked before the mandate was set up, is not applied when accepted: the item is held back with the reason', async () => {
    await office.value('mandates.revoke', { mandateId, day: '2026-11-28', note: '' });
    const family = await loggedInFamily();
    await ask(family, 'bank.holder', 'Paul Martin');
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    const queue = await office.value('requests.queue', {});
    expect(queue).toHaveLength(1);
    // Meanwhile the office sets up a new mandate for the holder on file.
    const renewed = await office.value('mandates.create', {
      familyId,
      account: { holder: HOLDER, iban: EXAMPLE_RIB.iban, bic: EXAMPLE_RIB.bic, bankName: '', rib: null, scan: null },
    });
    const decided = await office.value('requests.decide', { itemIds: [queue[0]!.itemId], decision: 'accept', refusalReason: null });
    const why = `Le titulaire du compte change : un nouveau mandat doit être signé par Paul Martin ; révoquez le mandat ${renewed.rum} puis mettez en place le prélèvement.`;
    expect(decided).toMatchObject({ accepted: 0, skipped: [{ itemId: queue[0]!.itemId, why }] });
    expect((await office.value('families.get', { id: familyId })).data.bank.holder).toBe(HOLDER);
    const current = await office.value('mandates.forFamily', { familyId });
    expect(current.mandates.find((m) => m.id === renewed.id)!.accounts).toHaveLength(1);
  });
});
