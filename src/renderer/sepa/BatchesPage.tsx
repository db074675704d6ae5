import { useCallback, useEffect, useState } from 'react';
import type { BatchPreview, BatchSummary, BatchView, DebitLine, Pain008Version } from '../../shared/api/sepa.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { collectionDateProblem, plannedCollectionDate } from '../../shared/sepa/collection-date.js';
import type { SepaSettings } from '../../shared/sepa/settings.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { DateField, SelectField } from '../components/fields.js';
import { downloadFile } from '../lib/files.js';
import { frenchInstant, todayInParis } from '../lib/format.js';
import { RejectDialog } from './RejectDialog.js';
import './sepa.css';

/**
 * « Régie › Prélèvements »: the collection batches (date, status, number of debits, control sum, rejects); a new batch
 * for a chosen collection date, previewed before anything is saved (how many debits, the control sum, the debits, and
 * the invoices left out with why), then prepared; a batch's detail with its export as pain.008 (the first export marks
 * it sent: it can no longer be cancelled, and it is never edited), its cancellation before that, and the rejects the
 * bank reports, debit by debit.
 */

const SEQUENCE_LABELS: Record<DebitLine['sequenceType'], string> = { FRST: 'Premier', RCUR: 'Récurrent', OOFF: 'Ponctuel', FNAL: 'Dernier' };
const DEBIT_STATUS: Record<DebitLine['status'], string> = { pending: 'En cours', collected: 'Encaissé', rejected: 'Rejeté', cancelled: 'Annulé' };
const VERSIONS: readonly (readonly [Pain008Version, string])[] = [
  ['pain.008.001.02', 'pain.008.001.02 (format attendu par la plupart des banques)'],
  ['pain.008.001.08', 'pain.008.001.08 (nouvelle version ISO 20022)'],
];

function countText(count: number): string {
  return count === 1 ? '1 prélèvement' : `${count} prélèvements`;
}

