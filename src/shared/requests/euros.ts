/**
 * Cents typed and shown the French way, for the change requests only.
 * TODO(issue 7): replace with src/shared/money.ts (helper C) once it lands; callers use only these two functions.
 */

const SPACES = /[\s\u00a0\u202f]/g;

/** « 1 234,56 € », « -2,50 € » (non-breaking spaces between thousands and before the sign). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${units},${String(abs % 100).padStart(2, '0')}\u00a0€`;
}

/** Integer cents from « 32 450,50 € », « 32450.5 », « 32 450 » …; null when the text is not an amount. */
export function parseCents(typed: string): number | null {
  const text = typed.replace(SPACES, '').replace(/(€|eur|euros?)$/i, '');
  const match = /^(-?)(\d+)(?:[.,](\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return null;
  return match[1] === '-' ? -cents : cents;
}
