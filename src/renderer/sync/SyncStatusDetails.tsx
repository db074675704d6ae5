import type { SyncStatus } from '../../shared/api/contract.js';
import { headline, instantFr, sinceText, waitingText } from './status.js';

/** Everything the office knows about the link with the portal, for the administrator. */
export function SyncStatusDetails({ status }: { status: SyncStatus }) {
  const line = headline(status);
  return (
    <dl className="sync-details">
      <dt>État</dt>
      <dd className={`sync-${line.tone}`}>{line.text.replace(/^Portail : /, '')}</dd>
      <dt>Adresse du portail</dt>
      <dd>{status.portalUrl || 'aucune'}</dd>
      <dt>Dernière synchronisation réussie</dt>
      <dd>{status.lastSuccessAt ? `${instantFr(status.lastSuccessAt)} (${sinceText(status.lastSuccessAt)})` : 'jamais'}</dd>
      <dt>Dernière tentative</dt>
      <dd>{status.lastAttemptAt ? instantFr(status.lastAttemptAt) : 'aucune'}</dd>
      <dt>Dernière erreur</dt>
      <dd>{status.lastError ?? 'aucune'}</dd>
      <dt>En attente</dt>
      <dd>{waitingText(status)}</dd>
      <dt>Demandes reçues du portail</dt>
      <dd>{status.pulledRequests}</dd>
      <dt>Demandes du portail mises de côté</dt>
      <dd className={status.rejectedRequests > 0 ? 'sync-error' : undefined}>
        {status.rejectedRequests === 0
          ? 'aucune'
          : `${status.rejectedRequests} (famille inconnue du service ou demande illisible : voir le journal)`}
      </dd>
    </dl>
  );
}
