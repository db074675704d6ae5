import { describe, expect, it } from 'vitest';
import { siretProblem, tariffYears } from '../../src/shared/billing/settings.js';
import { draftToTariff, formatPercent, newTariffDraft, parsePercent, tariffToDraft } from '../../src/renderer/settings/tariff-draft.js';

describe('SIRET check', () => {
  it('accepts a valid SIRET, with or without spaces, and La Poste’s exception', () => {
    expect(siretProblem('21740112400011')).toBeNull();
    expect(siretProblem('217 401 124 00011')).toBeNull();
    // La Poste: SIREN 356 000 000, digit sum a multiple of 5 (3+5+6+4+8+1+3 = 30).
    expect(siretProblem('35600000048013')).toBeNull();
  });
  it('refuses a wrong key or a wrong length in French', () => {
    expect(siretProblem('21740112400012')).toBe('SIRET invalide : la clé de contrôle ne correspond pas (vérifiez les chiffres).');
    expect(siretProblem('2174011240001')).toBe('Le SIRET compte 14 chiffres.');
    expect(siretProblem('2174O112400011')).toBe('Le SIRET compte 14 chiffres.');
  });
});

describe('tariff years', () => {
  it('lets a year’s tariffs run over the summer up to the day before the next year, the last year to its end', () => {
    const years = tariffYears([
      { id: 2, label: '2026-2027', startDate: '2026-09-01', endDate: '2027-07-02' },
      { id: 1, label: '2025-2026', startDate: '2025-09-01', endDate: '2026-07-03' },
    ]);
    expect(years.map((year) => [year.label, year.lastTariffDay])).toEqual([
      ['2025-2026', '2026-08-31'],
      ['2026-2027', '2027-07-02'],
    ]);
  });
});

describe('the tariff form’s draft', () => {
  it('reads percentages with a French comma into basis points and writes them back', () => {
    expect(parsePercent('0,6')).toEqual({ ok: true, basisPoints: 60 });
    expect(parsePercent('20 %')).toEqual({ ok: true, basisPoints: 2000 });
    expect(parsePercent('12,5')).toEqual({ ok: true, basisPoints: 1250 });
    expect(parsePercent('vingt')).toEqual({ ok: false, error: 'Pourcentage invalide : écrivez par exemple 20 ou 0,5.' });
    expect(parsePercent('')).toEqual({ ok: false, error: 'Pourcentage manquant.' });
    expect([formatPercent(60), formatPercent(2000), formatPercent(1250), formatPercent(0)]).toEqual(['0,6', '20', '12,5', '0']);
  });

  it('turns a typed grid into a tariff, the last row open, and back', () => {
    const draft = newTariffDraft(1, { id: 2, startDate: '2026-09-01', lastTariffDay: '2027-07-02' });
    draft.brackets = [
      { upTo: '500', resident: '1', nonResident: '1,60' },
      { upTo: 'ignored on the open row', resident: '5,20', nonResident: '6,10' },
    ];
    draft.lateSurcharge = { kind: 'price', value: '4,05' };
    draft.paiReduction = { kind: 'percent', value: '50' };
    const { tariff, errors } = draftToTariff(draft);
    expect(errors).toEqual({});
    expect(tariff).toEqual({
      serviceId: 1,
      validFrom: '2026-09-01',
      validTo: '2027-07-02',
      unit: 'meal',
      time: null,
      pricing: { kind: 'brackets', brackets: [{ upTo: 500, residentCents: 100, nonResidentCents: 160 }, { upTo: null, residentCents: 520, nonResidentCents: 610 }] },
      lateSurcharge: { kind: 'price', cents: 405 },
      unbookedSurcharge: null,
      paiReduction: { kind: 'percent', basisPoints: 5000 },
    });
    expect(tariffToDraft({ ...tariff!, schoolYearId: 2 }).brackets).toEqual([
      { upTo: '500', resident: '1,00', nonResident: '1,60' },
      { upTo: '', resident: '5,20', nonResident: '6,10' },
    ]);
  });

  it('says each problem under its field: unreadable amounts, a missing ceiling, the shared checks', () => {
    const draft = newTariffDraft(1, { id: 2, startDate: '2026-09-01', lastTariffDay: '2027-07-02' });
    draft.brackets = [
      { upTo: '', resident: '1,00', nonResident: '-1' },
      { upTo: '300', resident: '2,5O', nonResident: '3,00' },
      { upTo: '', resident: '5,20', nonResident: '' },
    ];
    draft.unit = 'time';
    draft.blockMinutes = '0';
    expect(draftToTariff(draft)).toEqual({
      tariff: null,
      errors: {
        'pricing.brackets.0.upTo': 'Tranche 1 : indiquez le plafond de QF (nombre entier d’euros).',
        'pricing.brackets.0.nonResidentCents': 'Tranche 1 : le prix non-résidents ne peut pas être négatif.',
        'pricing.brackets.1.residentCents': 'Montant invalide : écrivez par exemple 1 234,56.',
        'pricing.brackets.2.nonResidentCents': 'Montant manquant.',
        'time.blockMinutes': 'La durée d’une tranche est un nombre entier de minutes, de 1 à 1 440.',
      },
    });
  });
});
