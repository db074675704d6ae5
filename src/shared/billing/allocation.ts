/**
 * How money settles invoices, once for the office, its tests and the statements: pure functions on integer cents.
 *
 * Money comes from payments and credit notes (sources, each with what it still has free) and goes to invoices and
 * complementary invoices (debts, each with what is still open), and to refunds. A debt is settled oldest first (by
 * issue date, then number), unless the régisseur chose the invoices a payment is for: those first, then the others
 * oldest first. What is left of a payment after every open debt is a credit on the family's account, which the next
 * debts use (settle), or which is refunded.
 *
 * Invariants (tests/unit/billing-allocation.test.ts, with a property test over random cases): every allocation is
 * positive; the allocations of an amount plus what is left equal the amount; no debt receives more than it has open.
 */

export interface OpenDebt {
  id: number;
  /** Sorts oldest first: the issue date then the number ('2026-12-01 2026-000123'). */
  order: string;
  openCents: number;
}

export interface Allocation {
  debtId: number;
  cents: number;
}

export interface AllocationResult {
  allocations: Allocation[];
  /** What no open debt took: a credit on the family's account (or refunded). */
  leftoverCents: number;
}

function assertCents(cents: number, what: string): void {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error(`${what}: not a non-negative amount in cents: ${cents}`);
}

export function oldestFirst<T extends { order: string; id: number }>(debts: readonly T[]): T[] {
  return [...debts].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id - b.id));
}

/**
 * Puts `amountCents` on the open debts: first on the `chosen` ones (oldest first among them), then on the others
 * oldest first. Debts with nothing open take nothing. A chosen id that is not among the debts is an error (the caller
 * checks what the agent chose belongs to the family and is open).
 */
export function allocate(amountCents: number, debts: readonly OpenDebt[], chosen: readonly number[] = []): AllocationResult {
  assertCents(amountCents, 'allocate');
  for (const debt of debts) assertCents(debt.openCents, `debt ${debt.id}`);
  const known = new Set(debts.map((debt) => debt.id));
  for (const id of chosen) if (!known.has(id)) throw new Error(`allocate: chosen debt ${id} is not open`);
  const first = new Set(chosen);
  const ordered = [...oldestFirst(debts.filter((debt) => first.has(debt.id))), ...oldestFirst(debts.filter((debt) => !first.has(debt.id)))];
  let left = amountCents;
  const allocations: Allocation[] = [];
  for (const debt of ordered) {
    if (left === 0) break;
    const cents = Math.min(left, debt.openCents);
    if (cents <= 0) continue;
    allocations.push({ debtId: debt.id, cents });
    left -= cents;
  }
  return { allocations, leftoverCents: left };
}

export interface FreeCredit {
  /** The source's key as the caller names it ('payment:12', 'invoice:40'). */
  key: string;
  order: string;
  freeCents: number;
}

export interface Settlement {
  key: string;
  debtId: number;
  cents: number;
}

/**
 * Uses the family's free credits (oldest first) on its open debts (oldest first) until one side is exhausted: what an
 * overpayment or a credit note does for the next invoice.
 */
export function settle(credits: readonly FreeCredit[], debts: readonly OpenDebt[]): Settlement[] {
  const open = oldestFirst(debts).map((debt) => ({ ...debt }));
  const sources = [...credits].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.key < b.key ? -1 : 1));
  const out: Settlement[] = [];
  let d = 0;
  for (const source of sources) {
    assertCents(source.freeCents, source.key);
    let free = source.freeCents;
    while (free > 0 && d < open.length) {
      const debt = open[d] as OpenDebt;
      const cents = Math.min(free, debt.openCents);
      if (cents > 0) {
        out.push({ key: source.key, debtId: debt.id, cents });
        free -= cents;
        debt.openCents -= cents;
      }
      if (debt.openCents === 0) d += 1;
    }
  }
  return out;
}
