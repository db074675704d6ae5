import { z } from 'zod';
import type { ServiceBillingRules, TariffRecord } from '../../shared/api/billing.js';
import { formatDayShortFr, monthLabelFr } from '../../shared/calendar/format.js';
import { QF_RULES } from '../../shared/billing/qf.js';
import { checkBillingRules, type BillingRules } from '../../shared/billing/rules.js';
import {
  BILLING_SETTINGS_KEY,
  RULE_FLAG_LABELS,
  checkBillingSettings,
  describeReasonRule,
  type BillingSettings,
} from '../../shared/billing/settings.js';
import {
  BILLED_UNITS,
  describeBracket,
  unitLabel,
  validateTariff,
  validateTariffSet,
  type Adjustment,
  type EffortRate,
  type Pricing,
  type Tariff,
} from '../../shared/billing/tariffs.js';
import { formatEuros } from '../../shared/money.js';
import { ABSENCE_REASON_CODES, ABSENCE_REASONS } from '../../shared/planning/reasons.js';
import type { Role } from '../../shared/auth/roles.js';
import { parseFrench } from '../../shared/validation/french.js';
import { ALL_STAFF, ApiFailure, checkedInHandler, fieldErrors, invalid, noArgs, notFound, type Handlers } from '../api/handler.js';
import { auditText, diffFields, writeAudit, type AuditChange } from '../audit/write.js';
import type { OfficeDatabase } from '../db/schema.js';
import { markAllFamilies, markFamiliesForService } from '../sync/dirty.js';
import {
  issuedMonthsBetween,
  loadBillingSettings,
  loadServiceRules,
  loadTariffs,
  loadTariffYears,
  tariffDefinition,
  type StoredTariff,
} from './store.js';
import type { Transaction } from 'kysely';

/**
 * Paramètres › Tarifs and › Facturation: the billing settings, the dated tariffs of each service and each service's
 * billing rules. Everyone on staff reads them; the administrator and the régisseur change them. Every check is the
 * shared one (validateTariff / validateTariffSet, checkBillingRules, checkBillingSettings): this module only adds what
 * needs the database (the school year, the other tariffs of the service, the months already issued), saves in one
 * transaction and writes the audit in French.
 */

/** Who may change billing: the administrator and the régisseur, who answers for the régie's receipts. */
export const BILLING_WRITERS: readonly Role[] = ['admin', 'regisseur'];

type Trx = Transaction<OfficeDatabase>;

// ---- Shapes of the arguments. The transport checks the outer shape; the handler parses the rest with French
// messages (parseFrench) so every refusal reads in French under its field.

const cents = z.number('Montant attendu.');
const bracketShape = z.strictObject({
  upTo: z.number('Plafond de QF attendu (vide pour la dernière tranche).').nullable(),
  residentCents: cents,
  nonResidentCents: cents,
});
const effortShape = z.strictObject({ rateBasisPoints: z.number('Taux attendu.'), minCents: cents, maxCents: cents });
const pricingShape = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('brackets'), brackets: z.array(bracketShape, 'Grille de tranches attendue.') }),
    z.strictObject({ kind: z.literal('effort'), resident: effortShape, nonResident: effortShape }),
  ],
  'Mode de tarification inconnu : grille par QF ou taux d’effort.',
);
const adjustmentShape = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('amount'), cents }),
      z.strictObject({ kind: z.literal('percent'), basisPoints: z.number('Pourcentage attendu.') }),
      z.strictObject({ kind: z.literal('price'), cents }),
    ],
    'Type de majoration ou de réduction inconnu.',
  )
  .nullable();
