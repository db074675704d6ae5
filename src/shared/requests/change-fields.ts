import type { z } from 'zod';
import { AUTHORISATIONS, childSchemas, CLASSES, REGIMES } from '../children/input.js';
import { CAF_REGIMES, familySchemas, SITUATIONS } from '../families/input.js';
import { parseFrench } from '../validation/french.js';
import {
  booleanFormat,
  bicFormat,
  dateFormat,
  digitsTextFormat,
  emailFormat,
  enumFormat,
  eurosFormat,
  hundredthsFormat,
  ibanFormat,
  integerFormat,
  phoneFormat,
  postcodeFormat,
  textFormat,
  type Parsed,
  type ValueFormat,
} from './formats.js';

/**
 * The one list of what a family may ask to change, keyed as the office's records are ('responsable1.telMobile',
 * 'fiscal.rfrCents', 'health.allergies'): the portal offers these, the sync contract lets only these through, the
 * office checks and applies these. Each field says which record it belongs to, how its value is typed and shown,
 * and is checked with the very schema of the office's own forms.
 */

export type FamilySection = 'responsable1' | 'responsable2' | 'household' | 'fiscal' | 'caf' | 'bank';
export type ChildSection = 'identity' | 'health' | 'authorisations';

type ResponsableName = 'civilite' | 'nom' | 'prenom' | 'adresse' | 'codePostal' | 'ville' | 'telMobile' | 'telFixe' | 'telPro' | 'email' | 'profession' | 'employeur';
/** Every key a change may carry; CHANGE_FIELDS lists exactly these (a unit test holds them together). */
export type ChangeFieldKey =
  | `${'responsable1' | 'responsable2'}.${ResponsableName}`
  | `household.${'situation' | 'resident'}`
  | `fiscal.${'rfrCents' | 'partsX100' | 'year'}`
  | `caf.${'regime' | 'number' | 'qf' | 'qfValidUntil'}`
  | `bank.${'holder' | 'iban' | 'bic'}`
  | `identity.${'regime' | 'classe'}`
  | `health.${'allergies' | 'pai' | 'paiEnd' | 'medecinNom' | 'medecinTel'}`
  | `authorisations.${keyof typeof AUTHORISATIONS}`;

export interface ChangeField {
  key: ChangeFieldKey;
  entity: 'family' | 'child';
  section: FamilySection | ChildSection;
  /** The property inside the section ('telMobile'). */
  name: string;
  /** Short label, shown inside its group ('Téléphone mobile'). */
  label: string;
  /** Where it belongs ('Responsable 1'): label and group make the full label of a change ('Responsable 1 · Nom'). */
  group: string;
  format: ValueFormat;
}

const CIVILITIES = { '': 'Non renseignée', 'M.': 'M.', Mme: 'Mme' } as const;

const RESPONSABLE: ReadonlyArray<readonly [ResponsableName, string, ValueFormat]> = [
  ['civilite', 'Civilité', enumFormat(CIVILITIES, { 'M.': ['M', 'Monsieur'], Mme: ['Madame'] }) as ValueFormat],
  ['nom', 'Nom', textFormat],
  ['prenom', 'Prénom', textFormat],
  ['adresse', 'Adresse', textFormat],
  ['codePostal', 'Code postal', postcodeFormat],
  ['ville', 'Ville', textFormat],
  ['telMobile', 'Téléphone mobile', phoneFormat],
  ['telFixe', 'Téléphone fixe', phoneFormat],
  ['telPro', 'Téléphone professionnel', phoneFormat],
  ['email', 'Adresse e-mail', emailFormat],
  ['profession', 'Profession', textFormat],
  ['employeur', 'Employeur', textFormat],
];

const field = (entity: ChangeField['entity'], section: ChangeField['section'], name: string, label: string, group: string, format: ValueFormat): ChangeField => ({
  key: `${section}.${name}` as ChangeFieldKey,
  entity,
  section,
  name,
  label,
  group,
  format: format as ValueFormat,
});

