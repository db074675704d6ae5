import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FamilyAccount } from '../../src/shared/api/accounts.js';
import type { ImmediateRefundMethod, PaymentInput } from '../../src/shared/billing/account.js';
import { settleFamilies } from '../../src/office/accounts/payments.js';
import { makeTestOffice, type CallFn, type TestOffice } from '../helpers/office.js';
import { family } from './billing-run-commune.js';

/**
 * A family's account through the real core on a real SQLite file, over random sequences of invoices, payments (oldest
 * first or on chosen invoices, an overpayment kept or refunded), refunds of the credit and cancellations: after every
 * step the balance is Σ invoices − Σ payments + Σ refunds, cancelled movements counted back; the balance is what is
 * open on the invoices less the credit; no payment gives more than its amount, no invoice receives more than its
 * total, and what a refused step tried left the account as it was.
 */

let office: TestOffice;
let regie: { call: CallFn };
let seq = 0;
let families = 0;

beforeAll(async () => {
  office = await makeTestOffice({ now: '2026-12-03T09:00:00Z' });
  regie = await office.as('regisseur');
}, 60_000);

afterAll(async () => {
  await office?.close();
});

type Step =
  | { kind: 'invoice'; cents: number }
  | { kind: 'pay'; cents: number; pick: number[]; over: 'credit' | 'refund'; refundMethod: ImmediateRefundMethod }
  | { kind: 'refund'; share: number }
  | { kind: 'cancel'; pick: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('invoice' as const), cents: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({
    kind: fc.constant('pay' as const),
    cents: fc.integer({ min: 1, max: 30_000 }),
    pick: fc.array(fc.nat(20), { maxLength: 3 }),
    over: fc.constantFrom('credit' as const, 'refund' as const),
    refundMethod: fc.constantFrom('especes' as const, 'virement' as const),
  }),
  fc.record({ kind: fc.constant('refund' as const), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(40) }),
);

/** An issued invoice written as the run writes it (minimal document), then the family's credits settled as after a run. */
async function issue(familyId: number, cents: number): Promise<void> {
  seq += 1;
  const day = `2026-${String(1 + (seq % 11)).padStart(2, '0')}-01`;
  office.sqlite
    .prepare(
      `INSERT INTO invoices (number, year, seq, kind, family_id, month, issue_date, due_date, total_cents, issued_at, document)
       VALUES (?, 2026, ?, 'invoice', ?, ?, ?, ?, ?, ?, '{}')`,
    )
    .run(`2026-${String(seq).padStart(6, '0')}`, seq, familyId, day.slice(0, 7), day, day, cents, `${day}T08:00:00.000Z`);
  await settleFamilies(office.db, [familyId], '2026-12-03T09:00:00.000Z');
}

function sums(familyId: number) {
  const allocations = office.sqlite
    .prepare('SELECT source_movement_id AS src, target_invoice_id AS inv, SUM(amount_cents) AS cents FROM allocations WHERE family_id = ? GROUP BY src, inv')
    .all(familyId) as { src: number | null; inv: number | null; cents: number }[];
  return allocations;
}

/** The ledger recomputed from the rows, independently of the office's reading. */
function expectedBalance(familyId: number): number {
  const invoices = office.sqlite.prepare('SELECT COALESCE(SUM(total_cents), 0) FROM invoices WHERE family_id = ?').pluck().get(familyId) as number;
  const rows = office.sqlite
    .prepare('SELECT m.kind, m.amount_cents AS cents, c.kind AS cancelled FROM account_movements m LEFT JOIN account_movements c ON c.id = m.cancels_id WHERE m.family_id = ?')
    .all(familyId) as { kind: string; cents: number; cancelled: string | null }[];
  let balance = invoices;
  for (const row of rows) {
    if (row.kind === 'payment') balance -= row.cents;
    else if (row.kind === 'refund') balance += row.cents;
    else balance += row.cancelled === 'payment' ? row.cents : -row.cents;
  }
  return balance;
}

