import type { MandateAccountInput, RibField, ScanReading, ScanSource } from '../../shared/api/sepa.js';
import { accountProblems as sharedAccountProblems } from '../../shared/sepa/account-checks.js';
import type { FieldErrors } from '../api/useApi.js';

/**
 * The account of a mandate as the set-up dialog holds it: every field a text box, pre-filled from the scan and
 * corrected by the agent. The checks are the office's own (shared/sepa/account-checks.ts): the window says what is
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
 * The French problems of the draft, by field, from the office's own checks (shared/sepa/account-checks.ts: IBAN length
 * and mod 97, the RIB key, the IBAN against the RIB's four parts, the BIC and its country, the holder's name).
 * `complete`: also what is missing (on saving); otherwise only what is typed and wrong, so that an empty form or a RIB
 * part not read yet is not red before the agent starts.
 */
export function accountProblems(draft: AccountDraft, complete: boolean): FieldErrors {
  const found = sharedAccountProblems({
    holder: draft.holder,
    iban: draft.iban,
    bic: draft.bic,
    bankName: draft.bankName,
    rib: hasRib(draft) ? { banque: draft.banque, guichet: draft.guichet, compte: draft.compte, cle: draft.cle } : null,
  });
  const errors: FieldErrors = {};
  for (const [path, message] of Object.entries(found)) {
    const field = path.replace(/^rib\./, '') as RibField;
    if (complete || draft[field].trim() !== '') errors[field] = message;
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
