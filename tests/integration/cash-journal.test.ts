import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentInput } from '../../src/shared/billing/account.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { family } from './billing-run-commune.js';
import { flat, issued, layout, ok, pages, pdfOf, row } from './statement-fixtures.js';

/**
 * The régie's cash journal through the real core, worked by hand: one day's payments, refunds and cancellations by
 * method with their totals, the cheques of the deposit slip, the closing by the régisseur (final: nothing dated that
 * day can be written after it), the roles, and the PDF read back with pdftotext.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

const DAY = '2026-12-03';

describe('the cash journal of the régie', () => {
  let regie: { call: CallFn };
  let durand: number;
  let martin: number;

  /**
   * 3 December: Durand's cheque 40,00 € and cash 80,00 € on a 100,00 € invoice (20,00 € over, refunded in cash);
   * Martin's cheque 25,00 € (cancelled the same day: entered by mistake), cash 10,00 € and card 15,00 €. The day
   * before, a cash payment of 5,00 € that the 3rd's journal does not show.
   */
  async function setUp(): Promise<void> {
    office = await makeTestOffice({ now: `${DAY}T16:00:00Z` });
    regie = await office.as('regisseur');
    durand = await family(office, { nom: 'Durand', prenom: 'Paul', civilite: 'M.' });
    martin = await family(office, { nom: 'Martin', prenom: 'Hélène', civilite: 'Mme' });
    issued(office, durand, '2026-11-02', '2026-12-02', 10_000);
    issued(office, martin, '2026-11-02', '2026-12-02', 5_000);
    const pay = (input: Partial<PaymentInput>) => ok(regie.call('payments.record', { day: DAY, ...input } as PaymentInput));
    await pay({ familyId: martin, method: 'especes', day: '2026-12-02', amountCents: 500 });
    await pay({ familyId: durand, method: 'cheque', amountCents: 4_000, chequeNumber: '1234567', chequeBank: 'Crédit Agricole', chequeDrawer: 'M. Durand' });
    const wrong = await pay({ familyId: martin, method: 'cheque', amountCents: 2_500, chequeNumber: '7654321', chequeBank: 'La Banque Postale', chequeDrawer: 'Mme Martin' });
    await pay({ familyId: martin, method: 'especes', amountCents: 1_000 });
    await pay({ familyId: durand, method: 'especes', amountCents: 8_000, overpayment: 'refund', refundMethod: 'especes' });
    await ok(regie.call('payments.cancel', { movementId: wrong.movementId, day: DAY, reason: 'Chèque saisi par erreur, rendu à la famille' }));
    await pay({ familyId: martin, method: 'carte', amountCents: 1_500 });
  }

  it('sums the day by method: payments, refunds and cancellations apart, the net; lists the cheques to deposit', async () => {
    await setUp();
    const journal = await ok(regie.call('cashJournal.get', { day: DAY }));
    expect(journal.closed).toBeNull();
    expect(journal.methods.map((m) => [m.method, m.paymentsCents, m.refundsCents, m.cancellationsCents, m.netCents, m.movements.length])).toEqual([
      // Cash: 10,00 + 80,00 received, 20,00 paid back: 70,00.
      ['especes', 9_000, 2_000, 0, 7_000, 3],
      // Cheques: 40,00 + 25,00 received, the 25,00 cancelled: 40,00.
      ['cheque', 6_500, 0, -2_500, 4_000, 3],
      ['carte', 1_500, 0, 0, 1_500, 1],
    ]);
    expect(journal.totals).toEqual({ paymentsCents: 17_000, refundsCents: 2_000, cancellationsCents: -2_500, netCents: 12_500, count: 7 });
    // The cancelled cheque went back to the family: only Durand's is deposited.
    expect(journal.cheques).toEqual([
      { movementId: expect.any(Number), number: '1234567', bank: 'Crédit Agricole', drawer: 'M. Durand', amountCents: 4_000, familyId: durand, familyName: 'Durand Paul' },
    ]);
    expect(journal.chequesTotalCents).toBe(4_000);
    const before = await ok(regie.call('cashJournal.get', { day: '2026-12-02' }));
    expect(before.totals).toEqual({ paymentsCents: 500, refundsCents: 0, cancellationsCents: 0, netCents: 500, count: 1 });
  });

  it('closes the day for the régisseur only, once, never in the future; then nothing dated that day is accepted', async () => {
    await setUp();
    const agent = await office.as('agent');
    const admin = await office.as('admin');
    for (const other of [agent, admin]) {
      const refused = await other.call('cashJournal.close', { day: DAY });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error).toMatchObject({ code: 'forbidden', message: 'Seul le régisseur peut clôturer une journée de caisse.' });
    }
    const agentRead = await agent.call('cashJournal.get', { day: DAY });
    expect(agentRead.ok).toBe(false);
    expect((await admin.call('cashJournal.get', { day: DAY })).ok).toBe(true);

    const future = await regie.call('cashJournal.close', { day: '2026-12-04' });
    expect(future.ok).toBe(false);
    if (!future.ok) expect(future.error).toMatchObject({ code: 'validation', fields: { day: 'Le 04/12/2026 n’est pas encore passé : seule une journée écoulée ou celle d’aujourd’hui peut être clôturée.' } });
    const typo = await regie.call('cashJournal.close', { day: '2026-02-30' });
    expect(typo.ok).toBe(false);
    expect(office.sqlite.prepare('SELECT count(*) FROM cash_days').pluck().get()).toBe(0);

    const closed = await ok(regie.call('cashJournal.close', { day: DAY }));
    expect(closed.closed).toMatchObject({ at: `${DAY}T16:00:00.000Z`, by: expect.stringContaining('regisseur') });
    const stored = office.sqlite.prepare('SELECT closed_at, summary FROM cash_days WHERE day = ?').get(DAY) as { closed_at: string; summary: string };
    expect(JSON.parse(stored.summary)).toMatchObject({ totals: { netCents: 12_500, count: 7 }, cheques: { count: 1, totalCents: 4_000 } });
    const audit = office.sqlite.prepare("SELECT field, new_value FROM audit_log WHERE entity = 'cash_day'").all() as { field: string; new_value: string }[];
    expect(audit).toEqual([{ field: 'Journée de caisse du 03/12/2026', new_value: expect.stringContaining('clôturée : 7 mouvement(s), net 125,00\u00a0€') }]);

    const again = await regie.call('cashJournal.close', { day: DAY });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error).toMatchObject({ code: 'conflict', message: 'La journée de caisse du 03/12/2026 est déjà clôturée.' });

    // Closed: a payment, a refund and a cancellation dated that day are refused, nothing written.
    const movements = () => office.sqlite.prepare('SELECT count(*) FROM account_movements').pluck().get() as number;
    const count = movements();
    const closedMessage = 'La journée de caisse du 03/12/2026 est clôturée : elle ne peut plus être modifiée.';
    const payment = await regie.call('payments.record', { familyId: martin, method: 'especes', day: DAY, amountCents: 100 } as PaymentInput);
    expect(payment.ok).toBe(false);
    if (!payment.ok) expect(payment.error).toMatchObject({ message: closedMessage, fields: { day: closedMessage } });
    const paymentId = office.sqlite.prepare("SELECT id FROM account_movements WHERE method = 'carte'").pluck().get() as number;
    const cancel = await regie.call('payments.cancel', { movementId: paymentId, day: DAY, reason: 'Erreur de saisie' });
    expect(cancel.ok).toBe(false);
    if (!cancel.ok) expect(cancel.error.message).toBe(closedMessage);
    const refund = await regie.call('payments.refund', { familyId: durand, method: 'especes', day: DAY, amountCents: 100 });
    expect(refund.ok).toBe(false);
    expect(movements()).toBe(count);
    // A day in the future is refused; the next day, open, takes the cancellation.
    const early = await regie.call('payments.cancel', { movementId: paymentId, day: '2026-12-04', reason: 'Erreur de saisie' });
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.fields).toEqual({ day: 'Un mouvement ne peut pas être daté d’un jour à venir (le 04/12/2026) : la caisse enregistre ce qui est reçu ou rendu.' });
    office.clock.set('2026-12-04T08:00:00Z');
    await ok(regie.call('payments.cancel', { movementId: paymentId, day: '2026-12-04', reason: 'Erreur de saisie' }));
    expect(movements()).toBe(count + 1);
    expect((await ok(regie.call('cashJournal.get', { day: DAY }))).totals.netCents).toBe(12_500);
  });

  it('prints the journal and the bordereau de remise de chèques as one PDF', async () => {
    await setUp();
    await ok(regie.call('cashJournal.close', { day: DAY }));
    const file = await ok(regie.call('cashJournal.pdf', { day: DAY }));
    expect(file.fileName).toBe('journal-caisse-2026-12-03.pdf');
    const pdf = pdfOf(office, file);
    expect(pages(pdf)).toBe(2);
    const journal = flat(pdf, 1);
    expect(journal).toContain('Journal de caisse Journée du jeudi 3 décembre 2026 — 7 mouvement(s)');
    expect(journal).toContain('Journée clôturée le 03/12/2026 à 17h00 par Test regisseur');
    const table = layout(pdf, 1);
    expect(table).toMatch(row('Total Espèces : règlements 90,00 €, remboursements -20,00 €', 'Net 70,00 €'));
    expect(table).toMatch(row('Total Chèque : règlements 65,00 €, annulations -25,00 €', 'Net 40,00 €'));
    expect(table).toMatch(row('Annulation du', 'Martin Hélène (n° 2)', 'Chèque n° 7654321', '25,00 €'));
    expect(journal).toContain('Annulation du règlement du 03/12/2026');
    expect(table).toMatch(row('Remboursement', 'Durand Paul', 'Espèces', '20,00 €'));
    expect(table).toMatch(row('Total net de la journée', '125,00 €'));
    const slip = flat(pdf, 2);
    expect(slip).toContain('Bordereau de remise de chèques');
    expect(slip).toContain('à l’ordre de « Trésor public »');
    expect(layout(pdf, 2)).toMatch(row('1', '1234567', 'Crédit Agricole', 'M. Durand', 'Durand Paul', '40,00 €'));
    expect(slip).not.toContain('7654321');
    expect(layout(pdf, 2)).toMatch(row('Nombre de chèques : 1', 'Total', '40,00 €'));
    expect(slip).toContain('Le comptable public');
    expect(slip).toContain('Page 2 / 2');
  });
});
