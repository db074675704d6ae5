import type { CustomField } from '../../shared/api/contract.js';
import { CUSTOM_NO, CUSTOM_YES } from '../../shared/families/custom-fields.js';
import { dayProblem } from '../../shared/validation/fields.js';
import type { FieldErrors } from '../api/useApi.js';
import { CheckboxField, DateField, TextField } from './fields.js';

/** The client-side check of the commune's fields: a date field holding text that is not a real day (see typedDay). */
export function checkCustomValues(fields: CustomField[], value: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of fields) {
    const problem = field.kind === 'date' ? dayProblem(value[String(field.id)] ?? '', field.label) : null;
    if (problem) errors[`custom.${field.id}`] = problem;
  }
  return errors;
}

/** Commune-defined extra fields; values as text keyed by the field id, as src/shared/families/custom-fields.ts stores them. */
export function CustomFieldsEditor({
  fields,
  value,
  onChange,
  errors,
}: {
  fields: CustomField[];
  value: Record<string, string>;
  onChange(value: Record<string, string>): void;
  errors: FieldErrors;
}) {
  if (fields.length === 0) return <p className="muted">Aucun champ complémentaire n’est défini pour la commune (un administrateur les définit dans Paramètres › Champs complémentaires).</p>;
  return (
    <div className="form-grid">
      {fields.map((field) => {
        const key = String(field.id);
        const path = `custom.${key}`;
        const current = value[key] ?? '';
        const set = (next: string) => onChange({ ...value, [key]: next });
        if (field.kind === 'boolean') {
          return <CheckboxField key={key} path={path} errors={errors} label={field.label} checked={current === CUSTOM_YES} onChange={(checked) => set(checked ? CUSTOM_YES : CUSTOM_NO)} />;
        }
        if (field.kind === 'date') return <DateField key={key} path={path} errors={errors} label={field.label} value={current} onChange={set} />;
        return <TextField key={key} path={path} errors={errors} label={field.label} value={current} onChange={set} />;
      })}
    </div>
  );
}
