import { z } from 'zod';
import { isIsoDay } from '../calendar/days.js';
import { PHOTO_MAX_BYTES } from '../children/input.js';
import { CERTIFICATE_TOO_BIG_MESSAGE, DOCUMENT_MAX_BYTES } from '../files/limits.js';
import { ABSENCE_REASON_CODES } from '../planning/reasons.js';
import { CONTROL_CHARS_MESSAGE, hasControlChars, withoutControlChars, type TextKind } from '../text/control-chars.js';
import { parseFrench } from '../validation/french.js';
import { CHANGE_FIELD_KEYS, changeField, fullLabel } from './change-fields.js';

export { parseFrench };

/**
 * A family's request, one schema for both doors: the office API (a request typed at the counter) and the sync
 * contract (a request the portal recorded). Same limits, real calendar days, the nine reasons, the change keys of
 * change-fields.ts with their values in canonical form. The office's own rules (closed day, deadline, inscription,
 * the field's value against the forms' schema) are judged after this, in its requests service.
 */

export const REQUEST_LIMITS = {
  /** A school year of days for a few siblings and services. */
  items: 3000,
  changes: 50,
  comment: 2000,
  label: 200,
  value: 2000,
  fileName: 300,
  mime: 100,
  /** Base64 of a 2 MB photo. */
  photoBase64: Math.ceil(PHOTO_MAX_BYTES / 3) * 4,
  /** Base64 of a certificate as large as an office document may be. */
  certificateBase64: Math.ceil(DOCUMENT_MAX_BYTES / 3) * 4,
} as const;

export const REQUEST_KINDS = ['book', 'cancel', 'absence', 'data_change', 'photo'] as const;

const id = z.number().int().positive();

/** A text of the request with the control-character rule of src/shared/text/control-chars.ts (the portal's forms check it first). */
const plainText = (max: number, kind: TextKind, tooLong?: string) =>
  z
    .string()
    .max(max, tooLong)
    .refine((text) => !hasControlChars(text, kind), CONTROL_CHARS_MESSAGE[kind]);

/** A calendar day that exists: 2027-02-31 is refused, not only a malformed text. */
export const requestDay = z.string().refine(isIsoDay, 'Date invalide : ce jour n’existe pas dans le calendrier (jj/mm/aaaa).');

export const dataChangeSchema = z
  .object({
    entity: z.enum(['family', 'child']),
    entityId: id,
    field: z.enum(CHANGE_FIELD_KEYS, 'Cette information ne peut pas être modifiée par une demande.'),
    label: plainText(REQUEST_LIMITS.label, 'single-line'),
    /**
     * As the family saw it (canonical, except a masked IBAN); published by the office, so line breaks may be in it,
     * and invisible marks pasted at the office are dropped, not refused: the family could not change the field else.
     */
    oldValue: z
      .string()
      .max(REQUEST_LIMITS.value)
      .transform((text) => withoutControlChars(text, 'multi-line')),
    /** Canonical: ISO day, integer cents, hundredths, 'true'/'false', enum key, IBAN without spaces. */
    newValue: plainText(REQUEST_LIMITS.value, 'single-line', `${REQUEST_LIMITS.value} caractères au plus.`),
  })
  .superRefine((change, ctx) => {
    const f = changeField(change.field);
    if (!f) return;
    if (f.entity !== change.entity) ctx.addIssue({ code: 'custom', path: ['entity'], message: `« ${fullLabel(f)} » ne concerne pas une fiche ${change.entity === 'child' ? 'enfant' : 'famille'}.` });
    if (f.format.read(change.newValue) === undefined) ctx.addIssue({ code: 'custom', path: ['newValue'], message: `Valeur non conforme pour « ${fullLabel(f)} ».` });
  });

/** The parts of a request both doors share; who and when are added by each. */
export const requestBodySchema = z.object({
  kind: z.enum(REQUEST_KINDS, 'Type de demande inconnu.'),
  items: z
    .array(z.object({ childId: id, serviceId: id, day: requestDay }))
    .max(REQUEST_LIMITS.items, `Une demande porte sur ${REQUEST_LIMITS.items} jours au plus.`),
  reason: z.enum(ABSENCE_REASON_CODES, "Motif d'absence inconnu.").nullable(),
  comment: plainText(REQUEST_LIMITS.comment, 'multi-line', 'Le commentaire fait 2 000 caractères au plus.'),
  changes: z.array(dataChangeSchema).max(REQUEST_LIMITS.changes, `Une demande porte sur ${REQUEST_LIMITS.changes} modifications au plus.`),
  photo: z
    .object({ childId: id, mime: plainText(REQUEST_LIMITS.mime, 'single-line'), base64: z.string().max(REQUEST_LIMITS.photoBase64, 'La photo dépasse 2 Mo.') })
    .nullable(),
  certificate: z
    .object({
      fileName: plainText(REQUEST_LIMITS.fileName, 'single-line'),
      mime: plainText(REQUEST_LIMITS.mime, 'single-line'),
      base64: z.string().max(REQUEST_LIMITS.certificateBase64, CERTIFICATE_TOO_BIG_MESSAGE),
    })
    .nullable(),
});

/** A request typed at the office's counter (requests.create). */
export const newRequestSchema = requestBodySchema.extend({ familyId: id });

/** The first problem of a failed parse, with where it is ('Date invalide … (items.3.day)'). */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Demande mal formée.';
  const where = issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  return `${issue.message}${where}`;
}
