import { describe, expect, it } from 'vitest';
import { documentMime as officeDocumentMime } from '../../src/office/families/documents.js';
import { imageMime as portalImageMime } from '../../src/portal/pages/children.js';
import { documentMime, imageMime } from '../../src/shared/files/sniff.js';

const PDF = Buffer.from('%PDF-1.7\n');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]);
const PNG = Buffer.from('89504e470d0a1a0a0000', 'hex');
const WEBP = Buffer.from('RIFF\0\0\0\0WEBPVP8 ');

describe('file kinds by their first bytes, shared by the office and the portal', () => {
  it('recognises documents: PDF, JPEG, PNG, nothing else', () => {
    expect([PDF, JPEG, PNG, WEBP].map(documentMime)).toEqual(['application/pdf', 'image/jpeg', 'image/png', null]);
    expect(documentMime(Buffer.from('%PDF-'))).toBeNull();
    expect(documentMime(Buffer.from('<html>%PDF-1.7'))).toBeNull();
    expect(documentMime(new Uint8Array())).toBeNull();
    expect(officeDocumentMime).toBe(documentMime);
  });

  it('recognises photos: JPEG, PNG, WebP; the portal keeps to JPEG and PNG', () => {
    expect([JPEG, PNG, WEBP, PDF].map(imageMime)).toEqual(['image/jpeg', 'image/png', 'image/webp', null]);
    // A PNG signature cut short, or one wrong byte in it, is not a PNG.
    expect(imageMime(Buffer.from('89504e47', 'hex'))).toBeNull();
    expect(imageMime(Buffer.from('89504e470d0a1a0b0000', 'hex'))).toBeNull();
    expect([JPEG, PNG, WEBP].map((bytes) => portalImageMime(bytes))).toEqual(['image/jpeg', 'image/png', null]);
  });
});
