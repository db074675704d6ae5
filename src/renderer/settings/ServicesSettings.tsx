import { useEffect, useState } from 'react';
import type { School, ServiceConfig, ServiceInput, ServiceKind } from '../../shared/api/contract.js';
import { WEEKDAYS_FR } from '../../shared/calendar/format.js';
import { CLASSES } from '../../shared/children/input.js';
import { DEFAULT_DEADLINE_RULE, SERVICE_CODE, SERVICE_CODE_ERROR, type ChangeKind, type DeadlineRule, type LatePolicy } from '../../shared/planning/rules.js';
import { api } from '../api/bridge.js';
import type { FieldErrors } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { CheckboxField, SelectField, TextField } from '../components/fields.js';
import { SectionForm } from '../components/SectionForm.js';
import { CheckboxGroup } from './CheckboxGroup.js';
import { EditableList, withSaved } from './EditableList.js';
import { describeRule } from '../../shared/planning/deadlines.js';
import { CHANGE_KINDS, draftToRule, ruleToDraft, RULE_KINDS, type RuleDraft } from './rules.js';
import { mayDiscard } from '../lib/unsaved.js';

const WEEKDAY_OPTIONS = [1, 2, 3, 4, 5, 6, 7].map((day) => [day, WEEKDAYS_FR[day]!.replace(/^./, (c) => c.toUpperCase())] as const);
const LEVEL_OPTIONS = CLASSES.map((level) => [level, level] as const);
const LATE_POLICIES: Record<LatePolicy, string> = { refuse: 'Refuser', late: 'Accepter en signalant le retard' };
const PERIODS: Record<ServiceConfig['period'], string> = { school: 'Périodes scolaires', holidays: 'Vacances scolaires' };
const KINDS = Object.keys(CHANGE_KINDS) as ChangeKind[];
/** What kind of service it is: the day model and the day list group by it (canteen meals, sessions, days). */
const SERVICE_KINDS: Record<ServiceKind, string> = {
  cantine: 'Restauration scolaire',
  matin: 'Accueil du matin',
  soir: 'Accueil du soir',
  mercredi: 'Mercredi',
  vacances: 'Vacances',
};

/** A service being created: open on school days, the portal's usual deadline (the previous Wednesday at noon). */
const NEW_SERVICE: ServiceInput = {
  id: null,
  code: '',
  name: '',
  kind: 'cantine',
  unit: '',
  withMeal: false,
  capacity: null,
  weekdays: [1, 2, 4, 5],
  period: 'school',
  levels: [],
  schoolIds: [],
  deadlines: { booking: DEFAULT_DEADLINE_RULE, cancel: DEFAULT_DEADLINE_RULE, absence: DEFAULT_DEADLINE_RULE },
  latePolicy: 'refuse',
  autoRules: { absencesOnTime: false, bookingsWithinCapacity: false },
  requiresInscription: true,
  active: true,
};

interface ServiceDraft extends Omit<ServiceInput, 'capacity' | 'deadlines'> {
  capacity: string;
  rules: Record<ChangeKind, RuleDraft>;
}

function toDraft(service: ServiceInput): ServiceDraft {
  const { capacity, deadlines, ...rest } = service;
  return {
    ...rest,
    capacity: capacity === null ? '' : String(capacity),
    rules: { booking: ruleToDraft(deadlines.booking), cancel: ruleToDraft(deadlines.cancel), absence: ruleToDraft(deadlines.absence) },
  };
}

function fromDraft(draft: ServiceDraft): { service: ServiceInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (draft.name.trim() === '') errors.name = 'Le nom est obligatoire.';
  if (!SERVICE_CODE.test(draft.code.trim())) errors.code = SERVICE_CODE_ERROR;
  if (draft.unit.trim() === '') errors.unit = 'L’unité facturée est obligatoire.';
  const capacityText = draft.capacity.trim();
  const capacity = capacityText === '' ? null : Number(capacityText);
  if (capacity !== null && (!Number.isInteger(capacity) || capacity < 0)) errors.capacity = 'Indiquez un nombre entier de places (vide : sans limite).';
  if (draft.weekdays.length === 0) errors.weekdays = 'Choisissez au moins un jour de la semaine.';
  const deadlines = {} as Record<ChangeKind, DeadlineRule>;
  for (const kind of KINDS) {
    const parsed = draftToRule(draft.rules[kind], `deadlines.${kind}`);
    Object.assign(errors, parsed.errors);
    if (parsed.rule) deadlines[kind] = parsed.rule;
  }
  if (Object.keys(errors).length > 0) return { service: null, errors };
  const { rules: _rules, capacity: _capacity, ...rest } = draft;
  return {
    service: { ...rest, code: draft.code.trim(), name: draft.name.trim(), unit: draft.unit.trim(), capacity, deadlines, weekdays: [...draft.weekdays].sort() },
    errors,
  };
}

