import { describe, expect, it } from 'vitest';
import { readCorrection } from '../../src/renderer/billing/correction.js';
import { addMonths, formatMonthFr, lastEndedMonth, pickerMonths } from '../../src/renderer/billing/months.js';
import { billingHref, parseBillingPage } from '../../src/renderer/billing/routes.js';

describe('billing months', () => {
  it('writes a month the French way', () => {
    expect(formatMonthFr('2026-11')).toBe('novembre 2026');
    expect(formatMonthFr('2027-02')).toBe('février 2027');
    expect(formatMonthFr('2027-13')).toBe('2027-13');
  });

  it('moves across years', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
    expect(addMonths('2026-11', -24)).toBe('2024-11');
  });

  it('defaults to the last ended month, January giving December', () => {
    expect(lastEndedMonth('2026-11-28')).toBe('2026-10');
    expect(lastEndedMonth('2027-01-01')).toBe('2026-12');
  });

  it('offers two years back, old runs and the month shown, newest first', () => {
    const months = pickerMonths('2026-11-28', ['2020-03'], '2027-05');
    expect(months[0]).toBe('2027-05');
    expect(months[1]).toBe('2026-11');
    expect(months).toContain('2024-12');
    expect(months).not.toContain('2024-11');
    expect(months.at(-1)).toBe('2020-03');
  });
});

describe('billing routes', () => {
  it('reads the run page and a draft page', () => {
    expect(parseBillingPage('#/facturation')).toEqual({ month: null, familyId: null });
    expect(parseBillingPage('#/facturation/2026-11')).toEqual({ month: '2026-11', familyId: null });
    expect(parseBillingPage(billingHref('2026-11', 12))).toEqual({ month: '2026-11', familyId: 12 });
    expect(parseBillingPage('#/facturation/2026-13/famille/12')).toEqual({ month: null, familyId: null });
    expect(parseBillingPage('#/familles/12')).toBeNull();
  });
});

describe('correction form', () => {
  const line = { label: 'Repas du 12/11 compté deux fois', amount: '3,15', childId: '4', serviceId: '' };

  it('builds the call with amounts in cents and optional child and service', () => {
    expect(readCorrection(7, 'credit_note', 'Erreur de pointage', [line])).toEqual({
      input: { invoiceId: 7, kind: 'credit_note', reason: 'Erreur de pointage', lines: [{ childId: 4, serviceId: null, label: 'Repas du 12/11 compté deux fois', amountCents: 315 }] },
      errors: {},
    });
  });

  it('refuses an amount it cannot read, under its line, and sends nothing', () => {
    const { input, errors } = readCorrection(7, 'complementary', '', [{ ...line, amount: '3,155' }, line, { ...line, amount: '' }]);
    expect(input).toBeNull();
    expect(errors).toEqual({ 'lines.0.amountCents': 'Deux décimales au plus (centimes).', 'lines.2.amountCents': 'Montant vide.' });
  });
});

describe('French elision before a month', () => {
  it('writes « d’octobre » and « de novembre »', async () => {
    const { ofMonthFr } = await import('../../src/renderer/billing/months.js');
    expect(ofMonthFr('2026-10')).toBe('d’octobre 2026');
    expect(ofMonthFr('2027-04')).toBe('d’avril 2027');
    expect(ofMonthFr('2027-08')).toBe('d’août 2027');
    expect(ofMonthFr('2026-11')).toBe('de novembre 2026');
  });
});
