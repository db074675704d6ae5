/**
 * The size limits of a family's documents, once for the office and the window. A scanned RIB is read by the office
 * ('sepa.readScan') and then stored with the mandate as a family document: both must accept the same files, or a scan
 * that was read would be refused at confirmation. The window checks the same limit before sending a file, to answer at
 * once.
 */

/** A family document (and so a scanned RIB): 10 Mo at most. */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

/** The limit as people read it, « 10 Mo ». */
export const DOCUMENT_MAX_LABEL = `${DOCUMENT_MAX_BYTES / 1024 / 1024} Mo`;

/** Any family document over the limit. */
export const DOCUMENT_TOO_BIG_MESSAGE = `Le fichier dépasse ${DOCUMENT_MAX_LABEL}.`;

/** A family's medical certificate sent from the portal, over the same limit. */
export const CERTIFICATE_TOO_BIG_MESSAGE = `Le justificatif dépasse ${DOCUMENT_MAX_LABEL}.`;

/** A scanned RIB over the limit, read or dropped: the message says how to make it smaller. */
export const SCAN_TOO_BIG_MESSAGE = `Le fichier dépasse ${DOCUMENT_MAX_LABEL} : numérisez le RIB en résolution plus basse (300 ppp suffisent).`;

/**
 * The pixels an image may declare before the office decodes it: 40 megapixels, well over an A4 page at 600 dpi
 * (35 Mpx) or a phone's photo, and a bound on the memory a decoded image takes (a few hundred Mo). A PNG or JPEG of a
 * few kilobytes can declare 30000 x 30000 pixels (a decompression bomb); it is refused from its header, undecoded.
 */
export const SCAN_MAX_PIXELS = 40_000_000;

export const SCAN_TOO_MANY_PIXELS_MESSAGE = `Cette image est trop grande (plus de ${SCAN_MAX_PIXELS / 1_000_000} millions de pixels) : numérisez le RIB à 300 ppp.`;

/** A PDF's pages read for a RIB (a RIB is one page; a bank's letter with the RIB attached, two or three). */
export const SCAN_MAX_PDF_PAGES = 3;

/** Said beside the form when a PDF has more pages than are read: nothing is left out silently. */
export function unreadPagesWarning(pageCount: number): string {
  return `Ce PDF a ${pageCount} pages : seules les ${SCAN_MAX_PDF_PAGES} premières ont été lues. Si le RIB est plus loin, numérisez sa page seule.`;
}

/**
 * What one family may send from the portal in one day (Paris time), per kind: a child's photo changes once in a while,
 * a certificate goes with an absence, a change request with each move or new phone. The numbers leave room for a
 * family of several children and a mistake or two, and stop a family (or a script with its session) from filling the
 * portal's and the office's databases: sixty photos of 2 Mo once made 332 Mo at the office after one sync. Change
 * requests carry one field each (« Mon compte » asks one at a time): their quota is above the 47 fields a family may
 * change, so a family updating its whole file in one sitting is never stopped.
 */
export const DAILY_QUOTAS = {
  photo: 6,
  certificate: 10,
  data_change: 60,
} as const;

export type QuotaKind = keyof typeof DAILY_QUOTAS;

const QUOTA_NOUNS: Record<QuotaKind, string> = {
  photo: 'photos',
  certificate: 'justificatifs',
  data_change: 'demandes de modification',
};

/** Said when a family reached its quota for the day. */
export function quotaMessage(kind: QuotaKind): string {
  return `Vous avez déjà envoyé ${DAILY_QUOTAS[kind]} ${QUOTA_NOUNS[kind]} aujourd’hui, le maximum pour une journée. Réessayez demain ou contactez le service.`;
}

/** A photo whose content is that of a photo of the same child still awaiting the service's decision. */
export const PHOTO_ALREADY_PENDING_MESSAGE = 'Cette photo a déjà été envoyée et attend la validation du service.';

/**
 * Uploaded images are decoded and encoded again (JPEG) on the server, so that nothing but pixels reaches the office:
 * bytes around the image, metadata (a phone's GPS position), a script hidden after the image's end are dropped. The
 * image is reduced to this many pixels on its longer side: a child's photo shows at 120 x 150, a certificate must
 * stay readable (an A4 page at 300 dpi is 3508 pixels high).
 */
export const PHOTO_MAX_SIDE = 1600;
export const CERTIFICATE_IMAGE_MAX_SIDE = 3508;

/** The pixels an uploaded image may declare before it is decoded (a decompression bomb is refused from its header). */
export const UPLOAD_MAX_PIXELS = SCAN_MAX_PIXELS;

export const IMAGE_UNREADABLE_MESSAGE = 'Cette image est illisible ou abîmée : envoyez une photo au format JPEG ou PNG.';
export const IMAGE_TOO_MANY_PIXELS_MESSAGE = `Cette image est trop grande (plus de ${UPLOAD_MAX_PIXELS / 1_000_000} millions de pixels) : envoyez-la en résolution plus basse.`;

/** A certificate's PDF: a doctor's note is a page or two; more is not a certificate. */
export const CERTIFICATE_MAX_PDF_PAGES = 10;
export const CERTIFICATE_FORMAT_MESSAGE = 'Le justificatif doit être un fichier PDF, JPEG ou PNG.';
export const PDF_UNREADABLE_MESSAGE = 'Ce PDF est illisible ou abîmé : enregistrez-le à nouveau ou envoyez une photo du justificatif.';
export const PDF_TOO_MANY_PAGES_MESSAGE = `Ce PDF a plus de ${CERTIFICATE_MAX_PDF_PAGES} pages : envoyez seulement la page du justificatif.`;
/** A PDF carrying scripts, automatic actions, launched programs or attached files is never passed on to the office. */
export const PDF_ACTIVE_CONTENT_MESSAGE =
  'Ce PDF contient du contenu actif (script, action automatique ou fichier joint) : il est refusé. Imprimez-le en PDF à nouveau, ou envoyez une photo du justificatif.';
