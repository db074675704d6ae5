import { electronicFormatIBAN, isValidBIC, validateIBAN, ValidationErrorsIBAN } from 'ibantools';

/** IBAN and BIC rules (DOMAIN.md, SEPA): mod 97 on the IBAN, and for a French IBAN the RIB key inside it. */

const RIB_LETTER_DIGITS: Record<string, string> = {
  A: '1', B: '2', C: '3', D: '4', E: '5', F: '6', G: '7', H: '8', I: '9',
  J: '1', K: '2', L: '3', M: '4', N: '5', O: '6', P: '7', Q: '8', R: '9',
  S: '2', T: '3', U: '4', V: '5', W: '6', X: '7', Y: '8', Z: '9',
};

/** Clé RIB = 97 - ((89 x banque + 15 x guichet + 3 x compte) mod 97), letters of the account mapped to digits. */
export function ribKey(bank: string, branch: string, account: string): string {
  const digits = account.toUpperCase().replace(/[A-Z]/g, (letter) => RIB_LETTER_DIGITS[letter] ?? '0');
  const remainder = (89 * Number(bank) + 15 * Number(branch) + 3 * Number(digits)) % 97;
  // Numbers up to 11 digits x 3 stay well inside Number's exact range.
  return String(97 - remainder).padStart(2, '0');
}

export interface RibParts {
  banque: string;
  guichet: string;
  compte: string;
  cle: string;
}

/** Checks a French RIB typed in its four parts; French messages keyed by part. */
export function checkRib(rib: RibParts): Partial<Record<keyof RibParts, string>> {
  const errors: Partial<Record<keyof RibParts, string>> = {};
  if (!/^\d{5}$/.test(rib.banque)) errors.banque = 'Le code banque compte 5 chiffres.';
  if (!/^\d{5}$/.test(rib.guichet)) errors.guichet = 'Le code guichet compte 5 chiffres.';
  if (!/^[0-9A-Za-z]{11}$/.test(rib.compte)) errors.compte = 'Le numéro de compte compte 11 caractères (chiffres ou lettres).';
  if (!/^\d{2}$/.test(rib.cle)) errors.cle = 'La clé RIB compte 2 chiffres.';
  else if (Object.keys(errors).length === 0 && ribKey(rib.banque, rib.guichet, rib.compte) !== rib.cle) {
    errors.cle = 'La clé RIB ne correspond pas au code banque, au code guichet et au numéro de compte.';
  }
  return errors;
}

/** The French IBAN of a valid RIB (FR + check digits + RIB). */
export function ibanFromRib(rib: RibParts): string {
  const bban = `${rib.banque}${rib.guichet}${rib.compte.toUpperCase()}${rib.cle}`;
  const numeric = `${bban}FR00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
  return `FR${String(98 - remainder).padStart(2, '0')}${bban}`;
}

export function normaliseIban(input: string): string {
  return electronicFormatIBAN(input) ?? '';
}

/** French message when the IBAN is not acceptable, or null. */
export function ibanProblem(input: string): string | null {
  const iban = normaliseIban(input);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return "L'IBAN commence par deux lettres et deux chiffres (ex. FR76 …).";
  if (iban.startsWith('FR') && iban.length !== 27) return 'Un IBAN français compte 27 caractères.';
  const result = validateIBAN(iban);
  if (result.valid) {
    if (iban.startsWith('FR')) {
      const bban = iban.slice(4);
      const key = ribKey(bban.slice(0, 5), bban.slice(5, 10), bban.slice(10, 21));
      if (key !== bban.slice(21)) return "La clé RIB contenue dans l'IBAN est incorrecte : vérifiez le numéro de compte.";
    }
    return null;
  }
  if (result.errorCodes.includes(ValidationErrorsIBAN.NoIBANCountry)) return "Le code pays de l'IBAN est inconnu.";
  if (result.errorCodes.includes(ValidationErrorsIBAN.WrongBBANLength)) return "La longueur de l'IBAN ne correspond pas à son pays.";
  if (result.errorCodes.includes(ValidationErrorsIBAN.WrongIBANChecksum)) {
    return "Les chiffres de contrôle de l'IBAN sont faux : vérifiez la saisie.";
  }
  // ibantools checks the national key itself (the RIB key for France) before our own check above can run.
  if (result.errorCodes.includes(ValidationErrorsIBAN.WrongAccountBankBranchChecksum)) {
    return iban.startsWith('FR')
      ? "La clé RIB contenue dans l'IBAN est incorrecte : vérifiez le numéro de compte."
      : "La clé de contrôle du compte contenue dans l'IBAN est incorrecte.";
  }
  return "Cet IBAN n'est pas valide : vérifiez la saisie.";
}

export function bicProblem(input: string): string | null {
  const bic = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic) || !isValidBIC(bic)) {
    return 'Le BIC compte 8 ou 11 caractères (ex. AGRIFRPP).';
  }
  return null;
}

/**
 * Masks all but the country, check digits and the last 3 characters, grouped by four as an IBAN is printed
 * (« FR76 •••• •••• •••• •••• •••• 189 »): the one mask of the office's screens, letters, audit and the portal.
 */
export function maskIban(iban: string): string {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  if (compact.length < 8) return compact === '' ? '' : '•'.repeat(compact.length);
  const masked = compact.slice(0, 4) + '•'.repeat(compact.length - 7) + compact.slice(-3);
  return masked.replace(/(.{4})/g, '$1 ').trim();
}

/** Whether a value is an IBAN as maskIban shows it (a form sending the masked value back means « unchanged »). */
export function isMaskedIban(value: string): boolean {
  return value.includes('•');
}
