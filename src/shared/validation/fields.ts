import { z } from 'zod';
import { isIsoDay } from '../calendar/days.js';
import { normalisePhone, PHONE_ERROR } from './phone.js';

/** Field rules shared by the office forms (shown next to the field) and the office core (enforced before saving). */

// One rule for what a real calendar day is (src/shared/calendar/days.ts), re-exported for the field checks.
export { isIsoDay };

/** The message of a date field whose text is not a real day (31/02/2026, 12/2026 …). */
export const invalidDayMessage = (what: string): string => `${what} : date invalide (jj/mm/aaaa).`;

/**
 * The problem with a date field's value as the forms hold it (an ISO day, '' for none, or the text typed when it is not
 * a real day, see typedDay), or null when it is fine; `whenEmpty` is the message of a required field left blank. For
 * the forms checked without a zod schema.
 */
export function dayProblem(value: string, what: string, whenEmpty: string | null = null): string | null {
  if (value.trim() === '') return whenEmpty;
  return isIsoDay(value) ? null : invalidDayMessage(what);
}

export const text = (max = 200) =>
  z.string().trim().max(max, `${max} caractères au plus.`);

export const requiredName = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} est obligatoire.`)
    .max(80, `${what} : 80 caractères au plus.`)
    .regex(/^[\p{L}][\p{L}' .-]*$/u, `${what} ne peut contenir que des lettres, espaces, tirets et apostrophes.`);

export const isoDay = (what: string) =>
  z.string().refine(isIsoDay, invalidDayMessage(what));

/** A day that must not be after `today` (birth dates, document dates). */
export const pastDay = (what: string, today: string) =>
  isoDay(what).refine((day) => day <= today, `${what} ne peut pas être dans le futur.`);

export const optionalPastDay = (what: string, today: string) => pastDay(what, today).nullable();

/** A phone as typed → E.164 (src/shared/validation/phone.ts), or its French message; empty stays empty. */
export const phone = z.string().transform((value, context) => {
  const parsed = normalisePhone(value);
  if (parsed.ok) return parsed.value;
  context.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

/**
 * A phone kept as typed but checked by the same rule: the régie's phone in the billing settings, printed as typed on
 * invoices already issued.
 */
export const phoneAsTyped = z
  .string()
  .trim()
  .refine((value) => normalisePhone(value).ok, PHONE_ERROR);

export const email = z
  .string()
  .trim()
  .refine((value) => value === '' || z.email().safeParse(value).success, 'Adresse e-mail invalide.');

export const postalCode = z
  .string()
  .trim()
  .refine((value) => value === '' || /^\d{5}$/.test(value), 'Le code postal compte 5 chiffres.');
