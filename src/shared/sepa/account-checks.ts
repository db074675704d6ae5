import { bicProblem, checkRib, ibanFromRib, ibanProblem, normaliseIban, type RibParts } from '../validation/bank.js';
import { toSepaText } from './charset.js';

/**
 * The checks of a debtor's account (issue #12, item 2), in one place for the office's handlers and the renderer's
 * live form: French messages keyed by the field of MandateAccountInput they belong to ('holder', 'iban', 'bic',
 * 'bankName', 'rib.banque' …), so each shows next to its field. Pure: no database, no clock.
 */

export interface AccountFields {
  holder: string;
  iban: string;
  bic: string;
  bankName: string;
  rib: RibParts | null;
}

export type AccountField = 'holder' | 'iban' | 'bic' | 'bankName' | `rib.${keyof RibParts}`;

export type AccountErrors = Partial<Record<AccountField, string>>;

/** The account as stored: IBAN and BIC without spaces, upper case; names trimmed (accents kept: see toSepaText). */
export function normaliseAccount<A extends AccountFields>(account: A): A {
  const rib = account.rib && {
    banque: account.rib.banque.replace(/\s+/g, ''),
    guichet: account.rib.guichet.replace(/\s+/g, ''),
    compte: account.rib.compte.replace(/\s+/g, '').toUpperCase(),
    cle: account.rib.cle.replace(/\s+/g, ''),
  };
  return {
    ...account,
    holder: account.holder.trim().replace(/\s+/g, ' '),
    iban: normaliseIban(account.iban) || account.iban.replace(/\s+/g, '').toUpperCase(),
    bic: account.bic.replace(/\s+/g, '').toUpperCase(),
    bankName: account.bankName.trim(),
    rib,
  };
}

/** The country a BIC belongs to: its characters 5 and 6. */
export function bicCountry(bic: string): string {
  return bic.replace(/\s+/g, '').toUpperCase().slice(4, 6);
}

const HOLDER_MAX = 70;

/** Every problem of the account, keyed by field; an empty object when it can be used for a mandate. */
export function accountProblems(input: AccountFields): AccountErrors {
  const account = normaliseAccount(input);
  const errors: AccountErrors = {};

  if (account.holder === '') errors.holder = 'Le titulaire du compte est obligatoire.';
  else if (account.holder.length > HOLDER_MAX) errors.holder = `Le titulaire du compte : ${HOLDER_MAX} caractères au plus.`;
  // Accents and typographic quotes are transliterated on export; a name made only of signs outside the set is not.
  else if (toSepaText(account.holder) === '') {
    errors.holder = 'Le nom du titulaire doit contenir des lettres (les accents sont acceptés).';
  }

  if (account.iban === '') errors.iban = "L'IBAN est obligatoire.";
  else {
    const problem = ibanProblem(account.iban);
    if (problem) errors.iban = problem;
  }

  if (account.bic === '') errors.bic = 'Le BIC est obligatoire.';
  else {
    const problem = bicProblem(account.bic);
    if (problem) errors.bic = problem;
    else if (!errors.iban && bicCountry(account.bic) !== account.iban.slice(0, 2)) {
      errors.bic = `Le pays du BIC (${bicCountry(account.bic)}) ne correspond pas à celui de l'IBAN (${account.iban.slice(0, 2)}) : vérifiez la banque.`;
    }
  }

  if (account.bankName.length > 70) errors.bankName = 'Le nom de la banque : 70 caractères au plus.';

  if (account.rib && !ribIsBlank(account.rib)) {
    const ribErrors = checkRib(account.rib);
    for (const [part, message] of Object.entries(ribErrors)) errors[`rib.${part as keyof RibParts}`] = message;
    if (Object.keys(ribErrors).length === 0 && !errors.iban) {
      if (!account.iban.startsWith('FR')) {
        errors.iban = "Un RIB français est indiqué : l'IBAN doit commencer par FR.";
      } else if (ibanFromRib(account.rib) !== account.iban) {
        errors.iban = "L'IBAN ne correspond pas au RIB (banque, guichet, compte, clé) : vérifiez l'un ou l'autre.";
      }
    }
  }
  return errors;
}

/** A RIB whose four parts are all empty counts as not given (the agent left them blank). */
export function ribIsBlank(rib: RibParts): boolean {
  return rib.banque === '' && rib.guichet === '' && rib.compte === '' && rib.cle === '';
}
