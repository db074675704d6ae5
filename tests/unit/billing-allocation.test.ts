import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, oldestFirst, settle, type FreeCredit, type OpenDebt } from '../../src/shared/billing/allocation.js';

/**
 * How money settles invoices (src/shared/billing/allocation.ts): worked examples by hand, then the invariants over
 * random payments and debts. Sums of allocations always equal the payment less what is left; every allocation is
 * positive; no debt receives more than it has open; the chosen debts are served first, then the oldest; settle never
 * gives more than a credit has free nor more than a debt has open, and stops only when one side is exhausted.
 */

const debt = (id: number, order: string, openCents: number): OpenDebt => ({ id, order, openCents });

describe('allocate, worked by hand', () => {
  const september = debt(1, '2026-10-01 2026-000001', 4_650);
  const october = debt(2, '2026-11-02 2026-000002', 3_000);
  const november = debt(3, '2026-12-01 2026-000003', 2_500);

  it('settles oldest first across three invoices, the last one in part', () => {
    // Given in any order: the order key decides.
    expect(allocate(9_000, [november, september, october])).toEqual({
      allocations: [
        { debtId: 1, cents: 4_650 },
        { debtId: 2, cents: 3_000 },
        { debtId: 3, cents: 1_350 },
      ],
      leftoverCents: 0,
    });
  });

  it('serves the invoices the family chose first, then the oldest', () => {
    expect(allocate(3_000, [september, october, november], [3])).toEqual({
      allocations: [
        { debtId: 3, cents: 2_500 },
        { debtId: 1, cents: 500 },
      ],
      leftoverCents: 0,
    });
  });

  it('leaves what exceeds every open debt, and skips debts with nothing open', () => {
    expect(allocate(12_000, [september, debt(4, '2026-09-01 2026-000000', 0), october, november])).toEqual({
      allocations: [
        { debtId: 1, cents: 4_650 },
        { debtId: 2, cents: 3_000 },
        { debtId: 3, cents: 2_500 },
      ],
      leftoverCents: 1_850,
    });
    expect(allocate(0, [september])).toEqual({ allocations: [], leftoverCents: 0 });
    expect(allocate(500, [])).toEqual({ allocations: [], leftoverCents: 500 });
  });

  it('refuses a chosen debt that is not open, and amounts that are not cents', () => {
    expect(() => allocate(100, [september], [9])).toThrow(/chosen debt 9/);
    expect(() => allocate(10.5, [september])).toThrow(/not a non-negative amount/);
    expect(() => allocate(-1, [september])).toThrow(/not a non-negative amount/);
  });

  it('settle puts an overpayment and a credit note on the next invoices, oldest credit first', () => {
    const credits: FreeCredit[] = [
      { key: 'invoice:40', order: '2026-12-05 2026-000040', freeCents: 1_200 },
      { key: 'movement:7', order: '2026-12-03 000000000007', freeCents: 850 },
    ];
    expect(settle(credits, [debt(5, '2026-12-10 2026-000050', 2_000), debt(6, '2026-12-11 2026-000051', 5_000)])).toEqual([
      { key: 'movement:7', debtId: 5, cents: 850 },
      { key: 'invoice:40', debtId: 5, cents: 1_150 },
      { key: 'invoice:40', debtId: 6, cents: 50 },
    ]);
  });
});

// Orders drawn from a few days and numbers, so that ties (same day, then number, then id) happen.
const orderArb = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 })).map(([d, n]) => `2026-1${d % 3}-0${d} 2026-00000${n}`);
const debtsArb = fc
  .uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 60 }), order: orderArb, openCents: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50_000 })) }), {
    selector: (d) => d.id,
    maxLength: 12,
  })
  .map((debts) => debts as OpenDebt[]);
const amountArb = fc.oneof(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 0, max: 100 }));

const total = (list: readonly { cents: number }[]) => list.reduce((sum, a) => sum + a.cents, 0);

