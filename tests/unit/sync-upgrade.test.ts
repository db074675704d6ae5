import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { familyPublicationSchema, portalSettingsSchema, publishRequestSchema } from '../../src/shared/sync/contract.js';
import { publishRequestSchemaV1 } from '../../src/shared/sync/contract-v1.js';
import { currentPublication, currentSettings, decodeInlinePhoto, inlinePhotoRef, storedProtocol, upgradePublication1to2 } from '../../src/shared/sync/upgrade.js';

/**
 * The upgrade from protocol 1 to 2 on payloads a real office of protocol 1 sent (tests/fixtures/sync/protocol-1,
 * recorded at 7147338): an inline photo becomes the reference protocol 2 names it by, the very one that office
 * computed once it had the photo store; nothing else changes; the input is left as it was.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const recorded = (name: string) => JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'sync', 'protocol-1', name), 'utf8')) as unknown;
const recording = recorded('recording.json') as { photoBase64: string };

describe('protocol 1 to 2', () => {
  it('reads the recorded publish bodies as protocol 1, which the current schema refuses (inline photo, protocol 1)', () => {
    for (const name of ['publish-first.json', 'publish-pending.json', 'publish-decisions.json', 'publish-photo-ref.json']) {
      expect(publishRequestSchemaV1.safeParse(recorded(name)).success, name).toBe(true);
      expect(publishRequestSchema.safeParse(recorded(name)).success, name).toBe(false);
    }
  });

  it('names an inline photo by its bytes’ hash, type and size, as the office did once it had the photo store', async () => {
    const sent = publishRequestSchemaV1.parse(recorded('publish-first.json'));
    const before = JSON.stringify(sent);
    const family = sent.families[0]!;
    expect(family.children[0]!.photo).toEqual({ mime: 'image/jpeg', base64: recording.photoBase64 });
    const upgraded = await upgradePublication1to2(family);
    const bytes = Buffer.from(recording.photoBase64, 'base64');
    const reference = { sha256: createHash('sha256').update(bytes).digest('hex'), mime: 'image/jpeg', size: bytes.length };
    expect(upgraded.children[0]!.photo).toEqual(reference);
    // The office of protocol 1 with the photo store named the same photo the same way.
    const byReference = publishRequestSchemaV1.parse(recorded('publish-photo-ref.json')).families[0]!;
    expect(byReference.children[0]!.photo).toEqual(reference);
    // Nothing else changed, the result reads as protocol 2, and the input is as it was.
    expect({ ...upgraded, children: upgraded.children.map((child) => ({ ...child, photo: null })) }).toEqual({
      ...family,
      children: family.children.map((child) => ({ ...child, photo: null })),
    });
    expect(familyPublicationSchema.parse(upgraded)).toEqual(upgraded);
    expect(JSON.stringify(sent)).toBe(before);
  });

  it('keeps a reference and the decisions as they are', async () => {
    const byReference = publishRequestSchemaV1.parse(recorded('publish-photo-ref.json')).families[0]!;
    expect(await upgradePublication1to2(byReference)).toEqual(byReference);
    const decided = publishRequestSchemaV1.parse(recorded('publish-decisions.json')).families[0]!;
    const upgraded = await upgradePublication1to2(decided);
    expect(upgraded.requests).toEqual(decided.requests);
    expect(upgraded.requests[0]!.items.map((item) => [item.day, item.status, item.refusalReason])).toEqual([
      ['2026-12-14', 'accepted', null],
      ['2026-12-15', 'refused', 'Justificatif manquant'],
    ]);
  });

  it('reads a stored payload by its protocol: 1 upgraded, 2 as it is, another refused', async () => {
    const first = recorded('publish-first.json') as { families: unknown[]; settings: unknown };
    const stored = first.families[0];
    const read = await currentPublication(1, stored);
    expect(read.children[0]!.photo).toMatchObject({ mime: 'image/jpeg', size: Buffer.from(recording.photoBase64, 'base64').length });
    await expect(currentPublication(2, stored)).rejects.toThrow();
    expect(await currentPublication(2, read)).toEqual(read);
    expect(await currentSettings(1, first.settings)).toEqual(portalSettingsSchema.parse(first.settings));
    expect(storedProtocol(1)).toBe(1);
    expect(() => storedProtocol(3)).toThrow('protocole de synchronisation 3');
  });
});

describe('an inline photo’s base64, read as the portal always read it', () => {
  it('gives Node’s bytes for line breaks, URL-safe letters, missing padding and stray characters, never throws, and names the photo by them', async () => {
    const bytes = createHash('sha256').update('une photo').digest();
    const plain = bytes.toString('base64');
    const variants = [
      plain,
      plain.replace(/=+$/, ''),
      `${plain.slice(0, 10)}\r\n${plain.slice(10)}`,
      bytes.toString('base64url'),
      `${plain.slice(0, 8)}!*${plain.slice(8)}`,
      `${plain}A`,
    ];
    for (const base64 of variants) {
      const decoded = decodeInlinePhoto(base64);
      expect(Buffer.from(decoded), base64).toEqual(Buffer.from(base64, 'base64'));
      const ref = await inlinePhotoRef({ mime: 'image/jpeg', base64 });
      expect(ref).toEqual({ sha256: createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex'), mime: 'image/jpeg', size: decoded.length });
    }
    expect(decodeInlinePhoto('')).toEqual(new Uint8Array(0));
    expect(decodeInlinePhoto('pas de la base64 ! ')).toBeInstanceOf(Uint8Array);
  });

  it('refuses a stored row of a protocol it does not know, in French', () => {
    expect(storedProtocol(1)).toBe(1);
    expect(storedProtocol(2)).toBe(2);
    expect(() => storedProtocol(3)).toThrow('protocole de synchronisation 3, inconnu de ce portail');
  });
});
