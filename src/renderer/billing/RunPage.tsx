import { useCallback, useEffect, useState } from 'react';
import type { InvoiceRunSummary, InvoiceRunView, InvoiceSummary } from '../../shared/api/billing.js';
import type { CallProgress } from '../../shared/api/progress.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { CallProgressBar } from '../components/CallProgressBar.js';
import { frenchInstant, todayInParis } from '../lib/format.js';
import { InvoiceGrid } from './InvoiceGrid.js';
import { IssueDialog } from './IssueDialog.js';
import { RUN_STATUS, plural } from './labels.js';
import { addMonths, formatMonthFr, ofMonthFr, pickerMonths } from './months.js';
import { monthPdf, usePdfDownload } from './pdf.js';
import { ProblemsBanner } from './ProblemsBanner.js';
import { billingHref } from './routes.js';
import { RunGrid } from './RunGrid.js';

/** A long call's progress: the office's count when it reports one, else a bar that only says it is working. */
function Working({ label, progress }: { label: string; progress: CallProgress | null }) {
  if (progress) return <CallProgressBar progress={progress} />;
  return (
    <div className="call-progress">
      <progress aria-label={label} />
      <span>{label}…</span>
    </div>
  );
}

function RunsTable({ runs, month }: { runs: InvoiceRunSummary[]; month: string }) {
  if (runs.length === 0) return <p className="muted">Aucun mois calculé pour l’instant.</p>;
  return (
    <div className="table-scroll">
      <table className="table billing-runs">
        <caption className="visually-hidden">Mois calculés ou émis</caption>
        <thead>
          <tr>
            <th scope="col">Mois</th>
            <th scope="col">État</th>
            <th scope="col" className="num">Familles</th>
            <th scope="col" className="num">Total</th>
            <th scope="col" className="num">QF à mettre à jour</th>
            <th scope="col" className="num">Problèmes</th>
            <th scope="col">Calculé le</th>
            <th scope="col">Émis le</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.month} aria-current={run.month === month ? 'true' : undefined}>
              <td>
                <a href={billingHref(run.month)}>{formatMonthFr(run.month)}</a>
              </td>
              <td>
                <span className={`badge ${run.status === 'issued' ? 'badge-issued' : 'badge-draft'}`}>{RUN_STATUS[run.status]}</span>
              </td>
              <td className="num">{run.families}</td>
              <td className="num">{formatEuros(run.totalCents)}</td>
              <td className="num">{run.flagged}</td>
              <td className="num">{run.problems}</td>
              <td>{frenchInstant(run.generatedAt)}</td>
              <td>{run.issuedAt ? frenchInstant(run.issuedAt) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The month's issued invoices, the numbers given and the month's PDF for printing and posting. */
function IssuedRun({ view }: { view: InvoiceRunView }) {
  const [invoices, setInvoices] = useState<InvoiceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pdf = usePdfDownload();
  useEffect(() => {
    let current = true;
    void api.call('invoices.list', { familyId: null, month: view.month }).then((result) => {
      if (!current) return;
      if (result.ok) setInvoices(result.value);
      else setError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [view.month, view.issuedAt]);
  return (
    <section className="card billing-issued" aria-labelledby="issued-title">
      <div className="card-header">
        <h2 id="issued-title">Factures émises</h2>
        <button type="button" className="button" onClick={() => void pdf.download(monthPdf(view.month))} disabled={pdf.busy} aria-busy={pdf.busy}>
          {pdf.busy ? 'Préparation du PDF…' : 'Imprimer le mois (PDF)'}
        </button>
      </div>
      {pdf.busy ? <Working label="Préparation du PDF" progress={pdf.progress} /> : null}
      <ErrorBanner message={pdf.error} />
      <p>
        {view.issuedAt ? `Émises le ${frenchInstant(view.issuedAt)}` : 'Émises'}
        {view.numbers ? (
          <>
            {' '}
            : factures n° <strong className="nowrap">{view.numbers.first}</strong>
            {view.numbers.last !== view.numbers.first ? (
              <>
                {' '}
                à <strong className="nowrap">{view.numbers.last}</strong>
              </>
            ) : null}
          </>
        ) : null}
        . Elles sont publiées sur le portail famille à la prochaine synchronisation.
      </p>
      <ErrorBanner message={error} />
      {invoices === null && !error ? <p className="muted">Chargement des factures…</p> : null}
      {invoices !== null ? (
        <>
          <p className="result-count" role="status">
            {plural(invoices.length, 'pièce')} pour {formatMonthFr(view.month)} (factures, avoirs et factures complémentaires)
          </p>
          <InvoiceGrid invoices={invoices} />
        </>
      ) : null}
    </section>
  );
}

/** « Facturation »: a month's drafts computed, reviewed, recomputed at will, then issued by the régisseur. */
export function RunPage({ month }: { month: string }) {
  const [runs, setRuns] = useState<InvoiceRunSummary[]>([]);
  /** undefined while loading, null when the month has no run yet. */
  const [view, setView] = useState<InvoiceRunView | null | undefined>(undefined);
  /** The month's run could not be read: say so, never « no draft ». */
  const [loadFailed, setLoadFailed] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [generating, setGenerating] = useState(false);
  const [progress, setProgress] = useState<CallProgress | null>(null);
  const [onlyFlagged, setOnlyFlagged] = useState(false);
  const [issuing, setIssuing] = useState<'closed' | 'open' | 'busy'>('closed');
  const [issueError, setIssueError] = useState<string | null>(null);

  const loadRuns = useCallback(async () => {
    const result = await api.call('invoiceRuns.list', {});
    if (result.ok) setRuns(result.value);
    else setBanner(result.error.message);
  }, []);

  // The page is keyed by its month (BillingPage): another month is another page, so nothing here is reset.
  useEffect(() => {
    let current = true;
    void api.call('invoiceRuns.list', {}).then((result) => {
      if (!current) return;
      if (result.ok) setRuns(result.value);
      else setBanner(result.error.message);
    });
    void api.call('invoiceRuns.get', { month }).then((result) => {
      if (!current) return;
      if (result.ok) setView(result.value);
      else if (result.error.code === 'not_found') setView(null);
      else {
        setView(null);
        setLoadFailed(true);
        setBanner(result.error.message);
      }
    });
    return () => {
      current = false;
    };
  }, [month]);

  async function generate() {
    setGenerating(true);
    setProgress(null);
    setBanner(null);
    setNote(null);
    const result = await api.call('invoiceRuns.generate', { month }, { onProgress: setProgress });
    setGenerating(false);
    setProgress(null);
    if (result.ok) {
      setView(result.value);
      setLoadFailed(false);
      setNote(`Brouillons calculés : ${plural(result.value.drafts.length, 'famille')}, ${formatEuros(result.value.totalCents)}.`);
    } else setBanner(result.error.message);
    void loadRuns();
  }

  async function issue() {
    setIssuing('busy');
    setIssueError(null);
    setProgress(null);
    const result = await api.call('invoiceRuns.issue', { month }, { onProgress: setProgress });
    setProgress(null);
    if (result.ok) {
      setIssuing('closed');
      setView(result.value);
      setNote(`Factures ${ofMonthFr(month)} émises.`);
    } else {
      setIssuing('open');
      setIssueError(result.error.message);
    }
    void loadRuns();
  }

  const open = useCallback(
    (familyId: number) => {
      window.location.hash = billingHref(month, familyId);
    },
    [month],
  );

  const today = todayInParis();
  const months = pickerMonths(today, runs.map((run) => run.month), month);
  const isIssued = view?.status === 'issued';
  const mayIssue = useCan()('invoiceRuns.issue');
  const canIssue = mayIssue && view?.status === 'draft' && view.drafts.length > 0;

  // The whole window's width: the drafts' grid has a column per service.
  return (
    <main className="page page-billing page-wide" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Facturation</h1>
      </div>
      <div className="search-bar billing-month">
        <button type="button" className="button" onClick={() => showMonth(addMonths(month, -1))} aria-label="Mois précédent">
          ‹
        </button>
        <div className="field">
          <label htmlFor="billing-month">Mois facturé</label>
          <select id="billing-month" value={month} onChange={(event) => showMonth(event.target.value)}>
            {months.map((candidate) => (
              <option key={candidate} value={candidate}>
                {formatMonthFr(candidate)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button" onClick={() => showMonth(addMonths(month, 1))} aria-label="Mois suivant">
          ›
        </button>
      </div>

      <section className="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Mois calculés</h2>
        <RunsTable runs={runs} month={month} />
      </section>

      <section className="card billing-run" aria-labelledby="run-title">
        <div className="card-header">
          <h2 id="run-title">
            {formatMonthFr(month)}
            {view ? <span className={`badge ${isIssued ? 'badge-issued' : 'badge-draft'}`}>{RUN_STATUS[view.status]}</span> : null}
          </h2>
          <div className="toolbar">
            {view !== undefined && !isIssued ? (
              <button type="button" className="button" onClick={() => void generate()} disabled={generating || issuing === 'busy'} aria-busy={generating}>
                {generating ? 'Calcul en cours…' : view ? 'Recalculer' : 'Calculer les brouillons'}
              </button>
            ) : null}
            {canIssue ? (
              <button
                type="button"
                className="button primary"
                onClick={() => {
                  setIssueError(null);
                  setIssuing('open');
                }}
                disabled={generating}
              >
                Émettre les factures
              </button>
            ) : null}
          </div>
        </div>
        {generating ? <Working label="Calcul des brouillons" progress={progress} /> : null}
        <ErrorBanner message={banner} />
        <SuccessNote message={note} />
        {view === undefined ? <p className="muted">Chargement…</p> : null}
        {view === null && !generating && !loadFailed ? (
          <p className="muted">Aucun brouillon pour {formatMonthFr(month)} : « Calculer les brouillons » les prépare à partir du planning.</p>
        ) : null}
        {view ? (
          <>
            <p className="billing-summary">
              {plural(view.families, 'famille')} · total <strong>{formatEuros(view.totalCents)}</strong> · calculé le {frenchInstant(view.generatedAt)}
              {view.status === 'draft' && !mayIssue ? ' · l’émission des factures est faite par le régisseur' : ''}
            </p>
            <ProblemsBanner view={view} />
          </>
        ) : null}
      </section>

      {view && isIssued ? <IssuedRun view={view} /> : null}

      {view ? (
        <section className="card billing-review" aria-labelledby="review-title">
          <div className="card-header">
            <h2 id="review-title">{isIssued ? 'Détail par famille' : 'Brouillons par famille'}</h2>
            <div className="field field-checkbox">
              <input id="only-flagged" type="checkbox" checked={onlyFlagged} onChange={(event) => setOnlyFlagged(event.target.checked)} />
              <label htmlFor="only-flagged">Seulement les familles au QF à mettre à jour</label>
            </div>
          </div>
          <p className="field-hint">Double-clic ou Entrée sur une ligne : le brouillon de la famille, avec ses jours facturés ou non et pourquoi.</p>
          <RunGrid view={view} onlyFlagged={onlyFlagged} open={open} />
        </section>
      ) : null}

      {issuing !== 'closed' && view ? (
        <IssueDialog
          view={view}
          busy={issuing === 'busy'}
          progress={progress}
          error={issueError}
          onConfirm={() => void issue()}
          onClose={() => setIssuing('closed')}
        />
      ) : null}
    </main>
  );
}

function showMonth(month: string): void {
  window.location.hash = billingHref(month);
}
