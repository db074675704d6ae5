import { z } from 'zod';
import { bicProblem, ibanProblem, normaliseIban } from '../validation/bank.js';
import { email, optionalPastDay, phone, postalCode, requiredName, text, isoDay } from '../validation/fields.js';

export const SITUATIONS = {
  '': 'Non renseignée',
  marie: 'Marié(e)',
  pacse: 'Pacsé(e)',
  concubinage: 'Vie maritale',
  celibataire: 'Célibataire',
  separe: 'Séparé(e)',
  divorce: 'Divorcé(e)',
  veuf: 'Veuf / veuve',
} as const;
export type Situation = keyof typeof SITUATIONS;

/** An IBAN is only ever kept with the name of its account's holder (the office's form, the portal's changes). */
export const HOLDER_REQUIRED = 'Le titulaire du compte est obligatoire tant qu’un IBAN est enregistré.';

export const CAF_REGIMES = { '': 'Non renseigné', CAF: 'CAF', MSA: 'MSA', AUTRE: 'Autre régime' } as const;
export type CafRegime = keyof typeof CAF_REGIMES;

export const DOCUMENT_KINDS = {
  avis_imposition: 'Avis d’imposition',
  attestation_caf: 'Attestation CAF',
  justificatif_domicile: 'Justificatif de domicile',
  rib: 'RIB',
  jugement: 'Jugement (garde)',
  certificat_medical: 'Certificat médical',
  pai: 'PAI',
  autre: 'Autre',
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;

export const QF_NEGATIVE = 'Le quotient familial ne peut pas être négatif.';

/** Field schemas depend on "today" (no birth date in the future), given by the caller's injected clock. */
export function familySchemas(today: string) {
  const responsable = z.object({
    civilite: z.enum(['', 'M.', 'Mme']),
    nom: requiredName('Le nom'),
    prenom: requiredName('Le prénom'),
    dateNaissance: optionalPastDay('La date de naissance', today),
    adresse: text(200),
    codePostal: postalCode,
    ville: text(80),
    telMobile: phone,
    telFixe: phone,
    email,
    profession: text(80),
    employeur: text(80),
    telPro: phone,
  });

  const household = z.object({
    situation: z.enum(Object.keys(SITUATIONS) as [Situation, ...Situation[]]),
    resident: z.boolean(),
    notes: text(2000),
  });

  const fiscal = z.object({
    rfrCents: z.number().int('Montant en centimes entiers.').min(0, 'Le revenu ne peut pas être négatif.').nullable(),
    partsX100: z
      .number()
      .int()
      .min(100, 'Le nombre de parts est au moins 1.')
      .max(2000, 'Nombre de parts invalide.')
      .refine((parts) => parts % 25 === 0, 'Le nombre de parts va par quarts (ex. 2,5).')
      .nullable(),
    year: z.number().int().min(2000, "Année des revenus invalide.").max(2100, "Année des revenus invalide.").nullable(),
  });

  const caf = z
    .object({
      regime: z.enum(['', 'CAF', 'MSA', 'AUTRE']),
      number: z
        .string()
        .trim()
        .refine((value) => value === '' || /^\d{7}$/.test(value), "Le numéro d'allocataire compte 7 chiffres."),
      qf: z.number().int('Le quotient familial est un nombre entier.').min(0, QF_NEGATIVE).max(100000, 'Le quotient familial dépasse 100 000 : vérifiez la saisie.').nullable(),
      qfValidUntil: isoDay('La date de validité du QF').nullable(),
    });

  const bank = z
    .object({
      holder: text(70),
      iban: z.string().transform((value) => normaliseIban(value) || value.trim()),
      bic: z.string().transform((value) => value.replace(/\s+/g, '').toUpperCase()),
    })
    .superRefine((value, ctx) => {
      if (value.iban !== '') {
        const problem = ibanProblem(value.iban);
        if (problem) ctx.addIssue({ code: 'custom', path: ['iban'], message: problem });
        if (value.holder === '') ctx.addIssue({ code: 'custom', path: ['holder'], message: HOLDER_REQUIRED });
      }
      if (value.bic !== '') {
        const problem = bicProblem(value.bic);
        if (problem) ctx.addIssue({ code: 'custom', path: ['bic'], message: problem });
      }
    });

  const input = z.object({
    responsable1: responsable,
    responsable2: responsable.nullable(),
    household,
    fiscal,
    caf,
    bank,
    custom: z.record(z.string(), z.string().max(500)),
  });

  return { responsable, household, fiscal, caf, bank, input, patch: input.partial() };
}

type Schemas = ReturnType<typeof familySchemas>;
export type ResponsableInput = z.input<Schemas['responsable']>;
export type FamilyInput = z.input<Schemas['input']>;
export type FamilyPatch = z.input<Schemas['patch']>;
/** The values after validation and normalisation (trimmed strings, IBAN without spaces). */
export type FamilyData = z.output<Schemas['input']>;
