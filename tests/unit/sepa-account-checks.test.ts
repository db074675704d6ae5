import { describe, expect, it } from 'vitest';
import { accountProblems, bicCountry, normaliseAccount, type AccountFields } from '../../src/shared/sepa/account-checks.js';
import { ibanFromRib, ribKey } from '../../src/shared/validation/bank.js';

const RIB = { banque: '30006', guichet: '00001', compte: '12345678901', cle: ribKey('30006', '00001', '12345678901') };
const IBAN = ibanFromRib(RIB);

function account(overrides: Partial<AccountFields> = {}): AccountFields {
  return { holder: 'Hélène D’Aubigné', iban: IBAN, bic: 'AGRIFRPP', bankName: 'Crédit Agricole', rib: RIB, ...overrides };
}

describe('accountProblems', () => {
  it('accepts a consistent French account, accents and apostrophes in the holder included', () => {
    expect(accountProblems(account())).toEqual({});
    expect(accountProblems(account({ rib: null }))).toEqual({});
    expect(accountProblems(account({ rib: { banque: '', guichet: '', compte: '', cle: '' } }))).toEqual({});
  });

  it('accepts the IBAN typed with spaces and in lower case', () => {
    const spaced = IBAN.toLowerCase().replace(/(.{4})/g, '$1 ');
    expect(accountProblems(account({ iban: spaced, bic: 'agri fr pp' }))).toEqual({});
    expect(normaliseAccount(account({ iban: spaced })).iban).toBe(IBAN);
  });

  it('requires the holder, with letters', () => {
    expect(accountProblems(account({ holder: '  ' })).holder).toBe('Le titulaire du compte est obligatoire.');
    expect(accountProblems(account({ holder: '***' })).holder).toMatch(/lettres/);
    expect(accountProblems(account({ holder: 'A'.repeat(71) })).holder).toMatch(/70 caractères/);
  });

  it('catches one altered digit of the IBAN (mod 97)', () => {
    const altered = IBAN.slice(0, 10) + String((Number(IBAN[10]) + 1) % 10) + IBAN.slice(11);
    const errors = accountProblems(account({ iban: altered, rib: null }));
    expect(errors.iban).toBeDefined();
    expect(Object.keys(errors)).toEqual(['iban']);
  });

  it('checks the length for the IBAN country', () => {
    expect(accountProblems(account({ iban: IBAN.slice(0, 26), rib: null })).iban).toBe('Un IBAN français compte 27 caractères.');
    expect(accountProblems(account({ iban: 'DE8937040044053201300', bic: 'COBADEFFXXX', rib: null })).iban).toMatch(/longueur/);
    expect(accountProblems(account({ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', rib: null }))).toEqual({});
  });

  it('checks the RIB key inside a French IBAN', () => {
    // A valid mod 97 over a wrong RIB key: recompute the IBAN check digits around a false key.
    const wrong = ibanFromRib({ ...RIB, cle: RIB.cle === '00' ? '01' : '00' });
    expect(accountProblems(account({ iban: wrong, rib: null })).iban).toMatch(/clé RIB/);
  });

  it('checks the IBAN against the RIB four parts, with the message on the IBAN and the RIB parts', () => {
    const other = { banque: '30004', guichet: '00001', compte: '12345678901', cle: ribKey('30004', '00001', '12345678901') };
    expect(accountProblems(account({ rib: other })).iban).toMatch(/ne correspond pas au RIB/);
    expect(accountProblems(account({ rib: { ...RIB, cle: RIB.cle === '00' ? '01' : '00' } }))['rib.cle']).toMatch(/clé RIB/);
    expect(accountProblems(account({ rib: { ...RIB, banque: '3000' } }))['rib.banque']).toBe('Le code banque compte 5 chiffres.');
    expect(accountProblems(account({ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' })).iban).toMatch(/commencer par FR/);
  });

  it('checks the BIC format and its country against the IBAN', () => {
    expect(accountProblems(account({ bic: '' })).bic).toBe('Le BIC est obligatoire.');
    expect(accountProblems(account({ bic: 'AGRI1' })).bic).toMatch(/8 ou 11 caractères/);
    expect(accountProblems(account({ bic: 'COBADEFFXXX' })).bic).toBe(
      "Le pays du BIC (DE) ne correspond pas à celui de l'IBAN (FR) : vérifiez la banque.",
    );
    expect(bicCountry('agri fr pp')).toBe('FR');
  });

  it('requires the IBAN', () => {
    expect(accountProblems(account({ iban: '', rib: null })).iban).toBe("L'IBAN est obligatoire.");
  });
});
