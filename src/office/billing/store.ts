import type { Kysely, Transaction } from 'kysely';
import { DEFAULT_BILLING_RULES, checkBillingRules, type BillingRules } from '../../shared/billing/rules.js';
import {
  checkBillingSettings,
  BILLING_SETTINGS_KEY,
  DEFAULT_BILLING_SETTINGS,
  tariffYears,
  type BillingSettings,
  type TariffYear,
} from '../../shared/billing/settings.js';
import type { Tariff } from '../../shared/billing/tariffs.js';
import type { OfficeDatabase } from '../db/schema.js';

/**
 * Reading billing's stored settings, tariffs and rules, for every billing workload (Paramètres, the QF views, the
 * invoice run, the publication). A stored value that does not read back is a damaged database, never a default in
 * disguise: it throws with the row named, and the caller's error handling logs it.
 */

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

/** A stored tariff: the shared Tariff plus its row. */
export interface StoredTariff extends Tariff {
  id: number;
  schoolYearId: number | null;
  updatedAt: string;
  updatedBy: number | null;
}

/** The definition column holds the Tariff without the fields stored in their own columns. */
export type TariffDefinition = Omit<Tariff, 'serviceId' | 'validFrom' | 'validTo'>;

export function tariffDefinition(tariff: Tariff): TariffDefinition {
  const { unit, time, pricing, lateSurcharge, unbookedSurcharge, paiReduction } = tariff;
  return { unit, time, pricing, lateSurcharge, unbookedSurcharge, paiReduction };
}

/** A stored JSON value, or an error naming the row: never a default in disguise. */
export function readJson<T = unknown>(json: string, what: string): T {
  try {
    return JSON.parse(json) as T;
  } catch {
    throw new Error(`Unreadable stored ${what}: ${json.slice(0, 80)}`);
  }
}

/** The office's billing settings: the defaults until Paramètres › Facturation saved them. */
export async function loadBillingSettings(db: Db): Promise<BillingSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', BILLING_SETTINGS_KEY).executeTakeFirst();
  if (!row) return structuredClone(DEFAULT_BILLING_SETTINGS) as BillingSettings;
  const checked = checkBillingSettings(readJson(row.value, `setting ${BILLING_SETTINGS_KEY}`));
  if (!checked.ok) throw new Error(`Stored setting ${BILLING_SETTINGS_KEY} does not check: ${JSON.stringify(checked.error.fields)}`);
  return checked.value;
}

/** Every tariff (of one service when given), by service then start date. */
export async function loadTariffs(db: Db, serviceId: number | null = null): Promise<StoredTariff[]> {
  const rows = await db
    .selectFrom('tariffs')
    .selectAll()
    .$if(serviceId !== null, (query) => query.where('service_id', '=', serviceId ?? 0))
    .orderBy('service_id')
    .orderBy('valid_from')
    .execute();
  return rows.map((row) => {
    const definition = readJson(row.definition, `tariff ${row.id}`) as TariffDefinition;
    return {
      ...definition,
      id: row.id,
      serviceId: row.service_id,
      schoolYearId: row.school_year_id,
      validFrom: row.valid_from,
      validTo: row.valid_to,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  });
}

/** The billing rules of every service: its saved rules, or the defaults (custom false). */
export async function loadServiceRules(db: Db): Promise<Map<number, { rules: BillingRules; custom: boolean }>> {
  const [services, rows] = await Promise.all([
    db.selectFrom('services').select('id').execute(),
    db.selectFrom('service_billing_rules').select(['service_id', 'rules']).execute(),
  ]);
  const saved = new Map(rows.map((row) => [row.service_id, row.rules]));
  const rules = new Map<number, { rules: BillingRules; custom: boolean }>();
  for (const { id } of services) {
    const json = saved.get(id);
    if (json === undefined) {
      rules.set(id, { rules: structuredClone(DEFAULT_BILLING_RULES) as BillingRules, custom: false });
      continue;
    }
    const checked = checkBillingRules(readJson(json, `billing rules of service ${id}`));
    if (!checked.ok) throw new Error(`Stored billing rules of service ${id} do not check: ${checked.error.message}`);
    rules.set(id, { rules: checked.value, custom: true });
  }
  return rules;
}

/** The school years with the days their tariffs may cover (tariffYears in shared/billing/settings.ts). */
export async function loadTariffYears(db: Db): Promise<TariffYear[]> {
  const rows = await db.selectFrom('school_years').selectAll().orderBy('start_date').execute();
  return tariffYears(rows.map((row) => ({ id: row.id, label: row.label, startDate: row.start_date, endDate: row.end_date })));
}

/** Months ('2026-10') already issued whose days meet [from, to]: what was billed on a tariff valid over those days. */
export async function issuedMonthsBetween(db: Db, from: string, to: string): Promise<string[]> {
  const rows = await db
    .selectFrom('invoice_runs')
    .select('month')
    .where('status', '=', 'issued')
    .where('month', '>=', from.slice(0, 7))
    .where('month', '<=', to.slice(0, 7))
    .orderBy('month')
    .execute();
  return rows.map((row) => row.month);
}
