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
 * Reads the amounts typed (the office receives cents, so parsing them is the window's job) and builds the call. The
 * rest (a reason, a label, an amount above zero, a credit note within what is left of its invoice) is the office's
 * rule, in one place: its refusals come back under the same field paths and are shown under these fields.
 */
export function readCorrection(
  invoiceId: number,
  kind: CorrectionInput['kind'],
  reason: string,
  lines: LineDraft[],
): { input: CorrectionInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const read = lines.map((line, index) => {
    const amount = parseEuros(line.amount);
    if (!amount.ok) errors[`lines.${index}.amountCents`] = amount.error;
    return {
      childId: line.childId === '' ? null : Number(line.childId),
      serviceId: line.serviceId === '' ? null : Number(line.serviceId),
      label: line.label,
      amountCents: amount.ok ? amount.cents : 0,
    };
  });
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return { input: { invoiceId, kind, reason, lines: read }, errors };
}
