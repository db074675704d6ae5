import type { Transaction } from 'kysely';
import { BILLING_SETTINGS_KEY, DEFAULT_BILLING_SETTINGS } from '../../shared/billing/settings.js';
import { validateTariffSet, type Bracket, type Tariff } from '../../shared/billing/tariffs.js';
import { loadTariffYears, tariffDefinition } from '../billing/store.js';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * The demo commune's billing: the tariffs it voted for each service and school year, and its billing settings. Prices
 * are those of a commune of Haute-Savoie of this size (canteen 1,00 € to 5,20 € by QF, non-residents higher; the
 * accueils by the half hour or the session; the mercredi and the holidays by taux d'effort). Added only where nothing
 * is set: a service that already has a tariff over a school year keeps it, saved settings stay.
 */

type Definition = Omit<Tariff, 'serviceId' | 'validFrom' | 'validTo'>;

/** Resident price, non-resident price, in cents, per bracket; the last bracket is open. */
const grid = (upTos: (number | null)[], prices: [number, number][]): Bracket[] =>
  upTos.map((upTo, index) => ({ upTo, residentCents: prices[index]![0], nonResidentCents: prices[index]![1] }));

const QF_LIMITS = [500, 800, 1200, null];

const MEAL: Definition = {
  unit: 'meal',
  time: null,
  pricing: { kind: 'brackets', brackets: grid(QF_LIMITS, [[100, 160], [240, 320], [380, 460], [520, 610]]) },
  // « Repas réservé hors délai : 4,05 € », « repas non réservé : 5,05 € » whatever the bracket (never below it).
  lateSurcharge: { kind: 'price', cents: 405 },
  unbookedSurcharge: { kind: 'price', cents: 505 },
  // A PAI child bringing its own meal pays the supervision only: half the price.
  paiReduction: { kind: 'percent', basisPoints: 5000 },
};

const DEMO_TARIFFS: Record<string, Definition> = {
  cantine: MEAL,
  mercredi_repas: MEAL,
  matin: {
    unit: 'session',
    time: null,
    pricing: { kind: 'brackets', brackets: grid(QF_LIMITS, [[90, 130], [130, 180], [170, 230], [210, 280]]) },
    lateSurcharge: { kind: 'amount', cents: 50 },
    unbookedSurcharge: { kind: 'amount', cents: 100 },
    paiReduction: null,
  },
  soir: {
    unit: 'time',
    // A billed evening without pointed hours (an absence billed) counts as the usual 16:30-18:30: four half hours.
    time: { blockMinutes: 30, rounding: 'started', unitsWithoutTimes: 4 },
    pricing: { kind: 'brackets', brackets: grid(QF_LIMITS, [[55, 80], [75, 105], [95, 130], [115, 155]]) },
    lateSurcharge: { kind: 'percent', basisPoints: 2000 },
    unbookedSurcharge: { kind: 'amount', cents: 100 },
    paiReduction: null,
  },
  mercredi_matin: halfDay(),
  mercredi_apres_midi: halfDay(),
  vacances: {
    unit: 'day',
    time: null,
    pricing: {
      kind: 'effort',
      resident: { rateBasisPoints: 120, minCents: 500, maxCents: 2200 },
      nonResident: { rateBasisPoints: 150, minCents: 800, maxCents: 2800 },
    },
    lateSurcharge: { kind: 'percent', basisPoints: 1000 },
    unbookedSurcharge: { kind: 'percent', basisPoints: 2000 },
    paiReduction: null,
  },
};

function halfDay(): Definition {
  return {
    unit: 'half_day',
    time: null,
    pricing: {
      kind: 'effort',
      resident: { rateBasisPoints: 60, minCents: 250, maxCents: 900 },
      nonResident: { rateBasisPoints: 80, minCents: 400, maxCents: 1200 },
    },
    lateSurcharge: { kind: 'percent', basisPoints: 1000 },
    unbookedSurcharge: { kind: 'percent', basisPoints: 2000 },
    paiReduction: null,
  };
}

/** Seeds the demo tariffs of every known service over every school year, and the billing settings; returns how many tariffs. */
export async function seedDemoBilling(trx: Transaction<OfficeDatabase>, now: string): Promise<number> {
  await trx
    .insertInto('settings')
    .values({ key: BILLING_SETTINGS_KEY, value: JSON.stringify(DEFAULT_BILLING_SETTINGS) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();

  const [services, years, existing] = await Promise.all([
    trx.selectFrom('services').select(['id', 'code']).orderBy('id').execute(),
    loadTariffYears(trx),
    trx.selectFrom('tariffs').select(['service_id', 'valid_from', 'valid_to']).execute(),
  ]);
  let seeded = 0;
  for (const year of years) {
    const bounds = { startDate: year.startDate, endDate: year.lastTariffDay };
    for (const service of services) {
      const definition = DEMO_TARIFFS[service.code];
      if (!definition) continue;
      const taken = existing.some((row) => row.service_id === service.id && row.valid_from <= bounds.endDate && bounds.startDate <= row.valid_to);
      if (taken) continue;
      const tariff: Tariff = { ...structuredClone(definition), serviceId: service.id, validFrom: bounds.startDate, validTo: bounds.endDate };
      // The demo's prices pass the same checks as a tariff typed in Paramètres, or the demo is wrong.
      const check = validateTariffSet([tariff], bounds);
      if (!check.ok) throw new Error(`Demo tariff of ${service.code} for ${year.label} is invalid: ${JSON.stringify(check.errors)}`);
      await trx
        .insertInto('tariffs')
        .values({
          service_id: service.id,
          school_year_id: year.id,
          valid_from: tariff.validFrom,
          valid_to: tariff.validTo,
          definition: JSON.stringify(tariffDefinition(tariff)),
          updated_at: now,
          updated_by: null,
        })
        .execute();
      seeded += 1;
    }
  }
  return seeded;
}
