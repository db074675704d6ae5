import { imageMime } from '../../shared/files/sniff.js';
import { PORTAL_PHOTO_MIMES, type FamilyPublication, type PortalPhotoMime } from '../../shared/sync/contract.js';
import type { FamilyPublicationV1 } from '../../shared/sync/contract-v1.js';
import { decodeInlinePhoto } from '../../shared/sync/upgrade.js';
import { sha256Hex } from '../auth/tokens.js';
import { isPostgres } from '../db/locks.js';
import type { PortalDb, PortalTrx } from '../db/open.js';

/**
 * Children's photos kept once by their SHA-256 (migrations/portal/0003): the office sends the bytes by their own
 * signed call, publications name them. Nothing here trusts the office blindly: bytes must match their hash and be a
 * photo the portal serves, and a photo is served only to the family whose stored publication names it for that child.
 */

type Child = FamilyPublication['children'][number];

/**
 * How long a photo nobody names is kept: the office sends a batch's photos before its publications, and a purge
 * between the two must not drop them (a run takes seconds; a day leaves room for a publish retried much later).
 */
export const UNREFERENCED_PHOTO_GRACE_MS = 24 * 60 * 60 * 1000;

export interface IncomingPhoto {
  sha256: string;
  mime: PortalPhotoMime;
  base64: string;
}

/** Why a photo sent by the office is refused, in French; null when it may be stored. */
export function photoProblem(photo: IncomingPhoto, bytes: Buffer): string | null {
  if (bytes.length === 0) return `Photo ${photo.sha256.slice(0, 12)}… vide.`;
  if (sha256Hex(bytes) !== photo.sha256) return `Photo ${photo.sha256.slice(0, 12)}… : son contenu ne correspond pas à son empreinte SHA-256.`;
  if (imageMime(bytes) !== photo.mime || !(PORTAL_PHOTO_MIMES as readonly string[]).includes(photo.mime)) {
    return `Photo ${photo.sha256.slice(0, 12)}… : ce n’est pas une image ${photo.mime === 'image/png' ? 'PNG' : 'JPEG'} (seuls JPEG et PNG sont affichés sur le portail).`;
  }
  return null;
}

/**
 * Stores the photos (all checked first: one wrong photo refuses the call, nothing is half stored). A photo already
 * held is left as it is (same hash, same bytes) and its grace period starts again, since a publication is coming.
 */
export async function storePhotos(db: PortalDb, photos: readonly IncomingPhoto[], now: Date): Promise<{ ok: true; stored: string[] } | { ok: false; message: string }> {
  const decoded: Array<{ photo: IncomingPhoto; bytes: Buffer }> = [];
  for (const photo of photos) {
    const bytes = Buffer.from(photo.base64, 'base64');
    const problem = photoProblem(photo, bytes);
    if (problem) return { ok: false, message: problem };
    decoded.push({ photo, bytes });
  }
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    for (const { photo, bytes } of decoded) {
      await trx
        .insertInto('photo_blobs')
        .values({ sha256: photo.sha256, mime: photo.mime, size: bytes.length, content: bytes, received_at: at })
        .onConflict((oc) => oc.column('sha256').doUpdateSet({ received_at: at }))
        .execute();
    }
  });
  return { ok: true, stored: decoded.map(({ photo }) => photo.sha256) };
}

/** A photo an office of protocol 1 sent inline, with the hash its upgraded publication names it by. */
export interface InlinePhotoBytes {
  childId: number;
  sha256: string;
  mime: string;
  bytes: Buffer;
}

/**
 * The inline photos of a protocol 1 publication, each with the hash its upgrade (src/shared/sync/upgrade.ts) gave
 * it: the children are in the same order in both.
 */
