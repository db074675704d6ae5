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
