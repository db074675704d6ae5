import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { familyPublicationSchema } from '../../src/shared/sync/contract.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { HttpFamily, pageText } from '../helpers/portal-http.js';
import { insertNotice, insertSignedMandate } from '../helpers/sepa.js';
import { startTestPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';
import { family } from './billing-run-commune.js';

/**
 * Direct debits seen by the family, through both real servers: the régie prepares, cancels, prepares again and sends a
 * batch of the Durands' invoices at the office, the collection date comes, one debit is rejected; after each step the
 * real sync publishes and the family reads « Relevé de compte » and its home page on the real portal over HTTP. An
 * invoice the bank is about to collect is never offered on PayFiP nor counted as to pay online (the family would pay
 * twice); a collected one reads « Prélevée le … »; a rejected one is unpaid again, payable online again, with the
 * reason in French and its fee invoice. The Martins, without a mandate, pay online as before and never see any of it.
 * Tuesday 1 December 2026, 10:00 Paris.
 */

let office: TestOffice;
let portal: TestPortal;
let regie: { call: CallFn };
let ids: { durand: number; martin: number };
const PASSWORD = 'un mot de passe solide';
const IBAN = 'FR7630006000011234567890189';

beforeEach(async () => {
  office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
  portal = await startTestPortal(office.clock);
  ids = {
    durand: await family(office, { nom: 'Durand', prenom: 'Paul', civilite: 'M.' }),
    martin: await family(office, { nom: 'Martin', prenom: 'Hélène', civilite: 'Mme' }),
  };
  regie = await office.as('regisseur');
  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
});

afterEach(async () => {
  await portal.close();
  await office.close();
});

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

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

/** Logs in again (a session does not outlive the days the test's clock moves on). */
async function login(email: string): Promise<HttpFamily> {
  const family = new HttpFamily(portal.url);
  await family.get('/connexion');
  expect((await family.post('/connexion', { email, password: PASSWORD })).status).toBe(303);
  return family;
}

const publicationOf = async (familyId: number) => {
  const row = await portal.db.selectFrom('publications').select('data').where('family_id', '=', familyId).executeTakeFirstOrThrow();
  return familyPublicationSchema.parse(JSON.parse(row.data));
};

/** A page's visible text (pageText); a closing tag before punctuation left a space there (« <strong>46,50 €</strong>. »). */
const text = (body: string) => pageText(body).replace(/ ([.,])/g, '$1');

/** The PayFiP section's text alone ('' when the page has none). */
const payfipOf = (body: string) => {
  const start = body.indexOf('<section aria-labelledby="payer">');
  return start < 0 ? '' : text(body.slice(start, body.indexOf('</section>', start)));
};

const dirty = (familyId: number) => office.sqlite.prepare('SELECT COUNT(*) FROM sync_dirty WHERE family_id = ?').pluck().get(familyId);

describe('direct debits on the portail famille', () => {
  it('shows each invoice’s debit to its family, never offers online what the bank will collect, offers it again after a reject; never to another family', async () => {
    const mandate = insertSignedMandate(office, ids.durand, { holder: 'Paul Durand', iban: IBAN, bic: 'AGRIFRPP' });
    const invoiceA = insertIssuedInvoice(office.sqlite, { familyId: ids.durand, issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: 4_650 });
    const invoiceB = insertIssuedInvoice(office.sqlite, { familyId: ids.durand, issueDate: '2026-11-03', dueDate: '2026-12-03', totalCents: 1_200 });
    const [a, b] = [invoiceA.number, invoiceB.number];
    // Pre-notified on their issue day, as an invoice of a family with a mandate is (its document's « sera prélevée »).
    for (const [invoice, amountCents, notifiedOn] of [[invoiceA, 4_650, '2026-11-02'], [invoiceB, 1_200, '2026-11-03']] as const) {
      insertNotice(office, { invoiceId: invoice.id, familyId: ids.durand, mandateId: mandate.mandateId, rum: mandate.rum, amountCents, notifiedOn, debitDate: '2026-12-10' });
    }
    const m = insertIssuedInvoice(office.sqlite, { familyId: ids.martin, issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: 2_200 }).number;
    let durand = await loggedIn(ids.durand, 'durand@example.fr');
    let martin = await loggedIn(ids.martin, 'martin@example.fr');

    // Before any batch: an unpaid invoice like any other, offered on PayFiP.
    let page = (await durand.get('/releve')).body;
    expect(payfipOf(page)).toContain(`référence ${a}, montant 46,50 €`);
    expect(text(page)).not.toContain('Prélèvement');

    // A batch prepared for Thursday 10 December: both invoices « Prélèvement prévu », nothing to pay online.
    const first = await ok(regie.call('sepa.prepare', { collectionDate: '2026-12-10' }));
    expect(first.debits).toHaveLength(2);
    await sync();
    let published = await publicationOf(ids.durand);
    expect(published.invoices.map((i) => [i.number, i.directDebit])).toEqual([
      [a, { status: 'en_cours', collectionDate: '2026-12-10', mandateReference: mandate.rum, rejectCode: null, rejectReason: null, rejectDay: null, feeInvoiceNumber: null }],
      [b, { status: 'en_cours', collectionDate: '2026-12-10', mandateReference: mandate.rum, rejectCode: null, rejectReason: null, rejectDay: null, feeInvoiceNumber: null }],
    ]);
    page = (await durand.get('/releve')).body;
    expect(text(page)).toContain(`Facture n° ${a} novembre 2026 02/11/2026 02/12/2026 46,50 € 0,00 € 46,50 € Prélèvement prévu le 10 déc. 2026`);
    expect(text(page)).toContain(`Facture n° ${b} novembre 2026 03/11/2026 03/12/2026 12,00 € 0,00 € 12,00 € Prélèvement prévu le 10 déc. 2026`);
    expect(page).toContain('<time datetime="2026-12-10">10 déc. 2026</time>');
    expect(text(page)).toContain('Dont 58,50 € en cours de prélèvement automatique sur votre compte : vous n’avez rien à faire pour ce montant.');
    expect(page).not.toContain('Payer en ligne avec PayFiP');
    let home = text((await durand.get('/')).body);
    expect(home).toContain('Montant dû : 58,50 €. Voir le relevé de compte Dont 58,50 € en cours de prélèvement automatique');
    expect(home).not.toContain('payer en ligne');

    // The batch's date moved while it is only prepared (straight in SQL, no writer to mark the family): 0010's trigger
    // marks the family, and the next sync shows the new date.
    expect(dirty(ids.durand)).toBe(0);
    office.sqlite.prepare('UPDATE sepa_batches SET collection_date = ? WHERE id = ?').run('2026-12-11', first.id);
    expect(dirty(ids.durand)).toBe(1);
    await sync();
    expect(text((await durand.get('/releve')).body)).toContain('Prélèvement prévu le 11 déc. 2026');

    // Cancelled before it was sent: unpaid again, PayFiP again.
    await ok(regie.call('sepa.cancelBatch', { batchId: first.id }));
    await sync();
    expect((await publicationOf(ids.durand)).invoices.map((i) => i.directDebit)).toEqual([null, null]);
    page = (await durand.get('/releve')).body;
    expect(text(page)).not.toContain('Prélèvement');
    expect(payfipOf(page)).toContain(`référence ${a}, montant 46,50 €`);
    expect(payfipOf(page)).toContain(`référence ${b}, montant 12,00 €`);

    // Prepared again and sent to the bank: still « prévu », still not online.
    const batch = await ok(regie.call('sepa.prepare', { collectionDate: '2026-12-10' }));
    await ok(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.02' }));
    await sync();
    page = (await durand.get('/releve')).body;
    expect(text(page)).toContain(`Facture n° ${a} novembre 2026 02/11/2026 02/12/2026 46,50 € 0,00 € 46,50 € Prélèvement prévu le 10 déc. 2026`);
    expect(page).not.toContain('Payer en ligne avec PayFiP');

    // The Martins, without a mandate: their invoice on PayFiP, no debit column, nothing of the Durands.
    page = (await martin.get('/releve')).body;
    expect(payfipOf(page)).toContain(`référence ${m}, montant 22,00 €`);
    expect(text(page)).not.toContain('Prélèvement');
    expect((await publicationOf(ids.martin)).invoices.map((i) => [i.number, i.directDebit])).toEqual([[m, null]]);

    // Monday 14 December: the collection date has passed; nobody opened the régie's screens, the sync settles the debits.
    office.clock.set('2026-12-14T09:00:00Z');
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM sepa_debits WHERE status = 'collected'").pluck().get()).toBe(0);
    await sync();
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM sepa_debits WHERE status = 'collected'").pluck().get()).toBe(2);
    durand = await login('durand@example.fr');
    martin = await login('martin@example.fr');
    published = await publicationOf(ids.durand);
    expect(published.invoices.map((i) => [i.number, i.paidCents, i.directDebit?.status])).toEqual([
      [a, 4_650, 'preleve'],
      [b, 1_200, 'preleve'],
    ]);
    page = (await durand.get('/releve')).body;
    expect(text(page)).toContain(`Facture n° ${a} novembre 2026 02/11/2026 02/12/2026 46,50 € 46,50 € 0,00 € Prélevée le 10 déc. 2026`);
    expect(text(page)).toContain(`Facture n° ${b} novembre 2026 03/11/2026 03/12/2026 12,00 € 12,00 € 0,00 € Prélevée le 10 déc. 2026`);
    expect(text(page)).toContain('10/12/2026 Paiement Prélèvement 46,50 €');
    expect(page).not.toContain('Payer en ligne avec PayFiP');
    expect(text((await durand.get('/')).body)).not.toContain('Montant dû');

    // The bank rejects the 46,50 € debit (AM04), with a 5,00 € fee: unpaid again, on PayFiP again, the reason in French.
    const rejected = await ok(regie.call('sepa.reject', { debitId: batch.debits[0]!.id as number, code: 'AM04', day: '2026-12-14', feeCents: 500 }));
    const fee = rejected.feeInvoiceNumber!;
    expect(fee).toBeTruthy();
    await sync();
    published = await publicationOf(ids.durand);
    expect(published.invoices.map((i) => [i.number, i.amountCents, i.paidCents, i.directDebit])).toEqual([
      [
        a,
        4_650,
        0,
        {
          status: 'rejete',
          collectionDate: '2026-12-10',
          mandateReference: mandate.rum,
          rejectCode: 'AM04',
          rejectReason: 'Provision insuffisante',
          rejectDay: '2026-12-14',
          feeInvoiceNumber: fee,
        },
      ],
      [b, 1_200, 1_200, expect.objectContaining({ status: 'preleve' })],
      [fee, 500, 0, null],
    ]);
    expect(published.balanceCents).toBe(5_150);
    page = (await durand.get('/releve')).body;
    const shown = text(page);
    expect(shown).toContain('Solde : 51,50 € restant à payer');
    expect(shown).toContain(
      `Facture n° ${a} novembre 2026 02/11/2026 02/12/2026 46,50 € 0,00 € 46,50 € Prélèvement le 14 déc. 2026 rejeté (Provision insuffisante) : frais de rejet sur la facture complémentaire n° ${fee}`,
    );
    expect(shown).toContain(`Facture complémentaire n° ${fee}`);
    expect(shown).not.toContain('en cours de prélèvement');
    expect(payfipOf(page)).toContain(`référence ${a}, montant 46,50 €`);
    expect(payfipOf(page)).toContain(`référence ${fee}, montant 5,00 €`);
    expect(payfipOf(page)).not.toContain(`référence ${b}`);
    home = text((await durand.get('/')).body);
    expect(home).toContain('Montant dû : 51,50 €. Voir le relevé de compte et payer en ligne');

    // The Martins never see any of it, on any page; and cannot fetch the Durands' invoice.
    for (const path of ['/', '/releve', '/mon-compte']) {
      const other = (await martin.get(path)).body;
      for (const secret of [a, b, fee, mandate.rum, 'Provision insuffisante', 'Prélèvement', 'Prélevée']) expect(other).not.toContain(secret);
    }
    expect((await martin.get(`/releve/factures/${a}.pdf`)).status).toBe(404);
    expect((await publicationOf(ids.martin)).invoices.map((i) => [i.number, i.directDebit])).toEqual([[m, null]]);

    // Debited again in January with its fee, once the régie has sent the avis de prélèvement a reject calls for: the
    // new debit outranks the reject, nothing is left to pay online.
    const avis = await ok(regie.call('sepa.notices', { collectionDate: '2027-01-11' }));
    expect(avis.count).toBeGreaterThan(0);
    const again = await ok(regie.call('sepa.prepare', { collectionDate: '2027-01-11' }));
    expect(again.debits.map((d) => d.invoiceNumber).sort()).toEqual([a, fee].sort());
    await sync();
    expect((await publicationOf(ids.durand)).invoices.map((i) => [i.number, i.directDebit?.status, i.directDebit?.collectionDate])).toEqual([
      [a, 'en_cours', '2027-01-11'],
      [b, 'preleve', '2026-12-10'],
      [fee, 'en_cours', '2027-01-11'],
    ]);
    page = (await durand.get('/releve')).body;
    expect(text(page)).toContain(`Facture n° ${a} novembre 2026 02/11/2026 02/12/2026 46,50 € 0,00 € 46,50 € Prélèvement prévu le 11 janv. 2027`);
    expect(text(page)).not.toContain('rejeté');
    expect(page).not.toContain('Payer en ligne avec PayFiP');
    expect(text(page)).toContain('Dont 51,50 € en cours de prélèvement automatique');
  });
});
