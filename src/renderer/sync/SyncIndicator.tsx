import { useCan } from '../api/permissions.js';
import { headline, syncNow, useSyncStatus, waitingText } from './status.js';

/** The top bar's line about the portail famille: its state, what waits, and a run on demand for the desk. */
export function SyncIndicator() {
  const { status, loadError, running, outcome } = useSyncStatus(true);
  const canRun = useCan()('sync.now') && status?.configured === true;
  const line = status ? headline(status) : null;
  return (
    <div className="sync-indicator" role="group" aria-label="Synchronisation avec le portail famille">
      <div className="sync-text">
        <span className={`sync-state sync-${line?.tone ?? 'idle'}`} title={line?.text}>
          {line ? line.text : loadError ? `Portail : état indisponible — ${loadError}` : 'Portail : …'}
        </span>
        {status?.configured ? <span className="sync-waiting">{waitingText(status)}</span> : null}
      </div>
      {canRun ? (
        <button type="button" className="button small" onClick={() => void syncNow()} disabled={running} aria-busy={running}>
          {running ? 'Synchronisation…' : 'Synchroniser maintenant'}
        </button>
      ) : null}
      <span className="visually-hidden" role="status" aria-live="polite">
        {outcome ?? ''}
      </span>
    </div>
  );
}
