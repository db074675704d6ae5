import { describe, expect, it } from 'vitest';
import type { QfProofs } from '../../src/shared/billing/qf.js';
import { qfFromTaxNotice, qfInForce } from '../../src/shared/billing/qf.js';
import type { Tariff } from '../../src/shared/billing/tariffs.js';
import { unitPrice } from '../../src/shared/billing/tariffs.js';

// Expected values are worked out by hand in the comments, never by the code under test.
const plain = (text: string): string => text.replace(/\u00a0/g, ' ');

// RFR 32 450,50 € over 2,5 parts: 32 450,50 / 12 = 2 704,21 €/month; / 2,5 = 1 081,68 → QF 1 081 (rounded down).
const taxNotice2025 = { rfrCents: 3_245_050, partsX100: 250, year: 2025 };
const noTax = { rfrCents: null, partsX100: null, year: null };
const caf820 = { regime: 'CAF', qf: 820, qfValidUntil: '2026-12-31' };
const noCaf = { regime: '', qf: null, qfValidUntil: null };
const family = (caf: QfProofs['caf'], fiscal: QfProofs['fiscal']): QfProofs => ({ caf, fiscal });

describe('QF from the tax notice: RFR / 12 / parts, rounded down to a whole euro', () => {
  it('works the notice examples', () => {
    expect(qfFromTaxNotice(3_245_050, 250)).toBe(1081);
    // 30 000,00 € / 12 / 2 = 1 250 exactly; one cent less is 1 249,9996 → 1 249, never rounded up.
    expect(qfFromTaxNotice(3_000_000, 200)).toBe(1250);
    expect(qfFromTaxNotice(2_999_999, 200)).toBe(1249);
    // 18 000 € / 12 / 3 parts = 500.
    expect(qfFromTaxNotice(1_800_000, 300)).toBe(500);
    expect(qfFromTaxNotice(0, 100)).toBe(0);
    expect(() => qfFromTaxNotice(100, 0)).toThrow();
  });
});

describe('QF in force on a day', () => {
  it('takes a valid CAF quotient first under caf_first, up to its last valid day included', () => {
    const proofs = family(caf820, taxNotice2025);
    expect(qfInForce(proofs, '2026-12-07', 'caf_first')).toEqual({
      qf: 820,
      source: 'caf',
      flagged: false,
      why: 'QF 820 : quotient CAF 820 valable jusqu’au 31/12/2026.',
    });
    expect(qfInForce(proofs, '2026-12-31', 'caf_first').qf).toBe(820);
  });

  it('falls back on the tax notice when the CAF quotient has expired, and says so', () => {
    const answer = qfInForce(family(caf820, taxNotice2025), '2027-01-04', 'caf_first');
    expect(answer).toEqual({
      qf: 1081,
      source: 'tax',
      flagged: false,
      why: 'QF 1\u00a0081 : avis d’imposition sur les revenus 2025 (quotient CAF 820 expiré le 31/12/2026).',
    });
  });

  it('uses the tax notice alone when there is no CAF quotient, whatever the rule', () => {
    for (const rule of ['caf_first', 'tax_first', 'lowest'] as const) {
      const answer = qfInForce(family(noCaf, taxNotice2025), '2026-12-07', rule);
      expect(answer.qf).toBe(1081);
      expect(answer.source).toBe('tax');
      expect(answer.flagged).toBe(false);
    }
    expect(qfInForce(family(caf820, taxNotice2025), '2026-12-07', 'tax_first')).toMatchObject({ qf: 1081, source: 'tax' });
  });

  it('takes the lower of two valid proofs under lowest', () => {
    expect(qfInForce(family(caf820, taxNotice2025), '2026-12-07', 'lowest')).toEqual({
      qf: 820,
      source: 'caf',
      flagged: false,
      why: 'QF 820 : quotient CAF 820 valable jusqu’au 31/12/2026, plus bas que l’avis d’imposition sur les revenus 2025 (QF 1\u00a0081).',
    });
    // 18 000 € over 3 parts → 500, lower than 820.
    const lowTax = { rfrCents: 1_800_000, partsX100: 300, year: 2025 };
    expect(qfInForce(family(caf820, lowTax), '2026-12-07', 'lowest')).toMatchObject({ qf: 500, source: 'tax', flagged: false });
    // Lowest with the CAF quotient expired: the notice is the only valid proof.
    expect(qfInForce(family(caf820, taxNotice2025), '2027-01-04', 'lowest')).toMatchObject({ qf: 1081, source: 'tax' });
  });

  it('gives no QF and flags the family when neither proof is usable', () => {
    expect(qfInForce(family(noCaf, noTax), '2026-12-07', 'caf_first')).toEqual({
      qf: null,
      source: null,
      flagged: true,
      why: 'Aucun quotient CAF et aucun avis d’imposition complet : tranche la plus haute appliquée, justificatif à mettre à jour.',
    });
    // An expired CAF quotient and a notice on 2023 income for a day of 2026 (three years: more than two).
    const old = { rfrCents: 3_245_050, partsX100: 250, year: 2023 };
    const answer = qfInForce(family({ regime: 'MSA', qf: 640, qfValidUntil: '2026-08-31' }, old), '2026-09-01', 'lowest');
    expect(answer).toEqual({
      qf: null,
      source: null,
      flagged: true,
      why:
        'Quotient MSA 640 expiré le 31/08/2026 et avis d’imposition sur les revenus 2023 trop ancien (plus de 2 ans) : ' +
        'tranche la plus haute appliquée, justificatif à mettre à jour.',
    });
    // Income 2024 is two years before 2026: still accepted.
    expect(qfInForce(family(noCaf, { ...old, year: 2024 }), '2026-09-01', 'caf_first').qf).toBe(1081);
  });

  it('does not use a CAF quotient without a validity date, nor an incomplete notice', () => {
    const undated = { regime: 'CAF', qf: 820, qfValidUntil: null };
    expect(qfInForce(family(undated, noTax), '2026-12-07', 'caf_first')).toMatchObject({ qf: null, flagged: true });
    const noParts = { rfrCents: 3_245_050, partsX100: null, year: 2025 };
    expect(qfInForce(family(undated, noParts), '2026-12-07', 'tax_first')).toMatchObject({ qf: null, flagged: true });
  });

  it('refuses a day that is not an ISO day', () => {
    expect(() => qfInForce(family(caf820, noTax), '07/12/2026', 'caf_first')).toThrow();
  });
});

