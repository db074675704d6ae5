import { afterEach, describe, expect, it } from 'vitest';
import type { InvoiceDocument } from '../../src/shared/billing/invoice.js';
import { insertIssuedInvoice } from '../helpers/invoice.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { insertNotice, insertSignedMandate } from '../helpers/sepa.js';
import { family } from './billing-run-commune.js';

/**
 * Rejected debits through the real core: after settlement the payment is cancelled on the ledger (the invoice open
 * again, the balance back), a fee invoiced, the family flagged; the second reject suspends the mandate; a reject
 * before settlement is never settled; the refusals.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const IBAN = 'FR7630006000011234567890189';

describe('rejected direct debits', () => {
  let regie: { call: CallFn };
  let familyId: number;
  let mandate: { mandateId: number; rum: string };

  /** Two invoices collected on Thursday 10 December 2026 (prepared and sent on the 1st). */
  async function collectedBatch(): Promise<{ batchId: number; debitIds: number[]; numbers: string[] }> {
    office = await makeTestOffice({ now: '2026-12-01T09:00:00Z' });
    familyId = await family(office, { nom: 'Durand', prenom: 'Paul', civilite: 'M.' });
    mandate = insertSignedMandate(office, familyId, { holder: 'Paul Durand', iban: IBAN, bic: 'AGRIFRPP' });
    const a = insertIssuedInvoice(office.sqlite, { familyId, issueDate: '2026-11-02', dueDate: '2026-12-02', totalCents: 4_650 });
    const b = insertIssuedInvoice(office.sqlite, { familyId, issueDate: '2026-11-03', dueDate: '2026-12-03', totalCents: 1_200 });
    insertNotice(office, { invoiceId: a.id, familyId, mandateId: mandate.mandateId, rum: mandate.rum, amountCents: 4_650, notifiedOn: '2026-11-02' });
    insertNotice(office, { invoiceId: b.id, familyId, mandateId: mandate.mandateId, rum: mandate.rum, amountCents: 1_200, notifiedOn: '2026-11-03' });
    regie = await office.as('regisseur');
    const batch = await ok(regie.call('sepa.prepare', { collectionDate: '2026-12-10' }));
    await ok(regie.call('sepa.export', { batchId: batch.id, version: 'pain.008.001.02' }));
    return { batchId: batch.id, debitIds: batch.debits.map((d) => d.id as number), numbers: [a.number, b.number] };
  }

  it('reverses a collected debit on the ledger, invoices the fee, flags the family; the second reject suspends the mandate', async () => {
    const { debitIds, numbers } = await collectedBatch();
    office.clock.set('2026-12-14T09:00:00Z');
    const paid = await office.value('accounts.get', { familyId });
    expect([paid.balanceCents, paid.invoices.map((i) => i.openCents)]).toEqual([0, [0, 0]]);

    // Refusals first: nothing saved by any of them.
    const refusals: [Record<string, unknown>, string, string][] = [
      [{ debitId: debitIds[0], code: 'XX99', day: '2026-12-14', feeCents: 0 }, 'code', 'Choisissez le motif du rejet donné par la banque.'],
      [{ debitId: debitIds[0], code: 'AM04', day: '2026-12-15', feeCents: 0 }, 'day', 'Le rejet ne peut pas être daté d’un jour à venir.'],
      [{ debitId: debitIds[0], code: 'AM04', day: '2026-11-30', feeCents: 0 }, 'day', 'Le rejet ne peut pas précéder la transmission du lot (le 01/12/2026).'],
      [{ debitId: debitIds[0], code: 'AM04', day: '2026-12-09', feeCents: 0 }, 'day', 'L’annulation ne peut pas précéder le mouvement qu’elle annule (du 10/12/2026).'],
      [{ debitId: debitIds[0], code: 'AM04', day: '2026-12-14', feeCents: -100 }, 'feeCents', 'Les frais de rejet ne sont pas négatifs.'],
    ];
    const before = office.sqlite.prepare('SELECT (SELECT COUNT(*) FROM account_movements) + (SELECT COUNT(*) FROM invoices) + (SELECT COUNT(*) FROM sepa_family_flags)').pluck().get();
    for (const [input, field, message] of refusals) {
      const result = await regie.call('sepa.reject', input as never);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.fields?.[field]).toBe(message);
    }
    const agent = await office.as('agent');
    const forbidden = await agent.call('sepa.reject', { debitId: debitIds[0]!, code: 'AM04', day: '2026-12-14', feeCents: 0 });
    expect(!forbidden.ok && forbidden.error.code).toBe('forbidden');
    expect(office.sqlite.prepare('SELECT (SELECT COUNT(*) FROM account_movements) + (SELECT COUNT(*) FROM invoices) + (SELECT COUNT(*) FROM sepa_family_flags)').pluck().get()).toBe(before);

    // AM04 with a 5,00 € fee: the invoice unpaid again, the balance back with the fee, the family flagged.
    const first = await ok(regie.call('sepa.reject', { debitId: debitIds[0]!, code: 'AM04', day: '2026-12-14', feeCents: 500 }));
    expect(first.mandateSuspended).toBe(false);
    expect(first.batch.debits.map((d) => [d.status, d.rejectLabel])).toEqual([
      ['rejected', 'AM04 · Provision insuffisante'],
      ['collected', null],
    ]);
    expect(first.batch.rejectedCount).toBe(1);
    const account = await office.value('accounts.get', { familyId });
    const fee = account.invoices.find((i) => i.kind === 'complementary')!;
    expect(fee.number).toBe(first.feeInvoiceNumber);
    expect(account.invoices.map((i) => [i.number, i.totalCents, i.openCents])).toEqual([
      [numbers[0], 4_650, 4_650],
      [numbers[1], 1_200, 0],
      [fee.number, 500, 500],
    ]);
    expect(account.balanceCents).toBe(5_150);
    expect(account.movements.map((m) => [m.kind, m.method, m.day, m.amountCents, m.note])).toEqual([
      ['payment', 'prelevement', '2026-12-10', 4_650, expect.any(String)],
      ['payment', 'prelevement', '2026-12-10', 1_200, expect.any(String)],
      ['cancellation', 'prelevement', '2026-12-14', 4_650, 'Prélèvement rejeté : AM04 · Provision insuffisante'],
    ]);
    const feeDocument = JSON.parse(office.sqlite.prepare('SELECT document FROM invoices WHERE number = ?').pluck().get(fee.number) as string) as InvoiceDocument;
    expect(feeDocument.reason).toBe('Frais de rejet de prélèvement (AM04 · Provision insuffisante)');
    expect(feeDocument.corrects?.number).toBe(numbers[0]);
    // The mandate is still active after one reject: the fee invoice is pre-notified for the next debit.
    expect(feeDocument.directDebit).toMatchObject({ mandateReference: mandate.rum, amountCents: 500 });
    expect(office.sqlite.prepare('SELECT reason FROM sepa_family_flags WHERE family_id = ?').pluck().get(familyId)).toBe(
      `Prélèvement rejeté le 14/12/2026 : AM04 · Provision insuffisante (facture ${numbers[0]})`,
    );
    const twice = await regie.call('sepa.reject', { debitId: debitIds[0]!, code: 'AM04', day: '2026-12-14', feeCents: 0 });
    expect(!twice.ok && twice.error.message).toBe('Ce prélèvement est déjà enregistré comme rejeté.');
    // Audited.
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM audit_log WHERE entity = 'sepa_debit' AND action = 'reject'").pluck().get()).toBe(1);

    // The rejected invoice's pre-notification was used by the debit that failed: a new avis before it is debited
    // again. The fee invoice carries its own (recorded at issue), announcing Monday 11 January.
    const afterReject = await ok(regie.call('sepa.preview', { collectionDate: '2027-01-11' }));
    expect(afterReject.debits.map((d) => [d.invoiceNumber, d.amountCents])).toEqual([[fee.number, 500]]);
    expect(afterReject.ineligible.map((i) => [i.invoiceNumber, i.why, i.needsNotice])).toEqual([[numbers[0], 'rejetée : nouvel avis de prélèvement nécessaire', true]]);
    office.clock.set('2026-12-14T10:00:00Z');
    const avis = await ok(regie.call('sepa.notices', { collectionDate: '2027-01-11', invoiceIds: [numbers[0]].map((nb) => afterReject.ineligible.find((i) => i.invoiceNumber === nb)!.invoiceId) }));
    expect([avis.count, avis.debitDate]).toEqual([1, '2027-01-11']);
    const renotified = await ok(regie.call('sepa.preview', { collectionDate: '2027-01-11' }));
    expect(renotified.debits.map((d) => [d.invoiceNumber, d.amountCents])).toEqual([
      [numbers[0], 4_650],
      [fee.number, 500],
    ]);

    // The second reject suspends the mandate until the office reactivates it: nothing of the family is collected.
    const second = await ok(regie.call('sepa.reject', { debitId: debitIds[1]!, code: 'MD06', day: '2026-12-14', feeCents: 0 }));
    expect([second.mandateSuspended, second.feeInvoiceNumber]).toEqual([true, null]);
    expect(office.sqlite.prepare('SELECT status, status_note FROM sepa_mandates WHERE id = ?').get(mandate.mandateId)).toEqual({
      status: 'suspendu',
      status_note:
        'Suspendu après 2 rejets (dernier le 14/12/2026 : MD06 · Remboursement demandé par le débiteur) : à réactiver, modifier ou remplacer par la régie une fois la famille contactée.',
    });
    expect((await office.value('accounts.get', { familyId })).balanceCents).toBe(6_350);
    const preview = await ok(regie.call('sepa.preview', { collectionDate: '2027-01-11' }));
    expect(preview.count).toBe(0);
    expect(preview.ineligible.map((i) => i.why)).toEqual(['mandat suspendu (2 rejets)', 'mandat suspendu (2 rejets)', 'mandat suspendu (2 rejets)']);

    // The flag is cleared by the régisseur, once.
    expect(await ok(regie.call('sepa.clearFlag', { familyId }))).toBeNull();
    expect(office.sqlite.prepare('SELECT COUNT(*) FROM sepa_family_flags').pluck().get()).toBe(0);
    const again = await regie.call('sepa.clearFlag', { familyId });
    expect(again.ok).toBe(false);
  });

  it('marks a debit rejected before its collection date, which is then never settled', async () => {
    const { batchId, debitIds, numbers } = await collectedBatch();
    office.clock.set('2026-12-08T09:00:00Z');
    const outcome = await ok(regie.call('sepa.reject', { debitId: debitIds[1]!, code: 'AC04', day: '2026-12-08', feeCents: 0 }));
    expect(outcome.batch.debits.map((d) => d.status)).toEqual(['pending', 'rejected']);
    // A closed account: the mandate is suspended at this first reject (src/shared/sepa/suspension.ts).
    expect(outcome.mandateSuspended).toBe(true);
    expect(office.sqlite.prepare('SELECT status, status_note FROM sepa_mandates WHERE id = ?').get(mandate.mandateId)).toEqual({
      status: 'suspendu',
      status_note: 'Suspendu dès le premier rejet (le 08/12/2026 : AC04 · Compte clôturé) : à réactiver, modifier ou remplacer par la régie une fois la famille contactée.',
    });
    expect((await office.value('accounts.get', { familyId })).invoices.map((i) => i.directDebit?.status ?? null)).toEqual(['sent', null]);
    office.clock.set('2026-12-10T09:00:00Z');
    const account = await office.value('accounts.get', { familyId });
    expect(account.movements.map((m) => [m.kind, m.amountCents])).toEqual([['payment', 4_650]]);
    expect(account.invoices.map((i) => [i.number, i.openCents])).toEqual([
      [numbers[0], 0],
      [numbers[1], 1_200],
    ]);
    const batch = await ok(regie.call('sepa.batch', { batchId }));
    expect([batch.statusLabel, batch.debits.map((d) => d.status), batch.rejectedCount]).toEqual(['Encaissé le 10/12/2026', ['collected', 'rejected'], 1]);
    expect(office.sqlite.prepare('SELECT reject_movement_id FROM sepa_debits WHERE id = ?').pluck().get(debitIds[1])).toBeNull();
  });
});
