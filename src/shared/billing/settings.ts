import { z } from 'zod';
import { addDays } from '../calendar/days.js';
import { fail, ok, type Result } from '../result.js';
import { email, phoneAsTyped } from '../validation/fields.js';
import { fieldErrors, parseFrench } from '../validation/french.js';
import { QF_RULES, type QfRule } from './qf.js';
import type { BillingRules, ReasonRule } from './rules.js';
import type { InvoiceIssuer } from './invoice.js';

/**
 * The office's billing settings (Paramètres › Facturation), stored as the JSON of the settings row 'billing.settings':
 * the rule choosing the QF, when invoices fall due, and the issuer printed on every invoice.
 */
export interface BillingSettings {
  qfRule: QfRule;
  /** An invoice is due this many days after its issue date (DOMAIN.md: typically 30). */
  dueDays: number;
  issuer: InvoiceIssuer;
}

export const BILLING_SETTINGS_KEY = 'billing.settings';

export const DEFAULT_APPEAL =
  'Vous disposez d’un délai de deux mois suivant la réception de cette facture pour contester la somme en saisissant ' +
  'directement le tribunal judiciaire ou le tribunal administratif compétent selon la nature de la créance ' +
  '(article L1617-5 du code général des collectivités territoriales).\n\n' +
  'Une réclamation amiable ne suspend pas le délai de recours. Pour toute question sur cette facture, adressez-vous ' +
  'à la régie aux heures d’ouverture.';

/** What a new office starts with; the demo commune's issuer. Every field can be changed in Paramètres. */
export const DEFAULT_BILLING_SETTINGS: Readonly<BillingSettings> = {
  qfRule: 'caf_first',
  dueDays: 30,
  issuer: {
    communeName: 'Commune d’Epagny Metz-Tessy',
    address: ['Place de la Mairie', '74330 Epagny Metz-Tessy'],
    siret: '21740112400011',
    regieName: 'Régie de recettes Enfance Jeunesse',
    regieAddress: ['15 rue de la Grenette', '74370 Epagny Metz-Tessy'],
    regieHours: 'Lundi et vendredi 8h30-12h00, mardi et jeudi 13h30-17h30, mercredi 8h30-12h00 et 13h30-17h30',
    phone: '04 50 22 98 19',
    email: 'enfance-jeunesse@epagnymetztesy.fr',
    signatoryName: 'Roland DAVIET',
    signatoryQuality: 'Maire',
    payfipId: '012345',
    chequeOrder: 'Trésor public',
    appeal: DEFAULT_APPEAL,
  },
};

/** Days an invoice may give before it falls due: at least the next day, at most four months. */
export const DUE_DAYS_MIN = 1;
export const DUE_DAYS_MAX = 120;

/**
 * A SIRET: 14 digits (spaces allowed when typed) whose Luhn sum is a multiple of 10, as INSEE gives them. The one
 * exception INSEE makes, La Poste's establishments (SIREN 356 000 000), uses a digit sum multiple of 5 instead.
 * Returns the French problem, or null when the number is valid.
 */