function DebitsTable({ debits, caption, onReject }: { debits: readonly DebitLine[]; caption: string; onReject?: (debit: DebitLine) => void }) {
  const withStatus = debits.some((debit) => debit.id !== null);
  return (
    <div className="table-scroll">
      <table className="table sepa-batch">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Famille</th>
            <th scope="col">Facture</th>
            <th scope="col">Titulaire et compte</th>
            <th scope="col">RUM</th>
            <th scope="col">Séquence</th>
            <th scope="col" className="num">Montant</th>
            {withStatus ? <th scope="col">Statut</th> : null}
            {onReject ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {debits.map((debit) => (
            <tr key={`${debit.invoiceId}-${debit.id ?? 'new'}`}>
              <td>{debit.familyName}</td>
              <td>{debit.invoiceNumber}</td>
              <td>
                {debit.holder}
                <span className="entry-note">{debit.ibanMasked}</span>
              </td>
              <td>{debit.rum}</td>
              <td>{SEQUENCE_LABELS[debit.sequenceType]}</td>
              <td className="num">{formatEuros(debit.amountCents)}</td>
              {withStatus ? (
                <td>
                  {DEBIT_STATUS[debit.status]}
                  {debit.rejectCode ? <span className="entry-note">{debit.rejectLabel ?? debit.rejectCode}</span> : null}
                </td>
              ) : null}
              {onReject ? (
                <td>
                  {debit.status === 'pending' || debit.status === 'collected' ? (
                    <button type="button" className="button small" aria-label={`Enregistrer un rejet : ${debit.familyName}, facture ${debit.invoiceNumber}`} onClick={() => onReject(debit)}>
                      Enregistrer un rejet
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Totals({ count, controlSumCents, rejectedCount }: { count: number; controlSumCents: number; rejectedCount?: number }) {
  return (
    <dl className="sepa-totals">
      <div>
        <dt>Nombre de prélèvements</dt>
        <dd data-testid="batch-count">{count}</dd>
      </div>
      <div>
        <dt>Somme de contrôle</dt>
        <dd data-testid="batch-sum">{formatEuros(controlSumCents)}</dd>
      </div>
      {rejectedCount !== undefined ? (
        <div>
          <dt>Rejets</dt>
          <dd>{rejectedCount}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** « Nouveau lot »: the date, the preview, then « Préparer le lot ». */
function NewBatch({ settings, onPrepared, onClose }: { settings: SepaSettings | null; onPrepared(batch: BatchView): void; onClose(): void }) {
  const today = todayInParis();
  // The planned date once the settings are known, until the agent types one: the settings may arrive after the form
  // opened, and a date typed meanwhile must not be replaced (the form used to be built again on their arrival).
  const [typed, setTyped] = useState<string | null>(null);
  const date = typed ?? (settings ? plannedCollectionDate(today, settings.preNotificationDays, settings.collectionDay) : '');
  const [preview, setPreview] = useState<BatchPreview | null>(null);
  const [noticeNote, setNoticeNote] = useState<string | null>(null);
  const call = useApi();
  const can = useCan();

  function dateErrors(): Record<string, string> {
    if (date === '') return { collectionDate: 'Indiquez la date de prélèvement (jj/mm/aaaa).' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { collectionDate: 'Date invalide : écrivez jj/mm/aaaa.' };
    const problem = collectionDateProblem(date, today);
    return problem ? { collectionDate: problem } : {};
  }

  async function showPreview() {
    setPreview(null);
    setNoticeNote(null);
    const found = dateErrors();
    if (Object.keys(found).length > 0) return call.setFields(found);
    const value = await call.run(() => api.call('sepa.preview', { collectionDate: date }));
    if (value) setPreview(value);
  }

  /** The avis for every invoice of this date left out for want of a pre-notification: recorded, one PDF to print. */
  async function prepareNotices() {
    const outcome = await call.run(() => api.call('sepa.notices', { collectionDate: date }));
    if (!outcome) return;
    downloadFile(outcome.file);
    const value = await call.run(() => api.call('sepa.preview', { collectionDate: date }));
    if (value) setPreview(value);
    setNoticeNote(
      `${outcome.count === 1 ? '1 avis de prélèvement préparé' : `${outcome.count} avis de prélèvement préparés`} : à imprimer et envoyer aux familles. ` +
        `Ces factures pourront être prélevées à partir du ${shortDayFr(outcome.debitDate)}.`,
    );
  }

  async function prepare() {
    const batch = await call.run(() => api.call('sepa.prepare', { collectionDate: date }));
    if (batch) onPrepared(batch);
  }

  return (
    <section className="card subpanel" aria-labelledby="new-batch-title">
      <h3 id="new-batch-title">Nouveau lot de prélèvements</h3>
      <form
        className="sepa-toolbar"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void showPreview();
        }}
      >
        <DateField
          path="collectionDate"
          label="Date de prélèvement"
          hint="Un jour ouvré des banques, après le délai de pré-notification des factures."
          value={date}
          errors={call.fields}
          onChange={(next) => {
            setTyped(next);
            setPreview(null);
            call.clear();
          }}
          autoFocus
        />
        <button type="submit" className="button" disabled={call.busy}>
          Voir l’aperçu
        </button>
        <button type="button" className="button link" onClick={onClose} disabled={call.busy}>
          Fermer
        </button>
      </form>
      <ErrorBanner message={call.banner} />
      {preview ? (
        <div aria-live="polite">
          <h4>Aperçu du lot du {shortDayFr(preview.collectionDate)} (rien n’est encore enregistré)</h4>
          <Totals count={preview.count} controlSumCents={preview.controlSumCents} />
          {preview.debits.length > 0 ? (
            <DebitsTable debits={preview.debits} caption={`Prélèvements du lot du ${shortDayFr(preview.collectionDate)}`} />
          ) : (
            <p className="banner banner-warning" role="status">
              Aucune facture ne peut être prélevée à cette date.
            </p>
          )}
          {preview.ineligible.length > 0 ? (
            <details className="mandate-history" open={preview.debits.length === 0}>
              <summary>Factures écartées ({preview.ineligible.length})</summary>
              <table className="table">
                <caption className="visually-hidden">Factures écartées du lot et pourquoi</caption>
                <thead>
                  <tr>
                    <th scope="col">Famille</th>
                    <th scope="col">Facture</th>
                    <th scope="col" className="num">Montant</th>
                    <th scope="col">Motif</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.ineligible.map((invoice) => (
                    <tr key={invoice.invoiceId}>
                      <td>{invoice.familyName}</td>
                      <td>{invoice.invoiceNumber}</td>
                      <td className="num">{formatEuros(invoice.amountCents)}</td>
                      <td>{invoice.why}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {preview.ineligible.some((invoice) => invoice.needsNotice) && can('sepa.notices') ? (
                <div className="form-actions">
                  <button type="button" className="button" onClick={() => void prepareNotices()} disabled={call.busy}>
                    Préparer les avis de prélèvement ({preview.ineligible.filter((invoice) => invoice.needsNotice).length})
                  </button>
                </div>
              ) : null}
            </details>
          ) : null}
          <SuccessNote message={noticeNote} />
          {preview.debits.length > 0 ? (
            <div className="form-actions">
              <button type="button" className="button primary" onClick={() => void prepare()} disabled={call.busy} aria-busy={call.busy}>
                {call.busy ? 'Préparation…' : `Préparer le lot (${countText(preview.count)}, ${formatEuros(preview.controlSumCents)})`}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** One batch: its totals, its debits, the export, the cancellation and the rejects. */
function BatchDetail({ batchId, settings, onChanged, onClose }: { batchId: number; settings: SepaSettings | null; onChanged(): void; onClose(): void }) {
  const [batch, setBatch] = useState<BatchView | null>(null);
  const [version, setVersion] = useState<Pain008Version>('pain.008.001.02');
  const [rejecting, setRejecting] = useState<DebitLine | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const call = useApi();
  const can = useCan();

  useEffect(() => {
    let live = true;
    void api.call('sepa.batch', { batchId }).then((result) => {
      if (!live) return;
      if (result.ok) setBatch(result.value);
      else call.setBanner(result.error.message);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- call's setters are stable; the batch is read once per id.
  }, [batchId]);

  async function exportFile() {
    if (!batch) return;
    setNote(null);
    const wasSent = batch.status === 'sent';
    const file = await call.run(() => api.call('sepa.export', { batchId: batch.id, version }));
    if (!file) return;
    downloadFile(file);
    setNote(wasSent ? `Fichier ${file.fileName} enregistré à nouveau.` : `Fichier ${file.fileName} enregistré : le lot est marqué transmis.`);
    const fresh = await api.call('sepa.batch', { batchId: batch.id });
    if (fresh.ok) setBatch(fresh.value);
    onChanged();
  }

  async function cancel() {
    if (!batch || !window.confirm(`Annuler le lot du ${shortDayFr(batch.collectionDate)} ? Ses factures pourront être mises dans un autre lot.`)) return;
    const cancelled = await call.run(() => api.call('sepa.cancelBatch', { batchId: batch.id }));
    if (cancelled) {
      setBatch(cancelled);
      setNote('Lot annulé.');
      onChanged();
    }
  }

  if (!batch) {
    return (
      <section className="card" aria-label="Lot de prélèvements">
        <ErrorBanner message={call.banner} />
        {call.banner ? null : <p className="muted">Chargement du lot…</p>}
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="batch-title">
      <div className="card-header">
        <h3 id="batch-title">
          Lot du {shortDayFr(batch.collectionDate)} — {batch.statusLabel}
        </h3>
        <button type="button" className="button link" onClick={onClose}>
          Fermer le lot
        </button>
      </div>
      <p className="muted">
        Message {batch.messageId}, préparé le {frenchInstant(batch.createdAt)}
        {batch.sentVersion ? `, transmis au format ${batch.sentVersion}` : ''}.
      </p>
      <Totals count={batch.count} controlSumCents={batch.controlSumCents} rejectedCount={batch.rejectedCount} />
      {batch.settlementProblem ? (
        <p className="banner banner-warning" role="alert">
          {batch.settlementProblem}
        </p>
      ) : null}
      <SuccessNote message={note} />
      <ErrorBanner message={call.banner} />
      {batch.actions.export && can('sepa.export') ? (
        <div className="sepa-export">
          <SelectField<Pain008Version> path="version" label="Format du fichier" value={version} options={VERSIONS} errors={{}} onChange={setVersion} />
          <button type="button" className="button primary" onClick={() => void exportFile()} disabled={call.busy}>
            Exporter ({version})
          </button>
          {batch.status === 'prepared' ? <p className="field-hint">Le premier export marque le lot comme transmis à la banque : il ne pourra plus être annulé.</p> : null}
        </div>
      ) : null}
      {batch.actions.cancel && can('sepa.cancelBatch') ? (
        <div className="form-actions">
          <button type="button" className="button" onClick={() => void cancel()} disabled={call.busy}>
            Annuler le lot
          </button>
        </div>
      ) : null}
      <DebitsTable
        debits={batch.debits}
        caption={`Prélèvements du lot du ${shortDayFr(batch.collectionDate)}`}
        onReject={batch.actions.reject && can('sepa.reject') ? setRejecting : undefined}
      />
      {rejecting ? (
        <RejectDialog
          debit={rejecting}
          defaultFeeCents={settings?.rejectFeeCents ?? 0}
          onClose={() => setRejecting(null)}
          onDone={(outcome) => {
            setRejecting(null);
            setBatch(outcome.batch);
            setNote(
              [
                'Rejet enregistré : la facture redevient due ; un nouvel avis de prélèvement sera nécessaire avant de la prélever à nouveau.',
                outcome.feeInvoiceNumber ? `Frais facturés (facture ${outcome.feeInvoiceNumber}).` : '',
                outcome.mandateSuspended ? 'Le mandat est suspendu : à réactiver, modifier ou remplacer une fois la famille contactée.' : '',
              ]
                .filter(Boolean)
                .join(' '),
            );
            onChanged();
          }}
        />
      ) : null}
    </section>
  );
}

export function BatchesPage() {
  const [batches, setBatches] = useState<BatchSummary[] | null>(null);
  const [settings, setSettings] = useState<SepaSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);
  const [loaded, setLoaded] = useState(0);
  const reload = useCallback(() => setLoaded((count) => count + 1), []);
  const can = useCan();

  useEffect(() => {
    let live = true;
    void api.call('sepa.batches', {}).then((result) => {
      if (!live) return;
      if (result.ok) {
        setBatches(result.value);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [loaded]);

  useEffect(() => {
    void api.call('sepa.settings', {}).then((result) => {
      if (result.ok) setSettings(result.value);
    });
  }, []);

  return (
    <section className="card sepa-batches" aria-labelledby="batches-title">
      <div className="card-header">
        <h2 id="batches-title">Prélèvements SEPA</h2>
        {can('sepa.prepare') && !creating ? (
          <button type="button" className="button primary small" onClick={() => setCreating(true)}>
            Nouveau lot
          </button>
        ) : null}
      </div>
      <ErrorBanner message={error} />
      {creating ? (
        <NewBatch
          settings={settings}
          onClose={() => setCreating(false)}
          onPrepared={(batch) => {
            setCreating(false);
            setOpenId(batch.id);
            reload();
          }}
        />
      ) : null}
      {batches === null && !error ? <p className="muted">Chargement des lots…</p> : null}
      {batches && batches.length === 0 ? <p className="muted">Aucun lot de prélèvements.</p> : null}
      {batches && batches.length > 0 ? (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Lots de prélèvements, du plus récent au plus ancien</caption>
            <thead>
              <tr>
                <th scope="col">Date de prélèvement</th>
                <th scope="col">Statut</th>
                <th scope="col" className="num">Prélèvements</th>
                <th scope="col" className="num">Montant</th>
                <th scope="col" className="num">Rejets</th>
                <th scope="col">Préparé le</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {batches.map((batch) => (
                <tr key={batch.id} aria-current={batch.id === openId ? 'true' : undefined}>
                  <td>{shortDayFr(batch.collectionDate)}</td>
                  <td>
                    {batch.statusLabel}
                    {batch.settlementProblem ? <span className="entry-note">{batch.settlementProblem}</span> : null}
                  </td>
                  <td className="num">{batch.count}</td>
                  <td className="num">{formatEuros(batch.controlSumCents)}</td>
                  <td className="num">{batch.rejectedCount}</td>
                  <td>{frenchInstant(batch.createdAt)}</td>
                  <td>
                    <button type="button" className="button small" aria-label={`Ouvrir le lot du ${shortDayFr(batch.collectionDate)}`} onClick={() => setOpenId(batch.id)}>
                      Ouvrir
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {openId !== null ? <BatchDetail key={openId} batchId={openId} settings={settings} onChanged={reload} onClose={() => setOpenId(null)} /> : null}
    </section>
  );
}
