import type { Kysely } from 'kysely';
import { formatInvoiceNumber } from '../../shared/billing/invoice.js';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * Invoice numbers: one sequence per year of the issue date ('2026-000123'), shared by invoices, credit notes and
 * complementary invoices. Only ever called inside an immediate write transaction (run-transaction.ts) that also
 * writes the invoices numbered: the sequence moves with them or not at all, so no gap and no duplicate, whatever
 * crashes and however many offices issue at once.
 */

export const REGISSEUR_ONLY = 'Seul le régisseur peut émettre les factures.';

export interface GivenNumber {
  year: number;
  seq: number;
  number: string;
}

/** The next `count` numbers of `year`, taken (the sequence row is moved past them). */
export async function nextNumbers(trx: Kysely<OfficeDatabase>, year: number, count: number): Promise<GivenNumber[]> {
  if (count <= 0) return [];
  const row = await trx.selectFrom('invoice_sequences').select('last_number').where('year', '=', year).executeTakeFirst();
  const last = row?.last_number ?? 0;
  if (row) await trx.updateTable('invoice_sequences').set({ last_number: last + count }).where('year', '=', year).execute();
  else await trx.insertInto('invoice_sequences').values({ year, last_number: count }).execute();
  return Array.from({ length: count }, (_, index) => ({ year, seq: last + 1 + index, number: formatInvoiceNumber(year, last + 1 + index) }));
}

/** The families whose invoices changed: published again to the portal at the next sync (« Relevé de compte »). */
export async function markFamiliesDirty(trx: Kysely<OfficeDatabase>, familyIds: readonly number[]): Promise<void> {
  const unique = [...new Set(familyIds)];
  for (let start = 0; start < unique.length; start += 5000) {
    await trx
      .insertInto('sync_dirty')
      .values(unique.slice(start, start + 5000).map((family_id) => ({ family_id, mark: 1 })))
      .onConflict((oc) => oc.column('family_id').doUpdateSet((eb) => ({ mark: eb('sync_dirty.mark', '+', 1) })))
      .execute();
  }
}