function RuleEditor({ kind, value, onChange, errors }: { kind: ChangeKind; value: RuleDraft; onChange(next: RuleDraft): void; errors: FieldErrors }) {
  const prefix = `deadlines.${kind}`;
  const parsed = draftToRule(value, prefix).rule;
  return (
    <fieldset className="subpanel rule-editor">
      <legend>Délai : {CHANGE_KINDS[kind]}</legend>
      <div className="form-grid">
        <SelectField path={`${prefix}.kind`} label="Règle" errors={errors} value={value.kind} options={RULE_KINDS} onChange={(next) => onChange({ ...value, kind: next })} />
        {value.kind === 'weekday_of_previous_week' ? (
          <SelectField
            path={`${prefix}.weekday`}
            label="Jour de la semaine précédente"
            errors={errors}
            value={value.weekday}
            options={WEEKDAY_OPTIONS.map(([day, label]) => [String(day), label] as const)}
            onChange={(next) => onChange({ ...value, weekday: next })}
          />
        ) : null}
        {value.kind === 'days_before' || value.kind === 'working_days_before' ? (
          <TextField
            path={`${prefix}.days`}
            label={value.kind === 'days_before' ? 'Nombre de jours avant (J-n)' : 'Nombre de jours ouvrés avant'}
            errors={errors}
            value={value.days}
            inputMode="numeric"
            onChange={(next) => onChange({ ...value, days: next })}
          />
        ) : null}
        {value.kind === 'day_of_previous_month' ? (
          <TextField path={`${prefix}.day`} label="Jour du mois précédent" errors={errors} value={value.day} inputMode="numeric" onChange={(next) => onChange({ ...value, day: next })} />
        ) : null}
        {value.kind !== 'none' ? (
          <TextField path={`${prefix}.time`} label="Heure limite (hh:mm)" errors={errors} value={value.time} onChange={(next) => onChange({ ...value, time: next })} />
        ) : null}
      </div>
      <p className="rule-summary">
        <span className="muted">Règle appliquée : </span>
        {parsed ? describeRule(parsed) : 'à compléter'}
      </p>
    </fieldset>
  );
}

