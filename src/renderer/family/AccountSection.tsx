import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AccountMovement, FamilyAccount, PaymentOutcome } from '../../shared/api/accounts.js';
import { HOLD_REASONS } from '../../shared/api/reminders.js';
import { accountStatement } from '../../shared/billing/account.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { PaymentCancelDialog } from '../accounts/PaymentCancelDialog.js';
import { PaymentDialog } from '../accounts/PaymentDialog.js';
import { PaymentRefundDialog } from '../accounts/PaymentRefundDialog.js';
import '../accounts/payments.css';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { InvoicesSection } from '../billing/InvoicesSection.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { frenchInstant } from '../lib/format.js';
import { StatementButton } from '../accounts/StatementButton.js';

/**
 * The family's account in its file: the balance, what is overdue and the credit; the ledger (every invoice and
 * movement in order with the balance after it, who recorded each movement and when); then the invoices with what is
 * settled and left to pay (InvoicesSection, fed by the same account). The régisseur records a payment, refunds the
 * credit and cancels a movement from here; every other role reads.
 */

/** « 56,50 € à payer », « 15,00 € en faveur de la famille », « 0,00 € ». */
export function balanceText(cents: number): string {
  if (cents > 0) return `${formatEuros(cents)} à payer`;
  if (cents < 0) return `${formatEuros(-cents)} en faveur de la famille`;
  return `${formatEuros(0)} (à jour)`;
}

type Dialog = { kind: 'payment' } | { kind: 'refund' } | { kind: 'cancel'; movement: AccountMovement } | null;

const EVER = ['0000-01-01', '9999-12-31'] as const;

export function AccountSection({ familyId }: { familyId: number }) {
  const [account, setAccount] = useState<FamilyAccount | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [loaded, setLoaded] = useState(0);
  const reload = useCallback(() => setLoaded((count) => count + 1), []);
  const can = useCan();

  useEffect(() => {
    let current = true;
    void api.call('accounts.get', { familyId }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setAccount(result.value);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [familyId, loaded]);

  const lines = useMemo(() => (account ? accountStatement(account.entries, ...EVER).lines : []), [account]);
  const movements = useMemo(() => new Map((account?.movements ?? []).map((movement) => [`movement:${movement.id}`, movement])), [account]);

  function done(outcome: PaymentOutcome, message: string) {
    setDialog(null);
    setAccount(outcome.account);
    setNote(`${message} Solde : ${balanceText(outcome.account.balanceCents)}.`);
  }

  return (
    <>
      <section className="card account-section" aria-labelledby="account-title">
        <div className="card-header">
          <h2 id="account-title">Compte</h2>
          {account ? (
            <div className="account-actions">
              {can('payments.record') && !account.archived ? (
                <button type="button" className="button primary small" onClick={() => setDialog({ kind: 'payment' })}>
                  Enregistrer un règlement
                </button>
              ) : null}
              {can('payments.refund') && account.creditCents > 0 ? (
                <button type="button" className="button small" onClick={() => setDialog({ kind: 'refund' })}>
                  Rembourser le crédit
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
        <ErrorBanner message={error} />
        <SuccessNote message={note} />
        {account === null && !error ? <p className="muted">Chargement du compte…</p> : null}
        {account ? (
          <>
            <dl className="account-summary" aria-label="Situation du compte">
              <div>
                <dt>Solde</dt>
                <dd data-testid="account-balance">{balanceText(account.balanceCents)}</dd>
              </div>
              <div>
                <dt>Dont en retard</dt>
                <dd>{formatEuros(account.overdueCents)}</dd>
              </div>
              <div>
                <dt>Crédit disponible</dt>
                <dd>{formatEuros(account.creditCents)}</dd>
              </div>
              {account.hold ? (
                <div>
                  <dt>Relances suspendues</dt>
                  <dd>
                    {HOLD_REASONS[account.hold.reason]} depuis le {shortDayFr(account.hold.since)}
                    {account.hold.note ? ` : ${account.hold.note}` : ''}
                  </dd>
                </div>
              ) : null}
            </dl>
            <div className="account-statement">
              <StatementButton familyId={account.familyId} />
            </div>
            {account.archived && can('payments.record') ? <p className="muted">Famille archivée : aucun règlement ne peut y être enregistré.</p> : null}
            {lines.length === 0 ? (
              <p className="muted">Aucune écriture sur ce compte.</p>
            ) : (
              <div className="table-scroll">
                <table className="table account-ledger">
                  <caption className="visually-hidden">Écritures du compte, de la plus ancienne à la plus récente</caption>
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Libellé</th>
                      <th scope="col" className="num">Débit</th>
                      <th scope="col" className="num">Crédit</th>
                      <th scope="col" className="num">Solde</th>
                      <th scope="col">Enregistré par</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lines.map((line) => {
                      const movement = movements.get(line.key);
                      const cancelled = movement?.cancelledById !== null && movement?.cancelledById !== undefined;
                      return (
                        <tr key={line.key} className={cancelled ? 'row-cancelled' : undefined}>
                          <td className="nowrap">{shortDayFr(line.day)}</td>
                          <td>
                            {line.label}
                            {cancelled ? ' (annulé)' : ''}
                            {movement?.note ? <span className="entry-note">{movement.kind === 'cancellation' ? `Motif : ${movement.note}` : movement.note}</span> : null}
                          </td>
                          <td className="num">{line.debitCents > 0 ? formatEuros(line.debitCents) : ''}</td>
                          <td className="num">{line.creditCents > 0 ? formatEuros(line.creditCents) : ''}</td>
                          <td className="num">{formatEuros(line.balanceCents)}</td>
                          <td>{movement ? `${movement.recordedBy || '—'}, le ${frenchInstant(movement.recordedAt)}` : 'Facturation'}</td>
                          <td>
                            {movement && movement.kind !== 'cancellation' && !cancelled && can('payments.cancel') ? (
                              <button
                                type="button"
                                className="button small"
                                onClick={() => setDialog({ kind: 'cancel', movement })}
                                aria-label={`Annuler : ${line.label} du ${shortDayFr(line.day)}`}
                              >
                                Annuler
                              </button>
                            ) : null}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </>
        ) : null}
      </section>
      <InvoicesSection familyId={familyId} account={account} onChanged={reload} />
      {account && dialog?.kind === 'payment' ? (
        <PaymentDialog account={account} onClose={() => setDialog(null)} onDone={(outcome) => done(outcome, 'Règlement enregistré.')} />
      ) : null}
      {account && dialog?.kind === 'refund' ? (
        <PaymentRefundDialog account={account} onClose={() => setDialog(null)} onDone={(outcome) => done(outcome, 'Remboursement enregistré.')} />
      ) : null}
      {dialog?.kind === 'cancel' ? (
        <PaymentCancelDialog movement={dialog.movement} onClose={() => setDialog(null)} onDone={(outcome) => done(outcome, 'Annulation enregistrée.')} />
      ) : null}
    </>
  );
}
