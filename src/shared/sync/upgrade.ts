import { familyPublicationSchema, portalSettingsSchema, type FamilyPublication, type PhotoRef, type PortalSettings } from './contract.js';
import { familyPublicationSchemaV1, type FamilyPublicationV1, type InlinePhoto } from './contract-v1.js';
import type { SyncProtocol } from './protocol.js';

/**
 * What an office sent in an older protocol, brought to the current shape: one pure step per version (n to n+1), so
 * the portal stores each payload as it came, with its protocol, and its pages only ever see the current shape. A new
 * protocol adds its step here and to UPGRADE_STEPS (tests/unit/sync-contract.test.ts checks there is one for every
 * protocol before the current one).
 *
 * Steps are async only because hashing is (WebCrypto: src/shared stays free of Node).
 */

function bytesOfBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
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
  const bytes = bytesOfBase64(photo.base64);
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
  if (value === 1 || value === 2) return value;
  throw new Error(`Contenu enregistré dans le protocole de synchronisation ${value}, inconnu de ce portail.`);
}
