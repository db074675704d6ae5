import type { AccountGridFilter, AccountGridRow } from '../../shared/api/account-grid.js';
import { keptByFilter } from '../../shared/api/account-grid.js';
import type { FamilyAccount } from '../../shared/api/accounts.js';
import { parisDay } from '../../shared/clock.js';
import type { StaffContext } from '../api/handler.js';
import { loadFamilyAccounts } from './ledger.js';

/**
 * The « Comptes » grid: every family's account in one read (loadFamilyAccounts in bulk, the same arithmetic as the
 * family file and the statements), reduced to one row each. Archived families are listed too: a family that left
 * still owes what it owes. Sorted by name so the grid and its export open in the same order.
 */

export function accountGridRow(account: FamilyAccount): AccountGridRow {
  let oldestUnpaidDue: string | null = null;
  for (const invoice of account.invoices) {
    if (invoice.openCents > 0 && (oldestUnpaidDue === null || invoice.dueDate < oldestUnpaidDue)) oldestUnpaidDue = invoice.dueDate;
  }
  // The last payment still standing: a cancelled one is not what the family last paid.
  let last: { day: string; id: number; cents: number } | null = null;
  for (const movement of account.movements) {
    if (movement.kind !== 'payment' || movement.cancelledById !== null) continue;
    if (last === null || movement.day > last.day || (movement.day === last.day && movement.id > last.id)) {
      last = { day: movement.day, id: movement.id, cents: movement.amountCents };
    }
  }
  return {
    familyId: account.familyId,
    familyName: account.familyName,
    archived: account.archived,
    balanceCents: account.balanceCents,
    dueCents: account.dueCents,
    overdueCents: account.overdueCents,
    creditCents: account.creditCents,
    oldestUnpaidDue,
    lastPaymentDay: last?.day ?? null,
    lastPaymentCents: last?.cents ?? null,
    hold: account.hold,
  };
}

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

export async function accountGrid(ctx: StaffContext, filter: AccountGridFilter): Promise<AccountGridRow[]> {
  const accounts = await loadFamilyAccounts(ctx.db, 'all', parisDay(ctx.clock()));
  const rows: AccountGridRow[] = [];
  for (const account of accounts.values()) {
    const row = accountGridRow(account);
    if (keptByFilter(row, filter)) rows.push(row);
  }
  return rows.sort((a, b) => collator.compare(a.familyName, b.familyName) || a.familyId - b.familyId);
}