const LIST: ChangeField[] = [
  ...([1, 2] as const).flatMap((rank) =>
    RESPONSABLE.map(([name, label, format]) => field('family', `responsable${rank}`, name, label, rank === 1 ? 'Responsable 1' : 'Responsable 2', format)),
  ),
  field('family', 'household', 'situation', 'Situation familiale', 'Situation familiale', enumFormat(SITUATIONS, { marie: ['mariee', 'maries', 'mariés'], pacse: ['pacsee', 'pacses'], celibataire: ['célibataire'] }) as ValueFormat),
  field('family', 'household', 'resident', 'Résident de la commune', 'Situation familiale', booleanFormat as ValueFormat),
  field('family', 'fiscal', 'rfrCents', 'Revenu fiscal de référence', 'Données fiscales', eurosFormat as ValueFormat),
  field('family', 'fiscal', 'partsX100', 'Nombre de parts', 'Données fiscales', hundredthsFormat as ValueFormat),
  field('family', 'fiscal', 'year', 'Année des revenus', 'Données fiscales', integerFormat as ValueFormat),
  field('family', 'caf', 'regime', 'Régime', 'CAF', enumFormat(CAF_REGIMES, { CAF: ['Général', 'Régime général'] }) as ValueFormat),
  field('family', 'caf', 'number', 'Numéro allocataire', 'CAF', digitsTextFormat),
  field('family', 'caf', 'qf', 'Quotient familial', 'CAF', integerFormat as ValueFormat),
  field('family', 'caf', 'qfValidUntil', 'Quotient valable jusqu’au', 'CAF', dateFormat as ValueFormat),
  field('family', 'bank', 'holder', 'Titulaire du compte', 'Coordonnées bancaires', textFormat),
  field('family', 'bank', 'iban', 'IBAN', 'Coordonnées bancaires', ibanFormat),
  field('family', 'bank', 'bic', 'BIC', 'Coordonnées bancaires', bicFormat),

  field('child', 'identity', 'regime', 'Régime alimentaire', 'Enfant', enumFormat(REGIMES) as ValueFormat),
  field('child', 'identity', 'classe', 'Classe', 'Enfant', enumFormat(Object.fromEntries([['', 'Non renseignée'], ...CLASSES.map((c) => [c, c])]) as Record<string, string>) as ValueFormat),
  field('child', 'health', 'allergies', 'Allergies', 'Santé', textFormat),
  field('child', 'health', 'pai', 'PAI (projet d’accueil individualisé)', 'Santé', booleanFormat as ValueFormat),
  field('child', 'health', 'paiEnd', 'Fin du PAI', 'Santé', dateFormat as ValueFormat),
  field('child', 'health', 'medecinNom', 'Médecin traitant', 'Santé', textFormat),
  field('child', 'health', 'medecinTel', 'Téléphone du médecin', 'Santé', phoneFormat),
  ...(Object.entries(AUTHORISATIONS) as Array<[keyof typeof AUTHORISATIONS, string]>).map(([name, label]) =>
    field('child', 'authorisations', name, label, 'Autorisations', booleanFormat as ValueFormat),
  ),
];

export const CHANGE_FIELDS: readonly ChangeField[] = LIST;
export const CHANGE_FIELD_KEYS = LIST.map((f) => f.key) as [ChangeFieldKey, ...ChangeFieldKey[]];
const BY_KEY = new Map<string, ChangeField>(LIST.map((f) => [f.key, f]));

export function changeField(key: string): ChangeField | undefined {
  return BY_KEY.get(key);
}

export function isChangeFieldKey(key: string): key is ChangeFieldKey {
  return BY_KEY.has(key);
}

/** 'Responsable 1 · Téléphone mobile': the label a change carries to the office's queue. */
export function fullLabel(f: ChangeField): string {
  return f.group === f.label ? f.label : `${f.group} · ${f.label}`;
}

type SectionSchema = z.ZodObject<Record<string, z.ZodType>>;

/** The office's own schema of one field (from the forms' section schemas, so the rule lives once). */
function fieldSchema(f: ChangeField, today: string): z.ZodType {
  const family = familySchemas(today);
  const child = childSchemas(today);
  const sections: Record<ChangeField['section'], unknown> = {
    responsable1: family.responsable,
    responsable2: family.responsable,
    household: family.household,
    fiscal: family.fiscal,
    caf: family.caf,
    bank: family.bank,
    identity: child.identity,
    health: child.health,
    authorisations: child.authorisations,
  };
  const schema = (sections[f.section] as SectionSchema).shape[f.name];
  if (!schema) throw new Error(`No schema for ${f.key}`);
  return schema;
}

/**
 * A value typed by a family → its canonical text, checked by its format and by the office's schema of the field,
 * or the French message to show next to the field.
 */
export function parseChangeValue(key: string, typed: string, today: string): Parsed {
  const f = changeField(key);
  if (!f) return { ok: false, error: 'Cette information ne peut pas être modifiée par une demande.' };
  const parsed = f.format.parse(typed);
  if (!parsed.ok) return parsed;
  const problem = canonicalProblem(f, parsed.value, today);
  return problem === null ? parsed : { ok: false, error: problem };
}

/** Why a canonical value is not acceptable for the field (its form, then the office's rule), or null. */
export function canonicalProblem(f: ChangeField, canonical: string, today: string): string | null {
  const value = f.format.read(canonical);
  if (value === undefined) return `Valeur non conforme pour « ${fullLabel(f)} ».`;
  const checked = parseFrench(fieldSchema(f, today), value);
  return checked.success ? null : (checked.error.issues[0]?.message ?? 'Valeur invalide.');
}

/** A canonical value as shown to people ('3245050' → « 32 450,50 € »); unknown keys shown as they are. */
export function displayChangeValue(key: string, canonical: string): string {
  const f = changeField(key);
  return f ? f.format.display(canonical) : canonical;
}

/**
 * One change as people read it, the same at the office and on the portal:
 * 'Coordonnées bancaires · IBAN : (vide) → FR76 3000 6000 0112 3456 7890 189'.
 */
export function changeText(change: { label: string; field: string; oldValue: string; newValue: string }): string {
  const shown = (canonical: string) => displayChangeValue(change.field, canonical) || '(vide)';
  return `${change.label} : ${shown(change.oldValue)} → ${shown(change.newValue)}`;
}
