import { describe, expect, it } from 'vitest';
import { formatPhone, normalisePhone, PHONE_ERROR, phoneQueryDigits, phoneSearchForms } from '../../src/shared/validation/phone.js';
import { phoneFormat } from '../../src/shared/requests/formats.js';

const e164 = (typed: string) => {
  const parsed = normalisePhone(typed);
  return parsed.ok ? parsed.value : parsed.error;
};

describe('phones (src/shared/validation/phone.ts)', () => {
  it('stores every French way of typing a number as one E.164 value', () => {
    for (const typed of ['04 50 11 22 33', '04.50.11.22.33', '0450112233', '+33 4 50 11 22 33', '+33 (0)4 50 11 22 33', '0033 4 50 11 22 33', '+33 04 50 11 22 33', '04-50-11-22-33', '\u00a004\u00a050 11 22 33 ']) {
      expect(e164(typed), typed).toBe('+33450112233');
    }
    expect(e164('')).toBe('');
    expect(e164('   ')).toBe('');
  });

  it('gives overseas departments and territories their own country codes', () => {
    expect(e164('06 92 12 34 56')).toBe('+262692123456'); // Réunion mobile typed at home
    expect(e164('+262 692 12 34 56')).toBe('+262692123456');
    expect(e164('02 62 12 34 56')).toBe('+262262123456');
    expect(e164('06 39 12 34 56')).toBe('+262639123456'); // Mayotte
    expect(e164('05 90 12 34 56')).toBe('+590590123456'); // Guadeloupe
    expect(e164('06 94 12 34 56')).toBe('+594694123456'); // Guyane
    expect(e164('06 96 12 34 56')).toBe('+596696123456'); // Martinique
    expect(e164('+687 12 34 56')).toBe('+687123456'); // Nouvelle-Calédonie
    expect(e164('+689 87 12 34 56')).toBe('+68987123456'); // Polynésie
    expect(e164('+689 12 34 56')).toBe(PHONE_ERROR);
  });

  it('keeps other international numbers by their E.164 shape', () => {
    expect(e164('+41 22 123 45 67')).toBe('+41221234567');
    expect(e164('0041 22 123 45 67')).toBe('+41221234567');
    expect(e164('+1 (415) 555-0123')).toBe('+14155550123');
  });

  it('refuses what is not a phone with a French message', () => {
    for (const typed of ['06 12 34', '6 12 34 56 78', '06 12 34 56 78 9', 'n/a', '+0 12 34 56', '+41 12', '+1234567890123456', '00 12', 'appeler le matin']) {
      expect(e164(typed), typed).toBe(PHONE_ERROR);
    }
    expect(PHONE_ERROR).toMatch(/^Numéro de téléphone invalide/);
  });

  it('shows them the French way, and a value that is not a phone as it is', () => {
    expect(formatPhone('+33450112233')).toBe('04 50 11 22 33');
    expect(formatPhone('+262692123456')).toBe('06 92 12 34 56');
    expect(formatPhone('+41221234567')).toBe('+41 221 23 45 67');
    expect(formatPhone('+687123456')).toBe('+687 12 34 56');
    expect(formatPhone('+68987123456')).toBe('+689 87 12 34 56');
    // Stored before phones were normalised (a portal publication, a value kept by the migration).
    expect(formatPhone('0450112233')).toBe('04 50 11 22 33');
    expect(formatPhone('le soir seulement')).toBe('le soir seulement');
    expect(formatPhone('')).toBe('');
  });

  it('indexes national and international digits, and reads a typed query into them', () => {
    expect(phoneSearchForms('+33450112233')).toEqual(['0450112233']);
    expect(phoneSearchForms('+262692123456')).toEqual(['0692123456']);
    expect(phoneSearchForms('+41221234567')).toEqual(['41221234567']);
    expect(phoneSearchForms('')).toEqual([]);
    const forms = phoneSearchForms('+33450112233').join(' ');
    for (const typed of ['04 50 11', '+33 4 50 11', '0033 4 50 11 22', '+33 (0)4 50 11', '+33 04 50', '4 50 11 22 33', '50 11 22']) {
      expect(forms, typed).toContain(phoneQueryDigits(typed));
    }
    expect(phoneQueryDigits('+41 22 123')).toBe('4122123');
    expect(phoneQueryDigits('+262 692 12')).toBe('069212');
    expect(phoneSearchForms('+262692123456').join(' ')).toContain(phoneQueryDigits('+262 692 12'));
  });

  it('is the portal change request format: E.164 carried, French shown, French error', () => {
    expect(phoneFormat.parse('+33 6 12 34 56 78')).toEqual({ ok: true, value: '+33612345678' });
    expect(phoneFormat.parse('06 12')).toEqual({ ok: false, error: PHONE_ERROR });
    expect(phoneFormat.display('+33612345678')).toBe('06 12 34 56 78');
  });
});
