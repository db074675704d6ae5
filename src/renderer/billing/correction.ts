import type { CorrectionInput } from '../../shared/api/billing.js';
import { parseEuros } from '../../shared/money.js';
import type { FieldErrors } from '../api/useApi.js';

/** A line of the correction form as typed. */
export interface LineDraft {
  label: string;
  amount: string;
  /** '' for none, else the id as text (a <select>'s value). */
  childId: string;
  serviceId: string;
}

/**
 * Checks what can be checked before the office does (a reason, a label and a positive amount on each line) and
 * builds the call; the office decides the rest (a credit note larger than what is left of its invoice...) and its
 * refusals come back under the same field paths.
 */
export function readCorrection(invoiceId: number, kind: CorrectionInput['kind'], reason: string, lines: LineDraft[]): { input: CorrectionInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (reason.trim() === '') errors.reason = 'Indiquez le motif de la correction.';
  if (lines.length === 0) errors.lines = 'Ajoutez au moins une ligne.';
  const read = lines.map((line, index) => {
    if (line.label.trim() === '') errors[`lines.${index}.label`] = 'Indiquez le libellé de la ligne.';
    const amount = parseEuros(line.amount);
    if (!amount.ok) errors[`lines.${index}.amountCents`] = amount.error;
    else if (amount.cents <= 0) errors[`lines.${index}.amountCents`] = 'Le montant doit être supérieur à 0 € (le type de pièce dit s’il est déduit ou ajouté).';
    return {
      childId: line.childId === '' ? null : Number(line.childId),
      serviceId: line.serviceId === '' ? null : Number(line.serviceId),
      label: line.label.trim(),
      amountCents: amount.ok ? amount.cents : 0,
    };
  });
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return { input: { invoiceId, kind, reason: reason.trim(), lines: read }, errors };
}

