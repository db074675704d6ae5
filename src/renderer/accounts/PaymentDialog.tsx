import { useState } from 'react';
import type { FamilyAccount, PaymentOutcome } from '../../shared/api/accounts.js';
import { awaitingBankDebit, bankDebitNote, IMMEDIATE_REFUND_METHODS, OVERDUE_AGES, PAYMENT_METHODS, paymentInputSchema, REFUND_METHODS, type ImmediateRefundMethod, type PaymentInput, type PaymentMethod } from '../../shared/billing/account.js';
import { INVOICE_KINDS } from '../../shared/billing/invoice.js';
import { monthLabelFr, shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros, parseEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { check, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { DateField, SelectField, TextArea, TextField } from '../components/fields.js';
import { todayInParis } from '../lib/format.js';
import { Dialog } from '../planning/Dialog.js';
import { useDialogCall } from '../lib/dialog-call.js';
import { PaymentForm, useGuardedClose } from './PaymentForm.js';
import './payments.css';

/**
 * « Enregistrer un règlement », the régisseur's: the method and its details, the régie's day, the amount typed in euros,
 * the invoices the family says it pays (none: oldest first), and what to do with more than is due. The form checks
 * with the office's own schema (paymentInputSchema) before sending; what the office refuses lands under its field.
 */

interface Draft {
  method: PaymentMethod;
  day: string;
  amount: string;
  chequeNumber: string;
  chequeBank: string;
  chequeDrawer: string;
  cesuCount: string;
  cesuUnit: string;
  reference: string;
  note: string;
  invoiceIds: number[];
  overpayment: 'none' | 'credit' | 'refund';
  refundMethod: ImmediateRefundMethod;
}

const METHOD_OPTIONS = Object.entries(PAYMENT_METHODS) as [PaymentMethod, string][];
export const REFUND_METHOD_OPTIONS = REFUND_METHODS.map((method) => [method, PAYMENT_METHODS[method]] as const);
const IMMEDIATE_REFUND_OPTIONS = IMMEDIATE_REFUND_METHODS.map((method) => [method, PAYMENT_METHODS[method]] as const);

function blank(): Draft {
  return {
    method: 'especes',
    day: todayInParis(),
    amount: '',
    chequeNumber: '',
    chequeBank: '',
    chequeDrawer: '',
    cesuCount: '',
    cesuUnit: '',
    reference: '',
    note: '',
    invoiceIds: [],
    overpayment: 'none',
    refundMethod: 'especes',
  };
}

/** The amount as typed, in cents, or the French reason it cannot be read. */
export function readAmount(text: string): { cents: number | null; error: string | null } {
  if (text.trim() === '') return { cents: null, error: 'Indiquez le montant.' };
  const parsed = parseEuros(text);
  return parsed.ok ? { cents: parsed.cents, error: null } : { cents: null, error: parsed.error };
}

/** What the office is sent for `draft`, with the window's own refusals (unreadable numbers, the shared schema's). */
function readPayment(familyId: number, draft: Draft, showOverpayment: boolean): { input: PaymentInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const amount = readAmount(draft.amount);
  if (amount.error) errors.amountCents = amount.error;
  let cesuCount: number | null = null;
  let cesuUnitCents: number | null = null;
  if (draft.method === 'cesu') {
    if (draft.cesuCount.trim() !== '') {
      if (/^\d{1,4}$/.test(draft.cesuCount.trim())) cesuCount = Number(draft.cesuCount.trim());
      else errors.cesuCount = 'Nombre de titres invalide.';
    }
    if (draft.cesuUnit.trim() !== '') {
      const unit = parseEuros(draft.cesuUnit);
      if (unit.ok) cesuUnitCents = unit.cents;
      else errors.cesuUnitCents = unit.error;
    }
  }
  const input: PaymentInput = {
    familyId,
    method: draft.method,
    day: draft.day,
    amountCents: amount.cents ?? 0,
    chequeNumber: draft.method === 'cheque' ? draft.chequeNumber : '',
    chequeBank: draft.method === 'cheque' ? draft.chequeBank : '',
    chequeDrawer: draft.method === 'cheque' ? draft.chequeDrawer : '',
    cesuCount,
    cesuUnitCents,
    reference: draft.method === 'virement' || draft.method === 'payfip' ? draft.reference : '',
    note: draft.note,
    invoiceIds: draft.invoiceIds,
    overpayment: showOverpayment ? draft.overpayment : 'none',
    refundMethod: showOverpayment && draft.overpayment === 'refund' ? draft.refundMethod : null,
  };
  const checked = check(paymentInputSchema, input, '');
  for (const [path, message] of Object.entries(checked)) errors[path] ??= message;
  return { input, errors };
}

/** The paths this form shows a field for: a refusal about anything else goes to the banner. */
const FIELDS = ['method', 'day', 'amountCents', 'chequeNumber', 'chequeBank', 'chequeDrawer', 'cesuCount', 'cesuUnitCents', 'reference', 'note', 'invoiceIds', 'overpayment', 'refundMethod'];

export function PaymentDialog({ account, onDone, onClose }: { account: FamilyAccount; onDone(outcome: PaymentOutcome): void; onClose(): void }) {
  const [initial] = useState(blank);
  const [draft, setDraft] = useState<Draft>(initial);
  const { errors, banner, busy, send } = useDialogCall<PaymentOutcome>(FIELDS, onDone);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const close = useGuardedClose(dirty, busy, onClose);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  // The invoices the bank is collecting are not paid here (shared/billing/account.ts awaitingBankDebit): said, not offered.
  const open = account.invoices.filter((invoice) => invoice.openCents > 0 && !awaitingBankDebit(invoice));
  const debited = account.invoices.filter(awaitingBankDebit);
  const payableCents = open.reduce((sum, invoice) => sum + invoice.openCents, 0);
  const typed = readAmount(draft.amount).cents;
  // More than every open invoice: the rest is a credit or is refunded, as the régisseur says (the office refuses otherwise).
  const overCents = typed !== null && typed > payableCents ? typed - payableCents : 0;

  async function submit() {
    const { input, errors: found } = readPayment(account.familyId, draft, overCents > 0);
    await send(found, () => api.call('payments.record', input));
  }

  return (
    <Dialog id="payment-dialog" title={`Enregistrer un règlement — ${account.familyName}`} onClose={close}>
      <PaymentForm busy={busy} submitLabel="Enregistrer le règlement" busyLabel="Enregistrement…" onSubmit={submit} onCancel={close} banner={<ErrorBanner message={banner} />}>
        <p>
          Reste à payer : <strong>{formatEuros(account.dueCents)}</strong>
          {account.creditCents > 0 ? ` · crédit disponible ${formatEuros(account.creditCents)}` : ''}
        </p>
        <div className="form-grid">
          <SelectField<PaymentMethod> path="method" label="Mode de règlement" value={draft.method} options={METHOD_OPTIONS} errors={errors} onChange={(method) => set('method', method)} />
          <DateField path="day" label="Jour de caisse" value={draft.day} errors={errors} onChange={(day) => set('day', day)} />
          <TextField path="amountCents" label="Montant (€)" inputMode="decimal" value={draft.amount} errors={errors} onChange={(amount) => set('amount', amount)} autoFocus />
          {draft.method === 'cheque' ? (
            <>
              <TextField path="chequeNumber" label="N° du chèque" value={draft.chequeNumber} errors={errors} maxLength={20} onChange={(value) => set('chequeNumber', value)} />
              <TextField path="chequeBank" label="Banque" value={draft.chequeBank} errors={errors} maxLength={80} onChange={(value) => set('chequeBank', value)} />
              <TextField path="chequeDrawer" label="Tireur (titulaire du compte)" value={draft.chequeDrawer} errors={errors} maxLength={80} onChange={(value) => set('chequeDrawer', value)} />
            </>
          ) : null}
          {draft.method === 'cesu' ? (
            <>
              <TextField path="cesuCount" label="Nombre de titres CESU" inputMode="numeric" value={draft.cesuCount} errors={errors} onChange={(value) => set('cesuCount', value)} />
              <TextField path="cesuUnitCents" label="Valeur d’un titre (€)" inputMode="decimal" value={draft.cesuUnit} errors={errors} onChange={(value) => set('cesuUnit', value)} />
            </>
          ) : null}
          {draft.method === 'virement' ? (
            <TextField path="reference" label="Référence du virement" value={draft.reference} errors={errors} maxLength={60} onChange={(value) => set('reference', value)} />
          ) : null}
          {draft.method === 'payfip' ? (
            <TextField path="reference" label="Référence de la transaction PayFiP" value={draft.reference} errors={errors} maxLength={60} onChange={(value) => set('reference', value)} />
          ) : null}
        </div>
        {debited.length > 0 ? (
          <ul className="muted" aria-label="Factures en cours de prélèvement">
            {debited.map((invoice) => (
              <li key={invoice.id}>{bankDebitNote(invoice)}</li>
            ))}
          </ul>
        ) : null}
        {open.length > 0 ? (
          <fieldset className="plain-fieldset payment-invoices" aria-describedby="payment-invoices-hint">
            <legend>Factures réglées</legend>
            <span className="field-hint" id="payment-invoices-hint">
              Aucune cochée : les plus anciennes d’abord. Cochées : celles-ci d’abord, le reste sur les plus anciennes.
            </span>
            {open.map((invoice) => (
              <div key={invoice.id} className="checkbox-item">
                <input
                  id={`payment-invoice-${invoice.id}`}
                  type="checkbox"
                  checked={draft.invoiceIds.includes(invoice.id)}
                  onChange={(event) => set('invoiceIds', event.target.checked ? [...draft.invoiceIds, invoice.id] : draft.invoiceIds.filter((id) => id !== invoice.id))}
                />
                <label htmlFor={`payment-invoice-${invoice.id}`}>
                  {INVOICE_KINDS[invoice.kind]} {invoice.number} ({monthLabelFr(invoice.month)}) : reste {formatEuros(invoice.openCents)}, échéance {shortDayFr(invoice.dueDate)}
                  {invoice.age !== 'not_due' ? ` — ${OVERDUE_AGES[invoice.age].toLowerCase()} de retard` : ''}
                </label>
              </div>
            ))}
            {errors.invoiceIds ? <p className="field-error">{errors.invoiceIds}</p> : null}
          </fieldset>
        ) : (
          <p className="muted">Aucune facture à payer : le règlement sera un crédit ou remboursé.</p>
        )}
        {overCents > 0 || errors.overpayment ? (
          <fieldset className="plain-fieldset payment-over" aria-describedby={errors.overpayment ? 'f-overpayment-error' : undefined}>
            <legend>Le montant dépasse de {formatEuros(overCents)} ce qui reste dû : que faire du trop-perçu ?</legend>
            {(
              [
                ['credit', 'Garder en crédit sur le compte (déduit des prochaines factures)'],
                ['refund', 'Rembourser la famille'],
              ] as const
            ).map(([value, label]) => (
              <div key={value} className="field-radio">
                <input id={`payment-over-${value}`} type="radio" name="overpayment" checked={draft.overpayment === value} onChange={() => set('overpayment', value)} />
                <label htmlFor={`payment-over-${value}`}>{label}</label>
              </div>
            ))}
            {errors.overpayment ? (
              <p className="field-error" id="f-overpayment-error">
                {errors.overpayment}
              </p>
            ) : null}
            {draft.overpayment === 'refund' ? (
              <SelectField<ImmediateRefundMethod> path="refundMethod" label="Remboursé par" value={draft.refundMethod} options={IMMEDIATE_REFUND_OPTIONS} errors={errors} onChange={(value) => set('refundMethod', value)} />
            ) : null}
          </fieldset>
        ) : null}
        <TextArea path="note" label="Note (facultative)" value={draft.note} errors={errors} rows={2} onChange={(value) => set('note', value)} />
      </PaymentForm>
    </Dialog>
  );
}
