/** Forms are small; only routes with `config: { upload: true }` accept multipart, up to UPLOAD_BODY_LIMIT. */
export const FORM_BODY_LIMIT = 64 * 1024;
export const UPLOAD_FILE_LIMIT = 2 * 1024 * 1024;
export const UPLOAD_BODY_LIMIT = 3 * 1024 * 1024;

const MEGABYTES = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} Mo`;

/** The upload limit in words, for the forms' hints (« 2 Mo au plus »). */
export const UPLOAD_LIMIT_TEXT = `${MEGABYTES(UPLOAD_FILE_LIMIT)} au plus`;
export const PHOTO_TOO_LARGE_MESSAGE = `La photo envoyée est trop volumineuse : une photo ne doit pas dépasser ${MEGABYTES(UPLOAD_FILE_LIMIT)}.`;
export const CERTIFICATE_TOO_LARGE_MESSAGE = `Le justificatif envoyé est trop volumineux : il ne doit pas dépasser ${MEGABYTES(UPLOAD_FILE_LIMIT)}.`;

/**
 * What was too large, for a 413 without its own message: the route says whether it was a photo, a certificate or a
 * plain form (the page must not speak of photos to a family that sent a long text).
 */
export function tooLargeMessage(route: string): string {
  if (/^\/mes-enfants\/[^/]+\/photo$/.test(route)) return PHOTO_TOO_LARGE_MESSAGE;
  if (route.startsWith('/planning/')) return CERTIFICATE_TOO_LARGE_MESSAGE;
  return `Le formulaire envoyé est trop long (${FORM_BODY_LIMIT / 1024} Ko au plus) : raccourcissez le texte saisi et recommencez.`;
}
