import { CERTIFICATE_FORMAT_MESSAGE, CERTIFICATE_IMAGE_MAX_SIDE, PHOTO_MAX_SIDE } from '../../shared/files/limits.js';
import { documentMime } from '../../shared/files/sniff.js';
import { sha256Hex } from '../auth/tokens.js';
import { reencodeImage } from './images.js';
import { isolatedPdfProblem } from './pdf-isolated.js';

/** A file checked and ready to store: its bytes as passed on, its type, and the hash of the file as the family sent it. */
export type CheckedFile = { ok: true; bytes: Buffer; mime: 'image/jpeg' | 'application/pdf'; sourceSha256: string } | { ok: false; message: string };

/** A child's photo: a JPEG or PNG that decodes, passed on re-encoded (JPEG, 1600 pixels at most). */
export async function checkedPhoto(file: Buffer): Promise<CheckedFile> {
  const image = await reencodeImage(file, PHOTO_MAX_SIDE);
  return image.ok ? { ok: true, bytes: image.bytes, mime: image.mime, sourceSha256: sha256Hex(file) } : image;
}

/**
 * An absence's certificate: a PDF that pdfjs reads and that carries no active content (passed on as sent), or a JPEG
 * or PNG that decodes (passed on re-encoded). The signature decides which is tried; nothing else is accepted.
 */
export async function checkedCertificate(file: Buffer): Promise<CheckedFile> {
  const mime = documentMime(file);
  if (mime === null) return { ok: false, message: CERTIFICATE_FORMAT_MESSAGE };
  if (mime === 'application/pdf') {
    const problem = await isolatedPdfProblem(file);
    return problem ? { ok: false, message: problem } : { ok: true, bytes: file, mime, sourceSha256: sha256Hex(file) };
  }
  const image = await reencodeImage(file, CERTIFICATE_IMAGE_MAX_SIDE);
  return image.ok ? { ok: true, bytes: image.bytes, mime: image.mime, sourceSha256: sha256Hex(file) } : image;
}
