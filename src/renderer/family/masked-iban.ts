import type { FamilyInput } from '../../shared/families/input.js';
import { isMaskedIban } from '../../shared/validation/bank.js';

/**
 * The office sends the IBAN masked (« FR76 •••• … 189 », issue #12) and keeps the stored one when the section comes
 * back masked: the form's own check leaves a masked IBAN alone (the office re-checks everything it receives).
 */
export function bankForCheck(bank: FamilyInput['bank']): FamilyInput['bank'] {
  return isMaskedIban(bank.iban) ? { ...bank, iban: '' } : bank;
}

/**
 * What typing into a masked IBAN means: a masked value cannot be edited in part, so what was typed replaces it
 * (characters inserted anywhere, or pasted over it), and deleting from it empties the field.
 */
export function typedOverMasked(masked: string, next: string): string {
  if (!isMaskedIban(next)) return next;
  if (next.length <= masked.length) return '';
  let start = 0;
  while (start < masked.length && masked[start] === next[start]) start += 1;
  let end = 0;
  while (end < masked.length - start && masked[masked.length - 1 - end] === next[next.length - 1 - end]) end += 1;
  return next.slice(start, next.length - end);
}
