import { createHash } from 'node:crypto';
import { PORTAL_PHOTO_MIMES, type PhotoRef, type PortalPhotoMime } from '../../shared/sync/contract.js';
import type { PortalClient } from './client.js';

/**
 * Children's photos travel apart from the publications (issue #14): a publication names each photo by its SHA-256,
 * and the bytes go to the portal by their own call, only those it does not hold yet, before the publications that
 * name them. A photo unchanged since the last run costs a hash, not a copy.
 */

/** The bytes of the photos a batch's publications name, by hash (filled while the batch is built). */
export type PhotoBlobs = Map<string, { mime: string; bytes: Uint8Array }>;

/** The most photo bytes one upload call carries (base64 adds a third; the portal takes 64 Mo a call). */
export const PHOTO_UPLOAD_MAX_BYTES = 16 * 1024 * 1024;

/** A child's photo as a publication names it; its bytes are kept in `blobs` for the upload. */
export function photoRef(bytes: Uint8Array, mime: string, blobs: PhotoBlobs | undefined): PhotoRef {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  blobs?.set(sha256, { mime, bytes });
  return { sha256, mime, size: bytes.length };
}

function servedMime(mime: string): mime is PortalPhotoMime {
  return (PORTAL_PHOTO_MIMES as readonly string[]).includes(mime);
}

/**
 * Sends the photos among `hashes` that the portal can show, in calls of PHOTO_UPLOAD_MAX_BYTES at most (one photo
 * per call at least). A photo of another type (WebP, which the portal does not serve) stays named in the
 * publication, and the portal says in words that it cannot show it. A refusal or a failure throws (SyncError): the
 * run stops before the publications that need these photos, which stay to publish at the next run.
 */
export async function uploadPhotos(client: PortalClient, blobs: PhotoBlobs, hashes: Iterable<string>): Promise<number> {
  let batch: Array<{ sha256: string; mime: PortalPhotoMime; base64: string }> = [];
  let bytes = 0;
  let sent = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await client.uploadPhotos(batch);
    sent += batch.length;
    batch = [];
    bytes = 0;
  };
  for (const hash of new Set(hashes)) {
    const blob = blobs.get(hash);
    if (!blob || !servedMime(blob.mime)) continue;
    if (batch.length > 0 && bytes + blob.bytes.length > PHOTO_UPLOAD_MAX_BYTES) await flush();
    batch.push({ sha256: hash, mime: blob.mime, base64: Buffer.from(blob.bytes).toString('base64') });
    bytes += blob.bytes.length;
  }
  await flush();
  return sent;
}

/** Before a batch is published: asks the portal which of the batch's photos it lacks and sends those. */
export async function sendMissingPhotos(client: PortalClient, blobs: PhotoBlobs): Promise<void> {
  if (blobs.size === 0) return;
  await uploadPhotos(client, blobs, await client.missingPhotos([...blobs.keys()]));
}
