import { useEffect, useState } from 'react';
import type { RequestView } from '../../shared/api/contract.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { frenchInstant } from '../lib/format.js';
import { ITEM_STATUS, longDay, reasonLabel, REQUEST_KINDS } from './labels.js';
import { changeText } from '../../shared/requests/change-fields.js';

/** The family's requests, newest first, one line per day asked, with the office's answer and its reason. */
export function FamilyRequests({ familyId }: { familyId: number }) {
  const [requests, setRequests] = useState<RequestView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.call('requests.forFamily', { familyId }).then((result) => {
      if (!live) return;
      if (result.ok) setRequests([...result.value].sort((a, b) => (a.submittedAt < b.submittedAt ? 1 : a.submittedAt > b.submittedAt ? -1 : b.id - a.id)));
      else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [familyId]);

  return (
    <section className="card" aria-labelledby="requests-title" id="demandes">
      <h2 id="requests-title">Demandes</h2>
      <ErrorBanner message={error} />
      {requests === null ? (
        error ? null : <p className="muted">Chargement des demandes…</p>
      ) : requests.length === 0 ? (
        <p className="muted">Aucune demande.</p>
      ) : (
        <div className="table-scroll">
          <table className="table requests-table">
            <caption className="visually-hidden">Demandes de la famille</caption>
            <thead>
              <tr>
                <th scope="col">Reçue le</th>
                <th scope="col">Type</th>
                <th scope="col">Jour</th>
                <th scope="col">Enfant et service</th>
                <th scope="col">Statut</th>
              </tr>
            </thead>
            <tbody>
              {requests.flatMap((request) =>
                request.items.map((item) => {
                  const status = ITEM_STATUS[item.status];
                  const what =
                    request.kind === 'data_change'
                      ? request.changes.map(changeText).join(' ; ')
                      : [item.childName, item.serviceName].filter(Boolean).join(' · ');
                  return (
                    <tr key={item.id} className={`request-${item.status}`}>
                      <td className="nowrap">{frenchInstant(request.submittedAt)}</td>
                      <td>
                        {REQUEST_KINDS[request.kind]}
                        {request.reason ? <span className="muted"> — {reasonLabel(request.reason)}</span> : null}
                      </td>
                      <td>{longDay(item.day) || '—'}</td>
                      <td>{what}</td>
                      <td>
                        <span aria-hidden="true">{status.symbol} </span>
                        {status.label}
                        {item.late ? <span className="badge badge-late">Hors délai</span> : null}
                        {item.forced ? <span className="badge badge-late">Au-delà de la capacité</span> : null}
                        {item.status === 'refused' && item.refusalReason ? <span className="refusal-reason"> : {item.refusalReason}</span> : null}
                      </td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
