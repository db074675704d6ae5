import { useEffect, useMemo, useState } from 'react';
import type { DraftDetail } from '../../shared/api/billing.js';
import { compactDaysFr, formatDayFr, shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { routeHref } from '../lib/route.js';
import { describeQf, periodFr, plural } from './labels.js';
import { formatMonthFr, ofMonthFr } from './months.js';
import { BILLING_HREF, billingHref } from './routes.js';

type DayFilter = 'all' | 'billed' | 'unbilled';
type DraftDay = DraftDetail['days'][number];

const DAY_FILTERS: [DayFilter, string][] = [
  ['all', 'Tous'],
  ['billed', 'Facturés'],
  ['unbilled', 'Non facturés'],
];


function LinesTable({ draft }: { draft: DraftDetail }) {
  if (draft.lines.length === 0) return <p className="muted">Aucune ligne : rien n’est facturé ce mois.</p>;
  return (
    <div className="table-scroll">
      <table className="table billing-lines">
        <caption className="visually-hidden">Lignes du brouillon</caption>
        <thead>
          <tr>
            <th scope="col">Enfant</th>
            <th scope="col">Libellé</th>
            <th scope="col">Base de calcul</th>
            <th scope="col">Jours</th>
            <th scope="col" className="num">Prix unitaire</th>
            <th scope="col" className="num">Quantité</th>
            <th scope="col" className="num">Montant</th>
          </tr>
        </thead>
        <tbody>
          {draft.lines.map((line, index) => (
            <tr key={`${line.childId}-${line.serviceId}-${line.kind}-${index}`}>
              <td>{line.childName}</td>
              <td>{line.label}</td>
              <td>{line.basis}</td>
              <td className="billing-days">{compactDaysFr(line.days)}</td>
              <td className="num">{formatEuros(line.unitCents)}</td>
              <td className="num">{line.quantity}</td>
              <td className="num">{formatEuros(line.amountCents)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={6}>
              Total
            </th>
            <td className="num">
              <strong>{formatEuros(draft.totalCents)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function QfTable({ draft }: { draft: DraftDetail }) {
  if (draft.qf.length === 0) return <p className="muted">Aucune période : la famille n’a rien ce mois.</p>;
  return (
    <ul className="plain-list billing-qf">
      {draft.qf.map((period) => (
        <li key={period.from}>
          {/* The period and its QF as one item of the list's flex row (no gap before the colon), why on a line of its own. */}
          <span>
            <strong>{periodFr(period.from, period.to)}</strong> : {describeQf(period)}
          </span>
          {period.flagged ? <span className="badge badge-late">QF à mettre à jour</span> : null}
          <span className="muted plain-list-note">{period.why}</span>
        </li>
      ))}
    </ul>
  );
}

function DaysTable({ days }: { days: DraftDay[] }) {
  const [filter, setFilter] = useState<DayFilter>('all');
  const [group, setGroup] = useState('');
  const groups = useMemo(() => {
    const seen = new Map<string, string>();
    for (const day of days) seen.set(`${day.childId}-${day.serviceId}`, `${day.childName} — ${day.serviceName}`);
    return [...seen.entries()];
  }, [days]);
  const shown = days.filter(
    (day) => (filter === 'all' || (filter === 'billed') === day.billed) && (group === '' || `${day.childId}-${day.serviceId}` === group),
  );
  const billedCount = days.filter((day) => day.billed).length;
  return (
    <>
      <div className="search-bar billing-day-filters">
        <fieldset className="plain-fieldset day-filter">
          <legend>Jours</legend>
          {DAY_FILTERS.map(([value, label]) => (
            <span key={value} className="field-checkbox-inline">
              <input id={`days-${value}`} type="radio" name="days-filter" checked={filter === value} onChange={() => setFilter(value)} />
              <label htmlFor={`days-${value}`}>{label}</label>
            </span>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="days-group">Enfant et service</label>
          <select id="days-group" value={group} onChange={(event) => setGroup(event.target.value)}>
            <option value="">Tous</option>
            {groups.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <span className="result-count" role="status" aria-live="polite">
          {plural(shown.length, 'jour')} affiché{shown.length > 1 ? 's' : ''} sur {days.length} ({billedCount} facturé{billedCount > 1 ? 's' : ''},{' '}
          {days.length - billedCount} non facturé{days.length - billedCount > 1 ? 's' : ''})
        </span>
      </div>
      <div className="table-scroll">
        <table className="table billing-day-table">
          <caption className="visually-hidden">Jours du mois, facturés ou non, et pourquoi</caption>
          <thead>
            <tr>
              <th scope="col">Jour</th>
              <th scope="col">Enfant</th>
              <th scope="col">Service</th>
              <th scope="col">Facturé</th>
              <th scope="col">Pourquoi</th>
              <th scope="col" className="num">Unités</th>
              <th scope="col" className="num">Prix unitaire</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((day) => (
              <tr key={`${day.childId}-${day.serviceId}-${day.day}`} className={day.billed ? 'day-billed' : 'day-unbilled'}>
                <td className="nowrap" title={formatDayFr(day.day)}>
                  {shortDayFr(day.day)}
                </td>
                <td>{day.childName}</td>
                <td>{day.serviceName}</td>
                <td>{day.billed ? 'Facturé' : 'Non facturé'}</td>
                <td>
                  {day.why}
                  {day.problem ? (
                    <>
                      <br />
                      <strong className="field-error">{day.problem}</strong>
                    </>
                  ) : null}
                </td>
                <td className="num">{day.units}</td>
                <td className="num">{day.unitCents === null ? '' : formatEuros(day.unitCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 ? <p className="muted">Aucun jour pour ce filtre.</p> : null}
    </>
  );
}

/** A family's draft for a month: its lines, the QF applied, and every day with why it is billed or not. */
export function DraftPage({ month, familyId }: { month: string; familyId: number }) {
  const [draft, setDraft] = useState<DraftDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Without a draft (none this month, or refused), the family's name still comes from its file: never « Famille 350 ».
  const [familyName, setFamilyName] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void api.call('invoiceRuns.draft', { month, familyId }).then(async (result) => {
      if (!current) return;
      if (result.ok) return setDraft(result.value);
      setError(result.error.message);
      const family = await api.call('families.get', { id: familyId });
      if (current && family.ok) setFamilyName(`${family.value.data.responsable1.nom} ${family.value.data.responsable1.prenom}`);
    });
    return () => {
      current = false;
    };
  }, [month, familyId]);

  return (
    <main className="page page-billing" aria-labelledby="page-title">
      <nav className="breadcrumb" aria-label="Fil d’Ariane">
        <a href={BILLING_HREF}>Facturation</a> <span aria-hidden="true">›</span> <a href={billingHref(month)}>{formatMonthFr(month)}</a>{' '}
        <span aria-hidden="true">›</span> {draft?.familyName ?? familyName ?? ''}
      </nav>
      <div className="page-header">
        <h1 id="page-title">
          Brouillon {ofMonthFr(month)}
          {draft ? ` — ${draft.familyName}` : ''}
        </h1>
        <div className="toolbar">
          <a className="button" href={routeHref({ name: 'family', id: familyId })}>
            Dossier de la famille
          </a>
        </div>
      </div>
      <ErrorBanner message={error} />
      {!draft && !error ? <p className="muted">Chargement du brouillon…</p> : null}
      {draft ? (
        <div className="sections">
          {draft.stale ? (
            <div className="banner banner-warning" role="alert">
              Les données de cette famille ont changé depuis le calcul de ce brouillon : recalculez le mois avant d’émettre les factures.
            </div>
          ) : null}
          <section className="card" aria-labelledby="lines-title">
            <h2 id="lines-title">Lignes · total {formatEuros(draft.totalCents)}</h2>
            <LinesTable draft={draft} />
          </section>
          <section className="card" aria-labelledby="qf-title">
            <h2 id="qf-title">Quotient familial appliqué</h2>
            <QfTable draft={draft} />
          </section>
          <section className="card" aria-labelledby="days-title">
            <h2 id="days-title">Jours facturés ou non, et pourquoi</h2>
            <DaysTable days={draft.days} />
          </section>
        </div>
      ) : null}
    </main>
  );
}
