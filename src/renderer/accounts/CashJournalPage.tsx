import { useEffect, useState } from 'react';
import type { CashJournal, CashJournalMovement } from '../../shared/api/cash-journal.js';
import { formatDayFr, formatInstantFr, shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { DateField } from '../components/fields.js';
import { downloadFile } from '../lib/files.js';
import { todayInParis } from '../lib/format.js';
import { Dialog } from '../planning/Dialog.js';
import { regieHref } from './routes.js';
import { StatementBatchPanel } from './StatementBatchPanel.js';

/**
 * « Journal de caisse »: the day's movements by method with their totals (payments, refunds, cancellations, the net),
 * the cheques for the bank deposit slip, the closing of the day by the régisseur (final, after a confirmation), the
 * journal and the bordereau as one PDF; above them, the batch of statements. The day is in the address
 * ('#/regie/caisse/2026-12-03'), today when none.
 */

function kindLabel(movement: CashJournalMovement): string {
  if (movement.kind === 'payment') return 'Règlement';
  if (movement.kind === 'refund') return 'Remboursement';
  return `Annulation du ${movement.cancels?.kind === 'refund' ? 'remboursement' : 'règlement'}${movement.cancels ? ` du ${shortDayFr(movement.cancels.day)}` : ''}`;
}

function JournalTable({ journal }: { journal: CashJournal }) {
  if (journal.methods.length === 0) return <p className="muted">Aucun mouvement enregistré ce jour.</p>;
  return (
    <div className="table-scroll">
      <table className="table cash-journal">
        <caption className="visually-hidden">Mouvements du {shortDayFr(journal.day)} par mode de règlement</caption>
        <thead>
          <tr>
            <th scope="col">Opération</th>
            <th scope="col">Famille</th>
            <th scope="col">Détail</th>
            <th scope="col">Saisi par</th>
            <th scope="col" className="num">Encaissé</th>
            <th scope="col" className="num">Décaissé</th>
          </tr>
        </thead>
        {journal.methods.map((method) => (
          <tbody key={method.method}>
            <tr>
              <th scope="rowgroup" colSpan={6}>
                {method.label}
              </th>
            </tr>
            {method.movements.map((movement) => (
              <tr key={movement.id}>
                <td>{kindLabel(movement)}</td>
                <td>
                  <a href={`#/familles/${movement.familyId}`}>{movement.familyName}</a>
                </td>
                <td>{movement.text}</td>
                <td>{movement.recordedBy}</td>
                <td className="num">{movement.signedCents > 0 ? formatEuros(movement.signedCents) : ''}</td>
                <td className="num">{movement.signedCents < 0 ? formatEuros(-movement.signedCents) : ''}</td>
              </tr>
            ))}
            <tr className="subtotal">
              <td colSpan={4}>
                Total {method.label} : règlements {formatEuros(method.paymentsCents)}
                {method.refundsCents !== 0 ? `, remboursements ${formatEuros(-method.refundsCents)}` : ''}
                {method.cancellationsCents !== 0 ? `, annulations ${formatEuros(method.cancellationsCents)}` : ''}
              </td>
              <td className="num" colSpan={2}>
                <strong>Net {formatEuros(method.netCents)}</strong>
              </td>
            </tr>
          </tbody>
        ))}
        <tfoot>
          <tr>
            <th scope="row" colSpan={4}>
              Total de la journée : règlements {formatEuros(journal.totals.paymentsCents)}, remboursements {formatEuros(-journal.totals.refundsCents)}, annulations{' '}
              {formatEuros(journal.totals.cancellationsCents)}
            </th>
            <td className="num" colSpan={2}>
              <strong>Net {formatEuros(journal.totals.netCents)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function ChequeList({ journal }: { journal: CashJournal }) {
  return (
    <section aria-labelledby="cheques-title">
      <h3 id="cheques-title">
        Chèques à remettre en banque : {journal.cheques.length} pour {formatEuros(journal.chequesTotalCents)}
      </h3>
      {journal.cheques.length === 0 ? (
        <p className="muted">Aucun chèque reçu ce jour.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Chèques reçus le {shortDayFr(journal.day)}</caption>
            <thead>
              <tr>
                <th scope="col">N° du chèque</th>
                <th scope="col">Banque</th>
                <th scope="col">Tireur</th>
                <th scope="col">Famille</th>
                <th scope="col" className="num">Montant</th>
              </tr>
            </thead>
            <tbody>
              {journal.cheques.map((cheque) => (
                <tr key={cheque.movementId}>
                  <td>{cheque.number}</td>
                  <td>{cheque.bank}</td>
                  <td>{cheque.drawer}</td>
                  <td>{cheque.familyName}</td>
                  <td className="num">{formatEuros(cheque.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function CashJournalPage({ day: asked }: { day: string | null }) {
  const can = useCan();
  const day = asked ?? todayInParis();
  const [typed, setTyped] = useState(day);
  const [journal, setJournal] = useState<CashJournal | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const load = useApi();
  const close = useApi();
  const pdf = useApi();

  const [loadError, setLoadError] = useState<string | null>(null);
  // Another day asked (the address changed): the field, the note and the journal follow it.
  const [shown, setShown] = useState(day);
  if (shown !== day) {
    setShown(day);
    setTyped(day);
    setNote(null);
    setJournal(null);
  }
  useEffect(() => {
    let current = true;
    void api.call('cashJournal.get', { day }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setJournal(result.value);
        setLoadError(null);
      } else setLoadError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [day]);

  async function closeDay() {
    const closed = await close.run(() => api.call('cashJournal.close', { day }));
    if (closed) {
      setJournal(closed);
      setConfirming(false);
      setNote(`Journée du ${shortDayFr(day)} clôturée.`);
    }
  }
  async function print() {
    const file = await pdf.run(() => api.call('cashJournal.pdf', { day }));
    if (file) downloadFile(file);
  }

  return (
    <div className="cash-journal-page">
      <StatementBatchPanel />
      {can('cashJournal.get') ? (
        <section className="card" aria-labelledby="cash-journal-title">
          <div className="card-header">
            <h2 id="cash-journal-title">Journal de caisse du {formatDayFr(day)}</h2>
            <SuccessNote message={note} />
          </div>
          <form
            className="toolbar"
            onSubmit={(event) => {
              event.preventDefault();
              if (/^\d{4}-\d{2}-\d{2}$/.test(typed)) {
                load.clear();
                window.location.hash = regieHref('caisse', typed);
              } else load.setFields({ day: 'Date invalide (attendue : JJ/MM/AAAA).' });
            }}
          >
            <DateField path="day" label="Journée" errors={load.fields} value={typed} onChange={setTyped} />
            <button type="submit" className="button">
              Afficher
            </button>
          </form>
          <ErrorBanner message={loadError} />
          {journal === null ? (
            loadError ? null : <p className="muted">Chargement du journal…</p>
          ) : (
            <>
              <p className={journal.closed ? 'banner banner-warning' : 'muted'}>
                {journal.closed
                  ? `Journée clôturée le ${formatInstantFr(journal.closed.at)}${journal.closed.by ? ` par ${journal.closed.by}` : ''} : ses mouvements sont définitifs.`
                  : 'Journée ouverte : des règlements peuvent encore y être enregistrés.'}
              </p>
              <JournalTable journal={journal} />
              <ChequeList journal={journal} />
              <div className="form-actions">
                <button type="button" className="button" onClick={() => void print()} disabled={pdf.busy} aria-busy={pdf.busy}>
                  {pdf.busy ? 'Préparation du PDF…' : 'Imprimer le journal et le bordereau'}
                </button>
                {can('cashJournal.close') && !journal.closed && journal.day <= journal.today ? (
                  <button type="button" className="button primary" onClick={() => setConfirming(true)}>
                    Clôturer la journée
                  </button>
                ) : null}
              </div>
              <ErrorBanner message={pdf.banner} />
            </>
          )}
        </section>
      ) : (
        <p className="muted">Le journal de caisse est réservé au régisseur et à l’administrateur.</p>
      )}
      {confirming && journal ? (
        <Dialog id="close-day-dialog" title={`Clôturer la journée du ${shortDayFr(day)}`} onClose={close.busy ? () => undefined : () => setConfirming(false)}>
          <p>
            <strong>{journal.totals.count} mouvement(s)</strong> pour un total net de <strong>{formatEuros(journal.totals.netCents)}</strong>, dont{' '}
            {journal.cheques.length} chèque(s) à remettre pour {formatEuros(journal.chequesTotalCents)}.
          </p>
          <p>La clôture est définitive : aucun règlement, remboursement ou annulation ne pourra plus être daté de cette journée.</p>
          <ErrorBanner message={close.banner ?? close.fields.day ?? null} />
          <div className="form-actions">
            <button type="button" className="button primary" onClick={() => void closeDay()} disabled={close.busy} aria-busy={close.busy}>
              {close.busy ? 'Clôture en cours…' : 'Clôturer définitivement'}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)} disabled={close.busy}>
              Annuler
            </button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
