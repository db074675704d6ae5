import { useMemo, useState } from 'react';
import type { FamilyDuplicate } from '../../shared/api/contract.js';
import { familySchemas, type FamilyInput } from '../../shared/families/input.js';
import { api } from '../api/bridge.js';
import { issuesToFields, useApi } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { todayInParis } from '../lib/format.js';
import { navigate, routeHref } from '../lib/route.js';
import { mayDiscard, useUnsavedChanges } from '../lib/unsaved.js';
import { emptyFamily, HouseholdEditor, ResponsableEditor } from './editors.js';

const EMPTY = JSON.stringify(emptyFamily());

/**
 * Creation asks for the first responsible adult and the household; the rest is filled in on the family's file. Before
 * creating, the office looks for the same family already on file: the agent opens it, or creates anyway.
 */
export function NewFamilyPage() {
  const [draft, setDraft] = useState<FamilyInput>(emptyFamily);
  // The duplicates found for the draft as it was when « Créer la famille » was pressed.
  const [warned, setWarned] = useState<{ draft: string; duplicates: FamilyDuplicate[] } | null>(null);
  const call = useApi();
  const schemas = useMemo(() => familySchemas(todayInParis()), []);
  const draftJson = JSON.stringify(draft);
  useUnsavedChanges(draftJson !== EMPTY);
  const duplicates = warned && warned.draft === draftJson ? warned.duplicates : null;

  async function create(confirmed: boolean) {
    const parsed = schemas.input.safeParse(draft);
    if (!parsed.success) {
      call.setFields(issuesToFields(parsed.error.issues, ''));
      call.setBanner('Certains champs sont à corriger.');
      return;
    }
    if (!confirmed) {
      const found = await call.run(() => api.call('families.duplicates', { data: draft }));
      if (found === null) return;
      if (found.length > 0) {
        setWarned({ draft: draftJson, duplicates: found });
        return;
      }
    }
    const created = await call.run(() => api.call('families.create', { data: draft }));
    if (created) navigate({ name: 'family', id: created.id });
  }

  return (
    <main className="page" aria-labelledby="page-title">
      <nav className="breadcrumb" aria-label="Fil d’Ariane">
        <a href={routeHref({ name: 'families' })}>Familles</a> <span aria-hidden="true">›</span> Nouvelle famille
      </nav>
      <div className="page-header">
        <h1 id="page-title">Nouvelle famille</h1>
      </div>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void create(false);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && mayDiscard()) navigate({ name: 'families' });
        }}
      >
        <div className="sections">
          <section className="card">
            <h2>Responsable 1</h2>
            <ResponsableEditor prefix="responsable1" value={draft.responsable1} onChange={(responsable1) => setDraft({ ...draft, responsable1 })} errors={call.fields} autoFocus />
          </section>
          <section className="card">
            <h2>Foyer</h2>
            <HouseholdEditor prefix="household" value={draft.household} onChange={(household) => setDraft({ ...draft, household })} errors={call.fields} />
          </section>
        </div>
        <ErrorBanner message={call.banner} />
        {duplicates ? <DuplicatesWarning duplicates={duplicates} busy={call.busy} onConfirm={() => void create(true)} /> : null}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={call.busy}>
            Créer la famille
          </button>
          <a className="button" href={routeHref({ name: 'families' })}>
            Annuler
          </a>
        </div>
      </form>
    </main>
  );
}

function DuplicatesWarning({ duplicates, busy, onConfirm }: { duplicates: FamilyDuplicate[]; busy: boolean; onConfirm(): void }) {
  const one = duplicates.length === 1;
  return (
    <section className="banner banner-warning" role="alert" aria-labelledby="duplicates-title">
      <h2 id="duplicates-title">{one ? 'Cette famille semble déjà enregistrée' : 'Ces familles semblent déjà enregistrées'}</h2>
      <ul>
        {duplicates.map((family) => (
          <li key={family.id}>
            <a href={routeHref({ name: 'family', id: family.id })}>
              Ouvrir le dossier de la famille {family.name}
              {family.ville ? ` (${family.ville})` : ''}
            </a>
            {family.archived ? ' · archivée' : ''} : {family.reasons.join(', ')}.
          </li>
        ))}
      </ul>
      <p>S’il s’agit bien d’une autre famille :</p>
      <button type="button" className="button" onClick={onConfirm} disabled={busy}>
        Créer quand même
      </button>
    </section>
  );
}
