import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FamilyFile } from '../../shared/api/contract.js';
import { familySchemas, type FamilyPatch } from '../../shared/families/input.js';
import { api } from '../api/bridge.js';
import { check } from '../api/useApi.js';
import { checkCustomValues, CustomFieldsEditor } from '../components/CustomFieldsEditor.js';
import { PrintButton } from '../components/PrintButton.js';
import { FileHeader, FileLoading, HistoryCard, useActiveCustomFields } from '../components/RecordFile.js';
import { SectionForm } from '../components/SectionForm.js';
import { Tabs } from '../components/Tabs.js';
import { routeHref } from '../lib/route.js';
import { FamilyRequests } from '../requests/FamilyRequests.js';
import { PortalAccessSection } from '../sync/PortalAccessSection.js';
import { AccountSection } from './AccountSection.js';
import { cafToDraft, draftToCaf, draftToFiscal, fiscalToDraft } from './convert.js';
import { DirectDebitSection } from './DirectDebitSection.js';
import { DocumentsSection } from './DocumentsSection.js';
import { QfSection } from './QfSection.js';
import { BankEditor, bankForCheck, CafEditor, emptyResponsable, FiscalEditor, HouseholdEditor, ResponsableEditor } from './editors.js';
import { frenchDay, todayInParis } from '../lib/format.js';

type Tab = 'dossier' | 'historique';

