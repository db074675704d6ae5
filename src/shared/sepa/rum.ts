import { isSepaText } from './charset.js';

/**
 * The mandate reference (RUM, référence unique du mandat): unique for the creditor, at most 35 characters of the SEPA
 * set, never built from the IBAN (DOMAIN.md). Grenette's: « GRE-F<family id>-<mandate id> », e.g. GRE-F000123-000045:
 * readable over the phone, unique because the mandate id is, and the same for the life of the mandate (an amendment of
 * the account keeps it).
 */
export function rumFor(familyId: number, mandateId: number): string {
  return `GRE-F${String(familyId).padStart(6, '0')}-${String(mandateId).padStart(6, '0')}`;
}

export function rumProblem(rum: string): string | null {
  if (rum.length === 0) return 'La RUM est obligatoire.';
  if (rum.length > 35) return 'La RUM compte 35 caractères au plus.';
  if (!isSepaText(rum)) return 'La RUM ne contient que des lettres sans accent, des chiffres et / - ? : ( ) . , \' +.';
  return null;
}
