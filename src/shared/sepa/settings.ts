import { z } from 'zod';
import { fail, ok, type Result } from '../result.js';
import { fieldErrors, parseFrench } from '../validation/french.js';
import { bicProblem, ibanProblem, normaliseIban } from '../validation/bank.js';
import { icsProblem, normaliseIcs } from './ics.js';

/**
 * Paramètres › Prélèvement, stored as the JSON of the settings row 'sepa.settings': who collects (the commune's ICS,
 * name and account at the Trésor public), how long before a debit the family is told (pre-notification), the day of
 * the month debits are planned, and the fee the régisseur may add to a rejected debit.
 */
export interface SepaSettings {
  /** Identifiant créancier SEPA, e.g. FR72ZZZ123456; '' until the commune has one (no mandate can be printed). */
  ics: string;
  /** The creditor's name as the bank knows it (« Régie Enfance Jeunesse Epagny Metz-Tessy »). */
  creditorName: string;
  /** The account credited (the régie's account at the Trésor public), stored without spaces. */
  creditorIban: string;
  creditorBic: string;
  /** Calendar days between the pre-notification (the invoice) and the debit: 14 by default, at least 2 by agreement. */
  preNotificationDays: number;
  /** Day of the month debits are planned and printed on invoices (moved to the next bank business day). */
  collectionDay: number;
  /** Fee proposed when a reject is recorded, integer cents; 0 = none. */
  rejectFeeCents: number;
}

export const SEPA_SETTINGS_KEY = 'sepa.settings';

/** The demo commune's: a valid test ICS and the Trésor public's BIC. */
export const DEFAULT_SEPA_SETTINGS: Readonly<SepaSettings> = {
  ics: 'FR72ZZZ123456',
  creditorName: 'Regie Enfance Jeunesse Epagny Metz-Tessy',
  creditorIban: 'FR7630001007941234567890185',
  creditorBic: 'TRPUFRP1',
  preNotificationDays: 14,
  collectionDay: 10,
  rejectFeeCents: 0,
};

const checked = (check: (value: string) => string | null) =>
  z.string('Texte attendu.').superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const sepaSettingsSchema = z.strictObject(
  {
    ics: checked(icsProblem).transform(normaliseIcs),
    creditorName: z
      .string('Le nom du créancier est obligatoire.')
      .trim()
      .min(1, 'Le nom du créancier est obligatoire.')
      .max(70, 'Le nom du créancier : 70 caractères au plus.'),
    creditorIban: checked((value) => ibanProblem(value)).transform((value) => normaliseIban(value)),
    creditorBic: checked(bicProblem).transform((value) => value.replace(/\s+/g, '').toUpperCase()),
    preNotificationDays: z
      .number('Indiquez le délai de pré-notification en jours.')
      .int('Le délai de pré-notification est un nombre entier de jours.')
      .min(2, 'Le délai de pré-notification est d’au moins 2 jours (14 sans accord contraire).')
      .max(60, 'Le délai de pré-notification est de 60 jours au plus.'),
    collectionDay: z
      .number('Indiquez le jour du mois des prélèvements.')
      .int('Le jour des prélèvements est un nombre entier.')
      .min(1, 'Le jour des prélèvements est entre 1 et 28.')
      .max(28, 'Le jour des prélèvements est entre 1 et 28.'),
    rejectFeeCents: z
      .number('Indiquez les frais de rejet.')
      .int('Les frais de rejet sont en centimes.')
      .min(0, 'Les frais de rejet ne sont pas négatifs.')
      .max(10_000, 'Les frais de rejet sont de 100,00 € au plus.'),
  },
  'Réglage de prélèvement inconnu.',
);

export function checkSepaSettings(value: unknown): Result<SepaSettings> {
  const parsed = parseFrench(sepaSettingsSchema, value);
  if (parsed.success) return ok(parsed.data);
  return fail({ code: 'validation', message: 'Réglages de prélèvement invalides.', fields: fieldErrors(parsed.error) });
}
