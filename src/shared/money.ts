/**
 * Money, once for every side: amounts are integer cents everywhere; this module turns them into French text and
 * reads back what people type. The separator is the no-break space U+00A0, both between thousands and before the
 * euro sign: it never breaks a line inside an amount, and unlike the narrow U+202F every font we print with (pdfmake's
 * Roboto, the portal's system fonts) has a glyph for it.
 */

export const MONEY_SPACE = '\u00a0';

/** Integer part digits accepted when reading: 13 digits of euros keep cents far below Number.MAX_SAFE_INTEGER. */
const MAX_EURO_DIGITS = 13;

function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) throw new Error(`Not an amount in integer cents: ${cents}`);
}

/**
 * 123456 → '1 234,56'; -150 → '-1,50'; 0 → '0,00'. `grouping: false` leaves out the thousands separator (CSV for
 * spreadsheets, which read '1234,56' as a number).
 */
/** 1234567 → '1 234 567': thousands grouped with the no-break space, for amounts and for QF values alike. */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, MONEY_SPACE);
}

export function formatCents(cents: number, options: { grouping?: boolean } = {}): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = String(Math.floor(abs / 100));
  const grouped = options.grouping === false ? units : groupThousands(Math.floor(abs / 100));
  return `${sign}${grouped},${String(abs % 100).padStart(2, '0')}`;
}

/** 123456 → '1 234,56 €', the form shown to families and agents and printed. */
export function formatEuros(cents: number): string {
  return `${formatCents(cents)}${MONEY_SPACE}€`;
}

export type ParsedAmount = { ok: true; cents: number } | { ok: false; error: string };

// Sign, euros (plain, or grouped by three with spaces), then a comma or a point and one or two decimals.
const AMOUNT = /^([-−+]?)(\d+|\d{1,3}(?: \d{3})+)(?:[,.](\d{1,2}))?$/;

/**
 * Reads an amount as people type it: '1 234,56', '1234.5', '-12,30 €', '12 €'. Spaces of any kind (ordinary, no-break,
 * narrow) may group thousands; a comma or a point marks the decimals, at most two. Refused with a French message:
 * empty text, letters, three decimals, a point used between thousands ('1.234,56' is ambiguous), absurdly large amounts.
 */
export function parseEuros(text: string): ParsedAmount {
  const compact = text
    .replace(/[\s\u00a0\u202f\u2009]+/g, ' ')
    .trim()
    .replace(/\s*€$/, '')
    .replace(/^([-−+])\s+/, '$1');
  if (compact === '') return { ok: false, error: 'Montant vide.' };
  const match = AMOUNT.exec(compact);
  if (!match) {
    return {
      ok: false,
      error: /[.,]\d{3,}$/.test(compact)
        ? 'Deux décimales au plus (centimes).'
        : 'Montant invalide : écrivez par exemple 1 234,56.',
    };
  }
  const [, sign, units = '', decimals = ''] = match;
  const digits = units.replace(/ /g, '');
  if (digits.replace(/^0+/, '').length > MAX_EURO_DIGITS) return { ok: false, error: 'Montant trop grand.' };
  const cents = Number(digits) * 100 + Number(decimals.padEnd(2, '0'));
  return { ok: true, cents: (sign === '-' || sign === '−') && cents !== 0 ? -cents : cents };
}
