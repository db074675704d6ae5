import { describe, expect, it } from 'vitest';
import { childSchemas, imageMime } from '../../src/shared/children/input.js';
import { familySchemas } from '../../src/shared/families/input.js';
import { isIsoDay, phone, requiredName } from '../../src/shared/validation/fields.js';
import { normaliseSearch } from '../../src/office/families/search-index.js';

describe('shared field rules', () => {
  it('accepts French and international phones, refuses the rest', () => {
    expect(phone.safeParse('06 12 34 56 78').success).toBe(true);
    expect(phone.safeParse('+41 22 123 45 67').success).toBe(true);
    expect(phone.safeParse('').success).toBe(true);
    expect(phone.safeParse('06 12 34').success).toBe(false);
    expect(phone.parse(' +33 4 50 11 22 33')).toBe('+33450112233');
  });

  it('requires names made of letters, hyphens and apostrophes', () => {
    const nom = requiredName('Le nom');
    expect(nom.safeParse("N'Diaye-Lefèvre").success).toBe(true);
    expect(nom.safeParse('   ').error?.issues[0]?.message).toBe('Le nom est obligatoire.');
    expect(nom.safeParse('R2D2').success).toBe(false);
  });

  it('knows real calendar days', () => {
    expect(isIsoDay('2024-02-29')).toBe(true);
    expect(isIsoDay('2025-02-29')).toBe(false);
    expect(isIsoDay('28/11/2026')).toBe(false);
  });

  it('refuses a 6-digit allocataire number and a birth date after today', () => {
    const family = familySchemas('2026-11-28');
    expect(family.caf.safeParse({ regime: 'CAF', number: '123456', qf: null, qfValidUntil: null }).success).toBe(false);
    expect(family.caf.safeParse({ regime: 'CAF', number: '1234567', qf: null, qfValidUntil: null }).success).toBe(true);
    const child = childSchemas('2026-11-28');
    const identity = { nom: 'Martin', prenom: 'Lucas', sexe: 'M', dateNaissance: '2026-11-28', schoolId: null, classe: 'CP', regime: 'standard' };
    expect(child.identity.safeParse(identity).success).toBe(true);
    expect(child.identity.safeParse({ ...identity, dateNaissance: '2026-11-29' }).success).toBe(false);
  });

  it('recognises images by their first bytes', () => {
    expect(imageMime(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0]))).toBe('image/jpeg');
    expect(imageMime(Buffer.from('89504e470d0a1a0a00', 'hex'))).toBe('image/png');
    expect(imageMime(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(imageMime(Buffer.from('%PDF-1.7 not an image'))).toBeNull();
  });

  it('normalises search text like the haystack', () => {
    expect(normaliseSearch('  Hélène   DUPONT-Lefèvre ')).toBe('helene dupont-lefevre');
    expect(normaliseSearch('Anaïs Œdipe')).toBe('anais œdipe');
  });
});
