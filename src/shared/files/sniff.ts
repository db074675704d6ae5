/**
 * File kinds recognised by their first bytes, once for the office, the portal and the renderer: a file's name and the
 * browser's declared type can lie, its signature cannot pretend to be a PDF or an image a viewer would open.
 */

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((byte, index) => bytes[at + index] === byte);

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

function isJpeg(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0xff, 0xd8, 0xff]) && bytes.length > 3;
}

function isPng(bytes: Uint8Array): boolean {
  return startsWith(bytes, PNG) && bytes.length > PNG.length;
}

/** Photos: JPEG, PNG or WebP. */
export function imageMime(bytes: Uint8Array): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (isJpeg(bytes)) return 'image/jpeg';
  if (isPng(bytes)) return 'image/png';
  if (bytes.length > 12 && startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/** Documents and certificates: PDF, JPEG or PNG. */
export function documentMime(bytes: Uint8Array): 'application/pdf' | 'image/jpeg' | 'image/png' | null {
  if (startsWith(bytes, ascii('%PDF-')) && bytes.length > 5) return 'application/pdf';
  if (isJpeg(bytes)) return 'image/jpeg';
  if (isPng(bytes)) return 'image/png';
  return null;
}
