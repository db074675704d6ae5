import { useCallback, useEffect, useState } from 'react';
import type { RefusalReason } from '../../shared/api/contract.js';
import { api } from '../api/bridge.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { TextField } from '../components/fields.js';

/** The reasons offered when refusing a request; deactivated ones stay for the requests already refused with them. */
export function RefusalReasonsSettings() {
  const [reasons, setReasons] = useState<RefusalReason[] | null>(null);
  const [label, setLabel] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const call = useApi();

  const load = useCallback(async () => {
    const result = await api.call('refusalReasons.list', {});
    if (result.ok) setReasons(result.value);
    else setLoadError(result.error.message);
  }, []);

  useEffect(() => {
    void api.call('refusalReasons.list', {}).then((result) => {
      if (result.ok) setReasons(result.value);
      else setLoadError(result.error.message);
    });
  }, []);

  async function add() {
    setNote(null);
    if (label.trim() === '') {
      call.setFields({ label: 'Saisissez le motif à ajouter.' });
      return;
    }
    const saved = await call.run(() => api.call('refusalReasons.save', { id: null, label: label.trim(), active: true }));
    if (saved) {
      setLabel('');
      setNote(`Motif « ${saved.label} » ajouté.`);
      await load();
    }
  }

  async function toggle(reason: RefusalReason) {
    setNote(null);
    const saved = await call.run(() => api.call('refusalReasons.save', { ...reason, active: !reason.active }));
    if (saved) {
      setNote(`Motif « ${saved.label} » ${saved.active ? 'réactivé' : 'désactivé'}.`);
      await load();
    }
  }

  return (
    <section className="card" aria-labelledby="reasons-title">
      <h2 id="reasons-title">Motifs de refus</h2>
      <p className="muted">Proposés à l’agent qui refuse une demande ; la famille lit le motif choisi.</p>
      {reasons === null ? null : (
        <ul className="plain-list reasons-list">
          {reasons.map((reason) => (
            <li key={reason.id} className={reason.active ? undefined : 'inactive'}>
              <span>{reason.label}</span>
              {reason.active ? null : <span className="badge badge-muted">Désactivé</span>}
              <button type="button" className="button link" aria-label={`${reason.active ? 'Désactiver' : 'Réactiver'} « ${reason.label} »`} onClick={() => void toggle(reason)} disabled={call.busy}>
                {reason.active ? 'Désactiver' : 'Réactiver'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        noValidate
        className="row-editor form-grid"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <TextField path="label" label="Nouveau motif" errors={call.fields} value={label} maxLength={200} onChange={setLabel} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={call.busy}>
            Ajouter le motif
          </button>
        </div>
      </form>
      <ErrorBanner message={call.banner ?? loadError} />
      <SuccessNote message={note} />
    </section>
  );
}
