/**
 * Phone numbers, one rule for the office forms and core, the portal's change requests, the search index and every
 * screen or paper that shows one: stored in E.164 (+33450112233), shown the French way (04 50 11 22 33), found however
 * they are typed (04 50 11 22 33, +33 4 50 11 22 33, 0033450112233, 450112233).
 *
 * Written here rather than with libphonenumber-js, which is not installed on our machines: the office deals with French
 * numbers (metropolitan and overseas) and accepts any other international number by its E.164 shape.
 */

export type PhoneParse = { ok: true; value: string } | { ok: false; error: string };

export const PHONE_ERROR = 'Numéro de téléphone invalide : 10 chiffres (ex. 04 50 11 22 33) ou format international (ex. +41 22 123 45 67).';

/**
 * French overseas departments dial 0 + 9 digits at home like the mainland but have their own country codes: the
 * national prefix (first 3 digits after the 0) tells which. Réunion and Mayotte share +262.
 */
const OVERSEAS_PREFIXES: Record<string, string> = {
  '262': '262', '263': '262', '692': '262', '693': '262', '269': '262', '639': '262',
  '590': '590', '690': '590', '691': '590',
  '594': '594', '694': '594',
  '596': '596', '696': '596', '697': '596',
};
/** Country codes whose numbers are written 0 + 9 digits in France. */
const NATIONAL_CODES = new Set(['33', '262', '590', '594', '596']);
/** Other French territories: no trunk 0, fixed lengths of subscriber number. */
const TERRITORY_LENGTHS: Record<string, number> = { '687': 6, '689': 8, '508': 6, '681': 6 };

/** ITU country codes of one and two digits; all others have three (the codes are prefix-free). */
const TWO_DIGIT_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49',
  '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86',
  '90', '91', '92', '93', '94', '95', '98',
]);

function countryCodeOf(digits: string): string {
  if (digits.startsWith('1') || digits.startsWith('7')) return digits.slice(0, 1);
  if (TWO_DIGIT_CODES.has(digits.slice(0, 2))) return digits.slice(0, 2);
  return digits.slice(0, 3);
}

/** What a person may put between digits: spaces (also non-breaking), dots, dashes, slashes, parentheses. */
const SEPARATORS = /[\s\u00a0\u202f.\-/()]/g;

/** A national number 0 + 9 digits → E.164, overseas departments to their own code. */
function fromNational(national: string): string {
  const code = OVERSEAS_PREFIXES[national.slice(1, 4)] ?? '33';
  return `+${code}${national.slice(1)}`;
}

/**
 * Typed text → E.164, or the French message shown next to the field. Empty stays empty (a phone is optional unless
 * a form says otherwise).
 */
export function normalisePhone(typed: string): PhoneParse {
  const text = typed.trim();
  if (text === '') return { ok: true, value: '' };
  // "+33 (0)4 50 …": the trunk 0 written in parentheses after the country code.
  const compact = text.replace(/^(\+|00)(\d{1,3})\s*\(0\)/, '$1$2').replace(SEPARATORS, '');
  const fail = { ok: false, error: PHONE_ERROR } as const;
  if (/^0[1-9]\d{8}$/.test(compact)) return { ok: true, value: fromNational(compact) };
  const international = /^(?:\+|00)(\d+)$/.exec(compact);
  if (!international) return fail;
  let digits = international[1]!;
  if (digits.startsWith('0')) return fail;
  const code = countryCodeOf(digits);
  let subscriber = digits.slice(code.length);
  if (NATIONAL_CODES.has(code)) {
    // "+33 06 12 …": a trunk 0 kept after the country code.
    if (subscriber.length === 10 && subscriber.startsWith('0')) subscriber = subscriber.slice(1);
    if (!/^[1-9]\d{8}$/.test(subscriber)) return fail;
    // "+33 6 92 …" is a Réunion mobile: the same number as 06 92 … typed at home.
    return { ok: true, value: code === '33' ? fromNational(`0${subscriber}`) : `+${code}${subscriber}` };
  }
  const territory = TERRITORY_LENGTHS[code];
  if (territory !== undefined) return subscriber.length === territory ? { ok: true, value: `+${code}${subscriber}` } : fail;
  digits = code + subscriber;
  // E.164: at most 15 digits, and no country has subscriber numbers shorter than 4 digits.
  if (digits.length > 15 || subscriber.length < 4) return fail;
  return { ok: true, value: `+${digits}` };
}

const pairs = (digits: string) => digits.replace(/(\d{2})(?=\d)/g, '$1 ');

/**
 * A stored phone as people read it: French numbers 04 50 11 22 33 (overseas too: 06 92 12 34 56), others after their
 * country code (+41 221 23 45 67). A value that is not a phone (kept as typed by the migration) is shown as it is.
 */
export function formatPhone(stored: string): string {
  const parsed = normalisePhone(stored);
  if (!parsed.ok || parsed.value === '') return stored.trim();
  const digits = parsed.value.slice(1);
  const code = countryCodeOf(digits);
  const subscriber = digits.slice(code.length);
  if (NATIONAL_CODES.has(code)) return pairs(`0${subscriber}`);
  if (code in TERRITORY_LENGTHS) return `+${code} ${pairs(subscriber)}`;
  // Each country groups its own way, which this module does not know: pairs from the end, 3 or 4 digits in front.
  const groups: string[] = [];
  let rest = subscriber;
  while (rest.length > 4) {
    groups.unshift(rest.slice(-2));
    rest = rest.slice(0, -2);
  }
  groups.unshift(rest);
  return `+${code} ${groups.join(' ')}`;
}

/**
 * The run of digits the search index keeps for a stored phone: French numbers as dialled at home (0450112233), others
 * international without the plus (41221234567); phoneQueryDigits reads a typed query into the same form. One form
 * only: « 33… » in every haystack would make "336" a trigram of every family and slow every phone search down.
 * A value that is not a phone keeps its own digits.
 */
export function phoneSearchForms(stored: string): string[] {
  const parsed = normalisePhone(stored);
  if (!parsed.ok) return [stored.replace(/\D/g, '')].filter((digits) => digits !== '');
  if (parsed.value === '') return [];
  const digits = parsed.value.slice(1);
  const code = countryCodeOf(digits);
  return [NATIONAL_CODES.has(code) ? `0${digits.slice(code.length)}` : digits];
}

/**
 * The digits of a phone (or a fragment of one) typed in a search box, in phoneSearchForms' form: "+33 (0)4 50",
 * "0033 4 50" and "04 50" all become 0450, "+41 22" 4122.
 */
export function phoneQueryDigits(typed: string): string {
  const international = /^\s*(?:\+|00)\s*(\d[\d\s.()/-]*)$/.exec(typed);
  if (!international) return typed.replace(/\D/g, '');
  const digits = international[1]!.replace(/\(0\)/, '').replace(/\D/g, '');
  const code = countryCodeOf(digits);
  if (!NATIONAL_CODES.has(code) || digits.length <= code.length) return digits;
  const subscriber = digits.slice(code.length);
  return subscriber.startsWith('0') ? subscriber : `0${subscriber}`;
}
