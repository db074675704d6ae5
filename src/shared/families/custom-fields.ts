import type { CustomField } from '../api/contract.js';
import { shortDayFr } from '../calendar/format.js';
import { isIsoDay } from '../calendar/days.js';

/**
 * Complementary fields (« Transport scolaire », « Droit à l'image »…): their French names, and how a value is stored
 * (text, always), checked and shown. One place for the forms, the office's checks and audit, the printed sheets and the
 * portal's publication: a yes-no field is stored 'true' or 'false', a date as an ISO day, and '' is « not filled ».
 */

export const CUSTOM_FIELD_KINDS: Record<CustomField['kind'], string> = { text: 'Texte', boolean: 'Oui / non', date: 'Date' };
export const CUSTOM_FIELD_ENTITIES: Record<CustomField['entity'], string> = { family: 'Famille', child: 'Enfant' };

export const CUSTOM_YES = 'true';
export const CUSTOM_NO = 'false';

/** Why `value` (trimmed) cannot be stored for `field`, in French; null when it can ('' clears the value). */
export function customValueProblem(field: Pick<CustomField, 'kind' | 'label'>, value: string): string | null {
  if (value === '') return null;
  if (field.kind === 'boolean' && value !== CUSTOM_YES && value !== CUSTOM_NO) return `${field.label} : valeur attendue oui ou non.`;
  if (field.kind === 'date' && !isIsoDay(value)) return `${field.label} : date invalide (jj/mm/aaaa).`;
  if (field.kind === 'text' && value.length > 500) return `${field.label} : 500 caractères au plus.`;
  return null;
}

/** A stored value as a person reads it: « Oui », « Non », « 07/12/2026 », the text; '' when not filled. */
export function customValueText(kind: CustomField['kind'], value: string): string {
  if (value === '') return '';
  if (kind === 'boolean') return value === CUSTOM_YES ? 'Oui' : 'Non';
  if (kind === 'date') return shortDayFr(value);
  return value;
}

/** Why a complementary field's label cannot be saved, in French; null when it can. */
export function customFieldLabelProblem(label: string): string | null {
  const trimmed = label.trim();
  return trimmed === '' || trimmed.length > 60 ? 'Le libellé est obligatoire (60 caractères au plus).' : null;
}
