import { formatInstantFr, shortDayFr } from '../../shared/calendar/format.js';
import { REGIMES } from '../../shared/children/input.js';
import { formatCents, parseEuros } from '../../shared/money.js';
import { officeToday } from './today.js';

/** French display and entry of amounts, decimals and dates; storage stays in cents, hundredths and ISO days. */

/** 3245050 -> "32 450,50" (the shared money format, src/shared/money.ts); null -> ''. */
export function centsToEuros(cents: number | null): string {
  return cents === null ? '' : formatCents(cents);
}

/** "32 450,5" -> 3245050; '' -> null; anything else -> undefined (invalid). */
export function eurosToCents(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  const parsed = parseEuros(text);
  // Amounts typed in the office's forms (tax income) are never negative.
  return parsed.ok && parsed.cents >= 0 ? parsed.cents : undefined;
}

/** 250 -> "2,5" */
export function hundredthsToDecimal(value: number | null): string {
  if (value === null) return '';
  return String(value / 100).replace('.', ',');
}

/** "2,5" -> 250; '' -> null; invalid -> undefined. */
export function decimalToHundredths(text: string): number | null | undefined {
  const cleaned = text.trim().replace(',', '.');
  if (cleaned === '') return null;
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return undefined;
  return Math.round(Number(cleaned) * 100);
}

/** "2024-03-09" -> "09/03/2024" (src/shared/calendar/format.ts). */
export const frenchDay = shortDayFr;

/**
 * "28/11/2026 à 15h04", in the office's time. On screen « à » stays with its time: a narrow grid column wraps it as
 * « 28/11/2026 / à 15h04 », never « 28/11/2026 à / 15h04 ».
 */
export function frenchInstant(instant: Date | string): string {
  return formatInstantFr(instant).replace(' à ', ' à\u00a0');
}

/** Today at the office (its clock, Europe/Paris), for default dates and client-side pre-checks (src/renderer/lib/today.ts). */
export const todayInParis = officeToday;

/** A meal régime as agents read it ('sans_porc' -> 'Sans porc'); an unknown code is shown as it is. */
export function regimeLabel(code: string | null | undefined): string {
  if (!code) return '';
  return REGIMES[code as keyof typeof REGIMES] ?? code;
}

/**
 * A value of the history as agents read it: a day stored ISO by older entries ('1986-04-17') reads 17/04/1986; the
 * office writes the rest in French already (src/office/audit/write.ts auditText).
 */
export function auditValueText(value: string | null): string {
  if (value === null || value === '') return '—';
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? shortDayFr(value) : value;
}

/** Groups an IBAN by four for reading. */
export function formatIban(iban: string): string {
  return iban.replace(/\s+/g, '').replace(/(.{4})/g, '$1 ').trim();
}
