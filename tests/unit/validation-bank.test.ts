import { describe, expect, it } from 'vitest';
import { bicProblem, checkRib, ibanFromRib, ibanProblem, maskIban, normaliseIban, ribKey } from '../../src/shared/validation/bank.js';

// The public example account: RIB 30006 00001 12345678901 key 89, IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP.
const RIB = { banque: '30006', guichet: '00001', compte: '12345678901', cle: '89' };

describe('bank validation', () => {
  it('computes the RIB key, letters of the account included', () => {
    expect(ribKey('30006', '00001', '12345678901')).toBe('89');
    // Letters map to digits (A=1 … I=9, J=1 … R=9, S=2 … Z=9): "A" reads as "1".
    expect(ribKey('30006', '00001', 'A2345678901')).toBe(ribKey('30006', '00001', '12345678901'));
  });

  it('checks a RIB typed in four parts', () => {
    expect(checkRib(RIB)).toEqual({});
    expect(checkRib({ ...RIB, cle: '88' })).toEqual({
      cle: 'La clé RIB ne correspond pas au code banque, au code guichet et au numéro de compte.',
    });
    expect(checkRib({ ...RIB, banque: '3000' })).toMatchObject({ banque: 'Le code banque compte 5 chiffres.' });
  });

  it('builds the IBAN of a RIB', () => {
    expect(ibanFromRib(RIB)).toBe('FR7630006000011234567890189');
  });

  it('accepts the example IBAN typed with spaces', () => {
    expect(ibanProblem('FR76 3000 6000 0112 3456 7890 189')).toBeNull();
    expect(normaliseIban('fr76 3000 6000 0112 3456 7890 189')).toBe('FR7630006000011234567890189');
  });

  it('refuses wrong check digits, a wrong embedded RIB key, a short French IBAN', () => {
    expect(ibanProblem('FR7730006000011234567890189')).toMatch(/chiffres de contrôle/);
    const withKey88 = ibanFromRib({ ...RIB, cle: '88' });
    expect(ibanProblem(withKey88)).toMatch(/clé RIB/);
    expect(ibanProblem('FR763000600001123456789018')).toBe('Un IBAN français compte 27 caractères.');
    expect(ibanProblem('1234')).toMatch(/deux lettres/);
  });

  it('checks the BIC', () => {
    expect(bicProblem('AGRIFRPP')).toBeNull();
    expect(bicProblem('agri fr pp xxx')).toBeNull();
    expect(bicProblem('AGRI')).toBe('Le BIC compte 8 ou 11 caractères (ex. AGRIFRPP).');
    expect(bicProblem('1GRIFRPP')).not.toBeNull();
  });

  it('masks an IBAN for display', () => {
    expect(maskIban('FR7630006000011234567890189')).toBe('FR76 •••• •••• •••• •••• •••• 189');
  });
});
