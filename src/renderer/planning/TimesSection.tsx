import { useState } from 'react';
import type { DayChild, DayList } from '../../shared/api/contract.js';
import { pointedTimesProblems } from '../../shared/planning/times.js';
import { api } from '../api/bridge.js';
import { SuccessNote } from '../components/Banner.js';

/**
 * Arrival and departure of the children pointed present, for a service billed by time (the tariff in force that day
 * bills per block of minutes). Checked here and by the office with the same shared rule; empty both to clear.
 */
export function TimesSection({ list, canMark, onSaved }: { list: DayList; canMark: boolean; onSaved(): void }) {
  const present = list.children.filter((child) => child.attendance === 'present');
  return (
    <section className="card" aria-labelledby="day-times-title">
      <h2 id="day-times-title">Heures d’arrivée et de départ</h2>
      <p className="muted">Service facturé au temps : saisissez les heures des enfants présents (hh:mm).</p>
      {present.length === 0 ? (
        <p className="muted">Aucun enfant pointé présent.</p>
      ) : (
        <div className="table-scroll">
          <table className="table times-table">
            <caption className="visually-hidden">Heures d’arrivée et de départ des enfants présents</caption>
            <thead>
              <tr>
                <th scope="col">Enfant</th>
                <th scope="col">Arrivée</th>
                <th scope="col">Départ</th>
                {canMark ? <th scope="col">Enregistrer</th> : null}
              </tr>
            </thead>
            <tbody>
              {present.map((child) => (
                <TimesRow key={`${list.serviceId}|${list.day}|${child.childId}`} list={list} child={child} canMark={canMark} onSaved={onSaved} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function TimesRow({ list, child, canMark, onSaved }: { list: DayList; child: DayChild; canMark: boolean; onSaved(): void }) {
  const [arrival, setArrival] = useState(child.arrival ?? '');
  const [departure, setDeparture] = useState(child.departure ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const name = `${child.prenom} ${child.nom}`;
  const idOf = (field: string) => `times-${child.childId}-${field}`;

  if (!canMark) {
    return (
      <tr>
        <th scope="row">{name}</th>
        <td>{child.arrival ?? '—'}</td>
        <td>{child.departure ?? '—'}</td>
      </tr>
    );
  }

  async function save() {
    const times = { arrival: arrival.trim() || null, departure: departure.trim() || null };
    setSaved(null);
    const problems = pointedTimesProblems(times);
    if (problems) return setErrors(problems as Record<string, string>);
    setSaving(true);
    const result = await api.call('planning.setTimes', { childId: child.childId, serviceId: list.serviceId, day: list.day, ...times });
    setSaving(false);
    if (!result.ok) return setErrors(result.error.fields ?? { arrival: result.error.message });
    setErrors({});
    setSaved('Heures enregistrées.');
    onSaved();
  }

  const field = (key: 'arrival' | 'departure', label: string, value: string, set: (next: string) => void) => (
    <td>
      <input
        id={idOf(key)}
        type="text"
        inputMode="numeric"
        placeholder="hh:mm"
        size={6}
        aria-label={`${label} de ${name}`}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `${idOf(key)}-error` : undefined}
        value={value}
        onChange={(event) => set(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void save();
        }}
      />
      {errors[key] ? (
        <span className="field-error" id={`${idOf(key)}-error`}>
          {errors[key]}
        </span>
      ) : null}
    </td>
  );

  return (
    <tr>
      <th scope="row">{name}</th>
      {field('arrival', 'Arrivée', arrival, setArrival)}
      {field('departure', 'Départ', departure, setDeparture)}
      <td>
        <button type="button" className="button small" disabled={saving} onClick={() => void save()} aria-label={`Enregistrer les heures de ${name}`}>
          Enregistrer
        </button>
        <SuccessNote message={saved} />
      </td>
    </tr>
  );
}
