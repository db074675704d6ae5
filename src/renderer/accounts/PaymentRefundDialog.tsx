import { useState } from 'react';
import type { FamilyAccount, PaymentOutcome } from '../../shared/api/accounts.js';
import { refundInputSchema, type RefundInput, type RefundMethod } from '../../shared/billing/account.js';
import { formatCents, formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { check, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { DateField, SelectField, TextArea, TextField } from '../components/fields.js';
import { todayInParis } from '../lib/format.js';
import { Dialog } from '../planning/Dialog.js';
import { readAmount, REFUND_METHOD_OPTIONS } from './PaymentDialog.js';
import { useDialogCall } from '../lib/dialog-call.js';
import { PaymentForm, useGuardedClose } from './PaymentForm.js';

/** « Rembourser » the family's credit (all of it by default, or part), by cash, cheque or transfer; the régisseur's. */

const FIELDS = ['method', 'day', 'amountCents', 'chequeNumber', 'reference', 'note'];

export function PaymentRefundDialog({ account, onDone, onClose }: { account: FamilyAccount; onDone(outcome: PaymentOutcome): void; onClose(): void }) {
  const [initial] = useState(() => ({ method: 'especes' as RefundMethod, day: todayInParis(), amount: formatCents(account.creditCents), chequeNumber: '', reference: '', note: '' }));
  const [draft, setDraft] = useState(initial);
  const { errors, banner, busy, send } = useDialogCall<PaymentOutcome>(FIELDS, onDone);
  const close = useGuardedClose(JSON.stringify(draft) !== JSON.stringify(initial), busy, onClose);
  const set = <K extends keyof typeof draft>(key: K, value: (typeof draft)[K]) => setDraft((current) => ({ ...current, [key]: value }));

  async function submit() {
    const amount = readAmount(draft.amount);
    const input: RefundInput = {
      familyId: account.familyId,
      method: draft.method,
      day: draft.day,
      amountCents: amount.cents ?? 0,
      chequeNumber: draft.method === 'cheque' ? draft.chequeNumber : '',
      reference: draft.method === 'virement' ? draft.reference : '',
      note: draft.note,
    };
    const found: FieldErrors = amount.error ? { amountCents: amount.error } : {};
    for (const [path, message] of Object.entries(check(refundInputSchema, input, ''))) found[path] ??= message;
    await send(found, () => api.call('payments.refund', input));
  }

  return (
    <Dialog id="refund-dialog" title={`Rembourser le crédit — ${account.familyName}`} onClose={close}>
      <PaymentForm busy={busy} submitLabel="Enregistrer le remboursement" busyLabel="Enregistrement…" onSubmit={submit} onCancel={close} banner={<ErrorBanner message={banner} />}>
        <p>
          Crédit de la famille : <strong>{formatEuros(account.creditCents)}</strong>. Le remboursement est une écriture du compte, comptée dans le journal de caisse du jour choisi.
        </p>
        <div className="form-grid">
          <SelectField<RefundMethod> path="method" label="Mode de remboursement" value={draft.method} options={REFUND_METHOD_OPTIONS} errors={errors} onChange={(method) => set('method', method)} />
          <DateField path="day" label="Jour de caisse" value={draft.day} errors={errors} onChange={(day) => set('day', day)} />
          <TextField path="amountCents" label="Montant remboursé (€)" inputMode="decimal" value={draft.amount} errors={errors} onChange={(amount) => set('amount', amount)} />
          {draft.method === 'cheque' ? (
            <TextField path="chequeNumber" label="N° du chèque de remboursement" value={draft.chequeNumber} errors={errors} maxLength={20} onChange={(value) => set('chequeNumber', value)} />
          ) : null}
          {draft.method === 'virement' ? (
            <TextField path="reference" label="Référence du virement" value={draft.reference} errors={errors} maxLength={60} onChange={(value) => set('reference', value)} />
          ) : null}
        </div>
        <TextArea path="note" label="Note (facultative)" value={draft.note} errors={errors} rows={2} onChange={(value) => set('note', value)} />
      </PaymentForm>
    </Dialog>
  );
}
