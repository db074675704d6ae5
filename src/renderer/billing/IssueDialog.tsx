import type { InvoiceRunView } from '../../shared/api/billing.js';
import type { CallProgress } from '../../shared/api/progress.js';
import { formatEuros } from '../../shared/money.js';
import { ErrorBanner } from '../components/Banner.js';
import { CallProgressBar } from '../components/CallProgressBar.js';
import { Dialog } from '../planning/Dialog.js';
import { ofMonthFr } from './months.js';
import { plural } from './labels.js';

/** The régisseur's confirmation before a month's invoices are numbered, frozen and published: what, how many, how much. */
export function IssueDialog({
  view,
  busy,
  progress,
  error,
  onConfirm,
  onClose,
}: {
  view: InvoiceRunView;
  busy: boolean;
  progress: CallProgress | null;
  error: string | null;
  onConfirm(): void;
  onClose(): void;
}) {
  const count = view.drafts.length;
  return (
    <Dialog id="issue-dialog" title={`Émettre les factures ${ofMonthFr(view.month)}`} onClose={busy ? () => undefined : onClose}>
      <p>
        <strong>{plural(count, 'facture')}</strong> pour un total de <strong>{formatEuros(view.totalCents)}</strong> vont être numérotées, figées et
        publiées sur le portail famille à la prochaine synchronisation.
      </p>
      <p>Une facture émise n’est plus modifiable : une correction se fait par un avoir ou une facture complémentaire. Ce mois ne pourra plus être recalculé.</p>
      {view.problems.length > 0 ? (
        <p className="banner banner-warning">
          Attention : {plural(view.problems.length, 'problème')} {view.problems.length > 1 ? 'sont listés' : 'est listé'} sur ce mois (jours sans prix, voir la liste
          au-dessus des brouillons).
        </p>
      ) : null}
      {view.flagged > 0 ? <p>{plural(view.flagged, 'famille')} au QF à mettre à jour {view.flagged > 1 ? 'seront facturées' : 'sera facturée'} à la tranche la plus haute.</p> : null}
      {busy && progress ? <CallProgressBar progress={progress} /> : null}
      <ErrorBanner message={error} />
      <div className="form-actions">
        <button type="button" className="button primary" onClick={onConfirm} disabled={busy} aria-busy={busy}>
          {busy ? 'Émission en cours…' : `Émettre ${plural(count, 'facture')}`}
        </button>
        <button type="button" className="button" onClick={onClose} disabled={busy}>
          Annuler
        </button>
      </div>
    </Dialog>
  );
}
