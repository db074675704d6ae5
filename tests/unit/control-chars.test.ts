import { describe, expect, it } from 'vitest';
import { controlCharsProblem, hasControlChars, headerSafe, normaliseLineBreaks, withoutControlChars } from '../../src/shared/text/control-chars.js';

describe('control characters (src/shared/text/control-chars.ts)', () => {
  const refusedEverywhere = [
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001b'],
    ['vertical tab', '\u000b'],
    ['DEL', '\u007f'],
    ['C1 NEL', '\u0085'],
    ['C1 CSI', '\u009b'],
    ['right-to-left override', '\u202e'],
    ['left-to-right embedding', '\u202a'],
    ['right-to-left mark', '\u200f'],
    ['first strong isolate', '\u2068'],
    ['arabic letter mark', '\u061c'],
    ['line separator', '\u2028'],
    ['paragraph separator', '\u2029'],
  ] as const;

  for (const [name, char] of refusedEverywhere) {
    it(`refuses ${name} in one-line and multi-line text`, () => {
      expect(hasControlChars(`avant${char}après`, 'single-line')).toBe(true);
      expect(hasControlChars(`avant${char}après`, 'multi-line')).toBe(true);
    });
  }

  it('keeps tab and line breaks in multi-line text only', () => {
    for (const char of ['\t', '\n', '\r']) {
      expect(hasControlChars(`a${char}b`, 'multi-line')).toBe(false);
      expect(hasControlChars(`a${char}b`, 'single-line')).toBe(true);
    }
  });

  it('accepts French text, emoji and non-breaking spaces', () => {
    const text = 'Élodie est allergique à l’arachide 🥜 — rendez-vous à 8\u00a0h\u202f30, « merci » !';
    expect(controlCharsProblem(text, 'single-line')).toBeNull();
    expect(controlCharsProblem(text, 'multi-line')).toBeNull();
  });

  it('says in French which field is refused', () => {
    expect(controlCharsProblem('a\u202eb', 'single-line', 'Adresse')).toMatch(/^Adresse : ce champ contient un caractère invisible/);
    expect(controlCharsProblem('a\u0000b', 'multi-line')).toMatch(/^Le texte contient un caractère invisible/);
  });

  it('turns a textarea’s CRLF and lone CR into LF', () => {
    expect(normaliseLineBreaks('a\r\nb\rc\nd')).toBe('a\nb\nc\nd');
  });

  it('makes a header one line without controls', () => {
    expect(headerSafe('Objet\r\nBcc: x@example.test\u202e')).toBe('Objet Bcc: x@example.test');
    expect(headerSafe('Relance : factures impayées')).toBe('Relance : factures impayées');
  });

  it('drops them from a value the office published, keeping line breaks in multi-line text', () => {
    expect(withoutControlChars('\u202A06 12 34 56 78\u202C', 'single-line')).toBe('06 12 34 56 78');
    expect(withoutControlChars('Rue des Prés\r\nBât. B\u0000', 'multi-line')).toBe('Rue des Prés\r\nBât. B');
  });
});
