import { useState } from 'react';
import type { ReminderHold } from '../../shared/api/accounts.js';
import { HOLD_REASONS, type ReminderRow } from '../../shared/api/reminders.js';
import { api } from '../api/bridge.js';
import { describeError, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { SelectField, TextArea } from '../components/fields.js';
import { Dialog } from '../planning/Dialog.js';

type Reason = ReminderHold['reason'];

/** « Mettre de côté »: a family left out of reminders for a payment plan or a disputed invoice, with the régisseur's note. */
export function ReminderHoldDialog({ row, onClose, onSaved }: { row: ReminderRow; onClose(): void; onSaved(): void | Promise<void> }) {
  const [reason, setReason] = useState<Reason>('payment_plan');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBanner(null);
    if (note.trim().length < 3) {
      setErrors({ note: 'Indiquez pourquoi la famille est mise de côté (échéancier, contestation…).' });
      return;
    }
    setBusy(true);
    const result = await api.call('reminders.hold', { familyId: row.familyId, reason, note });
    setBusy(false);
    if (result.ok) return onSaved();
    const described = describeError(result.error);
    setErrors(described.fields);
    setBanner(described.fields.note || described.fields.reason ? null : described.banner);
  }

  return (
    <Dialog id="reminder-hold-dialog" title={`Mettre de côté : ${row.familyName}`} onClose={busy ? () => undefined : onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <p>La famille ne sera plus proposée aux relances jusqu’à ce que vous les repreniez.</p>
        <SelectField<Reason> path="reason" label="Motif" value={reason} options={HOLD_REASONS} errors={errors} onChange={setReason} />
        <TextArea path="note" label="Note (obligatoire)" value={note} onChange={setNote} errors={errors} rows={3} />
        <ErrorBanner message={banner} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
            Mettre de côté
          </button>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Annuler
          </button>
        </div>
      </form>
    </Dialog>
  );
}
