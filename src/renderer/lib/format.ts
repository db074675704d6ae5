import { formatCents, parseEuros } from '../../shared/money.js';

/** French display and entry of amounts, decimals and dates; storage stays in cents, hundredths and ISO days. */

/** 3245050 -> "32 450,50" (the shared money format, src/shared/money.ts); null -> ''. */
export function centsToEuros(cents: number | null): string {
  return cents === null ? '' : formatCents(cents);
}

/** "32 450,5" -> 3245050; '' -> null; anything else -> undefined (invalid). */
export function eurosToCents(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  const parsed = parseEuros(text);
  return parsed.ok ? parsed.cents : undefined;
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

/** "2024-03-09" -> "09/03/2024" */
export function frenchDay(day: string | null | undefined): string {
  if (!day) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : day;
}

const instantFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  dateStyle: 'short',
  timeStyle: 'short',
});

export function frenchInstant(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : instantFormat.format(date);
}

/** Today's calendar day in Europe/Paris, for the client-side pre-checks (the office re-checks with its own clock). */
export function todayInParis(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}

/** Groups an IBAN by four for reading. */
export function formatIban(iban: string): string {
  return iban.replace(/\s+/g, '').replace(/(.{4})/g, '$1 ').trim();
}
