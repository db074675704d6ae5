import { validateTariff, type Adjustment, type BilledUnit, type Bracket, type EffortRate, type Tariff, type TimeRounding } from '../../shared/billing/tariffs.js';
import { formatCents, parseEuros } from '../../shared/money.js';

/**
 * A tariff as the form edits it: every amount kept as typed (« 3,15 »), so a half-typed value is never lost, and read
 * back with the shared parseEuros. Errors use the office's paths ('pricing.brackets.2.upTo'), so the form shows the
 * office's refusals and its own pre-check under the same field.
 */

export interface BracketDraft {
  /** Ignored on the last row: the last bracket is open (« au-delà »). */
  upTo: string;
  resident: string;
  nonResident: string;
}

export interface EffortDraft {
  /** Percent of the QF, French comma (« 0,6 »). */
  rate: string;
  min: string;
  max: string;
}

export type AdjustmentKind = 'none' | Adjustment['kind'];

export interface AdjustmentDraft {
  kind: AdjustmentKind;
  /** Euros for an amount or a price, percent for a percentage. */
  value: string;
}

export interface TariffDraft {
  serviceId: number;
  schoolYearId: string;
  validFrom: string;
  validTo: string;
  unit: BilledUnit;
  blockMinutes: string;
  rounding: TimeRounding;
  /** Blocks billed for a billed day without pointed times; '' = such a day is a problem to fix. */
  unitsWithoutTimes: string;
  pricingKind: 'brackets' | 'effort';
  brackets: BracketDraft[];
  resident: EffortDraft;
  nonResident: EffortDraft;
  lateSurcharge: AdjustmentDraft;
  unbookedSurcharge: AdjustmentDraft;
  paiReduction: AdjustmentDraft;
}

export type AdjustmentField = 'lateSurcharge' | 'unbookedSurcharge' | 'paiReduction';

const euros = (cents: number): string => formatCents(cents, { grouping: false });

/** 60 basis points → « 0,6 »; 2 000 → « 20 ». */
export function formatPercent(basisPoints: number): string {
  return formatCents(basisPoints, { grouping: false }).replace(/,?0+$/, '').replace(/^$/, '0');
}

/**
 * A percentage as typed (« 20 », « 0,5 », « 12,5 % ») to basis points. A percent with two decimals is an amount of
 * hundredths, so the shared amount reader does it: one way of reading a French number with a comma.
 */
export function parsePercent(text: string): { ok: true; basisPoints: number } | { ok: false; error: string } {
  const parsed = parseEuros(text.replace(/\s*%\s*$/, ''));
  if (!parsed.ok) return { ok: false, error: parsed.error === 'Montant vide.' ? 'Pourcentage manquant.' : 'Pourcentage invalide : écrivez par exemple 20 ou 0,5.' };
  return { ok: true, basisPoints: parsed.cents };
}

function adjustmentDraft(adjustment: Adjustment | null): AdjustmentDraft {
  if (adjustment === null) return { kind: 'none', value: '' };
  if (adjustment.kind === 'percent') return { kind: 'percent', value: formatPercent(adjustment.basisPoints) };
  return { kind: adjustment.kind, value: euros(adjustment.cents) };
}

const effortDraft = (rate: EffortRate): EffortDraft => ({ rate: formatPercent(rate.rateBasisPoints), min: euros(rate.minCents), max: euros(rate.maxCents) });

const EMPTY_EFFORT: EffortDraft = { rate: '', min: '', max: '' };

export function tariffToDraft(tariff: Tariff & { schoolYearId?: number | null }): TariffDraft {
  const { pricing } = tariff;
  return {
    serviceId: tariff.serviceId,
    schoolYearId: tariff.schoolYearId === null || tariff.schoolYearId === undefined ? '' : String(tariff.schoolYearId),
    validFrom: tariff.validFrom,
    validTo: tariff.validTo,
    unit: tariff.unit,
    blockMinutes: tariff.time ? String(tariff.time.blockMinutes) : '30',
    rounding: tariff.time?.rounding ?? 'started',
    unitsWithoutTimes: tariff.time?.unitsWithoutTimes === null || tariff.time?.unitsWithoutTimes === undefined ? '' : String(tariff.time.unitsWithoutTimes),
    pricingKind: pricing.kind,
    brackets:
      pricing.kind === 'brackets'
        ? pricing.brackets.map((bracket) => ({ upTo: bracket.upTo === null ? '' : String(bracket.upTo), resident: euros(bracket.residentCents), nonResident: euros(bracket.nonResidentCents) }))
        : [{ upTo: '', resident: '', nonResident: '' }],
    resident: pricing.kind === 'effort' ? effortDraft(pricing.resident) : EMPTY_EFFORT,
    nonResident: pricing.kind === 'effort' ? effortDraft(pricing.nonResident) : EMPTY_EFFORT,
    lateSurcharge: adjustmentDraft(tariff.lateSurcharge),
    unbookedSurcharge: adjustmentDraft(tariff.unbookedSurcharge),
    paiReduction: adjustmentDraft(tariff.paiReduction),
  };
}

