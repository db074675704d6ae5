import type { AccountGridRow } from '../../shared/api/account-grid.js';
import { HOLD_REASONS } from '../../shared/api/reminders.js';
import type { CsvColumn } from '../../shared/export/csv.js';

/** The « Comptes » grid's CSV export (Excel-ready, src/shared/export/csv.ts): pure, so the scale test writes the same file. */

export function holdText(hold: AccountGridRow['hold']): string {
  return hold === null ? '' : `${HOLD_REASONS[hold.reason]}${hold.note ? ` : ${hold.note}` : ''}`;
}

export const ACCOUNT_CSV_COLUMNS: CsvColumn<AccountGridRow>[] = [
  { header: 'N° famille', value: (row) => row.familyId, kind: 'number' },
  { header: 'Famille', value: (row) => row.familyName },
  { header: 'Solde (€)', value: (row) => row.balanceCents, kind: 'cents' },
  { header: 'Reste à payer (€)', value: (row) => row.dueCents, kind: 'cents' },
  { header: 'En retard (€)', value: (row) => row.overdueCents, kind: 'cents' },
  { header: 'Plus ancienne échéance impayée', value: (row) => row.oldestUnpaidDue, kind: 'day' },
  { header: 'Dernier règlement', value: (row) => row.lastPaymentDay, kind: 'day' },
  { header: 'Montant du dernier règlement (€)', value: (row) => row.lastPaymentCents, kind: 'cents' },
  { header: 'Crédit (€)', value: (row) => row.creditCents, kind: 'cents' },
  { header: 'Relances suspendues', value: (row) => holdText(row.hold) },
  { header: 'Archivée', value: (row) => row.archived },
];
