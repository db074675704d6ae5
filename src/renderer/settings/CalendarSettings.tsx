import { useCallback, useEffect, useState } from 'react';
import type { CalendarPeriod, CalendarView, SchoolYear, ServiceConfig } from '../../shared/api/contract.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import type { Result } from '../../shared/result.js';
import { api } from '../api/bridge.js';
import { useApi, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { DateField, SelectField, TextField } from '../components/fields.js';
import { SectionForm } from '../components/SectionForm.js';
import { dayProblem } from '../../shared/validation/fields.js';
import { frenchDay, todayInParis } from '../lib/format.js';
import { mayDiscard } from '../lib/unsaved.js';

const PERIOD_KINDS: Record<CalendarPeriod['kind'], string> = {
  holidays: 'Vacances',
  bridge: 'Pont',
  closure: 'Fermeture exceptionnelle',
};

type PeriodDraft = Omit<CalendarPeriod, 'id' | 'serviceId'> & { id: number | null; serviceId: string };
type YearDraft = Omit<SchoolYear, 'id'> & { id: number | null };

function checkRange(draft: { startDate: string; endDate: string }): FieldErrors {
  const errors: FieldErrors = {};
  const startProblem = dayProblem(draft.startDate, 'La date de début', 'Indiquez la date de début.');
  const endProblem = dayProblem(draft.endDate, 'La date de fin', 'Indiquez la date de fin.');
  if (startProblem) errors.startDate = startProblem;
  if (endProblem) errors.endDate = endProblem;
  else if (!startProblem && draft.endDate < draft.startDate) errors.endDate = 'La date de fin doit suivre la date de début.';
  return errors;
}

function PeriodForm({ initial, services, onDone }: { initial: PeriodDraft; services: ServiceConfig[]; onDone(): void }) {
  return (
    <SectionForm<PeriodDraft>
      id="period-form"
      title={initial.id === null ? 'Nouvelle période' : `Modifier : ${initial.label}`}
      initial={initial}
      canEdit
      validate={(draft) => ({ ...(draft.label.trim() === '' ? { label: 'Le libellé est obligatoire.' } : {}), ...checkRange(draft) })}
      save={async (draft) => {
        const result = await api.call('calendar.savePeriod', {
          ...draft,
          label: draft.label.trim(),
          serviceId: draft.serviceId === '' ? null : Number(draft.serviceId),
        });
        if (result.ok) onDone();
        return result;
      }}
    >
      {(draft, setDraft, errors) => (
        <div className="form-grid">
          <SelectField path="kind" label="Type" errors={errors} value={draft.kind} options={PERIOD_KINDS} onChange={(kind) => setDraft({ ...draft, kind })} />
          <TextField path="label" label="Libellé" errors={errors} value={draft.label} onChange={(label) => setDraft({ ...draft, label })} />
          <DateField path="startDate" label="Du" errors={errors} value={draft.startDate} onChange={(startDate) => setDraft({ ...draft, startDate })} />
          <DateField path="endDate" label="Au (inclus)" errors={errors} value={draft.endDate} onChange={(endDate) => setDraft({ ...draft, endDate })} />
          <SelectField
            path="serviceId"
            label="Service concerné"
            errors={errors}
            value={draft.serviceId}
            options={[['', 'Tous les services'] as const, ...services.map((service) => [String(service.id), service.name] as const)]}
            onChange={(serviceId) => setDraft({ ...draft, serviceId })}
          />
        </div>
      )}
    </SectionForm>
  );
}

function YearForm({ initial, onDone }: { initial: YearDraft; onDone(): void }) {
  return (
    <SectionForm<YearDraft>
      id="year-form"
      title={initial.id === null ? 'Nouvelle année scolaire' : `Modifier l’année ${initial.label}`}
      initial={initial}
      canEdit
      validate={(draft) => ({ ...(/^\d{4}-\d{4}$/.test(draft.label) ? {} : { label: 'Libellé attendu : 2026-2027.' }), ...checkRange(draft) })}
      save={async (draft) => {
        const result = await api.call('calendar.saveSchoolYear', draft);
        if (result.ok) onDone();
        return result;
      }}
    >
      {(draft, setDraft, errors) => (
        <div className="form-grid">
          <TextField path="label" label="Année scolaire" errors={errors} value={draft.label} onChange={(label) => setDraft({ ...draft, label })} />
          <DateField path="startDate" label="Rentrée" errors={errors} value={draft.startDate} onChange={(startDate) => setDraft({ ...draft, startDate })} />
          <DateField path="endDate" label="Dernier jour de classe" errors={errors} value={draft.endDate} onChange={(endDate) => setDraft({ ...draft, endDate })} />
        </div>
      )}
    </SectionForm>
  );
}

export function CalendarSettings() {
  const [year, setYear] = useState(() => Number(todayInParis().slice(0, 4)));
  const [view, setView] = useState<CalendarView | null>(null);
  const [services, setServices] = useState<ServiceConfig[]>([]);
  const [editingPeriod, setEditingPeriod] = useState<PeriodDraft | null>(null);
  const [editingYear, setEditingYear] = useState<YearDraft | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const call = useApi();

  const applyView = useCallback((result: Result<CalendarView>) => {
    if (result.ok) setView(result.value);
    else setLoadError(result.error.message);
  }, []);
  // The school years around the chosen year, so a year's periods are all visible whichever half it starts in.
  const fetchView = useCallback(() => api.call('calendar.get', { from: `${year - 1}-08-01`, to: `${year + 1}-08-31` }), [year]);
  const load = useCallback(async () => applyView(await fetchView()), [applyView, fetchView]);

  useEffect(() => {
    void fetchView().then(applyView);
  }, [fetchView, applyView]);
  useEffect(() => {
    void api.call('services.list', {}).then((result) => {
      if (result.ok) setServices(result.value);
    });
  }, []);

  // One form open at a time: both use the same field names, and the agent edits one thing at once.
  // Opening another form replaces the one on screen: its unsaved changes are asked about first.
  function editYear(draft: YearDraft) {
    if (!mayDiscard()) return;
    setEditingPeriod(null);
    setEditingYear(draft);
  }
  function editPeriod(draft: PeriodDraft) {
    if (!mayDiscard()) return;
    setEditingYear(null);
    setEditingPeriod(draft);
  }

  async function remove(period: CalendarPeriod) {
    // The office answers null on success, so the outcome is read from the result, not from run()'s value.
    let removed = false;
    await call.run(async () => {
      const result = await api.call('calendar.removePeriod', { id: period.id });
      removed = result.ok;
      return result;
    });
    setConfirming(null);
    if (removed) {
      setNote(`Période « ${period.label} » supprimée.`);
      await load();
    }
  }

  const serviceName = (id: number | null) => (id === null ? 'Tous les services' : (services.find((service) => service.id === id)?.name ?? `Service ${id}`));
  const holidays = (view?.publicHolidays ?? []).filter((holiday) => holiday.day.startsWith(String(year)));

  return (
    <div className="sections">
      <div className="search-bar">
        <div className="field">
          <label htmlFor="calendar-year">Année civile affichée</label>
          <select id="calendar-year" value={year} onChange={(event) => setYear(Number(event.target.value))}>
            {[year - 2, year - 1, year, year + 1, year + 2].map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </div>
        <SuccessNote message={note} />
      </div>
      <ErrorBanner message={call.banner ?? loadError} />

      <section className="card" aria-labelledby="years-title">
        <div className="card-header">
          <h2 id="years-title">Années scolaires</h2>
          <button type="button" className="button small" onClick={() => editYear({ id: null, label: '', startDate: '', endDate: '' })}>
            Ajouter une année scolaire
          </button>
        </div>
        <ul className="plain-list">
          {(view?.schoolYears ?? []).map((schoolYear) => (
            <li key={schoolYear.id}>
              {/* One item for the list's flex row: its gap never stands before the colon. */}
              <span>
                <strong>{schoolYear.label}</strong> : du {frenchDay(schoolYear.startDate)} au {frenchDay(schoolYear.endDate)}
              </span>
              <button type="button" className="button link" aria-label={`Modifier l’année ${schoolYear.label}`} onClick={() => editYear({ ...schoolYear })}>
                Modifier
              </button>
            </li>
          ))}
        </ul>
      </section>
      {editingYear ? (
        <YearForm
          key={editingYear.id ?? 'new'}
          initial={editingYear}
          onDone={() => {
            setNote('Année scolaire enregistrée.');
            setEditingYear(null);
            void load();
          }}
        />
      ) : null}

      <section className="card" aria-labelledby="periods-title">
        <div className="card-header">
          <h2 id="periods-title">Vacances, ponts et fermetures</h2>
          <button
            type="button"
            className="button small"
            onClick={() => editPeriod({ id: null, kind: 'closure', label: '', startDate: '', endDate: '', serviceId: '' })}
          >
            Ajouter une période
          </button>
        </div>
        {view === null ? (
          <p className="muted">Chargement du calendrier…</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">Périodes de fermeture</caption>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Libellé</th>
                  <th scope="col">Du</th>
                  <th scope="col">Au</th>
                  <th scope="col">Service</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.periods.map((period) => (
                  <tr key={period.id}>
                    <td>{PERIOD_KINDS[period.kind]}</td>
                    <th scope="row">{period.label}</th>
                    <td className="nowrap">{frenchDay(period.startDate)}</td>
                    <td className="nowrap">{frenchDay(period.endDate)}</td>
                    <td>{serviceName(period.serviceId)}</td>
                    <td className="nowrap">
                      <button
                        type="button"
                        className="button link"
                        aria-label={`Modifier ${period.label}`}
                        onClick={() => editPeriod({ ...period, serviceId: period.serviceId === null ? '' : String(period.serviceId) })}
                      >
                        Modifier
                      </button>
                      {confirming === period.id ? (
                        <>
                          <button type="button" className="button link danger" onClick={() => void remove(period)}>
                            Confirmer la suppression
                          </button>
                          <button type="button" className="button link" onClick={() => setConfirming(null)}>
                            Garder
                          </button>
                        </>
                      ) : (
                        <button type="button" className="button link danger" aria-label={`Supprimer ${period.label}`} onClick={() => setConfirming(period.id)}>
                          Supprimer
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {editingPeriod ? (
        <PeriodForm
          key={editingPeriod.id ?? 'new'}
          initial={editingPeriod}
          services={services}
          onDone={() => {
            setNote('Période enregistrée.');
            setEditingPeriod(null);
            void load();
          }}
        />
      ) : null}

      <section className="card" aria-labelledby="holidays-title">
        <h2 id="holidays-title">Jours fériés {year}</h2>
        <p className="muted">Calculés automatiquement (lundi de Pâques, Ascension et lundi de Pentecôte compris) : non modifiables.</p>
        <ul className="plain-list">
          {holidays.map((holiday) => (
            <li key={holiday.day}>
              {formatDayFr(holiday.day)} : {holiday.label}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
