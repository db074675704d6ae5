import { useCallback, useEffect, useState } from 'react';
import type { ChildSummary, Inscription, ServiceConfig } from '../../shared/api/contract.js';
import { addDays } from '../../shared/calendar/days.js';
import { weekdayNameFr } from '../../shared/calendar/format.js';
import { api } from '../api/bridge.js';
import { useApi, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { DateField } from '../components/fields.js';
import { dayProblem } from '../../shared/validation/fields.js';
import { frenchDay, todayInParis } from '../lib/format.js';
import { useUnsavedChanges } from '../lib/unsaved.js';

function weekdaysText(weekdays: number[]): string {
  return [...weekdays].sort().map(weekdayNameFr).join(', ');
}

/** The end of the school year holding `day`, or of the next one; a year later when none is configured. */
async function schoolYearEnd(day: string): Promise<string> {
  const result = await api.call('calendar.get', { from: day, to: addDays(day, 366) });
  if (result.ok) {
    const year = [...result.value.schoolYears].sort((a, b) => a.endDate.localeCompare(b.endDate)).find((y) => y.endDate >= day);
    if (year) return year.endDate;
  }
  return addDays(day, 365);
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span className="field-error" id={id}>
      {message}
    </span>
  ) : null;
}

function WeekdayBoxes({
  idPrefix,
  allowed,
  value,
  onChange,
  error,
}: {
  idPrefix: string;
  allowed: number[];
  value: number[];
  onChange(days: number[]): void;
  error: string | undefined;
}) {
  return (
    <fieldset className="plain-fieldset field" aria-describedby={error ? `${idPrefix}-error` : undefined}>
      <legend>Jours</legend>
      <div className="weekday-boxes">
        {allowed.map((weekday) => (
          <span key={weekday} className="field-checkbox-inline">
            <input
              id={`${idPrefix}-${weekday}`}
              type="checkbox"
              checked={value.includes(weekday)}
              onChange={(event) =>
                onChange(event.target.checked ? [...value, weekday].sort() : value.filter((day) => day !== weekday))
              }
            />
            <label htmlFor={`${idPrefix}-${weekday}`}>{weekdayNameFr(weekday)}</label>
          </span>
        ))}
      </div>
      <FieldError id={`${idPrefix}-error`} message={error} />
    </fieldset>
  );
}

function DateInput({ id, label, value, onChange, error }: { id: string; label: string; value: string; onChange(value: string): void; error: string | undefined }) {
  return <DateField path={id} label={label} errors={error ? { [id]: error } : {}} value={value} onChange={onChange} />;
}

