import { sql } from 'kysely';
import type { QfToUpdateRow } from '../../shared/api/billing.js';
import type { FileContent } from '../../shared/api/contract.js';
import { qfInForce } from '../../shared/billing/qf.js';
import { toCsv, type CsvColumn } from '../../shared/export/csv.js';
import type { OfficeDb } from '../db/open.js';
import { QF_PROOF_COLUMNS, qfProofsOf } from './qf-proofs.js';
import { loadBillingSettings } from './store.js';
import { formatPhone } from '../../shared/validation/phone.js';

/**
 * « QF à mettre à jour »: the families billed at the highest bracket on `day` for want of a usable proof.
 * Listed: families not archived with at least one active (not archived) child. Any active child may be booked and
 * billed, inscription or not (not every service requires one), so a family is listed as soon as it could be billed;
 * a family whose children are all archived pays nothing and is left out. One query for every family, then the one
 * shared rule (qfInForce) on each row: never a per-family query.
 */
export async function familiesToUpdate(db: OfficeDb, day: string): Promise<QfToUpdateRow[]> {
  const [settings, rows] = await Promise.all([
    loadBillingSettings(db),
    db
      .selectFrom('families as f')
      .innerJoin('responsables as r1', (join) => join.onRef('r1.family_id', '=', 'f.id').on('r1.rank', '=', 1))
      .select([
        'f.id',
        ...QF_PROOF_COLUMNS.map((column) => `f.${column}` as const),
        'r1.nom',
        'r1.prenom',
        'r1.email',
        sql<string>`case when ${sql.ref('r1.tel_mobile')} <> '' then ${sql.ref('r1.tel_mobile')} else ${sql.ref('r1.tel_fixe')} end`.as('telephone'),
      ])
      .where('f.archived_at', 'is', null)
      .where((eb) => eb.exists(eb.selectFrom('children as c').select('c.id').whereRef('c.family_id', '=', 'f.id').where('c.archived_at', 'is', null)))
      .orderBy('r1.nom')
      .orderBy('r1.prenom')
      .orderBy('f.id')
      .execute(),
  ]);
  const flagged: QfToUpdateRow[] = [];
  for (const row of rows) {
    const qf = qfInForce(qfProofsOf(row), day, settings.qfRule);
    if (!qf.flagged) continue;
    flagged.push({
      familyId: row.id,
      familyName: `${row.nom} ${row.prenom}`,
      email: row.email,
      telephone: formatPhone(row.telephone),
      why: qf.why,
      cafValidUntil: row.caf_qf_valid_until,
      fiscalYear: row.fiscal_year,
    });
  }
  return flagged;
}

const CSV_COLUMNS: CsvColumn<QfToUpdateRow>[] = [
  { header: 'N° famille', value: (row) => row.familyId, kind: 'number' },
  { header: 'Famille', value: (row) => row.familyName },
  { header: 'E-mail', value: (row) => row.email },
  { header: 'Téléphone', value: (row) => row.telephone },
  { header: 'Validité du quotient CAF/MSA', value: (row) => row.cafValidUntil, kind: 'day' },
  { header: 'Avis d’imposition (revenus)', value: (row) => row.fiscalYear, kind: 'number' },
  { header: 'Motif', value: (row) => row.why },
];

export async function exportFamiliesToUpdate(db: OfficeDb, day: string): Promise<FileContent> {
  const csv = toCsv(CSV_COLUMNS, await familiesToUpdate(db, day));
  return { fileName: `qf-a-mettre-a-jour-${day}.csv`, mime: 'text/csv;charset=utf-8', base64: Buffer.from(csv, 'utf8').toString('base64') };
}
