import { useCallback, useEffect, useState } from 'react';
import type { DocumentSummary } from '../../shared/api/contract.js';
import type { FamilyDirectDebit, MandateAccountView, MandateView } from '../../shared/api/sepa.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { downloadFile } from '../lib/files.js';
import { formatIban, frenchInstant } from '../lib/format.js';
import { MandateDialog } from '../sepa/MandateDialog.js';
import { ReactivateDialog, RevokeDialog, SignDialog } from '../sepa/MandateStepDialogs.js';
import '../sepa/sepa.css';

/**
 * « Prélèvement SEPA » in the family file: the mandate in force (its RUM, status, signature, the account debited,
 * masked, and its last collection), the accounts it had before and the family's former mandates, folded; the reject
 * flag as an alert the régisseur lifts; and the steps the office allows the session (the mandate's `actions`, the
 * permissions): set up from a scanned RIB, print the form to sign, record the signature, change the account, revoke,
 * reactivate, and for the régisseur show the IBAN in clear (each reveal logged by the office).
 */

type Dialog = { kind: 'setup' } | { kind: 'amend' | 'sign' | 'revoke' | 'reactivate'; mandate: MandateView } | null;

const RESULT_NOTES = {
  setup: 'Mandat enregistré : imprimez-le pour la signature de la famille.',
  amend: 'Nouveau compte enregistré sur le mandat.',
  sign: 'Signature enregistrée : le mandat est actif.',
  revoke: 'Mandat révoqué.',
  reactivate: 'Mandat réactivé.',
} as const;

