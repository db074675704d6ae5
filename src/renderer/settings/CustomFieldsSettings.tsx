import { useEffect, useState } from 'react';
import type { CustomField } from '../../shared/api/contract.js';
import { customFieldLabelProblem, CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_KINDS } from '../../shared/families/custom-fields.js';
import { api } from '../api/bridge.js';
import type { FieldErrors } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { CheckboxField, SelectField, TextField } from '../components/fields.js';
import { SectionForm } from '../components/SectionForm.js';
import { EditableList, withSaved } from './EditableList.js';
import { mayDiscard } from '../lib/unsaved.js';

/**
 * Paramètres › Champs complémentaires: the fields the office adds to every family or child file (« Transport scolaire »,
 * « Droit à l'image »…). A field's record type and kind are chosen once, at creation: values already typed must keep
 * their meaning; a field no longer wanted is deactivated, never deleted.
 */

type Draft = Omit<CustomField, 'id'> & { id: number | null };

const NEW_FIELD: Draft = { id: null, entity: 'child', label: '', kind: 'text', active: true };

function check(draft: Draft): FieldErrors {
  const problem = customFieldLabelProblem(draft.label);
  return problem ? { label: problem } : {};
}

function FieldForm({ field, onSaved, onClose }: { field: Draft; onSaved(saved: CustomField): void; onClose(): void }) {
  const creating = field.id === null;
  return (
    <SectionForm<Draft>
      id="custom-field-form"
      title={creating ? 'Nouveau champ complémentaire' : `Modifier : ${field.label}`}
      initial={field}
      canEdit
      validate={check}
      headerExtra={
        <button type="button" className="button small" onClick={onClose}>
          Fermer
        </button>
      }
      save={async (draft) => {
        const result = await api.call('customFields.save', { ...draft, label: draft.label.trim() });
        if (result.ok) onSaved(result.value);
        return result;
      }}
    >
      {(draft, setDraft, errors) => (
        <div className="form-grid">
          {creating ? (
            <>
              <SelectField path="entity" label="Fiche" errors={errors} value={draft.entity} options={CUSTOM_FIELD_ENTITIES} onChange={(entity) => setDraft({ ...draft, entity })} />
              <SelectField path="kind" label="Type" errors={errors} value={draft.kind} options={CUSTOM_FIELD_KINDS} onChange={(kind) => setDraft({ ...draft, kind })} />
            </>
          ) : (
            <p className="field-hint">
              Fiche {CUSTOM_FIELD_ENTITIES[draft.entity].toLowerCase()}, type {CUSTOM_FIELD_KINDS[draft.kind].toLowerCase()} : fixés à la création,
              pour que les valeurs déjà saisies gardent leur sens.
            </p>
          )}
          <TextField path="label" label="Libellé" errors={errors} value={draft.label} onChange={(label) => setDraft({ ...draft, label })} />
          <CheckboxField
            path="active"
            label="Champ actif (affiché dans les fiches)"
            errors={errors}
            checked={draft.active}
            onChange={(active) => setDraft({ ...draft, active })}
          />
        </div>
      )}
    </SectionForm>
  );
}

export function CustomFieldsSettings() {
  const [fields, setFields] = useState<CustomField[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | 'new' | null>(null);

  useEffect(() => {
    void api.call('customFields.list', {}).then((result) => {
      if (result.ok) setFields(result.value);
      else setError(result.error.message);
    });
  }, []);

  const current: Draft | null = editing === 'new' ? NEW_FIELD : (fields?.find((field) => field.id === editing) ?? null);
  return (
    <div className="sections">
      <section className="card" aria-labelledby="custom-fields-title">
        <div className="card-header">
          <h2 id="custom-fields-title">Champs complémentaires</h2>
          <button type="button" className="button small" onClick={() => mayDiscard() && setEditing('new')} disabled={editing === 'new'}>
            Nouveau champ
          </button>
        </div>
        <p className="field-hint">Des informations propres à la commune, ajoutées à chaque fiche famille ou enfant.</p>
        <ErrorBanner message={error} />
        {fields === null ? (
          <p className="muted">Chargement des champs…</p>
        ) : fields.length === 0 ? (
          <p className="muted">Aucun champ complémentaire pour l’instant : « Nouveau champ » en ajoute un.</p>
        ) : (
          <EditableList
            caption="Champs complémentaires définis"
            rows={fields}
            name={(field) => field.label}
            editing={editing}
            onEdit={(id) => mayDiscard() && setEditing(id)}
            columns={[
              { header: 'Libellé', cell: (field) => field.label },
              { header: 'Fiche', cell: (field) => CUSTOM_FIELD_ENTITIES[field.entity] },
              { header: 'Type', cell: (field) => CUSTOM_FIELD_KINDS[field.kind] },
              { header: 'Actif', cell: (field) => (field.active ? 'Oui' : 'Non') },
            ]}
          />
        )}
      </section>
      {current ? (
        <FieldForm
          key={current.id ?? 'new'}
          field={current}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setFields((list) => withSaved(list, saved).sort((a, b) => a.entity.localeCompare(b.entity) || a.label.localeCompare(b.label, 'fr')));
            setEditing(saved.id);
          }}
        />
      ) : null}
    </div>
  );
}
