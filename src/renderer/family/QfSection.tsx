import { useEffect, useState } from 'react';
import type { FamilyQfView } from '../../shared/api/billing.js';
import { formatEuros, groupThousands } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { frenchDay } from '../lib/format.js';

const SOURCES = { caf: 'Quotient CAF/MSA', tax: 'Avis d’imposition' } as const;

/**
 * « Quotient familial et tarifs »: the QF in force today by the office's rule, where it comes from and why, and the
 * unit price of each service the family uses. Read from the office (qf.forFamily), never recomputed here; `proofs`
 * changes when the CAF or tax section is saved, so the section follows.
 */
export function QfSection({ familyId, proofs }: { familyId: number; proofs: string }) {
  const [view, setView] = useState<FamilyQfView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.call('qf.forFamily', { familyId }).then((result) => {
      if (!live) return;
      if (result.ok) {
        setView(result.value);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [familyId, proofs]);

  return (
    <section className="card" aria-labelledby="qf-title" id="qf">
      <div className="card-header">
        <h2 id="qf-title">Quotient familial et tarifs</h2>
        {view?.flagged ? <span className="badge badge-late">QF à mettre à jour</span> : null}
      </div>
      {error ? <ErrorBanner message={error} /> : null}
      {!view ? (
        error ? null : <p className="muted">Chargement…</p>
      ) : (
        <>
          <dl className="qf-facts">
            <div>
              <dt>QF en vigueur le {frenchDay(view.day)}</dt>
              <dd data-testid="qf-value">{view.qf === null ? 'Non justifié (tranche la plus haute)' : groupThousands(view.qf)}</dd>
            </div>
            <div>
              <dt>Source</dt>
              <dd>{view.source ? SOURCES[view.source] : 'Aucun justificatif valable'}</dd>
            </div>
            <div>
              <dt>Tarif</dt>
              <dd>{view.resident ? 'Résident' : 'Non-résident'}</dd>
            </div>
          </dl>
          <p className="qf-why">{view.why}</p>
          {view.services.length === 0 ? (
            <p className="muted">Aucun service actif.</p>
          ) : (
            <table className="table qf-table">
              <caption className="visually-hidden">Prix unitaire par service pour cette famille</caption>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Tranche</th>
                  <th scope="col">Prix unitaire</th>
                  <th scope="col">Détail</th>
                </tr>
              </thead>
              <tbody>
                {view.services.map((service) => (
                  <tr key={service.serviceId}>
                    <th scope="row">{service.serviceName}</th>
                    <td>{service.bracket || '—'}</td>
                    <td className="numeric">{service.unitCents === null ? '—' : `${formatEuros(service.unitCents)} / ${service.unit}`}</td>
                    <td>{service.why}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
