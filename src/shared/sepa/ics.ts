/**
 * The creditor identifier (ICS, identifiant créancier SEPA), DOMAIN.md « SEPA direct debit »: for France 13 characters,
 * FR + 2 check digits + a 3-character business code (ZZZ by default) + 6 digits. The check digits are ISO 7064
 * mod 97-10 computed on the national id followed by the country and "00", the business code left out.
 */

/** The ICS as stored: spaces removed, upper case. */
export function normaliseIcs(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** Letters to numbers (A=10 … Z=35) and mod 97 of the whole, digit by digit (no big numbers needed). */
export function mod97(text: string): number {
  let remainder = 0;
  for (const char of text.toUpperCase()) {
    const value = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** The two check digits of a creditor identifier for `country` and `nationalId` (mod 97-10). */
export function icsCheckDigits(country: string, nationalId: string): string {
  return String(98 - mod97(`${nationalId}${country}00`)).padStart(2, '0');
}

/** French message when the ICS typed is not a valid creditor identifier, or null. */
export function icsProblem(text: string): string | null {
  const ics = normaliseIcs(text);
  if (ics === '') return 'L’identifiant créancier SEPA (ICS) est obligatoire pour le prélèvement.';
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]+$/.test(ics) || ics.length > 35) {
    return 'L’ICS commence par le pays et deux chiffres de contrôle (ex. FR72ZZZ123456).';
  }
  if (ics.startsWith('FR') && !/^FR\d{2}[A-Z0-9]{3}\d{6}$/.test(ics)) {
    return 'Un ICS français compte 13 caractères : FR, 2 chiffres de contrôle, 3 caractères, puis 6 chiffres.';
  }
  const country = ics.slice(0, 2);
  const nationalId = ics.slice(7);
  if (icsCheckDigits(country, nationalId) !== ics.slice(2, 4)) {
    return 'Les chiffres de contrôle de l’ICS sont faux : vérifiez la saisie.';
  }
  return null;
}
