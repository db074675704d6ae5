import { describe, expect, it } from 'vitest';
import { isBankBusinessDay } from '../../src/shared/sepa/business-days.js';
import { toSepaText } from '../../src/shared/sepa/charset.js';
import { collectionDateProblem, earliestCollectionDate, plannedCollectionDate } from '../../src/shared/sepa/collection-date.js';
import { icsCheckDigits, icsProblem } from '../../src/shared/sepa/ics.js';
import { lapseDay, mandateStatusOn } from '../../src/shared/sepa/mandate.js';
import { rumFor, rumProblem } from '../../src/shared/sepa/rum.js';

describe('the shared SEPA rules', () => {
  it('checks a creditor identifier by mod 97-10 on the national id and the country, business code left out', () => {
    expect(icsCheckDigits('FR', '123456')).toBe('72');
    expect(icsProblem('FR72ZZZ123456')).toBeNull();
    expect(icsProblem('fr72 zzz 123456')).toBeNull();
    expect(icsProblem('FR72ABC123456')).toBeNull();
    expect(icsProblem('FR73ZZZ123456')).toMatch(/chiffres de contrôle/);
    expect(icsProblem('FR72ZZZ12345')).toMatch(/13 caractères/);
    expect(icsProblem('')).toMatch(/obligatoire/);
  });

  it('transliterates names into the SEPA set, keeping the apostrophe', () => {
    expect(toSepaText('Hélène D’Aubigné-Müller')).toBe("Helene D'Aubigne-Muller");
    expect(toSepaText('Zoé L\'Hôte & Œdipe Straße')).toBe("Zoe L'Hote + OEdipe Strasse");
    expect(toSepaText('  a\tb   «c»  ')).toBe('a b c');
    expect(toSepaText('x'.repeat(80), 70)).toHaveLength(70);
  });

  it('gives readable RUMs within 35 SEPA characters', () => {
    expect(rumFor(123, 45)).toBe('GRE-F000123-000045');
    expect(rumProblem(rumFor(999_999, 999_999))).toBeNull();
    expect(rumProblem('A'.repeat(36))).toMatch(/35/);
    expect(rumProblem('RUM-é')).toMatch(/sans accent/);
  });

  it('knows the TARGET2 closing days and the D-1 rule, from a weekend too', () => {
    for (const day of ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-01', '2026-12-25', '2026-12-26', '2026-12-05']) {
      expect(isBankBusinessDay(day), day).toBe(false);
    }
    for (const day of ['2027-07-14', '2026-11-11', '2026-12-07']) expect(isBankBusinessDay(day), day).toBe(true);
    expect(earliestCollectionDate('2026-12-04')).toBe('2026-12-07');
    expect(earliestCollectionDate('2026-12-05')).toBe('2026-12-08');
    expect(earliestCollectionDate('2026-12-24')).toBe('2026-12-28');
    expect(collectionDateProblem('2026-11-30', '2026-11-30')).toMatch(/futur/);
    expect(collectionDateProblem('2026-12-06', '2026-11-30')).toMatch(/jour ouvré/);
    expect(collectionDateProblem('2026-12-07', '2026-12-05')).toMatch(/au plus tôt le mardi 8 décembre 2026/);
    expect(collectionDateProblem('2026-12-08', '2026-12-05')).toBeNull();
  });

  it('plans the debit printed on an invoice on the collection day after the pre-notification delay', () => {
    expect(plannedCollectionDate('2026-11-20', 14, 10)).toBe('2026-12-10');
    expect(plannedCollectionDate('2026-12-01', 14, 10)).toBe('2027-01-11');
    expect(plannedCollectionDate('2026-12-01', 14, 28)).toBe('2026-12-28');
  });

  it('lapses a mandate 36 months after its last collection, or its signature when never used', () => {
    expect(lapseDay('2024-02-29', null)).toBe('2027-03-01');
    expect(lapseDay('2023-05-02', '2024-01-10')).toBe('2027-01-10');
    expect(mandateStatusOn('actif', '2023-05-02', null, '2026-05-01')).toBe('actif');
    expect(mandateStatusOn('actif', '2023-05-02', null, '2026-05-02')).toBe('caduc');
    expect(mandateStatusOn('a_signer', null, null, '2030-01-01')).toBe('a_signer');
  });
});
