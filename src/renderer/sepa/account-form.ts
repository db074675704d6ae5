import type { MandateAccountInput, RibField, ScanReading, ScanSource } from '../../shared/api/sepa.js';
import { toSepaText } from '../../shared/sepa/charset.js';
import { bicProblem, checkRib, ibanFromRib, ibanProblem, normaliseIban } from '../../shared/validation/bank.js';
import type { FieldErrors } from '../api/useApi.js';

/**
 * The account of a mandate as the set-up dialog holds it: every field a text box, pre-filled from the scan and
 * corrected by the agent. The checks are the office's own rules (shared/validation/bank.ts): the window says what is
 * wrong next to the field while the agent types, the office checks again on saving.
 */

export type AccountDraft = Record<RibField, string>;

export const ACCOUNT_FIELDS: readonly RibField[] = ['holder', 'iban', 'bic', 'bankName', 'banque', 'guichet', 'compte', 'cle'];

export const FIELD_LABELS: Record<RibField, string> = {
  holder: 'Titulaire du compte',
  iban: 'IBAN',
  bic: 'BIC',
  bankName: 'Banque (domiciliation)',
  banque: 'Code banque',
  guichet: 'Code guichet',
  compte: 'N° de compte',
  cle: 'Clé RIB',
};

export function emptyAccount(): AccountDraft {
  return { holder: '', iban: '', bic: '', bankName: '', banque: '', guichet: '', compte: '', cle: '' };
}

/** The form pre-filled with what the scan read; what it did not read stays empty (and editable). */
export function draftFromReading(reading: ScanReading): AccountDraft {
  const draft = emptyAccount();
  for (const field of ACCOUNT_FIELDS) {
    const value = reading.fields[field]?.value;
    if (value) draft[field] = field === 'iban' ? groupIban(value) : value;
  }
  return draft;
}

/** « FR7630006000011234567890189 » → « FR76 3000 6000 0112 3456 7890 189 », as printed on a RIB. */
export function groupIban(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
}

const compact = (text: string) => text.replace(/\s+/g, '').toUpperCase();

function hasRib(draft: AccountDraft): boolean {
  return [draft.banque, draft.guichet, draft.compte, draft.cle].some((part) => part.trim() !== '');
}

/**
 * The French problems of the draft, by field. `complete`: also what is missing (on saving); otherwise only what is
 * typed and wrong, so that an empty form is not red before the agent starts.
 */
export function accountProblems(draft: AccountDraft, complete: boolean): FieldErrors {
  const errors: FieldErrors = {};
  const holder = draft.holder.trim();
  if (holder === '') {
    if (complete) errors.holder = 'Indiquez le titulaire du compte.';
  } else if (toSepaText(holder) === '') errors.holder = 'Le nom du titulaire doit contenir des lettres.';
  else if (holder.length > 70) errors.holder = 'Le titulaire : 70 caractères au plus.';

  const iban = compact(draft.iban);
  if (iban === '') {
    if (complete) errors.iban = 'Indiquez l’IBAN.';
  } else {
    const problem = ibanProblem(iban);
    if (problem) errors.iban = problem;
  }

  const bic = compact(draft.bic);
  if (bic === '') {
    if (complete) errors.bic = 'Indiquez le BIC.';
  } else {
    const problem = bicProblem(bic);
    if (problem) errors.bic = problem;
    else if (!errors.iban && iban.length >= 2 && bic.slice(4, 6) !== iban.slice(0, 2)) {
      errors.bic = `Le pays du BIC (${bic.slice(4, 6)}) ne correspond pas à celui de l’IBAN (${iban.slice(0, 2)}).`;
    }
  }

  if (draft.bankName.trim().length > 70) errors.bankName = 'La banque : 70 caractères au plus.';

  if (hasRib(draft)) {
    const rib = { banque: draft.banque.trim(), guichet: draft.guichet.trim(), compte: compact(draft.compte), cle: draft.cle.trim() };
    const ribErrors = checkRib(rib);
    Object.assign(errors, ribErrors);
    if (Object.keys(ribErrors).length === 0 && iban !== '' && !errors.iban && ibanFromRib(rib) !== normaliseIban(iban)) {
      errors.iban = 'L’IBAN ne correspond pas au RIB (code banque, code guichet, n° de compte et clé) : vérifiez l’un ou l’autre.';
    }
  }
  return errors;
}

/** What the office is sent: the IBAN and BIC without spaces, the RIB only when some part of it was read or typed. */
export function accountInput(draft: AccountDraft, scan: ScanSource | null): MandateAccountInput {
  return {
    holder: draft.holder.trim(),
    iban: compact(draft.iban),
    bic: compact(draft.bic),
    bankName: draft.bankName.trim(),
    rib: hasRib(draft) ? { banque: draft.banque.trim(), guichet: draft.guichet.trim(), compte: compact(draft.compte), cle: draft.cle.trim() } : null,
    scan,
  };
}

/** The office's field paths ('account.iban', 'account.rib.cle', 'iban') as the form's own ('iban', 'cle'). */
export function formPaths(fields: FieldErrors): FieldErrors {
  const shown: FieldErrors = {};
  for (const [path, message] of Object.entries(fields)) shown[path.replace(/^account\./, '').replace(/^rib\./, '')] ??= message;
  return shown;
}
