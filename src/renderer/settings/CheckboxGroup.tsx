import type { FieldErrors } from '../api/useApi.js';
import { fieldId } from '../components/fields.js';

/** A set of checkboxes under one legend; the group's error sits under it and is announced with each box. */
export function CheckboxGroup<V extends string | number>({
  path,
  legend,
  options,
  value,
  onChange,
  errors,
  hint,
}: {
  path: string;
  legend: string;
  options: readonly (readonly [V, string])[];
  value: readonly V[];
  onChange(value: V[]): void;
  errors: FieldErrors;
  hint?: string;
}) {
  const error = errors[path];
  const errorId = `${fieldId(path)}-error`;
  const hintId = `${fieldId(path)}-hint`;
  const describedBy = [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={`checkbox-group field-wide ${error ? 'field-invalid' : ''}`} aria-describedby={describedBy}>
      <legend>{legend}</legend>
      <div className="checkbox-row">
        {options.map(([option, label]) => {
          const id = `${fieldId(path)}-${String(option)}`;
          return (
            <span key={String(option)} className="checkbox-item">
              <input
                id={id}
                type="checkbox"
                checked={value.includes(option)}
                aria-invalid={error ? true : undefined}
                onChange={(event) => onChange(event.target.checked ? [...value, option] : value.filter((item) => item !== option))}
              />
              <label htmlFor={id}>{label}</label>
            </span>
          );
        })}
      </div>
      {hint ? (
        <span className="field-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
