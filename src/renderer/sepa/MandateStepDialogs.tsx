import { useState } from 'react';
import type { MandateView } from '../../shared/api/sepa.js';
import { PaymentForm, useGuardedClose } from '../accounts/PaymentForm.js';
import { api } from '../api/bridge.js';
import type { FieldErrors } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { DateField, TextArea } from '../components/fields.js';
import { todayInParis } from '../lib/format.js';
import { Dialog } from '../planning/Dialog.js';
import { useDialogCall } from '../lib/dialog-call.js';

/**
 * A mandate's steps after its set-up, each a small dialog that is its own confirmation: the signature recorded (the
 * day on the signed form), the revocation (the day and why), the reactivation after a suspension (why). Days are typed
 * jj/mm/aaaa; the office refuses a day in the future or before the mandate, under the field.
 */

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayError(day: string, label: string): FieldErrors {
  if (day === '') return { [label]: 'Indiquez la date (jj/mm/aaaa).' };
  if (!ISO_DAY.test(day)) return { [label]: 'Date invalide : écrivez jj/mm/aaaa.' };
  return {};
}

export function SignDialog({ mandate, onDone, onClose }: { mandate: MandateView; onDone(mandate: MandateView): void; onClose(): void }) {
  const [initial] = useState(todayInParis);
  const [signedOn, setSignedOn] = useState(initial);
  const call = useDialogCall<MandateView>(['signedOn'], onDone);
  const close = useGuardedClose(signedOn !== initial, call.busy, onClose);
  return (
    <Dialog id="sign-dialog" title={`Enregistrer la signature — mandat ${mandate.rum}`} onClose={close}>
      <PaymentForm
        busy={call.busy}
        submitLabel="Enregistrer la signature"
        busyLabel="Enregistrement…"
        onCancel={close}
        banner={<ErrorBanner message={call.banner} />}
        onSubmit={() => call.send(dayError(signedOn, 'signedOn'), () => api.call('mandates.sign', { mandateId: mandate.id, signedOn }))}
      >
        <p>Le mandat signé par la famille devient actif : ses factures pourront être prélevées.</p>
        <div className="form-grid">
          <DateField path="signedOn" label="Date de signature" value={signedOn} errors={call.errors} onChange={setSignedOn} autoFocus />
        </div>
      </PaymentForm>
    </Dialog>
  );
}

export function RevokeDialog({ mandate, onDone, onClose }: { mandate: MandateView; onDone(mandate: MandateView): void; onClose(): void }) {
  const [initial] = useState(() => ({ day: todayInParis(), note: '' }));
  const [draft, setDraft] = useState(initial);
  const call = useDialogCall<MandateView>(['day', 'note'], onDone);
  const close = useGuardedClose(JSON.stringify(draft) !== JSON.stringify(initial), call.busy, onClose);
  function found(): FieldErrors {
    const errors = dayError(draft.day, 'day');
    if (draft.note.trim() === '') errors.note = 'Indiquez le motif de la révocation.';
    return errors;
  }
  return (
    <Dialog id="revoke-dialog" title={`Révoquer le mandat ${mandate.rum}`} onClose={close}>
      <PaymentForm
        busy={call.busy}
        submitLabel="Révoquer le mandat"
        busyLabel="Révocation…"
        onCancel={close}
        banner={<ErrorBanner message={call.banner} />}
        onSubmit={() => call.send(found(), () => api.call('mandates.revoke', { mandateId: mandate.id, day: draft.day, note: draft.note.trim() }))}
      >
        <p>À partir de cette date, plus aucune facture de la famille ne sera prélevée avec ce mandat. Il reste dans l’historique.</p>
        <div className="form-grid">
          <DateField path="day" label="Révoqué le" value={draft.day} errors={call.errors} onChange={(day) => setDraft((current) => ({ ...current, day }))} />
        </div>
        <TextArea path="note" label="Motif (obligatoire)" value={draft.note} errors={call.errors} rows={2} onChange={(note) => setDraft((current) => ({ ...current, note }))} />
      </PaymentForm>
    </Dialog>
  );
}

export function ReactivateDialog({ mandate, onDone, onClose }: { mandate: MandateView; onDone(mandate: MandateView): void; onClose(): void }) {
  const [note, setNote] = useState('');
  const call = useDialogCall<MandateView>(['note'], onDone);
  const close = useGuardedClose(note !== '', call.busy, onClose);
  return (
    <Dialog id="reactivate-dialog" title={`Réactiver le mandat ${mandate.rum}`} onClose={close}>
      <PaymentForm
        busy={call.busy}
        submitLabel="Réactiver le mandat"
        busyLabel="Réactivation…"
        onCancel={close}
        banner={<ErrorBanner message={call.banner} />}
        onSubmit={() =>
          call.send(note.trim() === '' ? { note: 'Indiquez pourquoi le prélèvement peut reprendre.' } : {}, () => api.call('mandates.reactivate', { mandateId: mandate.id, note: note.trim() }))
        }
      >
        <p>
          {mandate.statusLabel}
          {mandate.statusNote ? ` : ${mandate.statusNote}` : ''}. Réactivé, le mandat sera de nouveau utilisé pour les prochains prélèvements.
        </p>
        <TextArea path="note" label="Motif de la réactivation (obligatoire)" value={note} errors={call.errors} rows={2} onChange={setNote} />
      </PaymentForm>
    </Dialog>
  );
}
