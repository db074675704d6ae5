import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentInput } from '../../src/shared/billing/account.js';
import { familyPublicationSchema } from '../../src/shared/sync/contract.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, sampleFamilyInput, type CallFn, type TestOffice } from '../helpers/office.js';
import { HttpFamily, pageText } from '../helpers/portal-http.js';
import { startTestPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';

/**
 * The régie's accounts seen by families, through both real servers: invoices issued at the office, a cheque, a
 * transfer with an overpayment kept as credit then refunded, a cash payment entered by mistake then cancelled; the real
 * sync publishes them; on the real portal over HTTP the family finds on « Relevé de compte » what is paid and left on
 * each invoice, its payments (not the cancelled one), its balance and the PayFiP reference of what is left, and on its
 * home page the amount due. A second family sees only its own account on every route.
 * Tuesday 15 December 2026, 10:00 Paris.
 */

let office: TestOffice;
let portal: TestPortal;
let regie: { call: CallFn };
let ids: { martin: number; durand: number };
const PASSWORD = 'un mot de passe solide';

beforeEach(async () => {
  office = await makeTestOffice({ now: '2026-12-15T09:00:00Z' });
  portal = await startTestPortal(office.clock);
  const martin = (await office.value('families.create', { data: sampleFamilyInput() })).id;
  const durand = (
    await office.value('families.create', {
      data: sampleFamilyInput({ responsable1: { ...sampleFamilyInput().responsable1, nom: 'Durand', prenom: 'Sophie', email: 'sophie.durand@example.fr' } }),
    })
  ).id;
  ids = { martin, durand };
  regie = await office.as('regisseur');
  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
});

afterEach(async () => {
  await portal.close();
  await office.close();
});

/** An issued invoice as issuing stores it (tests/helpers/invoice.ts): its row and its frozen document (the commune's PayFiP id 012345). */
function issue(familyId: number, issueDate: string, dueDate: string, totalCents: number): string {
  return insertIssuedInvoice(office.sqlite, { familyId, issueDate, dueDate, totalCents, month: '2026-11' }).number;
}

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const pay = (input: Partial<PaymentInput>) => ok(regie.call('payments.record', { familyId: ids.martin, day: '2026-12-15', ...input } as PaymentInput));

async function sync(): Promise<void> {
  expect((await office.value('sync.now', {})).lastError).toBeNull();
}

async function loggedIn(familyId: number, email: string): Promise<HttpFamily> {
  const { code } = await office.value('portal.issueActivation', { familyId, rank: 1 });
  await sync();
  const family = new HttpFamily(portal.url);
  await family.get('/activation');
  expect((await family.post('/activation', { email, code, password: PASSWORD, password2: PASSWORD })).status).toBe(303);
  return family;
}

const publicationOf = async (familyId: number) => {
  const row = await portal.db.selectFrom('publications').select('data').where('family_id', '=', familyId).executeTakeFirstOrThrow();
  return familyPublicationSchema.parse(JSON.parse(row.data));
};

const text = pageText;

describe('the régie’s accounts on the portail famille', () => {
  it('shows each family what is paid and left, its payments, its balance and how to pay online; never another family’s', async () => {
    const a = issue(ids.martin, '2026-11-02', '2026-12-02', 4_000);
    const b = issue(ids.martin, '2026-12-01', '2026-12-31', 4_500);
    const d = issue(ids.durand, '2026-12-01', '2026-12-31', 2_200);
    const martin = await loggedIn(ids.martin, 'helene.martin@example.fr');
    const durand = await loggedIn(ids.durand, 'sophie.durand@example.fr');

    // Before any payment: everything left to pay.
    expect(text((await martin.get('/releve')).body)).toContain('Solde : 85,00 € restant à payer');

    // A cheque of 50,00 €: November's 40,00 € in full, 10,00 € on December's.
    await pay({ method: 'cheque', amountCents: 5_000, chequeNumber: '1234567', chequeBank: 'Crédit Agricole', day: '2026-12-10' });
    // 5,00 € in cash entered by mistake, then cancelled by a counter-entry.
    const mistake = await pay({ method: 'especes', amountCents: 500, day: '2026-12-11' });
    // Each movement marks the family for the portal by itself (no other change between these syncs).
    await sync();
    expect(text((await martin.get('/releve')).body)).toContain('11/12/2026 Paiement Espèces 5,00 €');
    await ok(regie.call('payments.cancel', { movementId: mistake.movementId, day: '2026-12-11', reason: 'Saisi par erreur' }));
    await sync();
    expect(text((await martin.get('/releve')).body)).not.toContain('Espèces');
    // A transfer of 50,00 €: December's 35,00 €, 15,00 € kept as credit, then refunded by transfer.
    await pay({ method: 'virement', amountCents: 5_000, reference: 'VIR-77', overpayment: 'credit', day: '2026-12-14' });
    await sync();
    expect(text((await martin.get('/releve')).body)).toContain('Solde : -15,00 € en votre faveur');
    await ok(regie.call('payments.refund', { familyId: ids.martin, method: 'virement', day: '2026-12-15', amountCents: 1_500, reference: 'REMB-1' }));
    await sync();
    expect(text((await martin.get('/releve')).body)).toContain('Solde : 0,00 €');
    // A later invoice, nothing paid on it.
    const c = issue(ids.martin, '2026-12-15', '2027-01-14', 3_000);
    office.sqlite.prepare('INSERT INTO sync_dirty (family_id, mark) VALUES (?, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1').run(ids.martin);
    await sync();

    const published = await publicationOf(ids.martin);
    expect(published.invoices.map((i) => [i.number, i.amountCents, i.paidCents])).toEqual([
      [a, 4_000, 4_000],
      [b, 4_500, 4_500],
      [c, 3_000, 0],
    ]);
    expect(published.payments).toEqual([
      { date: '2026-12-10', amountCents: 5_000, method: 'Chèque', kind: 'payment' },
      { date: '2026-12-14', amountCents: 5_000, method: 'Virement', kind: 'payment' },
      { date: '2026-12-15', amountCents: 1_500, method: 'Virement', kind: 'refund' },
    ]);
    // 40 + 45 + 30 invoiced, 15 refunded; 50 + 50 paid (the cancelled 5 counts neither way).
    expect(published.balanceCents).toBe(3_000);

    const statement = await martin.get('/releve');
    expect(statement.status).toBe(200);
    const shown = text(statement.body);
    expect(shown).toContain('Solde : 30,00 € restant à payer');
    expect(shown).toContain(`Facture n° ${a} novembre 2026 02/11/2026 02/12/2026 40,00 € 40,00 € 0,00 €`);
    expect(shown).toContain(`Facture n° ${b} novembre 2026 01/12/2026 31/12/2026 45,00 € 45,00 € 0,00 €`);
    expect(shown).toContain(`Facture n° ${c} novembre 2026 15/12/2026 14/01/2027 30,00 € 0,00 € 30,00 €`);
    expect(shown).toContain('10/12/2026 Paiement Chèque 50,00 €');
    expect(shown).toContain('14/12/2026 Paiement Virement 50,00 €');
    expect(shown).toContain('15/12/2026 Remboursement Virement -15,00 €');
    expect(shown).not.toContain('Espèces');
    // PayFiP: the site, the commune's identifier, the reference and amount of the one invoice left to pay.
    expect(shown).toContain('Payer en ligne avec PayFiP');
    expect(statement.body).toContain('href="https://www.tipi.budget.gouv.fr/"');
    expect(shown).toContain('l’identifiant de la collectivité 012345');
    expect(shown).toContain(`Facture n° ${c} : référence ${c} , montant 30,00 € (échéance le 14/01/2027)`);
    expect(shown).not.toContain(`référence ${a}`);
    expect(shown).not.toContain(`référence ${b}`);

    const home = text((await martin.get('/')).body);
    expect(home).toContain('Montant dû : 30,00 €');
    expect((await martin.get('/')).body).toContain('<a href="/releve">');

    // The second family: its own invoice and balance only, on every page.
    const theirs = await durand.get('/releve');
    const theirText = text(theirs.body);
    expect(theirText).toContain('Solde : 22,00 € restant à payer');
    expect(theirText).toContain(`Facture n° ${d}`);
    for (const other of [a, b, c]) expect(theirText).not.toContain(other);
    expect(theirText).not.toContain('50,00');
    expect(theirText).toContain('Aucun paiement enregistré pour le moment.');
    expect(text((await durand.get('/')).body)).toContain('Montant dû : 22,00 €');
    expect((await durand.get(`/releve/factures/${c}.pdf`)).status).toBe(404);
    const theirPublication = await publicationOf(ids.durand);
    expect(theirPublication.payments).toEqual([]);
    expect(theirPublication.balanceCents).toBe(2_200);

    // Paid in full by PayFiP: nothing due, no PayFiP section, no amount due at home.
    await pay({ method: 'payfip', amountCents: 3_000, reference: 'PFP-2026-1', day: '2026-12-15' });
    await sync();
    const after = text((await martin.get('/releve')).body);
    expect(after).toContain('Solde : 0,00 €');
    expect(after).toContain('15/12/2026 Paiement PayFiP 30,00 €');
    expect(after).not.toContain('Payer en ligne avec PayFiP');
    expect(text((await martin.get('/')).body)).not.toContain('Montant dû');
  });
});
