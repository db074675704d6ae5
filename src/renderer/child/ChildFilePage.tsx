import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChildFile, CustomField, School } from '../../shared/api/contract.js';
import { childSchemas, type ChildPatch } from '../../shared/children/input.js';
import { api } from '../api/bridge.js';
import { issuesToFields, useApi, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { CustomFieldsEditor } from '../components/CustomFieldsEditor.js';
import { History } from '../components/History.js';
import { PrintButton } from '../components/PrintButton.js';
import { SectionForm } from '../components/SectionForm.js';
import { Tabs } from '../components/Tabs.js';
import { frenchDay, todayInParis } from '../lib/format.js';
import { routeHref } from '../lib/route.js';
import { AuthorisationsEditor, HealthEditor, IdentityEditor, PersonsEditor } from './editors.js';
import { PhotoSection } from './PhotoSection.js';
import { ChildPlanningPanel } from '../planning/ChildPlanningPanel.js';

type Tab = 'dossier' | 'planning' | 'historique';

export function check(schema: { safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, prefix: string): FieldErrors {
  const parsed = schema.safeParse(value);
  return parsed.success || !parsed.error ? {} : issuesToFields(parsed.error.issues, prefix);
}

export function useSchools(): School[] {
  const [schools, setSchools] = useState<School[]>([]);
  useEffect(() => {
    void api.call('schools.list', {}).then((result) => {
      if (result.ok) setSchools(result.value);
    });
  }, []);
  return schools;
}

export function ChildFilePage({ id }: { id: number }) {
  const [child, setChild] = useState<ChildFile | null>(null);
  const [customFields, setCustomFields] = useState<CustomField[]>([]);
  const [tab, setTab] = useState<Tab>('dossier');
  const schools = useSchools();
  const [loadError, setLoadError] = useState<string | null>(null);
  const archiver = useApi();
  const schemas = useMemo(() => childSchemas(todayInParis()), []);

  useEffect(() => {
    void api.call('children.get', { id }).then((result) => {
      if (result.ok) setChild(result.value);
      else setLoadError(result.error.message);
    });
    void api.call('customFields.list', {}).then((result) => {
      if (result.ok) setCustomFields(result.value.filter((field) => field.entity === 'child' && field.active));
    });
  }, [id]);

  const loadHistory = useCallback(() => api.call('audit.forChild', { childId: id }), [id]);

  if (!child) {
    return (
      <main className="page">
        <ErrorBanner message={loadError} />
        {loadError ? null : <p className="muted">Chargement de la fiche…</p>}
      </main>
    );
  }

  const canEdit = child.actions.edit && child.archivedAt === null;
  const { data } = child;
  const identity = data.identity;

  async function update(patch: ChildPatch) {
    const result = await api.call('children.update', { id, patch });
    if (result.ok) setChild(result.value);
    return result;
  }

  async function toggleArchive() {
    const archiving = child?.archivedAt === null;
    if (archiving && !window.confirm('Archiver la fiche de cet enfant ?')) return;
    const value = await archiver.run(() => api.call('children.archive', { id, archived: archiving }));
    if (value) setChild(value);
  }

  return (
    <main className="page" aria-labelledby="page-title">
      <nav className="breadcrumb" aria-label="Fil d’Ariane">
        <a href={routeHref({ name: 'families' })}>Familles</a> <span aria-hidden="true">›</span>{' '}
        <a href={routeHref({ name: 'family', id: child.familyId })}>Famille {child.familyName}</a> <span aria-hidden="true">›</span>{' '}
        {identity.prenom} {identity.nom}
      </nav>
      <div className="page-header">
        <h1 id="page-title">
          {identity.prenom} {identity.nom}
          {child.archivedAt ? <span className="badge badge-muted">Archivé(e) le {frenchDay(child.archivedAt)}</span> : null}
        </h1>
        <div className="toolbar">
          {child.actions.print ? <PrintButton scope={{ kind: 'child', childId: id }} label="Imprimer la fiche" /> : null}
          {child.actions.archive ? (
            <button type="button" className="button" onClick={() => void toggleArchive()} disabled={archiver.busy}>
              {child.archivedAt ? 'Réactiver' : 'Archiver'}
            </button>
          ) : null}
        </div>
      </div>
      <ErrorBanner message={archiver.banner} />
      <Tabs<Tab>
        idPrefix="child"
        tabs={[
          ['dossier', 'Fiche'],
          ['planning', 'Planning'],
          ['historique', 'Historique'],
        ]}
        current={tab}
        onChange={setTab}
      />
      <div id="child-panel" role="tabpanel" aria-labelledby={`child-tab-${tab}`}>
        {tab === 'planning' ? (
          <ChildPlanningPanel childId={id} familyId={child.familyId} canEdit={canEdit} />
        ) : tab === 'historique' ? (
          <section className="card">
            <h2>Historique des modifications</h2>
            <History load={loadHistory} />
          </section>
        ) : (
          <div className="sections">
            <SectionForm
              id="identity"
              title="Identité"
              initial={identity}
              canEdit={canEdit}
              validate={(draft) => check(schemas.identity, draft, 'identity')}
              save={(draft) => update({ identity: draft })}
            >
              {(draft, setDraft, errors) => <IdentityEditor value={draft} onChange={setDraft} errors={errors} schools={schools} />}
            </SectionForm>

            <PhotoSection child={child} canEdit={canEdit} onChanged={setChild} />

            {data.health ? (
              <SectionForm
                id="health"
                title="Santé"
                initial={data.health}
                canEdit={canEdit && child.actions.editHealth}
                validate={(draft) => check(schemas.health, draft, 'health')}
                save={(draft) => update({ health: draft })}
              >
                {(draft, setDraft, errors) => <HealthEditor value={draft} onChange={setDraft} errors={errors} />}
              </SectionForm>
            ) : null}

            <SectionForm
              id="persons"
              title="Personnes autorisées"
              initial={data.authorisedPersons}
              canEdit={canEdit}
              validate={(draft) => check(schemas.input.shape.authorisedPersons, draft, 'authorisedPersons')}
              save={(draft) => update({ authorisedPersons: draft })}
            >
              {(draft, setDraft, errors) => <PersonsEditor value={draft} onChange={setDraft} errors={errors} />}
            </SectionForm>

            <SectionForm
              id="authorisations"
              title="Autorisations"
              initial={data.authorisations}
              canEdit={canEdit}
              validate={(draft) => check(schemas.authorisations, draft, 'authorisations')}
              save={(draft) => update({ authorisations: draft })}
            >
              {(draft, setDraft, errors) => <AuthorisationsEditor value={draft} onChange={setDraft} errors={errors} />}
            </SectionForm>

            <SectionForm
              id="custom"
              title="Informations complémentaires"
              initial={data.custom}
              canEdit={canEdit && customFields.length > 0}
              validate={() => ({})}
              save={(draft) => update({ custom: draft })}
            >
              {(draft, setDraft, errors) => <CustomFieldsEditor fields={customFields} value={draft} onChange={setDraft} errors={errors} />}
            </SectionForm>
          </div>
        )}
      </div>
    </main>
  );
}
