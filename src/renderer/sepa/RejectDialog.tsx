import { useState } from 'react';
import type { DebitLine, RejectOutcome } from '../../shared/api/sepa.js';
import { REJECT_CODES, rejectLabel, type RejectCode } from '../../shared/sepa/reject-reasons.js';
import { formatCents, formatEuros, parseEuros } from '../../shared/money.js';
import { PaymentForm, useGuardedClose } from '../accounts/PaymentForm.js';
import { api } from '../api/bridge.js';
import type { FieldErrors } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { DateField, SelectField, TextField } from '../components/fields.js';
import { todayInParis } from '../lib/format.js';
import { Dialog } from '../planning/Dialog.js';
import { useDialogCall } from '../lib/dialog-call.js';

/**
 * « Enregistrer un rejet » of one debit, as the bank reported it: the ISO reason code (shown in French), the day of the
 * reversal, and the fee invoiced to the family, proposed from Paramètres and typed in euros (empty or 0: none). The
 * dialog says what follows: the payment reversed on the ledger, the invoice due again, the family flagged, and the
 * mandate suspended at the second reject.
 */

const CODE_OPTIONS = REJECT_CODES.map((code) => [code, rejectLabel(code)] as const);
const FIELDS = ['code', 'day', 'feeCents'];

export function RejectDialog({ debit, defaultFeeCents, onDone, onClose }: { debit: DebitLine; defaultFeeCents: number; onDone(outcome: RejectOutcome): void; onClose(): void }) {
  const [initial] = useState(() => ({ code: 'AM04' as RejectCode, day: todayInParis(), fee: defaultFeeCents > 0 ? formatCents(defaultFeeCents) : '' }));
  const [draft, setDraft] = useState(initial);
  const call = useDialogCall<RejectOutcome>(FIELDS, onDone);
  const close = useGuardedClose(JSON.stringify(draft) !== JSON.stringify(initial), call.busy, onClose);

  async function submit() {
    const found: FieldErrors = {};
    let feeCents = 0;
    if (draft.fee.trim() !== '') {
      const parsed = parseEuros(draft.fee);
      if (!parsed.ok) found.feeCents = parsed.error;
      else if (parsed.cents < 0) found.feeCents = 'Les frais de rejet ne sont pas négatifs.';
      else feeCents = parsed.cents;
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.day)) found.day = draft.day === '' ? 'Indiquez la date du rejet (jj/mm/aaaa).' : 'Date invalide : écrivez jj/mm/aaaa.';
    await call.send(found, () => api.call('sepa.reject', { debitId: debit.id!, code: draft.code, day: draft.day, feeCents }));
  }

  return (
    <Dialog id="reject-dialog" title={`Enregistrer un rejet — ${debit.familyName}`} onClose={close}>
      <PaymentForm busy={call.busy} submitLabel="Enregistrer le rejet" busyLabel="Enregistrement…" onSubmit={submit} onCancel={close} banner={<ErrorBanner message={call.banner} />}>
        <p>
          Facture {debit.invoiceNumber} : <strong>{formatEuros(debit.amountCents)}</strong> prélevés sur le compte de {debit.holder} ({debit.ibanMasked}), mandat {debit.rum}.
        </p>
        <p>Le paiement est annulé au compte de la famille, la facture redevient due et la famille est signalée. Au deuxième rejet, le mandat est suspendu.</p>
        <div className="form-grid">
          <SelectField<RejectCode> path="code" label="Motif du rejet (code ISO)" value={draft.code} options={CODE_OPTIONS} errors={call.errors} onChange={(code) => setDraft((current) => ({ ...current, code }))} />
          <DateField path="day" label="Date du rejet" value={draft.day} errors={call.errors} onChange={(day) => setDraft((current) => ({ ...current, day }))} />
          <TextField
            path="feeCents"
            label="Frais de rejet facturés (€)"
            hint="Vide ou 0 : aucun frais."
            inputMode="decimal"
            value={draft.fee}
            errors={call.errors}
            onChange={(fee) => setDraft((current) => ({ ...current, fee }))}
          />
        </div>
      </PaymentForm>
    </Dialog>
  );
}
