import { z } from 'zod';
import { isoDay, pastDay, phone, requiredName, text } from '../validation/fields.js';

/** Dietary regimes: CNIL forbids any category revealing religion (no halal, no casher). */
export const REGIMES = {
  standard: 'Standard',
  sans_porc: 'Sans porc',
  vegetarien: 'Végétarien',
  sans_viande: 'Sans viande',
} as const;
export type Regime = keyof typeof REGIMES;

export const CLASSES = ['TPS', 'PS', 'MS', 'GS', 'CP', 'CE1', 'CE2', 'CM1', 'CM2'] as const;

export const AUTHORISATIONS = {
  droitImage: "Droit à l'image",
  sortieSeule: 'Sortie seule autorisée',
  transport: 'Transport en car / minibus',
  soinsUrgence: "Soins et hospitalisation d'urgence",
} as const;

export function childSchemas(today: string) {
  const identity = z.object({
    nom: requiredName('Le nom'),
    prenom: requiredName('Le prénom'),
    sexe: z.enum(['F', 'M'], 'Choisissez le sexe.'),
    dateNaissance: pastDay('La date de naissance', today),
    schoolId: z.number().int().nullable(),
    classe: z.enum(['', ...CLASSES], 'Classe inconnue.'),
    regime: z.enum(Object.keys(REGIMES) as [Regime, ...Regime[]], 'Régime inconnu.'),
  });

  const vaccination = z.object({
    vaccine: text(80).min(1, 'Le nom du vaccin est obligatoire.'),
    date: pastDay('La date du vaccin', today),
  });

  const health = z.object({
    allergies: text(1000),
    pai: z.boolean(),
    paiEnd: isoDay('La fin du PAI').nullable(),
    /**
     * Brings its own meal under its PAI (billing applies the tariff's PAI reduction). Optional so that a caller sending
     * the health section without it keeps the stored value (settleOwnMeal); meaningless, and refused, without a PAI.
     */
    paiOwnMeal: z.boolean().optional(),
    paiDetails: text(2000),
    medecinNom: text(80),
    medecinTel: phone,
    medicalNotes: text(4000),
    vaccinations: z.array(vaccination).max(50),
  });

  const authorisedPerson = z
    .object({
      nom: requiredName('Le nom'),
      prenom: requiredName('Le prénom'),
      relation: text(60),
      tel1: phone,
      tel2: phone,
      mayPickUp: z.boolean(),
      emergency: z.boolean(),
    })
    .refine((person) => person.tel1 !== '' || person.tel2 !== '', {
      path: ['tel1'],
      message: 'Indiquez au moins un téléphone.',
    });

  const authorisations = z.object({
    droitImage: z.boolean(),
    sortieSeule: z.boolean(),
    transport: z.boolean(),
    soinsUrgence: z.boolean(),
  });

  const input = z.object({
    identity,
    health,
    authorisedPersons: z.array(authorisedPerson).max(20),
    authorisations,
    custom: z.record(z.string(), z.string().max(500)),
  });

  return { identity, health, authorisedPerson, authorisations, input, patch: input.partial() };
}

export const OWN_MEAL_WITHOUT_PAI = '« Apporte son repas » ne vaut qu’avec un PAI : cochez PAI ou décochez cette case.';

/** The refusal of a health section asking for a PAI meal basket without a PAI, by field, or null. */
export function ownMealProblem(health: { pai: boolean; paiOwnMeal?: boolean | undefined }): Record<string, string> | null {
  return health.paiOwnMeal === true && !health.pai ? { 'health.paiOwnMeal': OWN_MEAL_WITHOUT_PAI } : null;
}

/**
 * The « apporte son repas » a health section means once saved: its own value when given, else the stored one; and
 * never without a PAI (a PAI ended, here or from the portal, ends the meal basket with it, which the audit records).
 */
export function settleOwnMeal<H extends { pai: boolean; paiOwnMeal?: boolean | undefined }>(health: H, stored: boolean): H & { paiOwnMeal: boolean } {
  return { ...health, paiOwnMeal: health.pai ? (health.paiOwnMeal ?? stored) : false };
}

type Schemas = ReturnType<typeof childSchemas>;
export type ChildInput = z.input<Schemas['input']>;
export type ChildPatch = z.input<Schemas['patch']>;
export type ChildData = z.output<Schemas['input']>;
export type ChildHealth = z.input<Schemas['health']>;
export type AuthorisedPersonInput = z.input<Schemas['authorisedPerson']>;

/** Accepted photo formats, recognised by their first bytes (src/shared/files/sniff.ts). */
export { imageMime } from '../files/sniff.js';

export const PHOTO_MAX_BYTES = 2 * 1024 * 1024;