export function siretProblem(text: string): string | null {
  const digits = text.replace(/\s+/g, '');
  if (!/^\d{14}$/.test(digits)) return 'Le SIRET compte 14 chiffres.';
  if (digits.startsWith('356000000')) {
    const sum = [...digits].reduce((total, digit) => total + Number(digit), 0);
    return sum % 5 === 0 ? null : 'SIRET invalide : la clé de contrôle ne correspond pas (vérifiez les chiffres).';
  }
  let sum = 0;
  for (let i = 0; i < 14; i += 1) {
    let digit = Number(digits[13 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0 ? null : 'SIRET invalide : la clé de contrôle ne correspond pas (vérifiez les chiffres).';
}

const required = (what: string, max = 120) =>
  z
    .string(`${what} est obligatoire.`)
    .trim()
    .min(1, `${what} est obligatoire.`)
    .max(max, `${what} : ${max} caractères au plus.`);

const optional = (what: string, max: number) => z.string(`${what} : texte attendu.`).trim().max(max, `${what} : ${max} caractères au plus.`);

/** Postal lines as printed: each line non-empty, one to five lines. */
const lines = (what: string) =>
  z
    .array(required(`Chaque ligne de ${what}`, 120), `${what} : lignes attendues.`)
    .min(1, `Indiquez ${what}.`)
    .max(5, `${what} : 5 lignes au plus.`);

/** The issuer printed on every invoice: what the trésorerie and the family need to read, nothing blank that is required. */
export const invoiceIssuerSchema = z.strictObject(
  {
    communeName: required('Le nom de la commune'),
    address: lines('l’adresse de la commune'),
    siret: z
      .string('Le SIRET est obligatoire.')
      .transform((value) => value.replace(/\s+/g, ''))
      .superRefine((value, ctx) => {
        const problem = siretProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    regieName: required('Le nom de la régie'),
    regieAddress: lines('l’adresse de la régie'),
    regieHours: optional('Les horaires de la régie', 300),
    phone: phoneAsTyped,
    email,
    signatoryName: required('Le nom du signataire'),
    signatoryQuality: required('La qualité du signataire'),
    payfipId: z
      .string('Identifiant PayFiP : texte attendu.')
      .trim()
      .regex(/^\d{0,12}$/, 'L’identifiant PayFiP ne contient que des chiffres (vide : pas de paiement en ligne).'),
    chequeOrder: required('L’ordre des chèques'),
    appeal: required('Les voies et délais de recours', 4000),
  },
  'Champ de l’émetteur inconnu.',
);

/** Paramètres › Facturation as saved: the QF rule, the due days and the issuer. */
export const billingSettingsSchema = z.strictObject(
  {
    qfRule: z.enum(Object.keys(QF_RULES) as [QfRule, ...QfRule[]], 'Règle de calcul du QF inconnue.'),
    dueDays: z
      .number('Indiquez le délai de paiement en jours.')
      .int('Le délai de paiement est un nombre entier de jours.')
      .min(DUE_DAYS_MIN, `Le délai de paiement est d’au moins ${DUE_DAYS_MIN} jour.`)
      .max(DUE_DAYS_MAX, `Le délai de paiement est de ${DUE_DAYS_MAX} jours au plus.`),
    issuer: invoiceIssuerSchema,
  },
  'Réglage de facturation inconnu.',
);

/** Checks settings typed in Paramètres or read back from storage: the settings (trimmed), or a French message per field. */
export function checkBillingSettings(value: unknown): Result<BillingSettings> {
  const parsed = parseFrench(billingSettingsSchema, value);
  if (parsed.success) return ok(parsed.data);
  return fail({ code: 'validation', message: 'Réglages de facturation invalides.', fields: fieldErrors(parsed.error) });
}

/** A school year as stored (school_years). */
export interface SchoolYearDates {
  id: number;
  label: string;
  startDate: string;
  endDate: string;
}

/** The days a tariff of a school year may cover (Paramètres › Tarifs): the year's bounds, summer included. */
export interface TariffYear extends SchoolYearDates {
  /** Last day a tariff of this year may cover: the day before the next school year starts (its own end if none). */
  lastTariffDay: string;
}

/**
 * A tariff belongs to one school year and covers only its days, summer holidays included: the accueil de loisirs of
 * July and August is billed on the tariffs of the year that just ended, as communes vote them (September to August).
 * So a year's tariffs may run up to the day before the next school year starts; the last year known stops at its end.
 */
export function tariffYears(years: readonly SchoolYearDates[]): TariffYear[] {
  const sorted = [...years].sort((a, b) => a.startDate.localeCompare(b.startDate));
  return sorted.map((year, index) => {
    const next = sorted[index + 1];
    const lastTariffDay = next && addDays(next.startDate, -1) > year.endDate ? addDays(next.startDate, -1) : year.endDate;
    return { ...year, lastTariffDay };
  });
}

/** « Facturé », « 1 jour de carence, puis non facturé avec justificatif »: a reason's rule in Paramètres and the audit. */
export function describeReasonRule(rule: ReasonRule): string {
  if (rule.kind === 'billed') return 'Facturé';
  if (rule.kind === 'not_billed') return 'Non facturé';
  const days = rule.days === 1 ? '1 jour de carence' : `${rule.days} jours de carence`;
  return `${days}, puis non facturé ${rule.certificateRequired ? 'avec justificatif' : 'sans justificatif exigé'}`;
}

/** The service-wide flags of BillingRules, as Paramètres › Tarifs shows them and the audit names them. */
export const RULE_FLAG_LABELS = {
  absenceOnTimeBilled: 'Absence déclarée dans les délais facturée',
  absenceLateWithoutReasonBilled: 'Absence déclarée hors délai sans motif facturée',
  cancelledLateBilled: 'Annulation hors délai facturée',
  absentUnnoticedBilled: 'Absence sans prévenir facturée',
  bookedNotPointedBilled: 'Jour réservé non pointé facturé',
  lateBookingSurcharge: 'Majoration pour réservation hors délai',
  unbookedSurcharge: 'Majoration pour présence sans réservation',
} as const satisfies Record<Exclude<keyof BillingRules, 'reasons'>, string>;
