import { useEffect, useMemo, useState } from 'react';
import { childSchemas, type ChildInput } from '../../shared/children/input.js';
import { api } from '../api/bridge.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { todayInParis } from '../lib/format.js';
import { navigate, routeHref } from '../lib/route.js';
import { mayDiscard, useUnsavedChanges } from '../lib/unsaved.js';
import { check } from '../api/useApi.js';
import { useSchools } from './ChildFilePage.js';
import { AuthorisationsEditor, emptyChild, HealthEditor, IdentityEditor, PersonsEditor } from './editors.js';

/** A child is registered in one go: identity, health, authorised persons and authorisations. */
export function NewChildPage({ familyId }: { familyId: number }) {
  const [draft, setDraft] = useState<ChildInput | null>(null);
  // The blank form as first shown: anything else typed is asked about before leaving.
  const [blank, setBlank] = useState<string | null>(null);
  const [familyName, setFamilyName] = useState('');
  const [showHealth, setShowHealth] = useState(true);
  const schools = useSchools();
  const call = useApi();
  const schemas = useMemo(() => childSchemas(todayInParis()), []);
  useUnsavedChanges(draft !== null && JSON.stringify(draft) !== blank);

  useEffect(() => {
    void api.call('families.get', { id: familyId }).then((result) => {
      const nom = result.ok ? result.value.data.responsable1.nom : '';
      setFamilyName(result.ok ? `${nom} ${result.value.data.responsable1.prenom}` : '');
      setDraft(emptyChild(nom));
      setBlank(JSON.stringify(emptyChild(nom)));
      if (!result.ok) call.setBanner(result.error.message);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [familyId]);

  if (!draft) return <main className="page"><p className="muted">Chargement…</p></main>;

  async function create() {
    if (!draft) return;
    const problems = check(schemas.input, draft, '');
    if (Object.keys(problems).length > 0) {
      call.setFields(problems);
      call.setBanner('Certains champs sont à corriger.');
      return;
    }
    const created = await call.run(() => api.call('children.create', { familyId, data: draft }));
    if (created) navigate({ name: 'child', id: created.id });
  }

  return (
    <main className="page" aria-labelledby="page-title">
      <nav className="breadcrumb" aria-label="Fil d’Ariane">
        <a href={routeHref({ name: 'families' })}>Familles</a> <span aria-hidden="true">›</span>{' '}
        <a href={routeHref({ name: 'family', id: familyId })}>Famille {familyName}</a> <span aria-hidden="true">›</span> Nouvel enfant
      </nav>
      <div className="page-header">
        <h1 id="page-title">Ajouter un enfant</h1>
      </div>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && mayDiscard()) navigate({ name: 'family', id: familyId });
        }}
      >
        <div className="sections">
          <section className="card">
            <h2>Identité</h2>
            <IdentityEditor value={draft.identity} onChange={(identity) => setDraft({ ...draft, identity })} errors={call.fields} schools={schools} autoFocus />
          </section>
          {showHealth ? (
            <section className="card">
              <h2>Santé</h2>
              <HealthEditor value={draft.health} onChange={(health) => setDraft({ ...draft, health })} errors={call.fields} />
            </section>
          ) : (
            <button type="button" className="button link" onClick={() => setShowHealth(true)}>
              Saisir la santé
            </button>
          )}
          <section className="card">
            <h2>Personnes autorisées</h2>
            <PersonsEditor value={draft.authorisedPersons} onChange={(authorisedPersons) => setDraft({ ...draft, authorisedPersons })} errors={call.fields} />
          </section>
          <section className="card">
            <h2>Autorisations</h2>
            <AuthorisationsEditor value={draft.authorisations} onChange={(authorisations) => setDraft({ ...draft, authorisations })} errors={call.fields} />
          </section>
        </div>
        <ErrorBanner message={call.banner} />
        <div className="form-actions sticky-actions">
          <button type="submit" className="button primary" disabled={call.busy}>
            Créer l’enfant
          </button>
          <a className="button" href={routeHref({ name: 'family', id: familyId })}>
            Annuler
          </a>
        </div>
      </form>
    </main>
  );
}
