import type { CustomField } from '../../shared/api/contract.js';
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

/** Commune-defined extra fields; values stored as text keyed by the field id ('oui' / '' for yes-no fields). */
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
  if (fields.length === 0) return <p className="muted">Aucun champ complémentaire n’est défini pour la commune.</p>;
  return (
    <div className="form-grid">
      {fields.map((field) => {
        const key = String(field.id);
        const path = `custom.${key}`;
        const current = value[key] ?? '';
        const set = (next: string) => onChange({ ...value, [key]: next });
        if (field.kind === 'boolean') {
          return <CheckboxField key={key} path={path} errors={errors} label={field.label} checked={current === 'oui'} onChange={(checked) => set(checked ? 'oui' : '')} />;
        }
        if (field.kind === 'date') return <DateField key={key} path={path} errors={errors} label={field.label} value={current} onChange={set} />;
        return <TextField key={key} path={path} errors={errors} label={field.label} value={current} onChange={set} />;
      })}
    </div>
  );
}
