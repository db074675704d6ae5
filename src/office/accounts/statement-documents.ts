import type { Kysely } from 'kysely';
import { accountStatement } from '../../shared/billing/account.js';
import { addDays, isIsoDay } from '../../shared/calendar/days.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import type { StatementDocument } from '../../server/billing/statement-pdf.js';
import { invalid } from '../api/handler.js';
import { addresseeOf } from '../billing/run-facts.js';
import { loadBillingSettings } from '../billing/store.js';
import type { OfficeDatabase } from '../db/schema.js';
import { loadFamilyAccounts } from './ledger.js';

/**
 * What the statements print, read in bulk: the families' ledgers (loadFamilyAccounts), their addressees and postal
 * addresses (responsable 1, as the invoices are addressed), the issuer of the billing settings. The statement itself
 * is accountStatement's arithmetic over the ledger's entries.
 */

type Db = Kysely<OfficeDatabase>;

const IDS_PER_QUERY = 500;

/** The period typed, checked: two real days, `from` not after `to`; French refusals next to each field. */
export function checkedPeriod(from: string, to: string): { from: string; to: string } {
  const fields: Record<string, string> = {};
  if (!isIsoDay(from)) fields.from = 'Date de début invalide (attendue : JJ/MM/AAAA).';
  if (!isIsoDay(to)) fields.to = 'Date de fin invalide (attendue : JJ/MM/AAAA).';
  if (Object.keys(fields).length > 0) throw invalid(fields, Object.values(fields).join(' '));
  if (from > to) {
    const message = `La période est à l’envers : le ${shortDayFr(from)} est après le ${shortDayFr(to)}.`;
    throw invalid({ from: message, to: message }, message);
  }
  // A statement covers at most ten years: anything longer is a typo of the year.
  if (addDays(from, 3_660) < to) {
    const message = 'La période ne peut pas dépasser dix ans : vérifiez les années.';
    throw invalid({ from: message }, message);
  }
  return { from, to };
}

/** Addressee and postal address of each family asked, as its invoices print them. */
async function addresses(db: Db, familyIds: readonly number[]): Promise<Map<number, { name: string; address: string[] }>> {
  const out = new Map<number, { name: string; address: string[] }>();
  for (let i = 0; i < familyIds.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('responsables')
      .select(['family_id', 'rank', 'civilite', 'nom', 'prenom', 'adresse', 'code_postal', 'ville'])
      .where('family_id', 'in', familyIds.slice(i, i + IDS_PER_QUERY))
      .where('rank', 'in', [1, 2])
      .orderBy('family_id')
      .orderBy('rank')
      .execute();
    const pairs = new Map<number, (typeof rows)[number][]>();
    for (const row of rows) pairs.set(row.family_id, [...(pairs.get(row.family_id) ?? []), row]);
    for (const [familyId, pair] of pairs) {
      const first = pair[0]!;
      const second = pair[1] ?? null;
      out.set(familyId, {
        name: addresseeOf(first, second),
        address: [first.adresse, `${first.code_postal} ${first.ville}`.trim()].filter((line) => line !== ''),
      });
    }
  }
  return out;
}

/**
 * The statements over [from, to] of `scope`'s families ('due': every family whose balance at `to` is due, in the
 * order of their names), as of `today`. Families without any invoice or payment are never read.
 */
export async function statementDocuments(
  db: Db,
  scope: readonly number[] | 'due',
  period: { from: string; to: string },
  today: string,
): Promise<StatementDocument[]> {
  let ids: number[];
  if (scope === 'due') {
    const rows = await db
      .selectFrom('invoices')
      .select('family_id')
      .where('issue_date', '<=', period.to)
      .union(db.selectFrom('account_movements').select('family_id').where('day', '<=', period.to))
      .execute();
    ids = rows.map((row) => row.family_id);
  } else ids = [...scope];
  const accounts = await loadFamilyAccounts(db, ids, today);
  const settings = await loadBillingSettings(db);
  const chosen = [...accounts.values()]
    .map((account) => ({ account, statement: accountStatement(account.entries, period.from, period.to) }))
    .filter(({ statement }) => scope !== 'due' || statement.closingCents > 0)
    .sort((a, b) => a.account.familyName.localeCompare(b.account.familyName, 'fr') || a.account.familyId - b.account.familyId);
  const addressed = await addresses(
    db,
    chosen.map(({ account }) => account.familyId),
  );
  return chosen.map(({ account, statement }) => ({
    issuer: settings.issuer,
    family: { id: account.familyId, ...(addressed.get(account.familyId) ?? { name: account.familyName, address: [] }) },
    printedOn: today,
    statement,
  }));
}
