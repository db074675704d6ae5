import { describe, expect, it } from 'vitest';
import { euros } from '../../src/portal/http/format.js';
import { centsToEuros, eurosToCents } from '../../src/renderer/lib/format.js';
import { formatCents, formatEuros, MONEY_SPACE, parseEuros } from '../../src/shared/money.js';

const S = MONEY_SPACE;

describe('formatting cents', () => {
  it.each([
    [0, '0,00'],
    [5, '0,05'],
    [-5, '-0,05'],
    [150, '1,50'],
    [-150, '-1,50'],
    [-12_30, '-12,30'],
    [123_456, `1${S}234,56`],
    [-123_456, `-1${S}234,56`],
    [100_000_000, `1${S}000${S}000,00`],
    [3_245_050, `32${S}450,50`],
    [999_999_999_999_99, `999${S}999${S}999${S}999,99`],
  ])('%i cents → %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
    expect(formatEuros(cents)).toBe(`${text}${S}€`);
  });

  it('leaves out the thousands separator for spreadsheets', () => {
    expect(formatCents(-123_456_78, { grouping: false })).toBe('-123456,78');
  });

  it('refuses what is not integer cents rather than printing a wrong amount', () => {
    expect(() => formatCents(1.5)).toThrow();
    expect(() => formatCents(Number.NaN)).toThrow();
    expect(() => formatCents(Number.POSITIVE_INFINITY)).toThrow();
  });

  it('is the formatter of the renderer and of the portal', () => {
    expect(centsToEuros(-150)).toBe('-1,50');
    expect(centsToEuros(null)).toBe('');
    expect(euros(-123_456)).toBe(`-1${S}234,56${S}€`);
  });
});

describe('reading typed amounts', () => {
  it.each([
    ['1 234,56', 123_456],
    ['1234.5', 123_450],
    ['-12,30 €', -1_230],
    ['−12,30', -1_230],
    ['- 12,30', -1_230],
    ['+7', 700],
    ['12 €', 1_200],
    ['12€', 1_200],
    ['0', 0],
    ['-0,00', 0],
    ['0,5', 50],
    [' 32\u00a0450,50 ', 3_245_050],
    ['32\u202f450,50\u00a0€', 3_245_050],
    ['1 000 000', 100_000_000],
    ['9999999999999,99', 999_999_999_999_999],
  ])('%j → %i cents', (text, cents) => {
    expect(parseEuros(text)).toEqual({ ok: true, cents });
  });

  it.each([
    ['', 'Montant vide.'],
    ['   ', 'Montant vide.'],
    ['€', 'Montant vide.'],
    ['12,345', 'Deux décimales au plus (centimes).'],
    ['1.234,56', 'Montant invalide : écrivez par exemple 1 234,56.'],
    ['12 34', 'Montant invalide : écrivez par exemple 1 234,56.'],
    ['abc', 'Montant invalide : écrivez par exemple 1 234,56.'],
    ['12,3a', 'Montant invalide : écrivez par exemple 1 234,56.'],
    ['1e3', 'Montant invalide : écrivez par exemple 1 234,56.'],
    ['--5', 'Montant invalide : écrivez par exemple 1 234,56.'],
    ['12,', 'Montant invalide : écrivez par exemple 1 234,56.'],
    ['10000000000000', 'Montant trop grand.'],
  ])('refuses %j with a French reason', (text, error) => {
    expect(parseEuros(text)).toEqual({ ok: false, error });
  });

  it('reads back every amount it prints', () => {
    for (const cents of [0, 1, -1, 99, -150, 123_456, -98_765_432_10, 999_999_999_999_99]) {
      expect(parseEuros(formatEuros(cents))).toEqual({ ok: true, cents });
      expect(parseEuros(formatCents(cents, { grouping: false }))).toEqual({ ok: true, cents });
    }
  });

  it('keeps the renderer contract: empty is null, invalid is undefined', () => {
    expect(eurosToCents('')).toBeNull();
    expect(eurosToCents('32 450,5')).toBe(3_245_050);
    expect(eurosToCents('12,345')).toBeUndefined();
    expect(eurosToCents('-5')).toBeUndefined();
  });
});
