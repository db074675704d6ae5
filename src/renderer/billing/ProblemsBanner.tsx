import type { InvoiceRunView } from '../../shared/api/billing.js';
import { routeHref } from '../lib/route.js';
import { billingHref } from './routes.js';
import { plural } from './labels.js';

/**
 * What the run could not price (no tariff, no times) and the families whose QF needs updating, above the grid: every
 * one listed, under a count, never cut. A long list scrolls inside its box.
 */
export function ProblemsBanner({ view }: { view: InvoiceRunView }) {
  const { problems, flaggedFamilies } = view;
  return (
    <>
      {problems.length > 0 ? (
        <section className="banner banner-warning billing-problems" aria-labelledby="problems-title">
          <p id="problems-title">
            <strong>{plural(problems.length, 'problème')}</strong> : {problems.length > 1 ? 'ces jours sont facturés' : 'ce jour est facturé'} 0 € tant
            que les données ne sont pas corrigées et le mois recalculé.
          </p>
          <ul className="billing-scroll-list">
            {problems.map((problem) => (
              <li key={`${problem.familyId}-${problem.childId}-${problem.serviceId}-${problem.day}-${problem.code}`}>
                {problem.message} <a href={billingHref(view.month, problem.familyId)}>Voir le brouillon</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {flaggedFamilies.length > 0 ? (
        <section className="banner banner-warning billing-flagged" aria-labelledby="flagged-title">
          <p id="flagged-title">
            <strong>{plural(flaggedFamilies.length, 'famille')} au QF à mettre à jour</strong> : la tranche la plus haute leur est appliquée.
          </p>
          <ul className="billing-scroll-list">
            {flaggedFamilies.map((family) => (
              <li key={family.familyId}>
                {family.familyName}
                {family.hasDraft ? (
                  <>
                    {' — '}
                    <a href={billingHref(view.month, family.familyId)}>Voir le brouillon</a>
                  </>
                ) : (
                  ' (rien à facturer ce mois)'
                )}{' '}
                · <a href={routeHref({ name: 'family', id: family.familyId })}>Dossier</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