export function inlinePhotoBytes(sent: FamilyPublicationV1, upgraded: FamilyPublication): InlinePhotoBytes[] {
  const found: InlinePhotoBytes[] = [];
  sent.children.forEach((child, index) => {
    const photo = child.photo;
    const named = upgraded.children[index]?.photo;
    // Decoded as the upgrade decoded it to name it: the bytes kept are the ones the hash is of.
    if (photo && 'base64' in photo && named) found.push({ childId: child.id, sha256: named.sha256, mime: photo.mime, bytes: Buffer.from(decodeInlinePhoto(photo.base64)) });
  });
  return found;
}

/**
 * Keeps the bytes of inline photos (an office of protocol 1) in the photo store, where the upgraded publication's
 * references find them: the pages serve every photo the same way. One the portal does not serve (not JPEG nor PNG by
 * its bytes) is not kept; the page says it cannot show it, or that it is on its way, as for a reference.
 */
export async function storeInlinePhotos(trx: PortalTrx, photos: readonly InlinePhotoBytes[], now: Date): Promise<void> {
  const at = now.toISOString();
  for (const photo of photos) {
    const mime = servedMime(photo.mime);
    if (!mime || photoProblem({ sha256: photo.sha256, mime, base64: '' }, photo.bytes) !== null) continue;
    await trx
      .insertInto('photo_blobs')
      .values({ sha256: photo.sha256, mime, size: photo.bytes.length, content: photo.bytes, received_at: at })
      .onConflict((oc) => oc.column('sha256').doUpdateSet({ received_at: at }))
      .execute();
  }
}

/**
 * A publication stored before its protocol was recorded (migration 0006) may carry inline photos nobody put in the
 * store: the first read of it puts them there, named for its children, unless a newer publication replaced it
 * meanwhile. Done once per version by the reader's cache (content.ts); doing it twice changes nothing.
 */
export async function adoptInlinePhotos(db: PortalDb, familyId: number, version: number, photos: readonly InlinePhotoBytes[], now: Date): Promise<void> {
  if (photos.length === 0) return;
  // A publication an office of protocol 1 sent since 0006 had its photos stored and named as it arrived (publish.ts):
  // read, not written, so a page view writes only for the rows stored before, once.
  const named = await db.selectFrom('publication_photos').select(['child_id', 'sha256']).where('family_id', '=', familyId).execute();
  const names = new Set(named.map((row) => `${row.child_id}:${row.sha256}`));
  const missing = new Set(await missingPhotos(db, photos.map((photo) => photo.sha256)));
  if (photos.every((photo) => names.has(`${photo.childId}:${photo.sha256}`) && !missing.has(photo.sha256))) return;
  await db.transaction().execute(async (trx) => {
    const held = await trx
      .selectFrom('publications')
      .select('version')
      .where('family_id', '=', familyId)
      .$if(isPostgres(trx), (query) => query.forUpdate())
      .executeTakeFirst();
    if (held?.version !== version) return;
    await storeInlinePhotos(trx, photos, now);
    for (const photo of photos) {
      await trx
        .insertInto('publication_photos')
        .values({ family_id: familyId, child_id: photo.childId, sha256: photo.sha256 })
        .onConflict((oc) => oc.columns(['family_id', 'child_id']).doUpdateSet({ sha256: photo.sha256 }))
        .execute();
    }
  });
}

/** The hashes among `hashes` the portal does not hold. */
export async function missingPhotos(db: PortalDb | PortalTrx, hashes: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(hashes)];
  if (wanted.length === 0) return [];
  const held = new Set<string>();
  // Bounded IN lists (SQLite's host parameters).
  for (let start = 0; start < wanted.length; start += 500) {
    const rows = await db.selectFrom('photo_blobs').select('sha256').where('sha256', 'in', wanted.slice(start, start + 500)).execute();
    for (const row of rows) held.add(row.sha256);
  }
  return wanted.filter((hash) => !held.has(hash));
}

/**
 * Records which photo the family's stored publication names for each child, in the publication's transaction, and
 * answers the hashes the portal does not hold yet. The publication is in the current shape: an inline photo of an
 * office of protocol 1 is named by its hash, its bytes stored just before (storeInlinePhotos).
 */
