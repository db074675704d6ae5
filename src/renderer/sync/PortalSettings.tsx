import { useState } from 'react';
import { api } from '../api/bridge.js';
import { useApi, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { TextField } from '../components/fields.js';
import { SyncStatusDetails } from './SyncStatusDetails.js';
import { publishSyncStatus, useSyncStatus } from './status.js';

/** Same rule as the office (sync.configure): the secret is all that authenticates the office to the portal. */
const MIN_SECRET_LENGTH = 32;

function precheck(portalUrl: string, secret: string): FieldErrors {
  const errors: FieldErrors = {};
  const url = portalUrl.trim();
  if (url !== '' && !/^https?:\/\/[^\s/]+/.test(url)) errors.portalUrl = 'Adresse du portail invalide : elle commence par https:// (ou http:// en test).';
  if (url !== '' && secret.trim().length < MIN_SECRET_LENGTH) {
    errors.secret = `Le secret partagé doit faire au moins ${MIN_SECRET_LENGTH} caractères.`;
  }
  return errors;
}

/** Paramètres › Portail famille: the pairing with the portal and where the sync stands. */
export function PortalSettings() {
  const { status, loadError } = useSyncStatus();
  // The form starts from the saved address, so it waits for the first status.
  const [initialUrl, setInitialUrl] = useState<string | null>(null);
  if (status && initialUrl === null) setInitialUrl(status.portalUrl);

  return (
    <div className="sections">
      {initialUrl === null ? <p className="muted">{loadError ?? 'Chargement…'}</p> : <PairingForm initialUrl={initialUrl} />}
      <section className="card" aria-labelledby="portal-status-title">
        <h2 id="portal-status-title">État de la synchronisation</h2>
        {status ? <SyncStatusDetails status={status} /> : <p className="muted">{loadError ?? 'Chargement…'}</p>}
        <p className="muted">La synchronisation à la demande se lance depuis la barre du haut (« Synchroniser maintenant »).</p>
      </section>
    </div>
  );
}

function PairingForm({ initialUrl }: { initialUrl: string }) {
  const [portalUrl, setPortalUrl] = useState(initialUrl);
  const [secret, setSecret] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const call = useApi();

  async function save() {
    setNote(null);
    const errors = precheck(portalUrl, secret);
    if (Object.keys(errors).length > 0) {
      call.clear();
      call.setFields(errors);
      return;
    }
    const saved = await call.run(() => api.call('sync.configure', { portalUrl: portalUrl.trim(), secret: secret.trim() }));
    if (saved) {
      publishSyncStatus(saved);
      setPortalUrl(saved.portalUrl);
      setSecret('');
      setNote(saved.configured ? 'Portail enregistré : la synchronisation a lieu chaque minute.' : 'Synchronisation désactivée.');
    }
  }

  return (
    <section className="card" aria-labelledby="portal-form-title">
      <h2 id="portal-form-title">Liaison avec le portail famille</h2>
      <p className="muted">
        L’adresse publique du portail et le secret partagé, le même que celui configuré sur le serveur du portail par la personne qui l’installe. Laissez
        l’adresse vide pour arrêter la synchronisation.
      </p>
      <form
        noValidate
        className="form-grid"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <TextField
          path="portalUrl"
          label="Adresse du portail"
          className="field-wide"
          errors={call.fields}
          value={portalUrl}
          maxLength={300}
          autoComplete="url"
          hint="Par exemple https://portail.commune.fr"
          onChange={setPortalUrl}
        />
        <TextField
          path="secret"
          label="Secret partagé"
          type="password"
          errors={call.fields}
          value={secret}
          maxLength={500}
          autoComplete="new-password"
          hint={`${MIN_SECRET_LENGTH} caractères au moins. Il n’est jamais réaffiché : saisissez-le à chaque enregistrement.`}
          onChange={setSecret}
        />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={call.busy}>
            Enregistrer
          </button>
          <SuccessNote message={note} />
        </div>
      </form>
      <ErrorBanner message={call.banner} />
    </section>
  );
}
