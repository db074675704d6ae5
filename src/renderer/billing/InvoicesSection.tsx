import { useCallback, useEffect, useState } from 'react';
import type { FamilyAccount } from '../../shared/api/accounts.js';
import type { InvoiceSummary } from '../../shared/api/billing.js';
import { OVERDUE_AGES } from '../../shared/billing/account.js';
import { INVOICE_KINDS } from '../../shared/billing/invoice.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { CorrectionDialog } from './CorrectionDialog.js';
import { InvoicePdfButton } from './InvoiceGrid.js';
import { formatMonthFr } from './months.js';
import { useCan } from '../api/permissions.js';
import { billingHref } from './routes.js';
import './billing.css';

/**
 * « Factures » of the family file: every invoice, credit note and complementary invoice issued to the family, newest
 * first as the office lists them, each with its PDF; the régisseur corrects an issued invoice from here. Given the
 * family's account (the file's « Compte », family/AccountSection.tsx), each also says what is settled, what is left to
 * pay and how late; `onChanged` tells the account a correction was issued.
 */
export function InvoicesSection({ familyId, account, onChanged }: { familyId: number; account?: FamilyAccount | null; onChanged?: () => void }) {
  const [invoices, setInvoices] = useState<InvoiceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [correcting, setCorrecting] = useState<InvoiceSummary | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const [loaded, setLoaded] = useState(0);
  const load = useCallback(() => setLoaded((count) => count + 1), []);

  useEffect(() => {
    let current = true;
    void api.call('invoices.list', { familyId, month: null }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setInvoices(result.value);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [familyId, loaded]);

  const canCorrect = useCan()('invoices.correct');
  const settlement = new Map((account?.invoices ?? []).map((invoice) => [invoice.id, invoice]));
  const withAccount = account !== undefined;
  return (
    <section className="card billing-invoices" aria-labelledby="invoices-title">
      <div className="card-header">
        <h2 id="invoices-title">Factures</h2>
      </div>
      <ErrorBanner message={error} />
      <SuccessNote message={note} />
      {invoices === null && !error ? <p className="muted">Chargement des factures…</p> : null}
      {invoices !== null && invoices.length === 0 ? <p className="muted">Aucune facture émise pour cette famille.</p> : null}
      {invoices !== null && invoices.length > 0 ? (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Factures de la famille</caption>
            <thead>
              <tr>
                <th scope="col">Numéro</th>
                <th scope="col">Type</th>
                <th scope="col">Mois</th>
                <th scope="col">Date</th>
                <th scope="col">Échéance</th>
                <th scope="col" className="num">Montant</th>
                {withAccount ? (
                  <>
                    <th scope="col" className="num">Réglé</th>
                    <th scope="col" className="num">Reste à payer</th>
                    <th scope="col">Retard</th>
                  </>
                ) : null}
                <th scope="col">Remarque</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {invoices.map((invoice) => (
                <tr key={invoice.id}>
                  <td className="nowrap">{invoice.number}</td>
                  <td>{INVOICE_KINDS[invoice.kind]}</td>
                  <td>
                    <a href={billingHref(invoice.month)}>{formatMonthFr(invoice.month)}</a>
                  </td>
                  <td>{shortDayFr(invoice.issueDate)}</td>
                  <td>{shortDayFr(invoice.dueDate)}</td>
                  <td className="num">{formatEuros(invoice.totalCents)}</td>
                  {withAccount ? <SettlementCells settled={settlement.get(invoice.id)} /> : null}
                  <td>
                    {invoice.corrects ? `Corrige ${invoice.corrects}` : ''}
                    {invoice.creditedCents > 0 ? `${invoice.corrects ? ' · ' : ''}${formatEuros(invoice.creditedCents)} crédités par avoir` : ''}
                  </td>
                  <td>
                    <div className="row-actions">
                      <InvoicePdfButton invoice={invoice} />
                      {canCorrect && invoice.kind !== 'credit_note' ? (
                        <button type="button" className="button small" onClick={() => setCorrecting(invoice)} aria-label={`Avoir / facture complémentaire sur ${invoice.number}`}>
                          Avoir / facture complémentaire
                        </button>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {correcting ? (
        <CorrectionDialog
          invoice={correcting}
          onClose={() => setCorrecting(null)}
          onDone={(view) => {
            setCorrecting(null);
            setNote(`${INVOICE_KINDS[view.kind]} ${view.number} émis${view.kind === 'credit_note' ? '' : 'e'} (${formatEuros(view.totalCents)}).`);
            load();
            onChanged?.();
          }}
        />
      ) : null}
    </section>
  );
}

/** What the account says of one invoice: settled, left to pay, how late (a credit note has nothing to pay). */
function SettlementCells({ settled }: { settled: FamilyAccount['invoices'][number] | undefined }) {
  if (!settled) return <><td /><td /><td /></>;
  if (settled.kind === 'credit_note') {
    return (
      <>
        <td className="num">{settled.settledCents > 0 ? `${formatEuros(settled.settledCents)} utilisés` : ''}</td>
        <td className="num">—</td>
        <td>—</td>
      </>
    );
  }
  return (
    <>
      <td className="num">{formatEuros(settled.settledCents)}</td>
      <td className="num">{formatEuros(settled.openCents)}</td>
      <td>
        {settled.openCents === 0 ? 'Réglée' : OVERDUE_AGES[settled.age]}
        {/* In a direct debit batch prepared or sent: paid on the collection date unless the bank rejects it. */}
        {settled.directDebit && settled.openCents > 0 ? <span className="entry-note">En cours de prélèvement (le {shortDayFr(settled.directDebit.collectionDate)})</span> : null}
      </td>
    </>
  );
}
