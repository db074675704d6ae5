import type { CustomField } from '../../shared/api/contract.js';
import type { FieldErrors } from '../api/useApi.js';
import { CheckboxField, TextField } from './fields.js';

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
        return (
          <TextField key={key} path={path} errors={errors} label={field.label} type={field.kind === 'date' ? 'date' : 'text'} value={current} onChange={set} />
        );
      })}
    </div>
  );
}
