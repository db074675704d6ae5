import type { FieldErrors } from '../api/useApi.js';
import { fieldId } from '../components/fields.js';
import type { BracketDraft } from './tariff-draft.js';

/** One input of the grid: labelled for screen readers (the table's header is visual only), its error just below. */
function CellInput({ path, label, value, errors, onChange }: { path: string; label: string; value: string; errors: FieldErrors; onChange(next: string): void }) {
  const error = errors[path];
  const id = fieldId(path);
  return (
    <div className={`cell-field ${error ? 'field-invalid' : ''}`}>
      <input
        id={id}
        name={path}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        size={8}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {error ? (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/**
 * The QF grid as a table: one row per bracket, « QF jusqu’à » (the bracket's ceiling, included), the resident and
 * non-resident prices in euros. The last row is open (« au-delà » of the previous ceiling): the office refuses a grid
 * whose last bracket has a ceiling, so the form never asks for one.
 */
export function BracketTable({ rows, errors, onChange }: { rows: BracketDraft[]; errors: FieldErrors; onChange(next: BracketDraft[]): void }) {
  const set = (index: number, patch: Partial<BracketDraft>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const add = () => onChange([...rows.slice(0, -1), { upTo: '', resident: '', nonResident: '' }, ...rows.slice(-1)]);
  const remove = (index: number) => onChange(rows.filter((_, i) => i !== index));
  const gridError = errors['pricing.brackets'];
  return (
    <fieldset className="subpanel" aria-describedby={gridError ? 'bracket-grid-error' : undefined}>
      <legend>Grille par quotient familial</legend>
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">Prix par tranche de quotient familial (QF en euros, plafond inclus)</caption>
          <thead>
            <tr>
              <th scope="col">Tranche</th>
              <th scope="col">QF jusqu’à (€)</th>
              <th scope="col">Prix résident (€)</th>
              <th scope="col">Prix non-résident (€)</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const n = index + 1;
              const path = `pricing.brackets.${index}`;
              const last = index === rows.length - 1;
              const previous = index > 0 ? rows[index - 1]!.upTo.trim() : '';
              return (
                <tr key={index}>
                  <th scope="row">{n}</th>
                  <td>
                    {last ? (
                      <>
                        <span>{index === 0 ? 'tout QF' : `au-delà${previous ? ` de ${previous}` : ''}`}</span>
                        {errors[`${path}.upTo`] ? (
                          <span className="field-error" id={`${fieldId(`${path}.upTo`)}-error`}>
                            {errors[`${path}.upTo`]}
                          </span>
                        ) : null}
                      </>
                    ) : (
                      <CellInput path={`${path}.upTo`} label={`QF jusqu’à, tranche ${n}`} value={row.upTo} errors={errors} onChange={(upTo) => set(index, { upTo })} />
                    )}
                  </td>
                  <td>
                    <CellInput path={`${path}.residentCents`} label={`Prix résident, tranche ${n}`} value={row.resident} errors={errors} onChange={(resident) => set(index, { resident })} />
                  </td>
                  <td>
                    <CellInput
                      path={`${path}.nonResidentCents`}
                      label={`Prix non-résident, tranche ${n}`}
                      value={row.nonResident}
                      errors={errors}
                      onChange={(nonResident) => set(index, { nonResident })}
                     
                    />
                  </td>
                  <td>
                    {rows.length > 1 ? (
                      <button type="button" className="button link danger" aria-label={`Supprimer la tranche ${n}`} onClick={() => remove(index)}>
                        Supprimer
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {gridError ? (
        <p className="field-error" id="bracket-grid-error">
          {gridError}
        </p>
      ) : null}
      <button type="button" className="button small" onClick={add}>
        Ajouter une tranche
      </button>
      <p className="muted">Le plafond est inclus dans sa tranche ; la dernière tranche n’a pas de plafond.</p>
    </fieldset>
  );
}