/** A new tariff for a service over a school year's days: an open grid to fill in. */
export function newTariffDraft(serviceId: number, year: { id: number; startDate: string; lastTariffDay: string } | null): TariffDraft {
  return {
    serviceId,
    schoolYearId: year ? String(year.id) : '',
    validFrom: year?.startDate ?? '',
    validTo: year?.lastTariffDay ?? '',
    unit: 'meal',
    blockMinutes: '30',
    rounding: 'started',
    unitsWithoutTimes: '',
    pricingKind: 'brackets',
    brackets: [{ upTo: '', resident: '', nonResident: '' }],
    resident: EMPTY_EFFORT,
    nonResident: EMPTY_EFFORT,
    lateSurcharge: { kind: 'none', value: '' },
    unbookedSurcharge: { kind: 'none', value: '' },
    paiReduction: { kind: 'none', value: '' },
  };
}

/** The tariff the draft says, with the form's own errors (amounts unreadable) and then the shared checks. */
export function draftToTariff(draft: TariffDraft): { tariff: Tariff | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const cents = (text: string, path: string): number => {
    const parsed = parseEuros(text);
    if (!parsed.ok) {
      errors[path] ??= parsed.error === 'Montant vide.' ? 'Montant manquant.' : parsed.error;
      return 0;
    }
    return parsed.cents;
  };
  const whole = (text: string, path: string, message: string): number => {
    const value = Number(text.trim());
    if (!/^\d+$/.test(text.trim())) errors[path] ??= message;
    return value;
  };
  const percent = (text: string, path: string): number => {
    const parsed = parsePercent(text);
    if (!parsed.ok) errors[path] ??= parsed.error;
    return parsed.ok ? parsed.basisPoints : 0;
  };

  let time: Tariff['time'] = null;
  if (draft.unit === 'time') {
    const fixed = draft.unitsWithoutTimes.trim();
    time = {
      blockMinutes: whole(draft.blockMinutes, 'time.blockMinutes', 'La durée d’une tranche est un nombre entier de minutes.'),
      rounding: draft.rounding,
      unitsWithoutTimes: fixed === '' ? null : whole(fixed, 'time.unitsWithoutTimes', 'Un nombre entier de tranches, ou vide.'),
    };
  }

  let pricing: Tariff['pricing'];
  if (draft.pricingKind === 'brackets') {
    const brackets: Bracket[] = draft.brackets.map((row, index) => {
      const path = `pricing.brackets.${index}`;
      const last = index === draft.brackets.length - 1;
      return {
        upTo: last ? null : whole(row.upTo, `${path}.upTo`, `Tranche ${index + 1} : indiquez le plafond de QF (nombre entier d’euros).`),
        residentCents: cents(row.resident, `${path}.residentCents`),
        nonResidentCents: cents(row.nonResident, `${path}.nonResidentCents`),
      };
    });
    pricing = { kind: 'brackets', brackets };
  } else {
    const rate = (effort: EffortDraft, path: string): EffortRate => ({
      rateBasisPoints: percent(effort.rate, `${path}.rateBasisPoints`),
      minCents: cents(effort.min, `${path}.minCents`),
      maxCents: cents(effort.max, `${path}.maxCents`),
    });
    pricing = { kind: 'effort', resident: rate(draft.resident, 'pricing.resident'), nonResident: rate(draft.nonResident, 'pricing.nonResident') };
  }

  const adjustment = (field: AdjustmentField): Adjustment | null => {
    const value = draft[field];
    if (value.kind === 'none') return null;
    if (value.kind === 'percent') return { kind: 'percent', basisPoints: percent(value.value, field) };
    return { kind: value.kind, cents: cents(value.value, field) };
  };

  const tariff: Tariff = {
    serviceId: draft.serviceId,
    validFrom: draft.validFrom,
    validTo: draft.validTo,
    unit: draft.unit,
    time,
    pricing,
    lateSurcharge: adjustment('lateSurcharge'),
    unbookedSurcharge: adjustment('unbookedSurcharge'),
    paiReduction: adjustment('paiReduction'),
  };
  // The shared checks only on what could be read: an unreadable amount is already said under its field.
  const check = validateTariff(tariff);
  if (!check.ok) for (const [path, message] of Object.entries(check.errors)) errors[path] ??= message;
  return Object.keys(errors).length > 0 ? { tariff: null, errors } : { tariff, errors };
}