describe('allocate, over random payments and open debts', () => {
  it('allocations plus leftover equal the payment; each positive; no debt over-allocated or served twice', () => {
    fc.assert(
      fc.property(amountArb, debtsArb, (amount, debts) => {
        const { allocations, leftoverCents } = allocate(amount, debts);
        expect(total(allocations) + leftoverCents).toBe(amount);
        expect(leftoverCents).toBeGreaterThanOrEqual(0);
        for (const a of allocations) {
          expect(Number.isSafeInteger(a.cents)).toBe(true);
          expect(a.cents).toBeGreaterThan(0);
          expect(a.cents).toBeLessThanOrEqual(debts.find((d) => d.id === a.debtId)!.openCents);
        }
        expect(new Set(allocations.map((a) => a.debtId)).size).toBe(allocations.length);
        // Something left over only when every debt is paid in full; nothing left when the debts could take it all.
        const open = debts.reduce((sum, d) => sum + d.openCents, 0);
        expect(leftoverCents).toBe(Math.max(0, amount - open));
      }),
      { numRuns: 500 },
    );
  });

  it('serves the chosen debts first (oldest first among them), then the others oldest first', () => {
    const caseArb = debtsArb.chain((debts) => fc.tuple(fc.constant(debts), amountArb, fc.subarray(debts.map((d) => d.id))));
    fc.assert(
      fc.property(caseArb, ([debts, amount, chosen]) => {
        const { allocations, leftoverCents } = allocate(amount, debts, chosen);
        expect(total(allocations) + leftoverCents).toBe(amount);
        const got = new Map(allocations.map((a) => [a.debtId, a.cents]));
        const full = (d: OpenDebt) => (got.get(d.id) ?? 0) === d.openCents;
        const picked = oldestFirst(debts.filter((d) => chosen.includes(d.id)));
        const others = oldestFirst(debts.filter((d) => !chosen.includes(d.id)));
        // The allocations come in the order served: chosen ones, then the others, each group oldest first.
        const served = [...picked, ...others].filter((d) => got.has(d.id)).map((d) => d.id);
        expect(allocations.map((a) => a.debtId)).toEqual(served);
        // Any money on a debt means every debt served before it is paid in full.
        const queue = [...picked, ...others];
        queue.forEach((d, index) => {
          if ((got.get(d.id) ?? 0) > 0) for (const before of queue.slice(0, index)) expect(full(before)).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });
});

const creditsArb = fc.uniqueArray(
  fc.record({
    key: fc.oneof(fc.integer({ min: 1, max: 40 }).map((id) => `movement:${id}`), fc.integer({ min: 1, max: 40 }).map((id) => `invoice:${id}`)),
    order: orderArb,
    freeCents: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60_000 })),
  }),
  { selector: (c) => c.key, maxLength: 8 },
);

describe('settle, over random credits and debts', () => {
  it('never gives more than a credit has free nor more than a debt has open, and stops only when one side is spent', () => {
    fc.assert(
      fc.property(creditsArb, debtsArb, (credits, debts) => {
        const out = settle(credits, debts);
        for (const s of out) expect(s.cents).toBeGreaterThan(0);
        for (const credit of credits) expect(total(out.filter((s) => s.key === credit.key))).toBeLessThanOrEqual(credit.freeCents);
        for (const d of debts) expect(total(out.filter((s) => s.debtId === d.id))).toBeLessThanOrEqual(d.openCents);
        const free = credits.reduce((sum, c) => sum + c.freeCents, 0);
        const open = debts.reduce((sum, d) => sum + d.openCents, 0);
        expect(total(out)).toBe(Math.min(free, open));
        // Oldest debts first: a debt receives money only once every older one is paid in full.
        const ordered = oldestFirst(debts);
        ordered.forEach((d, index) => {
          if (out.some((s) => s.debtId === d.id)) {
            for (const before of ordered.slice(0, index)) expect(total(out.filter((s) => s.debtId === before.id))).toBe(before.openCents);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('does not change the debts it is given', () => {
    fc.assert(
      fc.property(creditsArb, debtsArb, (credits, debts) => {
        const before = JSON.stringify(debts);
        settle(credits, debts);
        expect(JSON.stringify(debts)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });
});