const tariffShape = z.strictObject(
  {
    serviceId: z.number('Service attendu.').int().positive('Service inconnu.'),
    validFrom: z.string('Date de début attendue.'),
    validTo: z.string('Date de fin attendue.'),
    unit: z.enum(Object.keys(BILLED_UNITS) as [Tariff['unit'], ...Tariff['unit'][]], 'Unité facturée inconnue.'),
    time: z
      .strictObject({
        blockMinutes: z.number('Durée de la tranche attendue.'),
        rounding: z.enum(['started', 'completed', 'nearest'], 'Règle d’arrondi inconnue.'),
        unitsWithoutTimes: z.number('Nombre de tranches attendu.').nullable().optional(),
      })
      .nullable(),
    pricing: pricingShape,
    lateSurcharge: adjustmentShape,
    unbookedSurcharge: adjustmentShape,
    paiReduction: adjustmentShape,
  },
  'Champ de tarif inconnu.',
);

const id = z.number().int().positive();

const tariffInputArgs = checkedInHandler<{ id: number | null; schoolYearId: number | null; tariff: Tariff }>(
  z.strictObject({ id: id.nullable(), schoolYearId: id.nullable(), tariff: z.unknown() }),
);

function parseShape<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = parseFrench(schema, value);
  if (!parsed.success) throw invalid(fieldErrors(parsed.error));
  return parsed.data;
}

// ---- French text of what is saved, for the audit log (who changed what, old → new).

const percent = (basisPoints: number): string => `${(basisPoints / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })} %`;

function describeAdjustment(adjustment: Adjustment | null): string {
  if (adjustment === null) return 'Aucune';
  if (adjustment.kind === 'amount') return formatEuros(adjustment.cents);
  if (adjustment.kind === 'percent') return percent(adjustment.basisPoints);
  return `prix fixe ${formatEuros(adjustment.cents)}`;
}

function describeEffort(rate: EffortRate): string {
  return `${percent(rate.rateBasisPoints)} du QF (min ${formatEuros(rate.minCents)}, max ${formatEuros(rate.maxCents)})`;
}

export function describePricing(pricing: Pricing): string {
  if (pricing.kind === 'effort') {
    return `Taux d’effort : résidents ${describeEffort(pricing.resident)} ; non-résidents ${describeEffort(pricing.nonResident)}`;
  }
  return pricing.brackets
    .map((bracket, index) => `${describeBracket(pricing.brackets, index)} : ${formatEuros(bracket.residentCents)} / ${formatEuros(bracket.nonResidentCents)}`)
    .join(' ; ');
}

const TIME_ROUNDING: Record<string, string> = { started: 'toute tranche commencée', completed: 'tranches complètes', nearest: 'au plus proche' };

function tariffAuditShape(tariff: Tariff, serviceName: string) {
  return {
    service: serviceName,
    validity: `du ${formatDayShortFr(tariff.validFrom)} au ${formatDayShortFr(tariff.validTo)}`,
    unit: tariff.time ? `${unitLabel(tariff)}, ${TIME_ROUNDING[tariff.time.rounding] ?? tariff.time.rounding}` : unitLabel(tariff),
    pricing: describePricing(tariff.pricing),
    lateSurcharge: describeAdjustment(tariff.lateSurcharge),
    unbookedSurcharge: describeAdjustment(tariff.unbookedSurcharge),
    paiReduction: describeAdjustment(tariff.paiReduction),
  };
}

const TARIFF_LABELS = {
  service: 'Service',
  validity: 'Validité',
  unit: 'Unité facturée',
  pricing: 'Tarification (résidents / non-résidents)',
  lateSurcharge: 'Majoration réservation hors délai',
  unbookedSurcharge: 'Majoration présence sans réservation',
  paiReduction: 'Réduction PAI (repas fourni)',
} as const;

function rulesAuditShape(rules: BillingRules): Record<string, string | boolean> {
  const shape: Record<string, string | boolean> = {};
  for (const code of ABSENCE_REASON_CODES) shape[`reason.${code}`] = describeReasonRule(rules.reasons[code]);
  for (const key of Object.keys(RULE_FLAG_LABELS) as (keyof typeof RULE_FLAG_LABELS)[]) shape[key] = rules[key];
  return shape;
}

