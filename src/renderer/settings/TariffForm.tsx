import type { TariffRecord } from '../../shared/api/billing.js';
import type { TariffYear } from '../../shared/billing/settings.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { api } from '../api/bridge.js';
import type { FieldErrors } from '../api/useApi.js';
import { DateField, SelectField, TextField } from '../components/fields.js';
import { SectionForm } from '../components/SectionForm.js';
import { BracketTable } from './BracketTable.js';
import { draftToTariff, type AdjustmentDraft, type AdjustmentField, type AdjustmentKind, type EffortDraft, type TariffDraft } from './tariff-draft.js';

const UNITS: Record<TariffDraft['unit'], string> = {
  meal: 'Par repas',
  session: 'Par séance',
  half_day: 'Par demi-journée',
  day: 'Par journée',
  time: 'Au temps (par tranche)',
};

const ROUNDINGS: Record<TariffDraft['rounding'], string> = {
  started: 'Toute tranche commencée est due',
  completed: 'Seules les tranches complètes',
  nearest: 'À la tranche la plus proche',
};

const PRICING: Record<TariffDraft['pricingKind'], string> = { brackets: 'Grille par quotient familial', effort: 'Taux d’effort (% du QF)' };

const SURCHARGE_KINDS: Record<AdjustmentKind, string> = {
  none: 'Aucune',
  amount: 'Montant ajouté (€)',
  percent: 'Pourcentage du prix (%)',
  price: 'Prix fixe du repas ou de l’unité (€)',
};
const REDUCTION_KINDS: Partial<Record<AdjustmentKind, string>> & Record<'none' | 'amount' | 'percent', string> = {
  none: 'Aucune',
  amount: 'Montant déduit (€)',
  percent: 'Pourcentage du prix (%)',
};

const ADJUSTMENTS: { field: AdjustmentField; legend: string; hint: string }[] = [
  { field: 'lateSurcharge', legend: 'Majoration : réservation hors délai', hint: 'Appliquée à chaque unité réservée après le délai.' },
  { field: 'unbookedSurcharge', legend: 'Majoration : présence sans réservation', hint: 'Appliquée à chaque unité consommée sans réservation.' },
  { field: 'paiReduction', legend: 'Réduction PAI (repas fourni par la famille)', hint: 'Pour un enfant avec PAI qui apporte son repas.' },
];

function EffortFields({ who, path, value, errors, onChange }: { who: string; path: string; value: EffortDraft; errors: FieldErrors; onChange(next: EffortDraft): void }) {
  return (
    <fieldset className="subpanel">
      <legend>Taux d’effort : {who}</legend>
      <div className="form-grid">
        <TextField path={`${path}.rateBasisPoints`} label="Taux (% du QF)" hint="0,6 : 0,6 % du QF, soit 6,00 € pour un QF de 1 000." inputMode="decimal" errors={errors} value={value.rate} onChange={(rate) => onChange({ ...value, rate })} />
        <TextField path={`${path}.minCents`} label="Prix minimum (€)" inputMode="decimal" errors={errors} value={value.min} onChange={(min) => onChange({ ...value, min })} />
        <TextField path={`${path}.maxCents`} label="Prix maximum (€)" hint="Appliqué aussi sans QF justifié." inputMode="decimal" errors={errors} value={value.max} onChange={(max) => onChange({ ...value, max })} />
      </div>
    </fieldset>
  );
}

function AdjustmentFields({ field, legend, hint, value, errors, onChange }: { field: AdjustmentField; legend: string; hint: string; value: AdjustmentDraft; errors: FieldErrors; onChange(next: AdjustmentDraft): void }) {
  const kinds = field === 'paiReduction' ? REDUCTION_KINDS : SURCHARGE_KINDS;
  return (
    <fieldset className="subpanel">
      <legend>{legend}</legend>
      <div className="form-grid">
        <SelectField<AdjustmentKind>
          path={`${field}-kind`}
          label="Type"
          hint={hint}
          errors={errors}
          value={value.kind}
          options={kinds as Record<AdjustmentKind, string>}
          onChange={(kind) => onChange({ ...value, kind })}
        />
        {value.kind !== 'none' ? (
          <TextField
            path={field}
            label={value.kind === 'percent' ? 'Pourcentage (%)' : value.kind === 'price' ? 'Prix fixe (€)' : 'Montant (€)'}
            inputMode="decimal"
            errors={errors}
            value={value.value}
            onChange={(next) => onChange({ ...value, value: next })}
          />
        ) : errors[field] ? (
          <p className="field-error">{errors[field]}</p>
        ) : null}
      </div>
    </fieldset>
  );
}

