import type { QfProofs } from '../../shared/billing/qf.js';
import type { FamilyTable } from '../db/schema.js';

/**
 * The QF proofs as the families table stores them, read into qfInForce's shape. Every office reader of the QF in
 * force (family file, families grid, « QF à mettre à jour ») selects these columns and goes through here, so the
 * rule is applied to the same facts everywhere.
 */

export const QF_PROOF_COLUMNS = ['caf_regime', 'caf_qf', 'caf_qf_valid_until', 'fiscal_rfr_cents', 'fiscal_parts_x100', 'fiscal_year'] as const;

export type QfProofRow = Pick<FamilyTable, 'caf_qf' | 'caf_qf_valid_until' | 'fiscal_rfr_cents' | 'fiscal_parts_x100' | 'fiscal_year'> & {
  caf_regime: string;
};

export function qfProofsOf(row: QfProofRow): QfProofs {
  return {
    caf: { regime: row.caf_regime, qf: row.caf_qf, qfValidUntil: row.caf_qf_valid_until },
    fiscal: { rfrCents: row.fiscal_rfr_cents, partsX100: row.fiscal_parts_x100, year: row.fiscal_year },
  };
}
