import { useEffect, useState } from 'react';
import type { MealCounts } from '../../shared/api/contract.js';
import { addDays } from '../../shared/calendar/days.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { regimeLabel } from '../lib/format.js';

const sum = (values: number[] | undefined) => (values ?? []).reduce((total, value) => total + value, 0);

/** The kitchen's count: meals per day and school for the ten days from `from`; PAI baskets apart. */
export function MealsPanel({ from, version }: { from: string; version: number }) {
  const [meals, setMeals] = useState<MealCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.call('planning.meals', { from, to: addDays(from, 9) }).then((result) => {
      if (result.ok) {
        setMeals(result.value);
        setError(null);
      } else {
        setError(result.error.message);
      }
    });
  }, [from, version]);

  return (
    <section className="card" aria-labelledby="meals-title">
      <h2 id="meals-title">Repas des 10 prochains jours</h2>
      <ErrorBanner message={error} />
      {meals === null ? null : meals.days.length === 0 ? (
        <p className="muted">Aucun repas prévu.</p>
      ) : (
        <div className="table-scroll">
          <table className="table meals-table">
            <caption className="visually-hidden">Repas par jour et par école ; les paniers PAI sont comptés à part.</caption>
            <thead>
              <tr>
                <th scope="col">Jour</th>
                {meals.schools.map((school) => (
                  <th scope="col" key={school}>
                    {school}
                  </th>
                ))}
                <th scope="col">Total repas</th>
                <th scope="col">Paniers PAI</th>
                <th scope="col">Régimes</th>
              </tr>
            </thead>
            <tbody>
              {meals.days.map((day, dayIndex) => (
                <tr key={day} data-day={day}>
                  <th scope="row">{formatDayFr(day)}</th>
                  {meals.schools.map((school, schoolIndex) => (
                    <td key={school}>
                      {meals.meals[dayIndex]?.[schoolIndex] ?? 0}
                      {(meals.paiBasket[dayIndex]?.[schoolIndex] ?? 0) > 0 ? (
                        <span className="muted"> (+{meals.paiBasket[dayIndex]?.[schoolIndex]} PAI)</span>
                      ) : null}
                    </td>
                  ))}
                  <td className="meal-total">{sum(meals.meals[dayIndex])}</td>
                  <td>{sum(meals.paiBasket[dayIndex])}</td>
                  <td>
                    {meals.regimes
                      .filter((regime) => regime.day === day)
                      .map((regime) => `${regimeLabel(regime.regime)} : ${regime.count}`)
                      .join(', ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