function NewInscriptionForm({
  childId,
  services,
  siblings,
  onDone,
}: {
  childId: number;
  services: ServiceConfig[];
  siblings: ChildSummary[];
  onDone(count: number): void;
}) {
  const [serviceId, setServiceId] = useState<number | null>(services[0]?.id ?? null);
  const [startDate, setStartDate] = useState(todayInParis);
  const [endDate, setEndDate] = useState('');
  const service = services.find((candidate) => candidate.id === serviceId) ?? null;
  const [weekdays, setWeekdays] = useState<number[]>(service?.weekdays ?? []);
  const [withSiblings, setWithSiblings] = useState<number[]>([]);
  const call = useApi();
  const [local, setLocal] = useState<FieldErrors>({});
  const errors = { ...call.fields, ...local };

  useEffect(() => {
    void schoolYearEnd(todayInParis()).then((end) => setEndDate((current) => current || end));
  }, []);

  async function submit() {
    const problems: FieldErrors = {};
    if (!service) problems.serviceId = 'Choisissez un service.';
    const startProblem = dayProblem(startDate, 'La date de début', 'Indiquez la date de début.');
    const endProblem = dayProblem(endDate, 'La date de fin', 'Indiquez la date de fin.');
    if (startProblem) problems.startDate = startProblem;
    if (endProblem) problems.endDate = endProblem;
    else if (!startProblem && endDate < startDate) problems.endDate = 'La date de fin doit suivre la date de début.';
    if (weekdays.length === 0) problems.weekdays = 'Choisissez au moins un jour de la semaine.';
    setLocal(problems);
    if (Object.keys(problems).length > 0 || !service) return;
    const created = await call.run(() =>
      api.call('inscriptions.create', { childIds: [childId, ...withSiblings], serviceId: service.id, startDate, endDate, weekdays }),
    );
    if (created) onDone(created.length);
  }

  return (
    <form
      className="subpanel"
      aria-labelledby="new-inscription-title"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3 id="new-inscription-title">Nouvelle inscription</h3>
      <div className="form-grid">
        <div className={`field ${errors.serviceId ? 'field-invalid' : ''}`}>
          <label htmlFor="insc-service">Service</label>
          <select
            id="insc-service"
            value={serviceId ?? ''}
            aria-invalid={errors.serviceId ? true : undefined}
            aria-describedby={errors.serviceId ? 'insc-service-error' : undefined}
            onChange={(event) => {
              const next = services.find((candidate) => candidate.id === Number(event.target.value)) ?? null;
              setServiceId(next?.id ?? null);
              setWeekdays(next?.weekdays ?? []);
            }}
          >
            {services.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
          <FieldError id="insc-service-error" message={errors.serviceId} />
        </div>
        <DateInput id="insc-start" label="Du" value={startDate} onChange={setStartDate} error={errors.startDate} />
        <DateInput id="insc-end" label="Au" value={endDate} onChange={setEndDate} error={errors.endDate} />
      </div>
      <WeekdayBoxes idPrefix="insc-day" allowed={service?.weekdays ?? []} value={weekdays} onChange={setWeekdays} error={errors.weekdays} />
      {siblings.length > 0 ? (
        <fieldset className="plain-fieldset field">
          <legend>Inscrire aussi les frères et sœurs</legend>
          {siblings.map((sibling) => (
            <span key={sibling.id} className="field-checkbox-inline">
              <input
                id={`insc-sibling-${sibling.id}`}
                type="checkbox"
                checked={withSiblings.includes(sibling.id)}
                onChange={(event) =>
                  setWithSiblings(event.target.checked ? [...withSiblings, sibling.id] : withSiblings.filter((id) => id !== sibling.id))
                }
              />
              <label htmlFor={`insc-sibling-${sibling.id}`}>
                {sibling.prenom} {sibling.nom}
              </label>
            </span>
          ))}
          <FieldError id="insc-children-error" message={errors.childIds} />
        </fieldset>
      ) : null}
      <ErrorBanner message={call.banner} />
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={call.busy}>
          Inscrire
        </button>
      </div>
    </form>
  );
}

function ChangeInscriptionForm({
  inscription,
  service,
  onDone,
  onCancel,
}: {
  inscription: Inscription;
  service: ServiceConfig | undefined;
  onDone(): void;
  onCancel(): void;
}) {
  const [from, setFrom] = useState(() => (todayInParis() > inscription.startDate ? todayInParis() : inscription.startDate));
  const [endDate, setEndDate] = useState(inscription.endDate);
  const [weekdays, setWeekdays] = useState(inscription.weekdays);
  const call = useApi();
  const [local, setLocal] = useState<FieldErrors>({});
  const errors = { ...call.fields, ...local };
  const prefix = `insc-${inscription.id}`;
  useUnsavedChanges(endDate !== inscription.endDate || JSON.stringify(weekdays) !== JSON.stringify(inscription.weekdays));

  async function submit() {
    const problems: FieldErrors = {};
    const fromProblem = dayProblem(from, 'La date de prise en compte', 'Indiquez la date à partir de laquelle le changement s’applique.');
    const endProblem = dayProblem(endDate, 'La date de fin', 'Indiquez la date de fin.');
    if (fromProblem) problems.from = fromProblem;
    if (endProblem) problems.endDate = endProblem;
    if (weekdays.length === 0) problems.weekdays = 'Choisissez au moins un jour de la semaine.';
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    const saved = await call.run(() => api.call('inscriptions.update', { id: inscription.id, from, endDate, weekdays }));
    if (saved) onDone();
  }

  return (
    <form
      className="subpanel"
      aria-label={`Modifier l’inscription ${inscription.serviceName}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="form-grid">
        <DateInput id={`${prefix}-from`} label="À partir du" value={from} onChange={setFrom} error={errors.from} />
        <DateInput id={`${prefix}-end`} label="Fin de l’inscription" value={endDate} onChange={setEndDate} error={errors.endDate} />
      </div>
      <WeekdayBoxes
        idPrefix={`${prefix}-day`}
        allowed={service?.weekdays ?? inscription.weekdays}
        value={weekdays}
        onChange={setWeekdays}
        error={errors.weekdays}
      />
      <p className="field-hint">Les jours passés ne changent pas. Pour arrêter l’inscription, avancez la date de fin.</p>
      <ErrorBanner message={call.banner} />
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={call.busy}>
          Enregistrer la modification
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Fermer
        </button>
      </div>
    </form>
  );
}

/** The child's inscriptions and the form to register the child (and siblings) to a service. */
export function InscriptionsSection({
  childId,
  familyId,
  canEdit,
  onChanged,
}: {
  childId: number;
  familyId: number;
  canEdit: boolean;
  onChanged(): void;
}) {
  const [inscriptions, setInscriptions] = useState<Inscription[] | null>(null);
  const [services, setServices] = useState<ServiceConfig[]>([]);
  const [siblings, setSiblings] = useState<ChildSummary[]>([]);
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      api.call('inscriptions.list', { childId }).then((result) => {
        if (result.ok) setInscriptions(result.value);
        else setError(result.error.message);
      }),
    [childId],
  );

  useEffect(() => {
    void load();
    void api.call('services.list', {}).then((result) => {
      if (result.ok) setServices(result.value.filter((service) => service.active));
    });
    void api.call('families.get', { id: familyId }).then((result) => {
      if (result.ok) setSiblings(result.value.children.filter((child) => child.id !== childId && !child.archived));
    });
  }, [load, familyId, childId]);

  return (
    <section className="card" aria-labelledby="inscriptions-title">
      <div className="card-header">
        <h2 id="inscriptions-title">Inscriptions</h2>
        {canEdit && !adding ? (
          <button type="button" className="button" onClick={() => { setAdding(true); setNote(null); }}>
            Nouvelle inscription
          </button>
        ) : null}
      </div>
      <ErrorBanner message={error} />
      <SuccessNote message={note} />
      {inscriptions === null ? (
        <p className="muted">Chargement…</p>
      ) : inscriptions.length === 0 ? (
        <p className="muted">Aucune inscription.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Période</th>
                <th scope="col">Jours</th>
                {canEdit ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {inscriptions.map((inscription) => (
                <tr key={inscription.id}>
                  <td>{inscription.serviceName}</td>
                  <td>
                    du {frenchDay(inscription.startDate)} au {frenchDay(inscription.endDate)}
                  </td>
                  <td>{weekdaysText(inscription.weekdays)}</td>
                  {canEdit ? (
                    <td>
                      <button
                        type="button"
                        className="button small"
                        aria-label={`Modifier à partir du… (${inscription.serviceName})`}
                        onClick={() => setChanging(inscription.id)}
                      >
                        Modifier à partir du…
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {changing !== null
        ? (() => {
            const inscription = inscriptions?.find((candidate) => candidate.id === changing);
            return inscription ? (
              <ChangeInscriptionForm
                key={inscription.id}
                inscription={inscription}
                service={services.find((service) => service.id === inscription.serviceId)}
                onCancel={() => setChanging(null)}
                onDone={() => {
                  setChanging(null);
                  setNote('Inscription modifiée.');
                  void load();
                  onChanged();
                }}
              />
            ) : null;
          })()
        : null}
      {adding && services.length > 0 ? (
        <NewInscriptionForm
          childId={childId}
          services={services}
          siblings={siblings}
          onDone={(count) => {
            setAdding(false);
            setNote(count > 1 ? `${count} enfants inscrits.` : 'Inscription enregistrée.');
            void load();
            onChanged();
          }}
        />
      ) : null}
    </section>
  );
}
