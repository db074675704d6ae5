import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChildFile, School } from '../../shared/api/contract.js';
import { childSchemas, ownMealProblem, type ChildPatch } from '../../shared/children/input.js';
import { api } from '../api/bridge.js';
import { check } from '../api/useApi.js';
import { checkCustomValues, CustomFieldsEditor } from '../components/CustomFieldsEditor.js';
import { PrintButton } from '../components/PrintButton.js';
import { FileHeader, FileLoading, HistoryCard, useActiveCustomFields } from '../components/RecordFile.js';
import { SectionForm } from '../components/SectionForm.js';
import { Tabs } from '../components/Tabs.js';
import { todayInParis } from '../lib/format.js';
import { routeHref } from '../lib/route.js';
import { AuthorisationsEditor, HealthEditor, IdentityEditor, PersonsEditor } from './editors.js';
import { PhotoSection } from './PhotoSection.js';
import { ChildPlanningPanel } from '../planning/ChildPlanningPanel.js';

type Tab = 'dossier' | 'planning' | 'historique';

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
  const customFields = useActiveCustomFields('child');
  const [tab, setTab] = useState<Tab>('dossier');
  const schools = useSchools();
  const [loadError, setLoadError] = useState<string | null>(null);
  const schemas = useMemo(() => childSchemas(todayInParis()), []);

  useEffect(() => {
    void api.call('children.get', { id }).then((result) => {
      if (result.ok) setChild(result.value);
      else setLoadError(result.error.message);
    });
  }, [id]);

  const loadHistory = useCallback(() => api.call('audit.forChild', { childId: id }), [id]);

  if (!child) return <FileLoading error={loadError} waiting="Chargement de la fiche…" />;

  const canEdit = child.actions.edit && child.archivedAt === null;
  const { data } = child;
  const identity = data.identity;

  async function update(patch: ChildPatch) {
    const result = await api.call('children.update', { id, patch });
    if (result.ok) setChild(result.value);
    return result;
  }

  return (
    <main className="page" aria-labelledby="page-title">
      <nav className="breadcrumb" aria-label="Fil d’Ariane">
        <a href={routeHref({ name: 'families' })}>Familles</a> <span aria-hidden="true">›</span>{' '}
        <a href={routeHref({ name: 'family', id: child.familyId })}>Famille {child.familyName}</a> <span aria-hidden="true">›</span>{' '}
        {identity.prenom} {identity.nom}
      </nav>
      <FileHeader
        title={`${identity.prenom} ${identity.nom}`}
        archivedAt={child.archivedAt}
        archivedLabel="Archivé(e) le"
        print={child.actions.print ? <PrintButton scope={{ kind: 'child', childId: id }} label="Imprimer la fiche" /> : null}
        canArchive={child.actions.archive}
        confirmArchive="Archiver la fiche de cet enfant ?"
        archive={(archived) => api.call('children.archive', { id, archived })}
        onArchived={setChild}
      />
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
          <HistoryCard load={loadHistory} />
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
                validate={(draft) => ({ ...check(schemas.health, draft, 'health'), ...(ownMealProblem(draft) ?? {}) })}
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
              validate={(draft) => checkCustomValues(customFields, draft)}
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
