import { QF_NEGATIVE, type CafRegime, type FamilyInput } from '../../shared/families/input.js';
import type { FieldErrors } from '../api/useApi.js';
import { centsToEuros, decimalToHundredths, eurosToCents, hundredthsToDecimal } from '../lib/format.js';
import type { CafDraft, FiscalDraft } from './editors.js';

/** Between what staff type (French text) and what the office stores (cents, hundredths, numbers, ISO days). */

export function fiscalToDraft(fiscal: FamilyInput['fiscal']): FiscalDraft {
  return {
    rfr: centsToEuros(fiscal.rfrCents),
    parts: hundredthsToDecimal(fiscal.partsX100),
    year: fiscal.year === null ? '' : String(fiscal.year),
  };
}

export function draftToFiscal(draft: FiscalDraft, prefix: string): { value: FamilyInput['fiscal']; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const rfrCents = eurosToCents(draft.rfr);
  if (rfrCents === undefined) errors[`${prefix}.rfrCents`] = 'Montant invalide : chiffres et virgule, ex. 32 450,50.';
  const partsX100 = decimalToHundredths(draft.parts);
  if (partsX100 === undefined) errors[`${prefix}.partsX100`] = 'Nombre de parts invalide, ex. 2,5.';
  const yearText = draft.year.trim();
  if (yearText !== '' && !/^\d{4}$/.test(yearText)) errors[`${prefix}.year`] = 'Année sur 4 chiffres, ex. 2025.';
  return {
    value: { rfrCents: rfrCents ?? null, partsX100: partsX100 ?? null, year: yearText === '' ? null : Number(yearText) },
    errors,
  };
}

export function cafToDraft(caf: FamilyInput['caf']): CafDraft {
  return {
    regime: caf.regime as CafRegime,
    number: caf.number,
    qf: caf.qf === null ? '' : String(caf.qf),
    qfValidUntil: caf.qfValidUntil ?? '',
  };
}

export function draftToCaf(draft: CafDraft, prefix: string): { value: FamilyInput['caf']; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const qfText = draft.qf.replace(/\s/g, '');
  if (/^-\d+$/.test(qfText)) errors[`${prefix}.qf`] = QF_NEGATIVE;
  else if (qfText !== '' && !/^\d+$/.test(qfText)) errors[`${prefix}.qf`] = 'Le quotient familial est un nombre entier, sans virgule (ex. 850).';
  return {
    value: {
      regime: draft.regime,
      number: draft.number.trim(),
      qf: qfText === '' || errors[`${prefix}.qf`] ? null : Number(qfText),
      qfValidUntil: draft.qfValidUntil === '' ? null : draft.qfValidUntil,
    },
    errors,
  };
}
