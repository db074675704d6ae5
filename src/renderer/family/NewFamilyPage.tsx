import { useMemo, useState } from 'react';
import { familySchemas, type FamilyInput } from '../../shared/families/input.js';
import { api } from '../api/bridge.js';
import { issuesToFields, useApi } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { todayInParis } from '../lib/format.js';
import { navigate, routeHref } from '../lib/route.js';
import { emptyFamily, HouseholdEditor, ResponsableEditor } from './editors.js';

/** Creation asks for the first responsible adult and the household; the rest is filled in on the family's file. */
export function NewFamilyPage() {
  const [draft, setDraft] = useState<FamilyInput>(emptyFamily);
  const call = useApi();
  const schemas = useMemo(() => familySchemas(todayInParis()), []);

  async function create() {
    const parsed = schemas.input.safeParse(draft);
    if (!parsed.success) {
      call.setFields(issuesToFields(parsed.error.issues, ''));
      call.setBanner('Certains champs sont à corriger.');
      return;
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
          void create();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') navigate({ name: 'families' });
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
