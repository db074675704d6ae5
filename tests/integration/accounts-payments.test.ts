import { afterEach, describe, expect, it } from 'vitest';
import type { FamilyAccount } from '../../src/shared/api/accounts.js';
import type { PaymentInput } from '../../src/shared/billing/account.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { family } from './billing-run-commune.js';

/**
 * A family's account worked by hand, through the real core on a real SQLite file: payments allocated oldest first
 * across three invoices with a partial payment, an overpayment carried to the next invoice, a refund, a cancelled
 * payment, a credit note after a payment (issued through invoices.correct), and the refusals.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

/** An issued invoice (tests/helpers/invoice.ts): the run's own path is tested in billing-run.test.ts. */
function issued(familyId: number, issueDate: string, dueDate: string, totalCents: number): number {
  return insertIssuedInvoice(office.sqlite, { familyId, issueDate, dueDate, totalCents }).id;
}

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const open = (account: FamilyAccount) => account.invoices.map((i) => [i.number, i.settledCents, i.openCents]);

describe('a family account at the régie', () => {
  let regie: { call: CallFn };
  let familyId: number;
  const pay = (input: Partial<PaymentInput>) =>
    regie.call('payments.record', { familyId, method: 'especes', day: '2026-12-03', amountCents: 0, ...input } as PaymentInput);

  async function setUp(): Promise<void> {
    office = await makeTestOffice({ now: '2026-12-03T09:00:00Z' });
    familyId = await family(office, { nom: 'Durand', prenom: 'Paul', civilite: 'M.' });
    regie = await office.as('regisseur');
  }

  it('allocates oldest first across three invoices with a partial payment, then carries an overpayment to the next invoice', async () => {
    await setUp();
    const sept = issued(familyId, '2026-10-01', '2026-10-31', 4_650);
    issued(familyId, '2026-11-02', '2026-12-02', 3_000);
    issued(familyId, '2026-12-01', '2026-12-31', 2_500);
    // 60,00 €: September's 46,50 € in full, 13,50 € on October's 30,00 €, nothing on November's.
    const first = await ok(pay({ amountCents: 6_000, method: 'cheque', chequeNumber: '1234567', chequeBank: 'Crédit Agricole', chequeDrawer: 'M. Durand' }));
    expect(open(first.account)).toEqual([
      ['2026-000001', 4_650, 0],
      ['2026-000002', 1_350, 1_650],
      ['2026-000003', 0, 2_500],
    ]);
    expect(first.account.balanceCents).toBe(4_150);
    expect(first.account.overdueCents).toBe(1_650);
    expect(first.account.dueCents).toBe(4_150);
    expect(first.account.movements[0]?.allocations).toEqual([
      { invoiceNumber: '2026-000001', refundId: null, cents: 4_650 },
      { invoiceNumber: '2026-000002', refundId: null, cents: 1_350 },
    ]);
    expect(sept).toBeGreaterThan(0);

    // 50,00 € when 41,50 € is due: refused unless the régisseur says what to do with the 8,50 €.
    const refused = await pay({ amountCents: 5_000 });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toBe('Le montant dépasse de 8,50\u00a0€ ce qui reste dû (41,50\u00a0€) : choisissez de garder le trop-perçu en crédit sur le compte ou de le rembourser.');
    const kept = await ok(pay({ amountCents: 5_000, overpayment: 'credit' }));
    expect(kept.account.creditCents).toBe(850);
    expect(kept.account.balanceCents).toBe(-850);
    expect(kept.account.dueCents).toBe(0);

    // The next invoice (issued through the real correction path: a complementary invoice of 20,00 €) uses the credit.
    const novemberId = office.sqlite.prepare("SELECT id FROM invoices WHERE number = '2026-000003'").pluck().get() as number;
    await ok(regie.call('invoices.correct', { invoiceId: novemberId, kind: 'complementary', reason: 'Oubli du mercredi 25', lines: [{ childId: null, serviceId: null, label: 'Mercredi 25 novembre', amountCents: 2_000 }] }));
    const after = await office.value('accounts.get', { familyId });
    const complementary = after.invoices.find((i) => i.kind === 'complementary');
    expect(complementary).toMatchObject({ totalCents: 2_000, settledCents: 850, openCents: 1_150 });
    expect(after.creditCents).toBe(0);
    expect(after.balanceCents).toBe(1_150);
  });

  it('refunds a credit, cancels a payment by a counter-entry, and takes a credit note after a payment as a credit', async () => {
    await setUp();
    const octoberId = issued(familyId, '2026-11-02', '2026-12-02', 3_000);
    const paid = await ok(pay({ amountCents: 4_000, overpayment: 'refund', refundMethod: 'especes' }));
    // 30,00 € settle October; the 10,00 € over are paid back at once, as a refund of its own.
    expect(paid.refundId).not.toBeNull();
    expect(paid.account.balanceCents).toBe(0);
    expect(paid.account.creditCents).toBe(0);
    expect(paid.account.entries.map((e) => [e.kind, e.debitCents, e.creditCents])).toEqual([
      ['invoice', 3_000, 0],
      ['payment', 0, 4_000],
      ['refund', 1_000, 0],
    ]);

    // A cancellation dated before the payment is refused.
    const backdated = await regie.call('payments.cancel', { movementId: paid.movementId, day: '2026-12-02', reason: 'Erreur de saisie' });
    expect(backdated.ok).toBe(false);
    if (!backdated.ok) expect(backdated.error.message).toBe('L’annulation ne peut pas précéder le mouvement qu’elle annule (du 03/12/2026).');
    // Cancelling the payment first is refused: its money was partly refunded.
    const early = await regie.call('payments.cancel', { movementId: paid.movementId, day: '2026-12-03', reason: 'Chèque sans provision' });
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.message).toBe('Une partie de ce règlement a été remboursée : annulez d’abord le remboursement.');
    await ok(regie.call('payments.cancel', { movementId: paid.refundId as number, day: '2026-12-03', reason: 'Remboursement saisi par erreur' }));
    const cancelled = await ok(regie.call('payments.cancel', { movementId: paid.movementId, day: '2026-12-03', reason: 'Paiement saisi sur la mauvaise famille' }));
    // Nothing was deleted: four movements, and October open again.
    expect(cancelled.account.movements.map((m) => [m.kind, m.amountCents, m.cancelledById !== null])).toEqual([
      ['payment', 4_000, true],
      ['refund', 1_000, true],
      ['cancellation', 1_000, false],
      ['cancellation', 4_000, false],
    ]);
    expect(open(cancelled.account)).toEqual([['2026-000001', 0, 3_000]]);
    expect(cancelled.account.balanceCents).toBe(3_000);
    const twice = await regie.call('payments.cancel', { movementId: paid.movementId, day: '2026-12-03', reason: 'encore' });
    expect(twice.ok).toBe(false);

    // Paid in full, then a credit note of 12,00 € on it: a credit on the account, which is refunded by cheque.
    await ok(pay({ amountCents: 3_000, method: 'carte' }));
    await ok(regie.call('invoices.correct', { invoiceId: octoberId, kind: 'credit_note', reason: 'Sortie scolaire du 12', lines: [{ childId: null, serviceId: null, label: 'Repas du 12', amountCents: 1_200 }] }));
    const credited = await office.value('accounts.get', { familyId });
    expect(credited.balanceCents).toBe(-1_200);
    expect(credited.creditCents).toBe(1_200);
    const tooMuch = await regie.call('payments.refund', { familyId, method: 'cheque', day: '2026-12-03', amountCents: 1_300, chequeNumber: '7654321' });
    expect(tooMuch.ok).toBe(false);
    if (!tooMuch.ok) expect(tooMuch.error.message).toBe('Le remboursement dépasse le crédit de la famille (12,00\u00a0€).');
    const refunded = await ok(regie.call('payments.refund', { familyId, method: 'cheque', day: '2026-12-03', amountCents: 1_200, chequeNumber: '7654321' }));
    expect(refunded.account.balanceCents).toBe(0);
    expect(refunded.account.creditCents).toBe(0);
  });

  it('refuses bad payments with a French message and saves nothing', async () => {
    await setUp();
    issued(familyId, '2026-11-02', '2026-12-02', 3_000);
    const count = () => office.sqlite.prepare('SELECT COUNT(*) FROM account_movements').pluck().get() as number;
    const fieldOf = async (input: Partial<PaymentInput>, call = regie.call) => {
      const result = await call('payments.record', { familyId, method: 'especes', day: '2026-12-03', amountCents: 1_000, ...input } as PaymentInput);
      if (result.ok) throw new Error('accepted');
      return result.error;
    };
    expect((await fieldOf({ amountCents: 0 })).fields).toEqual({ amountCents: 'Le montant doit être supérieur à zéro.' });
    expect((await fieldOf({ amountCents: -500 })).fields).toEqual({ amountCents: 'Le montant doit être supérieur à zéro.' });
    expect((await fieldOf({ method: 'cheque', chequeBank: 'Banque' })).fields).toEqual({ chequeNumber: 'Le numéro du chèque est obligatoire.' });
    expect((await fieldOf({ method: 'cheque', chequeNumber: '12-34', chequeBank: 'Banque' })).fields).toEqual({ chequeNumber: 'Numéro de chèque invalide (chiffres et lettres seulement).' });
    expect((await fieldOf({ method: 'cesu' })).fields).toEqual({ cesuCount: 'Le nombre de titres CESU est obligatoire.', cesuUnitCents: 'La valeur d’un titre CESU est obligatoire.' });
    expect((await fieldOf({ method: 'cesu', cesuCount: 3, cesuUnitCents: 1_000, amountCents: 2_500 })).fields).toEqual({
      amountCents: 'Le montant doit être égal au nombre de titres × leur valeur (30,00\u00a0€).',
    });
    expect((await fieldOf({ method: 'cesu', cesuCount: 1.5, cesuUnitCents: 1_000, amountCents: 1_500 })).fields).toMatchObject({ cesuCount: 'Nombre de titres invalide.' });
    expect((await fieldOf({ method: 'payfip' })).fields).toEqual({ reference: 'La référence de la transaction PayFiP est obligatoire.' });
    expect((await fieldOf({ amountCents: 5_000, overpayment: 'refund' })).fields).toEqual({ refundMethod: 'Choisissez comment rembourser le trop-perçu.' });
    expect((await fieldOf({ amountCents: 5_000, overpayment: 'refund', refundMethod: 'cheque' as never })).fields).toEqual({
      refundMethod: 'Remboursement immédiat en espèces ou par virement ; par chèque, utilisez « Rembourser le crédit ».',
    });
    expect((await fieldOf({ invoiceIds: [999_999] })).fields).toEqual({ invoiceIds: 'Une facture choisie n’est pas de cette famille ou est déjà réglée.' });
    expect((await fieldOf({ amountCents: 5_000 })).message).toMatch(/^Le montant dépasse de 20,00\u00a0€/);
    const agent = await office.as('agent');
    expect((await fieldOf({}, agent.call)).message).toBe('Seul le régisseur peut enregistrer des règlements.');
    office.sqlite.prepare("INSERT INTO cash_days (day, closed_at, summary) VALUES ('2026-12-02', '2026-12-02T17:00:00.000Z', '{}')").run();
    expect((await fieldOf({ day: '2026-12-02' })).fields).toEqual({ day: 'La journée de caisse du 02/12/2026 est clôturée : elle ne peut plus être modifiée.' });
    // The days before a closed day are final too; a day to come is not the régie's yet.
    expect((await fieldOf({ day: '2026-12-01' })).fields).toEqual({ day: 'La caisse est clôturée jusqu’au 02/12/2026 : datez le mouvement d’un jour suivant.' });
    expect((await fieldOf({ day: '2026-12-04' })).fields).toEqual({ day: 'Un mouvement ne peut pas être daté d’un jour à venir (le 04/12/2026) : la caisse enregistre ce qui est reçu ou rendu.' });
    await ok(office.call('families.archive', { id: familyId, archived: true }));
    expect((await fieldOf({})).message).toBe('Cette famille est archivée : aucun règlement ne peut y être enregistré.');
    expect(count()).toBe(0);
    // The database itself refuses to change or delete money.
    expect(() => office.sqlite.prepare("INSERT INTO account_movements (family_id, kind, method, day, amount_cents, recorded_at) VALUES (?, 'payment', 'especes', '2026-12-02', 100, 'x')").run(familyId)).toThrow(/closed/);
  });
});