describe('QF on a bracket boundary (with the tariff grid)', () => {
  // Grid: QF up to 800 → 3,15 €; above → 3,60 €. A QF equal to 800 belongs to the first bracket.
  const meals: Tariff = {
    serviceId: 1,
    validFrom: '2026-09-01',
    validTo: '2027-07-04',
    unit: 'meal',
    time: null,
    pricing: {
      kind: 'brackets',
      brackets: [
        { upTo: 800, residentCents: 315, nonResidentCents: 415 },
        { upTo: null, residentCents: 360, nonResidentCents: 460 },
      ],
    },
    lateSurcharge: null,
    unbookedSurcharge: null,
    paiReduction: null,
  };

  it('puts a tax QF of exactly 800 in the first bracket and 801 in the second', () => {
    // 19 200 € / 12 / 2 parts = 800 exactly.
    const at800 = qfInForce(family(noCaf, { rfrCents: 1_920_000, partsX100: 200, year: 2025 }), '2026-12-07', 'caf_first');
    expect(at800.qf).toBe(800);
    const price = unitPrice(meals, { qf: at800.qf, resident: true });
    expect(price.cents).toBe(315);
    expect(price.bracket).toBe(0);
    expect(plain(price.why)).toBe('Tranche 1 (QF jusqu’à 800) : 3,15 € par repas, tarif résident.');
    // 19 212 € / 12 / 2 = 800,5 → 800 (rounded down), still the first bracket.
    const justAbove = qfInForce(family(noCaf, { rfrCents: 1_921_200, partsX100: 200, year: 2025 }), '2026-12-07', 'caf_first');
    expect(justAbove.qf).toBe(800);
    expect(unitPrice(meals, { qf: 801, resident: true })).toMatchObject({ cents: 360, bracket: 1 });
  });

  it('charges a flagged family (qf null) the highest bracket', () => {
    const none = qfInForce(family(noCaf, noTax), '2026-12-07', 'caf_first');
    const price = unitPrice(meals, { qf: none.qf, resident: true });
    expect(price).toMatchObject({ cents: 360, bracket: 1 });
    expect(plain(price.why)).toBe('Tranche 2 (QF non justifié, tranche la plus haute) : 3,60 € par repas, tarif résident.');
  });
});
