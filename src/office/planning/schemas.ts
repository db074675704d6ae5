import { z } from 'zod';
import { isIsoDay } from '../../shared/calendar/days.js';

/** Argument pieces shared by the planning handlers, with the French messages the forms show. */

export const id = z.number().int().positive();

export const isoDay = z
  .string()
  .refine((value) => isIsoDay(value), 'Date invalide (jj/mm/aaaa).');

export const weekdays = z
  .array(z.number().int().min(1, 'Jour de semaine inconnu.').max(7, 'Jour de semaine inconnu.'))
  .min(1, 'Choisissez au moins un jour de la semaine.')
  .refine((days) => new Set(days).size === days.length, 'Un jour de la semaine est choisi deux fois.');

export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Heure invalide (format hh:mm attendu).');

/** A range whose end is not before its start; the message goes to the end field. */
export function orderedRange<T extends { startDate: string; endDate: string }>(schema: z.ZodType<T>): z.ZodType<T> {
  return schema.refine((value) => value.startDate <= value.endDate, {
    message: 'La date de fin doit suivre la date de début.',
    path: ['endDate'],
  }) as unknown as z.ZodType<T>;
}