export function DirectDebitSection({ familyId, documents, onChanged }: { familyId: number; documents: readonly DocumentSummary[]; onChanged?(): void }) {
  const [view, setView] = useState<FamilyDirectDebit | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [revealed, setRevealed] = useState<Record<number, string>>({});
  const [loaded, setLoaded] = useState(0);
  const action = useApi();
  const can = useCan();
  const reload = useCallback(() => setLoaded((count) => count + 1), []);

  useEffect(() => {
    let live = true;
    void api.call('mandates.forFamily', { familyId }).then((result) => {
      if (!live) return;
      if (result.ok) {
        setView(result.value);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [familyId, loaded]);

  function done(kind: keyof typeof RESULT_NOTES) {
    setDialog(null);
    setNote(RESULT_NOTES[kind]);
    reload();
    onChanged?.();
  }

  async function print(mandate: MandateView) {
    setNote(null);
    const file = await action.run(() => api.call('mandates.pdf', { mandateId: mandate.id }));
    if (file) downloadFile(file);
  }

  // Always the mandate account's own id: the family's bank details may since have moved to another account.
  async function reveal(account: MandateAccountView) {
    const result = await action.run(() => api.call('sepa.revealIban', { familyId, accountId: account.id }));
    if (result) setRevealed((shown) => ({ ...shown, [account.id]: result.iban }));
  }

  async function clearFlag() {
    if (!window.confirm('Lever l’alerte de rejet de cette famille ?')) return;
    // 'sepa.clearFlag' answers null: the Result says whether it was done.
    action.setBanner(null);
    const result = await api.call('sepa.clearFlag', { familyId });
    if (!result.ok) return action.setBanner(result.error.message);
    setNote('Alerte levée.');
    reload();
  }

  const current = view?.mandates[0] ?? null;
  const former = view?.mandates.slice(1) ?? [];

  function accountFacts(account: MandateAccountView, mandate: MandateView, isCurrent: boolean) {
    const clear = revealed[account.id];
    return (
      <>
        <div>
          <dt>Titulaire du compte</dt>
          <dd>{account.holder}</dd>
        </div>
        <div>
          <dt>IBAN</dt>
          <dd data-testid={isCurrent ? 'mandate-iban' : undefined}>
            {clear ? <span className="iban iban-revealed">{formatIban(clear)}</span> : <span className="iban">{account.ibanMasked}</span>}{' '}
            {mandate.actions.reveal && can('sepa.revealIban') ? (
              clear ? (
                <button type="button" className="button link" onClick={() => setRevealed(({ [account.id]: _hidden, ...rest }) => rest)}>
                  Masquer
                </button>
              ) : (
                <button type="button" className="button link" aria-label={`Afficher l’IBAN du compte de ${account.holder}`} onClick={() => void reveal(account)}>
                  Afficher l’IBAN
                </button>
              )
            ) : null}
          </dd>
        </div>
        <div>
          <dt>BIC</dt>
          <dd>{account.bic}</dd>
        </div>
        <div>
          <dt>Banque</dt>
          <dd>{account.bankName || '—'}</dd>
        </div>
      </>
    );
  }

  function formerAccounts(mandate: MandateView) {
    const older = mandate.accounts.slice(1);
    if (older.length === 0) return null;
    return (
      <details className="mandate-history">
        <summary>Comptes précédents ({older.length})</summary>
        <table className="table">
          <caption className="visually-hidden">Comptes précédents du mandat {mandate.rum}</caption>
          <thead>
            <tr>
              <th scope="col">Depuis le</th>
              <th scope="col">Titulaire</th>
              <th scope="col">IBAN</th>
              <th scope="col">BIC</th>
              <th scope="col">Enregistré par</th>
            </tr>
          </thead>
          <tbody>
            {older.map((account) => (
              <tr key={account.id}>
                <td>{shortDayFr(account.validFrom)}</td>
                <td>{account.holder}</td>
                <td>{revealed[account.id] ? formatIban(revealed[account.id]!) : account.ibanMasked}</td>
                <td>{account.bic}</td>
                <td>
                  {account.recordedBy ?? '—'}, le {frenchInstant(account.recordedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    );
  }

  const canSetUp = view !== null && view.canSetUp && can('mandates.create');

  return (
    <section className="card direct-debit-section" aria-labelledby="direct-debit-title">
      <div className="card-header">
        <h2 id="direct-debit-title">Prélèvement SEPA</h2>
        {current ? <span className={`badge ${current.status === 'actif' ? 'badge-ontime' : current.status === 'suspendu' ? 'badge-late' : 'badge-muted'}`}>{current.statusLabel}</span> : null}
      </div>
      <ErrorBanner message={error} />
      {view?.flag ? (
        <div className="banner banner-warning sepa-flag" role="alert">
          <p>
            <strong>Famille signalée pour un rejet</strong> depuis le {shortDayFr(view.flag.since)} — {view.flag.reason}
          </p>
          {can('sepa.clearFlag') ? (
            <button type="button" className="button small" onClick={() => void clearFlag()} disabled={action.busy}>
              Lever l’alerte
            </button>
          ) : null}
        </div>
      ) : null}
      <ErrorBanner message={action.banner} />
      <SuccessNote message={note} />
      {view === null && !error ? <p className="muted">Chargement…</p> : null}
      {view && !current ? <p className="muted">Aucun mandat : les factures sont payées à la régie (espèces, chèque, virement…).</p> : null}
      {current ? (
        <>
          <dl className="mandate-facts" aria-label="Mandat en vigueur">
            <div>
              <dt>Référence unique du mandat (RUM)</dt>
              <dd data-testid="mandate-rum">{current.rum}</dd>
            </div>
            <div>
              <dt>Statut</dt>
              <dd data-testid="mandate-status">
                {current.statusLabel}
                {current.statusNote ? <span className="entry-note">{current.statusNote}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Signé le</dt>
              <dd>{current.signedOn ? shortDayFr(current.signedOn) : 'Pas encore signé'}</dd>
            </div>
            {current.accounts[0] ? accountFacts(current.accounts[0], current, true) : null}
            <div>
              <dt>Dernier prélèvement</dt>
              <dd>{current.lastCollectionOn ? shortDayFr(current.lastCollectionOn) : 'Aucun'}</dd>
            </div>
            {current.rejectCount > 0 ? (
              <div>
                <dt>Rejets</dt>
                <dd>{current.rejectCount}</dd>
              </div>
            ) : null}
            {current.endedOn ? (
              <div>
                <dt>Fin le</dt>
                <dd>{shortDayFr(current.endedOn)}</dd>
              </div>
            ) : null}
          </dl>
          <div className="mandate-actions">
            {current.actions.print && can('mandates.pdf') ? (
              <button type="button" className="button small" onClick={() => void print(current)} disabled={action.busy}>
                Imprimer le mandat
              </button>
            ) : null}
            {current.actions.sign && can('mandates.sign') ? (
              <button type="button" className="button primary small" onClick={() => setDialog({ kind: 'sign', mandate: current })}>
                Enregistrer la signature
              </button>
            ) : null}
            {current.actions.amend && can('mandates.amend') ? (
              <button type="button" className="button small" onClick={() => setDialog({ kind: 'amend', mandate: current })}>
                Changer de compte
              </button>
            ) : null}
            {current.actions.reactivate && can('mandates.reactivate') ? (
              <button type="button" className="button small" onClick={() => setDialog({ kind: 'reactivate', mandate: current })}>
                Réactiver
              </button>
            ) : null}
            {current.actions.revoke && can('mandates.revoke') ? (
              <button type="button" className="button small" onClick={() => setDialog({ kind: 'revoke', mandate: current })}>
                Révoquer
              </button>
            ) : null}
          </div>
          {formerAccounts(current)}
        </>
      ) : null}
      {canSetUp ? (
        <div className="mandate-actions">
          <button type="button" className="button primary small" onClick={() => setDialog({ kind: 'setup' })}>
            Mettre en place le prélèvement
          </button>
        </div>
      ) : view && view.setUpBlockedBy && can('mandates.create') && (!current || current.status === 'revoque' || current.status === 'caduc') ? (
        <p className="muted">{view.setUpBlockedBy}</p>
      ) : null}
      {former.length > 0 ? (
        <details className="mandate-history">
          <summary>Mandats précédents ({former.length})</summary>
          <table className="table">
            <caption className="visually-hidden">Mandats précédents de la famille</caption>
            <thead>
              <tr>
                <th scope="col">RUM</th>
                <th scope="col">Statut</th>
                <th scope="col">Signé le</th>
                <th scope="col">Fin le</th>
                <th scope="col">Compte</th>
              </tr>
            </thead>
            <tbody>
              {former.map((mandate) => (
                <tr key={mandate.id}>
                  <td>{mandate.rum}</td>
                  <td>
                    {mandate.statusLabel}
                    {mandate.statusNote ? ` — ${mandate.statusNote}` : ''}
                  </td>
                  <td>{mandate.signedOn ? shortDayFr(mandate.signedOn) : '—'}</td>
                  <td>{mandate.endedOn ? shortDayFr(mandate.endedOn) : '—'}</td>
                  <td>{mandate.accounts[0] ? `${mandate.accounts[0].holder}, ${mandate.accounts[0].ibanMasked}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
      {dialog?.kind === 'setup' || dialog?.kind === 'amend' ? (
        <MandateDialog
          familyId={familyId}
          documents={documents}
          amend={dialog.kind === 'amend' ? dialog.mandate : null}
          onClose={() => setDialog(null)}
          onDone={() => done(dialog.kind)}
        />
      ) : null}
      {dialog?.kind === 'sign' ? <SignDialog mandate={dialog.mandate} onClose={() => setDialog(null)} onDone={() => done('sign')} /> : null}
      {dialog?.kind === 'revoke' ? <RevokeDialog mandate={dialog.mandate} onClose={() => setDialog(null)} onDone={() => done('revoke')} /> : null}
      {dialog?.kind === 'reactivate' ? <ReactivateDialog mandate={dialog.mandate} onClose={() => setDialog(null)} onDone={() => done('reactivate')} /> : null}
    </section>
  );
}
