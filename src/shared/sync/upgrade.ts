import { familyPublicationSchema, portalSettingsSchema, type FamilyPublication, type PhotoRef, type PortalSettings } from './contract.js';
import { familyPublicationSchemaV1, type FamilyPublicationV1, type InlinePhoto } from './contract-v1.js';
import { STORED_PROTOCOLS, type SyncProtocol } from './protocol.js';

/**
 * What an office sent in an older protocol, brought to the current shape: one pure step per version (n to n+1), so
 * the portal stores each payload as it came, with its protocol, and its pages only ever see the current shape. A new
 * protocol adds its step here and to UPGRADE_STEPS (tests/unit/sync-contract.test.ts checks there is one for every
 * protocol before the current one).
 *
 * Steps are async only because hashing is (WebCrypto: src/shared stays free of Node).
 */

/**
 * An inline photo's bytes, read as forgivingly as the portal always read them (Node's Buffer.from(…, 'base64')):
 * URL-safe letters, line breaks and stray characters do not stop it, padding is optional and ends the data. A publication an office of
 * protocol 1 sent is never refused, nor a family's page broken, over its photo's base64; bytes that are no image
 * are not kept by the photo store, and the page says the photo cannot be shown.
 */
export function decodeInlinePhoto(base64: string): Uint8Array<ArrayBuffer> {
  // Node stops at the first '=' (padding ends the data).
  const letters = base64.split('=')[0]!.replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+/]/g, '');
  // A last lone letter carries fewer than 8 bits: dropped, as Node does.
  const whole = letters.length % 4 === 1 ? letters.slice(0, -1) : letters;
  const binary = atob(whole + '='.repeat((4 - (whole.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function sha256HexOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** An inline photo (protocol 1) as the reference protocol 2 names it by: its bytes' SHA-256, type and size. */
export async function inlinePhotoRef(photo: InlinePhoto): Promise<PhotoRef> {
  const bytes = decodeInlinePhoto(photo.base64);
  return { sha256: await sha256HexOf(bytes), mime: photo.mime, size: bytes.length };
}

/**
 * Protocol 1 to 2: each child's inline photo becomes the reference to its bytes (the portal keeps those bytes in its
 * photo store, src/portal/photos/store.ts); a reference stays as it is; nothing else changed.
 */
export async function upgradePublication1to2(publication: FamilyPublicationV1): Promise<FamilyPublication> {
  const children = [];
  for (const child of publication.children) {
    const photo = child.photo;
    children.push({ ...child, photo: photo === null || 'sha256' in photo ? photo : await inlinePhotoRef(photo) });
  }
  return { ...publication, children };
}

/** Protocol 1 to 2 for the commune's settings: unchanged. */
export async function upgradeSettings1to2(settings: PortalSettings): Promise<PortalSettings> {
  return settings;
}

/** The steps, by the protocol they start from. */
export const UPGRADE_STEPS = {
  1: { publication: upgradePublication1to2, settings: upgradeSettings1to2 },
} as const satisfies Record<number, { publication: unknown; settings: unknown }>;

/**
 * A family publication stored in `protocol`, read against that protocol's schema and brought to the current shape.
 * Throws (zod) when it does not read: the caller decides what a damaged row means.
 */
export async function currentPublication(protocol: SyncProtocol, stored: unknown): Promise<FamilyPublication> {
  switch (protocol) {
    case 1:
      return UPGRADE_STEPS[1].publication(familyPublicationSchemaV1.parse(stored));
    case 2:
      return familyPublicationSchema.parse(stored);
  }
}

/** The commune's settings stored in `protocol`, in the current shape (throws when they do not read). */
export async function currentSettings(protocol: SyncProtocol, stored: unknown): Promise<PortalSettings> {
  switch (protocol) {
    case 1:
      return UPGRADE_STEPS[1].settings(portalSettingsSchema.parse(stored));
    case 2:
      return portalSettingsSchema.parse(stored);
  }
}

/** A protocol number read from a stored row, checked (a row of an unknown protocol is a newer portal's: refused). */
export function storedProtocol(value: number): SyncProtocol {
  if ((STORED_PROTOCOLS as readonly number[]).includes(value)) return value as SyncProtocol;
  throw new Error(`Contenu enregistré dans le protocole de synchronisation ${value}, inconnu de ce portail.`);
}