export async function recordPublicationPhotos(trx: PortalTrx, publication: FamilyPublication, now: Date): Promise<string[]> {
  await trx.deleteFrom('publication_photos').where('family_id', '=', publication.familyId).execute();
  const refs = publication.children.flatMap((child) => (child.photo ? [{ childId: child.id, sha256: child.photo.sha256 }] : []));
  // A photo named again starts its grace period again, before it is looked for: on PostgreSQL a purge running at the
  // same instant cannot see this transaction's publication_photos rows, but it waits for these rows' update and then
  // finds them too recent to delete; if the purge deleted one first, it is reported missing below and sent again.
  const hashes = [...new Set(refs.map((ref) => ref.sha256))];
  if (hashes.length > 0) await trx.updateTable('photo_blobs').set({ received_at: now.toISOString() }).where('sha256', 'in', hashes).execute();
  for (const ref of refs) {
    await trx.insertInto('publication_photos').values({ family_id: publication.familyId, child_id: ref.childId, sha256: ref.sha256 }).execute();
  }
  return missingPhotos(trx, refs.map((ref) => ref.sha256));
}

/** A child's photo as the portal serves it: the bytes, their type and their hash (the ETag). */
export interface ServedPhoto {
  mime: PortalPhotoMime;
  bytes: Buffer;
  sha256: string;
}

function servedMime(mime: string): PortalPhotoMime | null {
  return (PORTAL_PHOTO_MIMES as readonly string[]).includes(mime) ? (mime as PortalPhotoMime) : null;
}

/**
 * The photo of a child of the family's publication, from the store, read only through the row saying that this
 * family's publication names this hash for this child. Null when there is none the portal can show (no photo, a type
 * it does not serve, bytes it does not hold yet).
 */
export async function childPhoto(db: PortalDb, familyId: number, child: Child): Promise<ServedPhoto | null> {
  const photo = child.photo;
  if (!photo) return null;
  const row = await db
    .selectFrom('publication_photos')
    .innerJoin('photo_blobs', 'photo_blobs.sha256', 'publication_photos.sha256')
    .select(['photo_blobs.mime', 'photo_blobs.content'])
    .where('publication_photos.family_id', '=', familyId)
    .where('publication_photos.child_id', '=', child.id)
    .where('publication_photos.sha256', '=', photo.sha256)
    .executeTakeFirst();
  const mime = row ? servedMime(row.mime) : null;
  return row && mime ? { mime, bytes: Buffer.from(row.content), sha256: photo.sha256 } : null;
}

/** What a family's page shows for a child's photo: the image, or a sentence saying why there is none to show. */
export type PhotoShown = 'image' | 'none' | 'unsupported' | 'in-transit';

/** For each child of the publication, what its photo shows (one query for the hashes the store holds). */
export async function photosShown(db: PortalDb, publication: FamilyPublication): Promise<Map<number, PhotoShown>> {
  const hashes = publication.children.flatMap((child) => (child.photo ? [child.photo.sha256] : []));
  const missing = new Set(await missingPhotos(db, hashes));
  const shown = new Map<number, PhotoShown>();
  for (const child of publication.children) {
    const photo = child.photo;
    if (!photo) shown.set(child.id, 'none');
    else if (!servedMime(photo.mime)) shown.set(child.id, 'unsupported');
    else if (missing.has(photo.sha256)) shown.set(child.id, 'in-transit');
    else shown.set(child.id, 'image');
  }
  return shown;
}

/** Photos no stored publication names any more, past their grace period. */
export async function purgeUnreferencedPhotos(db: PortalDb, now: Date): Promise<number> {
  const before = new Date(now.getTime() - UNREFERENCED_PHOTO_GRACE_MS).toISOString();
  const result = await db
    .deleteFrom('photo_blobs')
    .where('received_at', '<', before)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('publication_photos').select('publication_photos.sha256').whereRef('publication_photos.sha256', '=', 'photo_blobs.sha256'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