const RULES_LABELS: Record<string, string> = {
  ...Object.fromEntries(ABSENCE_REASON_CODES.map((code) => [`reason.${code}`, `Absence hors délai « ${ABSENCE_REASONS[code]} »`])),
  ...RULE_FLAG_LABELS,
};

function settingsAuditShape(settings: BillingSettings): Record<string, string | number> {
  const { issuer } = settings;
  return {
    qfRule: QF_RULES[settings.qfRule],
    dueDays: settings.dueDays,
    communeName: issuer.communeName,
    address: issuer.address.join(', '),
    siret: issuer.siret,
    regieName: issuer.regieName,
    regieAddress: issuer.regieAddress.join(', '),
    regieHours: issuer.regieHours,
    phone: issuer.phone,
    email: issuer.email,
    signatoryName: issuer.signatoryName,
    signatoryQuality: issuer.signatoryQuality,
    payfipId: issuer.payfipId,
    chequeOrder: issuer.chequeOrder,
    appeal: issuer.appeal,
  };
}

const SETTINGS_LABELS = {
  qfRule: 'Règle de calcul du QF',
  dueDays: 'Délai de paiement (jours)',
  communeName: 'Commune',
  address: 'Adresse de la commune',
  siret: 'SIRET',
  regieName: 'Régie',
  regieAddress: 'Adresse de la régie',
  regieHours: 'Horaires de la régie',
  phone: 'Téléphone de la régie',
  email: 'E-mail de la régie',
  signatoryName: 'Signataire',
  signatoryQuality: 'Qualité du signataire',
  payfipId: 'Identifiant PayFiP',
  chequeOrder: 'Ordre des chèques',
  appeal: 'Voies et délais de recours',
} as const;

// ---- Reading.

