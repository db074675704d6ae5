import { describe, expect, it } from 'vitest';
import { customFieldLabelProblem, customValueProblem, customValueText, CUSTOM_NO, CUSTOM_YES } from '../../src/shared/families/custom-fields.js';

describe('complementary field values', () => {
  it('stores yes-no as true/false and dates as ISO days, refusing anything else in French', () => {
    const yesNo = { kind: 'boolean', label: 'Transport scolaire' } as const;
    const date = { kind: 'date', label: 'Visite médicale' } as const;
    expect(customValueProblem(yesNo, CUSTOM_YES)).toBeNull();
    expect(customValueProblem(yesNo, CUSTOM_NO)).toBeNull();
    expect(customValueProblem(yesNo, '')).toBeNull();
    expect(customValueProblem(yesNo, 'oui')).toBe('Transport scolaire : valeur attendue oui ou non.');
    expect(customValueProblem(date, '2026-02-28')).toBeNull();
    expect(customValueProblem(date, '2026-02-31')).toBe('Visite médicale : date invalide (jj/mm/aaaa).');
    expect(customValueProblem(date, '28/02/2026')).toBe('Visite médicale : date invalide (jj/mm/aaaa).');
    expect(customValueProblem({ kind: 'text', label: 'Remarque' }, 'x'.repeat(501))).toBe('Remarque : 500 caractères au plus.');
  });

  it('shows values as a person reads them', () => {
    expect(customValueText('boolean', CUSTOM_YES)).toBe('Oui');
    expect(customValueText('boolean', CUSTOM_NO)).toBe('Non');
    expect(customValueText('boolean', '')).toBe('');
    expect(customValueText('date', '2026-12-07')).toBe('07/12/2026');
    expect(customValueText('text', 'Bus n° 3')).toBe('Bus n° 3');
  });
});

describe('complementary field labels', () => {
  it('are required and 60 characters at most, trimmed', () => {
    expect(customFieldLabelProblem('Transport scolaire')).toBeNull();
    expect(customFieldLabelProblem('   ')).toBe('Le libellé est obligatoire (60 caractères au plus).');
    expect(customFieldLabelProblem('x'.repeat(61))).toBe('Le libellé est obligatoire (60 caractères au plus).');
    expect(customFieldLabelProblem(` ${'x'.repeat(60)} `)).toBeNull();
  });
});
