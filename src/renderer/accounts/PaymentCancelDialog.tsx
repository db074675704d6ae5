import { useState } from 'react';
import type { AccountMovement, PaymentOutcome } from '../../shared/api/accounts.js';
import { cancelInputSchema, methodText, type CancelInput } from '../../shared/billing/account.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { check } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { DateField, TextArea } from '../components/fields.js';
import { todayInParis } from '../lib/format.js';
import { Dialog } from '../planning/Dialog.js';
import { useDialogCall } from '../lib/dialog-call.js';
import { PaymentForm, useGuardedClose } from './PaymentForm.js';

/**
 * « Annuler » a payment or a refund entered by mistake: never deleted, but cancelled by a counter-entry of the same
 * amount dated an open day of the régie, with the reason; the invoices it settled are due again. The dialog is the
 * confirmation: it says what will happen before the régisseur confirms.
 */

const FIELDS = ['day', 'reason'];

export function PaymentCancelDialog({ movement, onDone, onClose }: { movement: AccountMovement; onDone(outcome: PaymentOutcome): void; onClose(): void }) {
  const [initial] = useState(() => ({ day: todayInParis(), reason: '' }));
  const [draft, setDraft] = useState(initial);
  const { errors, banner, busy, send } = useDialogCall<PaymentOutcome>(FIELDS, onDone);
  const close = useGuardedClose(JSON.stringify(draft) !== JSON.stringify(initial), busy, onClose);
  const what = movement.kind === 'refund' ? 'remboursement' : 'règlement';

  async function submit() {
    const input: CancelInput = { movementId: movement.id, day: draft.day, reason: draft.reason };
    await send(check(cancelInputSchema, input, ''), () => api.call('payments.cancel', input));
  }

  return (
    <Dialog id="cancel-dialog" title={`Annuler le ${what} du ${shortDayFr(movement.day)}`} onClose={close}>
      <PaymentForm busy={busy} submitLabel={`Confirmer l’annulation`} busyLabel="Annulation…" onSubmit={submit} onCancel={close} banner={<ErrorBanner message={banner} />}>
        <p>
          {movement.kind === 'refund' ? 'Remboursement' : 'Règlement'} de <strong>{formatEuros(movement.amountCents)}</strong> — {methodText(movement.method, movement.details)}.
        </p>
        <p>
          Il n’est pas supprimé : une contre-écriture du même montant l’annule, datée du jour de caisse choisi.
          {movement.kind === 'payment' ? ' Les factures qu’il réglait redeviennent dues.' : ' Le montant redevient un crédit de la famille.'}
        </p>
        <div className="form-grid">
          <DateField path="day" label="Jour de caisse de l’annulation" value={draft.day} errors={errors} onChange={(day) => setDraft((current) => ({ ...current, day }))} />
        </div>
        <TextArea path="reason" label="Motif de l’annulation (obligatoire)" value={draft.reason} errors={errors} rows={2} onChange={(reason) => setDraft((current) => ({ ...current, reason }))} />
      </PaymentForm>
    </Dialog>
  );
}