function ServiceForm({ service, schools, onSaved, onClose }: { service: ServiceInput; schools: School[]; onSaved(next: ServiceConfig): void; onClose(): void }) {
  const creating = service.id === null;
  return (
    <SectionForm<ServiceDraft>
      id="service-form"
      title={creating ? 'Nouveau service' : `Modifier : ${service.name}`}
      headerExtra={
        <button type="button" className="button small" onClick={onClose}>
          Fermer
        </button>
      }
      initial={toDraft(service)}
      canEdit
      validate={(draft) => fromDraft(draft).errors}
      save={async (draft) => {
        const { service: value } = fromDraft(draft);
        const result = await api.call('services.save', value!);
        if (result.ok) onSaved(result.value);
        return result;
      }}
    >
      {(draft, setDraft, errors) => (
        <>
          <div className="form-grid">
            <TextField path="name" label="Nom" errors={errors} value={draft.name} onChange={(name) => setDraft({ ...draft, name })} />
            {creating ? (
              <>
                <TextField
                  path="code"
                  label="Code"
                  errors={errors}
                  value={draft.code}
                  hint="Identifiant court, fixé à la création : lettres minuscules, chiffres et _ (ex. : accueil_midi)."
                  onChange={(code) => setDraft({ ...draft, code })}
                />
                <SelectField path="kind" label="Type de service" errors={errors} value={draft.kind} options={SERVICE_KINDS} onChange={(kind) => setDraft({ ...draft, kind })} />
                <CheckboxField path="withMeal" label="Comprend un repas" errors={errors} checked={draft.withMeal} onChange={(withMeal) => setDraft({ ...draft, withMeal })} />
              </>
            ) : null}
            <TextField path="unit" label="Unité facturée" errors={errors} value={draft.unit} onChange={(unit) => setDraft({ ...draft, unit })} hint="repas, présence, demi-journée…" />
            <TextField
              path="capacity"
              label="Capacité par jour"
              errors={errors}
              value={draft.capacity}
              inputMode="numeric"
              hint="Vide : sans limite."
              onChange={(capacity) => setDraft({ ...draft, capacity })}
            />
            <SelectField path="period" label="Période d’ouverture" errors={errors} value={draft.period} options={PERIODS} onChange={(period) => setDraft({ ...draft, period })} />
            <CheckboxGroup path="weekdays" legend="Jours d’ouverture" errors={errors} options={WEEKDAY_OPTIONS} value={draft.weekdays} onChange={(weekdays) => setDraft({ ...draft, weekdays })} />
            <CheckboxGroup
              path="levels"
              legend="Classes servies"
              hint="Aucune cochée : toutes les classes."
              errors={errors}
              options={LEVEL_OPTIONS}
              value={draft.levels as (typeof CLASSES)[number][]}
              onChange={(levels) => setDraft({ ...draft, levels })}
            />
            <CheckboxGroup
              path="schoolIds"
              legend="Écoles servies"
              hint="Aucune cochée : toutes les écoles."
              errors={errors}
              options={schools.map((school) => [school.id, school.name] as const)}
              value={draft.schoolIds}
              onChange={(schoolIds) => setDraft({ ...draft, schoolIds })}
            />
          </div>
          {KINDS.map((kind) => (
            <RuleEditor key={kind} kind={kind} value={draft.rules[kind]} errors={errors} onChange={(rule) => setDraft({ ...draft, rules: { ...draft.rules, [kind]: rule } })} />
          ))}
          <div className="form-grid">
            <SelectField
              path="latePolicy"
              label="Demande hors délai"
              errors={errors}
              value={draft.latePolicy}
              options={LATE_POLICIES}
              onChange={(latePolicy) => setDraft({ ...draft, latePolicy })}
            />
            <CheckboxField
              path="autoRules.absencesOnTime"
              label="Accepter automatiquement les absences déclarées à temps"
              errors={errors}
              checked={draft.autoRules.absencesOnTime}
              onChange={(absencesOnTime) => setDraft({ ...draft, autoRules: { ...draft.autoRules, absencesOnTime } })}
            />
            <CheckboxField
              path="autoRules.bookingsWithinCapacity"
              label="Accepter automatiquement les réservations à temps s’il reste des places"
              errors={errors}
              checked={draft.autoRules.bookingsWithinCapacity}
              onChange={(bookingsWithinCapacity) => setDraft({ ...draft, autoRules: { ...draft.autoRules, bookingsWithinCapacity } })}
            />
            <CheckboxField
              path="requiresInscription"
              label="Inscription au service requise"
              errors={errors}
              checked={draft.requiresInscription}
              onChange={(requiresInscription) => setDraft({ ...draft, requiresInscription })}
            />
            <CheckboxField path="active" label="Service actif" errors={errors} checked={draft.active} onChange={(active) => setDraft({ ...draft, active })} />
          </div>
        </>
      )}
    </SectionForm>
  );
}

export function ServicesSettings() {
  const [services, setServices] = useState<ServiceConfig[] | null>(null);
  const [schools, setSchools] = useState<School[]>([]);
  /** The service open in the form: its id, 'new' for a service being created, or none. */
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('services.list', {}).then((result) => {
      if (result.ok) setServices(result.value);
      else setError(result.error.message);
    });
    void api.call('schools.list', {}).then((result) => {
      if (result.ok) setSchools(result.value);
    });
  }, []);

  const current: ServiceInput | null = editing === 'new' ? NEW_SERVICE : (services?.find((service) => service.id === editing) ?? null);
  return (
    <div className="sections">
      <section className="card" aria-labelledby="services-title">
        <div className="card-header">
          <h2 id="services-title">Services</h2>
          <button type="button" className="button small" onClick={() => mayDiscard() && setEditing('new')} disabled={editing === 'new'}>
            Nouveau service
          </button>
        </div>
        <ErrorBanner message={error} />
        {services === null ? (
          <p className="muted">Chargement des services…</p>
        ) : (
          <EditableList
            caption="Services proposés"
            rows={services}
            name={(service) => service.name}
            editing={editing}
            onEdit={(id) => mayDiscard() && setEditing(id)}
            columns={[
              { header: 'Service', cell: (service) => service.name },
              { header: 'Capacité', cell: (service) => (service.capacity === null ? 'Sans limite' : service.capacity) },
              { header: 'Jours', cell: (service) => service.weekdays.map((day) => WEEKDAYS_FR[day]?.slice(0, 3)).join(', ') },
              { header: 'Délai de réservation', cell: (service) => describeRule(service.deadlines.booking) },
              { header: 'Hors délai', cell: (service) => LATE_POLICIES[service.latePolicy] },
              { header: 'Actif', cell: (service) => (service.active ? 'Oui' : 'Non') },
            ]}
          />
        )}
      </section>
      {current ? (
        <ServiceForm
          key={current.id ?? 'new'}
          service={current}
          schools={schools}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setServices((list) => withSaved(list, saved));
            setEditing(saved.id);
          }}
        />
      ) : null}
    </div>
  );
}