async function staffNames(db: Trx | StaffDb, ids: (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((value): value is number => value !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('staff_users').select(['id', 'display_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}
type StaffDb = Parameters<typeof loadTariffs>[0];

function toRecord(tariff: StoredTariff, names: Map<number, string>): TariffRecord {
  const { id: tariffId, schoolYearId, updatedAt, updatedBy, serviceId, validFrom, validTo } = tariff;
  return {
    id: tariffId,
    schoolYearId,
    updatedAt,
    updatedBy: updatedBy === null ? '' : (names.get(updatedBy) ?? ''),
    serviceId,
    validFrom,
    validTo,
    ...tariffDefinition(tariff),
  };
}

async function tariffRecords(db: StaffDb, serviceId: number | null): Promise<TariffRecord[]> {
  const tariffs = await loadTariffs(db, serviceId);
  const names = await staffNames(db, tariffs.map((tariff) => tariff.updatedBy));
  return tariffs.map((tariff) => toRecord(tariff, names));
}

async function serviceName(trx: Trx, serviceId: number): Promise<string | null> {
  const row = await trx.selectFrom('services').select('name').where('id', '=', serviceId).executeTakeFirst();
  return row?.name ?? null;
}

function listMonths(months: string[]): string {
  const labels = months.map((month) => monthLabelFr(month));
  return labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(', ')} et ${labels.at(-1)!}`;
}

export const billingSettingsHandlers: Handlers<
  'billing.settings' | 'billing.saveSettings' | 'tariffs.list' | 'tariffs.save' | 'tariffs.remove' | 'billingRules.list' | 'billingRules.save'
> = {
  'billing.settings': { access: ALL_STAFF, args: noArgs, run: ({ db }) => loadBillingSettings(db) },

  'billing.saveSettings': {
    access: BILLING_WRITERS,
    args: checkedInHandler<BillingSettings>(z.looseObject({}, "Réglages de facturation attendus.")),
    async run({ db, clock, user }, input) {
      const checked = checkBillingSettings(input);
      if (!checked.ok) throw new ApiFailure(checked.error);
      const settings = checked.value;
      return db.transaction().execute(async (trx) => {
        const before = await loadBillingSettings(trx);
        await trx
          .insertInto('settings')
          .values({ key: BILLING_SETTINGS_KEY, value: JSON.stringify(settings) })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(settings) }))
          .execute();
        const changes = diffFields(SETTINGS_LABELS, settingsAuditShape(before), settingsAuditShape(settings));
        if (changes.length > 0) {
          await writeAudit(trx, { at: clock().toISOString(), userId: user.id, entity: 'billing_settings', entityId: null, action: 'update' }, changes);
        }
        // The QF rule decides which bracket every family sees on the portal (« tarifs appliqués »).
        if (before.qfRule !== settings.qfRule) await markAllFamilies(trx);
        return settings;
      });
    },
  },

  'tariffs.list': {
    access: ALL_STAFF,
    args: z.strictObject({ serviceId: id.nullable() }),
    run: ({ db }, { serviceId }) => tariffRecords(db, serviceId),
  },

  'tariffs.save': {
    access: BILLING_WRITERS,
    args: tariffInputArgs,
    async run({ db, clock, user }, input) {
      const tariff = parseShape(tariffShape, input.tariff) as Tariff;
      return db.transaction().execute(async (trx) => {
        const name = await serviceName(trx, tariff.serviceId);
        if (name === null) throw invalid({ serviceId: 'Service inconnu.' });
        const stored = await loadTariffs(trx, null);
        const before = input.id === null ? null : (stored.find((row) => row.id === input.id) ?? null);
        if (input.id !== null && !before) throw notFound('Tarif introuvable : il a peut-être été supprimé.');
        if (before && before.serviceId !== tariff.serviceId) {
          throw invalid({ serviceId: 'Un tarif ne change pas de service : créez-en un pour l’autre service.' });
        }

        const years = await loadTariffYears(trx);
        const year =
          input.schoolYearId !== null
            ? years.find((candidate) => candidate.id === input.schoolYearId)
            : years.find((candidate) => candidate.startDate <= tariff.validFrom && tariff.validFrom <= candidate.lastTariffDay);
        const errors: Record<string, string> = {};
        if (input.schoolYearId !== null && !year) errors.schoolYearId = 'Année scolaire inconnue.';
        const own = validateTariff(tariff, year ? { startDate: year.startDate, endDate: year.lastTariffDay } : undefined);
        if (!own.ok) Object.assign(errors, own.errors);
        if (!year && input.schoolYearId === null && !('validFrom' in errors)) {
          errors.validFrom = `Aucune année scolaire ne contient le ${formatDayShortFr(tariff.validFrom)} : créez-la d’abord (Paramètres › Calendrier).`;
        }
        // No two tariffs of the service on a common day: the candidate is checked last, so an overlap is reported on it.
        const others = stored.filter((row) => row.serviceId === tariff.serviceId && row.id !== input.id);
        const set = validateTariffSet([...others, tariff]);
        if (!set.ok) {
          const prefix = `${others.length}.`;
          for (const [path, message] of Object.entries(set.errors)) {
            if (path.startsWith(prefix)) errors[path.slice(prefix.length)] ??= message;
          }
        }
        if (Object.keys(errors).length > 0) throw invalid(errors, 'Tarif non enregistré : certains champs sont à corriger.');

        const at = clock().toISOString();
        const row = {
          service_id: tariff.serviceId,
          school_year_id: year?.id ?? null,
          valid_from: tariff.validFrom,
          valid_to: tariff.validTo,
          definition: JSON.stringify(tariffDefinition(tariff)),
          updated_at: at,
          updated_by: user.id,
        };
        const savedId = before
          ? (await trx.updateTable('tariffs').set(row).where('id', '=', before.id).returning('id').executeTakeFirstOrThrow()).id
          : (await trx.insertInto('tariffs').values(row).returning('id').executeTakeFirstOrThrow()).id;
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'tariff', entityId: savedId, action: before ? 'update' : 'create' },
          diffFields(TARIFF_LABELS, before ? tariffAuditShape(before, name) : null, tariffAuditShape(tariff, name)),
        );
        // Families see their service's unit price on the portal (« Mes enfants › tarifs appliqués »).
        await markFamiliesForService(trx, tariff.serviceId, clock());
        const saved = (await loadTariffs(trx, tariff.serviceId)).find((candidate) => candidate.id === savedId);
        if (!saved) throw new Error(`tariff ${savedId} vanished after save`);
        return toRecord(saved, new Map([[user.id, user.displayName]]));
      });
    },
  },

  'tariffs.remove': {
    access: BILLING_WRITERS,
    args: z.strictObject({ id }),
    async run({ db, clock, user }, { id: tariffId }) {
      return db.transaction().execute(async (trx) => {
        const before = (await loadTariffs(trx, null)).find((row) => row.id === tariffId);
        if (!before) throw notFound('Tarif introuvable : il a peut-être déjà été supprimé.');
        // An issued invoice keeps its own copy of the prices, but the tariff is the record of what was voted and
        // applied for those months: it stays. Its validity may still be shortened to the months billed.
        const issued = await issuedMonthsBetween(trx, before.validFrom, before.validTo);
        if (issued.length > 0) {
          const message =
            `Ce tarif a servi à facturer ${listMonths(issued)} (facturation émise) : il ne peut pas être supprimé. ` +
            'Modifiez plutôt sa période de validité.';
          throw new ApiFailure({ code: 'conflict', message });
        }
        const name = (await serviceName(trx, before.serviceId)) ?? `service ${before.serviceId}`;
        await trx.deleteFrom('tariffs').where('id', '=', tariffId).execute();
        await writeAudit(
          trx,
          { at: clock().toISOString(), userId: user.id, entity: 'tariff', entityId: tariffId, action: 'delete' },
          diffFields(TARIFF_LABELS, tariffAuditShape(before, name), null),
        );
        await markFamiliesForService(trx, before.serviceId, clock());
        return null;
      });
    },
  },

  'billingRules.list': {
    access: ALL_STAFF,
    args: noArgs,
    async run({ db }) {
      const services = await db.selectFrom('services').select('id').orderBy('sort_order').orderBy('id').execute();
      const rules = await loadServiceRules(db);
      return services.map(({ id: serviceId }): ServiceBillingRules => {
        const entry = rules.get(serviceId);
        if (!entry) throw new Error(`no billing rules for service ${serviceId}`);
        return { serviceId, ...entry };
      });
    },
  },

  'billingRules.save': {
    access: BILLING_WRITERS,
    args: checkedInHandler<{ serviceId: number; rules: BillingRules }>(z.strictObject({ serviceId: id, rules: z.unknown() })),
    async run({ db, clock, user }, { serviceId, rules: input }) {
      const checked = checkBillingRules(input);
      if (!checked.ok) throw new ApiFailure(checked.error);
      const rules = checked.value;
      return db.transaction().execute(async (trx) => {
        if ((await serviceName(trx, serviceId)) === null) throw notFound('Service introuvable.');
        const before = (await loadServiceRules(trx)).get(serviceId);
        const at = clock().toISOString();
        const json = JSON.stringify(rules);
        await trx
          .insertInto('service_billing_rules')
          .values({ service_id: serviceId, rules: json, updated_at: at, updated_by: user.id })
          .onConflict((oc) => oc.column('service_id').doUpdateSet({ rules: json, updated_at: at, updated_by: user.id }))
          .execute();
        const changes: AuditChange[] = diffFields(RULES_LABELS, before ? rulesAuditShape(before.rules) : null, rulesAuditShape(rules), (_key, value) =>
          auditText(value),
        );
        await writeAudit(
          trx,
          { at, userId: user.id, entity: 'service_billing_rules', entityId: serviceId, action: before?.custom ? 'update' : 'create' },
          changes,
        );
        return { serviceId, rules, custom: true };
      });
    },
  },
};