/** Editing one dated tariff of a service; `record` null for a new one. */
export function TariffForm({
  record,
  initial,
  serviceName,
  years,
  canEdit,
  onSaved,
}: {
  record: TariffRecord | null;
  initial: TariffDraft;
  serviceName: string;
  years: TariffYear[];
  canEdit: boolean;
  onSaved(saved: TariffRecord): void;
}) {
  const title = record ? `Tarif ${serviceName} du ${shortDayFr(record.validFrom)} au ${shortDayFr(record.validTo)}` : `Nouveau tarif : ${serviceName}`;
  const yearOptions: [string, string][] = [
    ['', 'Selon la date de début'],
    ...years.map((year): [string, string] => [String(year.id), `${year.label} (jusqu’au ${shortDayFr(year.lastTariffDay)})`]),
  ];
  return (
    <SectionForm<TariffDraft>
      id="tariff-form"
      title={title}
      initial={initial}
      canEdit={canEdit}
      validate={(draft) => draftToTariff(draft).errors}
      save={async (draft) => {
        const { tariff } = draftToTariff(draft);
        const result = await api.call('tariffs.save', { id: record?.id ?? null, schoolYearId: draft.schoolYearId === '' ? null : Number(draft.schoolYearId), tariff: tariff! });
        if (result.ok) onSaved(result.value);
        return result;
      }}
    >
      {(draft, setDraft, errors) => (
        <>
          <fieldset className="subpanel">
            <legend>Validité et unité facturée</legend>
            <div className="form-grid">
              <SelectField path="schoolYearId" label="Année scolaire" errors={errors} value={draft.schoolYearId} options={yearOptions} onChange={(schoolYearId) => setDraft({ ...draft, schoolYearId })} />
              <DateField path="validFrom" label="Valable du" errors={errors} value={draft.validFrom} onChange={(validFrom) => setDraft({ ...draft, validFrom })} />
              <DateField path="validTo" label="Jusqu’au (inclus)" errors={errors} value={draft.validTo} onChange={(validTo) => setDraft({ ...draft, validTo })} />
              <SelectField path="unit" label="Unité facturée" errors={errors} value={draft.unit} options={UNITS} onChange={(unit) => setDraft({ ...draft, unit })} />
              {draft.unit === 'time' ? (
                <>
                  <TextField
                    path="time.blockMinutes"
                    label="Durée d’une tranche (minutes)"
                    inputMode="numeric"
                    errors={errors}
                    value={draft.blockMinutes}
                    onChange={(blockMinutes) => setDraft({ ...draft, blockMinutes })}
                  />
                  <SelectField path="time.rounding" label="Arrondi" errors={errors} value={draft.rounding} options={ROUNDINGS} onChange={(rounding) => setDraft({ ...draft, rounding })} />
                  <TextField
                    path="time.unitsWithoutTimes"
                    label="Tranches facturées sans heures pointées (vide : à corriger)"
                    inputMode="numeric"
                    errors={errors}
                    value={draft.unitsWithoutTimes}
                    onChange={(unitsWithoutTimes) => setDraft({ ...draft, unitsWithoutTimes })}
                  />
                </>
              ) : null}
            </div>
            {errors.time ? <p className="field-error">{errors.time}</p> : null}
            <p className="muted">Les vacances d’été sont facturées sur les tarifs de l’année scolaire qui s’achève.</p>
          </fieldset>
          <div className="form-grid">
            <SelectField path="pricing.kind" label="Mode de calcul du prix" errors={errors} value={draft.pricingKind} options={PRICING} onChange={(pricingKind) => setDraft({ ...draft, pricingKind })} />
          </div>
          {errors.pricing ? <p className="field-error">{errors.pricing}</p> : null}
          {draft.pricingKind === 'brackets' ? (
            <BracketTable rows={draft.brackets} errors={errors} onChange={(brackets) => setDraft({ ...draft, brackets })} />
          ) : (
            <>
              <EffortFields who="résidents" path="pricing.resident" value={draft.resident} errors={errors} onChange={(resident) => setDraft({ ...draft, resident })} />
              <EffortFields who="non-résidents" path="pricing.nonResident" value={draft.nonResident} errors={errors} onChange={(nonResident) => setDraft({ ...draft, nonResident })} />
            </>
          )}
          {ADJUSTMENTS.map(({ field, legend, hint }) => (
            <AdjustmentFields key={field} field={field} legend={legend} hint={hint} value={draft[field]} errors={errors} onChange={(next) => setDraft({ ...draft, [field]: next })} />
          ))}
          {record ? (
            <p className="muted">
              Les factures déjà émises gardent leurs prix : une modification ne s’applique qu’aux facturations à venir.
              {record.updatedBy ? ` Dernière modification par ${record.updatedBy}.` : ''}
            </p>
          ) : null}
        </>
      )}
    </SectionForm>
  );
}
