import type { CustomField } from '../../shared/api/contract.js';
import { CUSTOM_NO, CUSTOM_YES } from '../../shared/families/custom-fields.js';
import type { FieldErrors } from '../api/useApi.js';
import { CheckboxField, TextField } from './fields.js';

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
        return (
          <TextField key={key} path={path} errors={errors} label={field.label} type={field.kind === 'date' ? 'date' : 'text'} value={current} onChange={set} />
        );
      })}
    </div>
  );
}