function checkInvariants(account: FamilyAccount): void {
  const familyId = account.familyId;
  expect(account.balanceCents).toBe(expectedBalance(familyId));
  expect(account.balanceCents).toBe(account.dueCents - account.creditCents);
  expect(account.creditCents).toBeGreaterThanOrEqual(0);
  const allocations = sums(familyId);
  for (const movement of account.movements.filter((m) => m.kind === 'payment')) {
    const given = allocations.filter((a) => a.src === movement.id).reduce((sum, a) => sum + a.cents, 0);
    expect(given).toBeGreaterThanOrEqual(0);
    expect(given).toBeLessThanOrEqual(movement.amountCents);
    // A cancelled payment gave everything back.
    if (movement.cancelledById !== null) expect(given).toBe(0);
  }
  for (const invoice of account.invoices) {
    const received = allocations.filter((a) => a.inv === invoice.id).reduce((sum, a) => sum + a.cents, 0);
    expect(received).toBeGreaterThanOrEqual(0);
    expect(received).toBeLessThanOrEqual(invoice.totalCents);
    expect(invoice.openCents).toBe(invoice.totalCents - received);
  }
  for (const a of allocations) expect(a.cents).toBeGreaterThanOrEqual(0);
}

describe('a family account under random payments, refunds and cancellations', () => {
  it('keeps the ledger, the open invoices and the credit consistent after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
        const familyId = await family(office, { nom: `Famille${(++families).toString(26).replace(/./g, (c) => 'abcdefghijklmnopqrstuvwxyz'[parseInt(c, 26)]!)}`, prenom: 'Test', civilite: 'M.' });
        let account = await office.value('accounts.get', { familyId });
        for (const step of steps) {
          const before = office.sqlite.prepare('SELECT COUNT(*) FROM account_movements WHERE family_id = ?').pluck().get(familyId) as number;
          let result: { ok: boolean } = { ok: true };
          if (step.kind === 'invoice') await issue(familyId, step.cents);
          else if (step.kind === 'pay') {
            const open = account.invoices.filter((i) => i.openCents > 0);
            const invoiceIds = [...new Set(step.pick.filter((n) => n < open.length).map((n) => open[n]!.id))];
            const input: PaymentInput = { familyId, method: 'especes', day: '2026-12-03', amountCents: step.cents, invoiceIds, overpayment: step.over, refundMethod: step.refundMethod };
            result = await regie.call('payments.record', input);
          } else if (step.kind === 'refund') {
            const cents = Math.floor(account.creditCents * step.share);
            if (cents > 0) result = await regie.call('payments.refund', { familyId, method: 'especes', day: '2026-12-03', amountCents: cents });
          } else {
            const live = account.movements.filter((m) => m.kind !== 'cancellation' && m.cancelledById === null);
            const target = live[step.pick % Math.max(1, live.length)];
            if (target) result = await regie.call('payments.cancel', { movementId: target.id, day: '2026-12-03', reason: 'Erreur de saisie' });
          }
          const after = await office.value('accounts.get', { familyId });
          // A refusal (a payment whose refund is still standing) leaves the account as it was.
          if (!result.ok) {
            expect(office.sqlite.prepare('SELECT COUNT(*) FROM account_movements WHERE family_id = ?').pluck().get(familyId)).toBe(before);
            expect(after.balanceCents).toBe(account.balanceCents);
          }
          checkInvariants(after);
          account = after;
        }
      }),
      { numRuns: 40 },
    );
    // The runs went through every path: payments, refunds (with a payment and of a credit), cancellations of both.
    const kinds = office.sqlite.prepare("SELECT m.kind || COALESCE('/' || c.kind, '') FROM account_movements m LEFT JOIN account_movements c ON c.id = m.cancels_id GROUP BY 1").pluck().all();
    expect(new Set(kinds)).toEqual(new Set(['payment', 'refund', 'cancellation/payment', 'cancellation/refund']));
  }, 120_000);
});