export function FamilyFilePage({ id }: { id: number }) {
  const [file, setFile] = useState<FamilyFile | null>(null);
  const customFields = useActiveCustomFields('family');
  const [tab, setTab] = useState<Tab>('dossier');
  const [addingR2, setAddingR2] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const schemas = useMemo(() => familySchemas(todayInParis()), []);

  const reload = useCallback(async () => {
    const result = await api.call('families.get', { id });
    if (result.ok) setFile(result.value);
    else setLoadError(result.error.message);
  }, [id]);

  useEffect(() => {
    void api.call('families.get', { id }).then((result) => {
      if (result.ok) setFile(result.value);
      else setLoadError(result.error.message);
    });
  }, [id]);

  const loadHistory = useCallback(() => api.call('audit.forFamily', { familyId: id }), [id]);

  if (!file) return <FileLoading error={loadError} waiting="Chargement du dossier…" />;

  const canEdit = file.actions.edit && file.archivedAt === null;
  const data = file.data;

  async function update(patch: FamilyPatch) {
    const result = await api.call('families.update', { id, patch });
    if (result.ok) setFile(result.value);
    return result;
  }

  const r1 = data.responsable1;
  return (
    <main className="page" aria-labelledby="page-title">
      <nav className="breadcrumb" aria-label="Fil d’Ariane">
        <a href={routeHref({ name: 'families' })}>Familles</a> <span aria-hidden="true">›</span> {r1.nom} {r1.prenom}
      </nav>
      <FileHeader
        title={`Famille ${r1.nom} ${r1.prenom}`}
        archivedAt={file.archivedAt}
        archivedLabel="Archivée le"
        print={file.children.length > 0 ? <PrintButton scope={{ kind: 'family', familyId: id }} label="Imprimer les fiches" /> : null}
        canArchive={file.actions.archive}
        confirmArchive="Archiver cette famille ? Elle n’apparaîtra plus dans les recherches courantes."
        archive={(archived) => api.call('families.archive', { id, archived })}
        onArchived={setFile}
      />
      <Tabs<Tab>
        idPrefix="family"
        tabs={[
          ['dossier', 'Dossier'],
          ['historique', 'Historique'],
        ]}
        current={tab}
        onChange={setTab}
      />
      <div id="family-panel" role="tabpanel" aria-labelledby={`family-tab-${tab}`}>
        {tab === 'historique' ? (
          <HistoryCard load={loadHistory} />
        ) : (
          <div className="sections">
            <section className="card" aria-labelledby="children-title">
              <div className="card-header">
                <h2 id="children-title">Enfants</h2>
                {file.actions.addChild && canEdit ? (
                  <a className="button primary small" href={routeHref({ name: 'newChild', familyId: id })}>
                    Ajouter un enfant
                  </a>
                ) : null}
              </div>
              {file.children.length === 0 ? (
                <p className="muted">Aucun enfant inscrit.</p>
              ) : (
                <ul className="child-list">
                  {file.children.map((child) => (
                    <li key={child.id} className={child.archived ? 'archived' : undefined}>
                      <a href={routeHref({ name: 'child', id: child.id })}>
                        {child.prenom} {child.nom}
                      </a>{' '}
                      <span className="muted">
                        né(e) le {frenchDay(child.dateNaissance)}
                        {child.ecole ? ` · ${child.ecole}` : ''}
                        {child.classe ? ` · ${child.classe}` : ''}
                        {child.archived ? ' · archivé(e)' : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>

            <FamilyRequests familyId={id} />

            <SectionForm
              id="responsable1"
              title="Responsable 1"
              initial={data.responsable1}
              canEdit={canEdit}
              validate={(draft) => check(schemas.responsable, draft, 'responsable1')}
              save={(draft) => update({ responsable1: draft })}
            >
              {(draft, setDraft, errors) => <ResponsableEditor prefix="responsable1" value={draft} onChange={setDraft} errors={errors} />}
            </SectionForm>

            {data.responsable2 || addingR2 ? (
              <SectionForm
                id="responsable2"
                title="Responsable 2 / conjoint"
                initial={data.responsable2 ?? emptyResponsable()}
                canEdit={canEdit}
                validate={(draft) => check(schemas.responsable, draft, 'responsable2')}
                save={async (draft) => {
                  const result = await update({ responsable2: draft });
                  if (result.ok) setAddingR2(false);
                  return result;
                }}
                headerExtra={
                  canEdit ? (
                    <button
                      type="button"
                      className="button link danger"
                      onClick={async () => {
                        if (!data.responsable2) return setAddingR2(false);
                        if (!window.confirm('Retirer le responsable 2 de ce dossier ?')) return;
                        const result = await update({ responsable2: null });
                        if (result.ok) setAddingR2(false);
                      }}
                    >
                      Retirer le responsable 2
                    </button>
                  ) : null
                }
              >
                {(draft, setDraft, errors) => (
                  <ResponsableEditor prefix="responsable2" value={draft} onChange={setDraft} errors={errors} autoFocus={addingR2 && !data.responsable2} />
                )}
              </SectionForm>
            ) : (
              <section className="card">
                <div className="card-header">
                  <h2>Responsable 2 / conjoint</h2>
                  {canEdit ? (
                    <button type="button" className="button small" onClick={() => setAddingR2(true)}>
                      Ajouter un responsable 2
                    </button>
                  ) : null}
                </div>
                <p className="muted">Aucun second responsable.</p>
              </section>
            )}

            <SectionForm
              id="household"
              title="Foyer"
              initial={data.household}
              canEdit={canEdit}
              validate={(draft) => check(schemas.household, draft, 'household')}
              save={(draft) => update({ household: draft })}
            >
              {(draft, setDraft, errors) => <HouseholdEditor prefix="household" value={draft} onChange={setDraft} errors={errors} />}
            </SectionForm>

            <SectionForm
              id="fiscal"
              title="Données fiscales"
              initial={fiscalToDraft(data.fiscal)}
              canEdit={canEdit}
              validate={(draft) => {
                const { value, errors } = draftToFiscal(draft, 'fiscal');
                return Object.keys(errors).length ? errors : check(schemas.fiscal, value, 'fiscal');
              }}
              save={(draft) => update({ fiscal: draftToFiscal(draft, 'fiscal').value })}
            >
              {(draft, setDraft, errors) => <FiscalEditor prefix="fiscal" value={draft} onChange={setDraft} errors={errors} />}
            </SectionForm>

            <SectionForm
              id="caf"
              title="CAF / MSA"
              initial={cafToDraft(data.caf)}
              canEdit={canEdit}
              validate={(draft) => {
                const { value, errors } = draftToCaf(draft, 'caf');
                return Object.keys(errors).length ? errors : check(schemas.caf, value, 'caf');
              }}
              save={(draft) => update({ caf: draftToCaf(draft, 'caf').value })}
            >
              {(draft, setDraft, errors) => <CafEditor prefix="caf" value={draft} onChange={setDraft} errors={errors} />}
            </SectionForm>

            <QfSection familyId={id} proofs={JSON.stringify([data.caf, data.fiscal, data.household.resident])} />

            <SectionForm
              id="bank"
              title="Coordonnées bancaires"
              initial={data.bank}
              canEdit={canEdit}
              validate={(draft) => check(schemas.bank, bankForCheck(draft), 'bank')}
              save={(draft) => update({ bank: draft })}
            >
              {(draft, setDraft, errors) => <BankEditor prefix="bank" value={draft} onChange={setDraft} errors={errors} familyId={id} />}
            </SectionForm>

            <PortalAccessSection file={file} />

            <DirectDebitSection familyId={id} documents={file.documents} onChanged={() => void reload()} />

            <AccountSection familyId={id} />

            <DocumentsSection familyId={id} documents={file.documents} canEdit={canEdit} onAdded={() => void reload()} />

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
