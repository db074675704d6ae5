import { useState } from 'react';
import { ABSENCE_REASONS, type AbsenceReason } from '../../shared/planning/reasons.js';
import { Dialog } from './Dialog.js';

const REASON_OPTIONS = Object.entries(ABSENCE_REASONS) as [AbsenceReason, string][];

function ReasonRadios({ name, value, onChange }: { name: string; value: AbsenceReason | null; onChange(reason: AbsenceReason): void }) {
  return (
    <fieldset className="plain-fieldset reason-list">
      <legend>Motif de l’absence</legend>
      {REASON_OPTIONS.map(([code, label]) => (
        <div key={code} className="field-radio">
          <input
            id={`${name}-${code}`}
            type="radio"
            name={name}
            value={code}
            checked={value === code}
            onChange={() => onChange(code)}
          />
          <label htmlFor={`${name}-${code}`}>{label}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** The chosen days under a dialog's title, service by service: the agent checks what the decision is about. */
function ChosenDays({ lines }: { lines: readonly string[] }) {
  return (
    <ul className="dialog-days">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

/** Absent with a reason, applied by staff at once. */
export function AbsenceDialog({ count, days, onConfirm, onClose }: { count: number; days: readonly string[]; onConfirm(reason: AbsenceReason): void; onClose(): void }) {
  const [reason, setReason] = useState<AbsenceReason | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog id="absence-dialog" title={`Absence (${count} jour${count > 1 ? 's' : ''})`} onClose={onClose}>
      <ChosenDays lines={days} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!reason) return setError('Choisissez un motif.');
          onConfirm(reason);
        }}
      >
        <ReasonRadios name="absence-reason" value={reason} onChange={(value) => { setReason(value); setError(null); }} />
        {error ? <p className="field-error" role="alert">{error}</p> : null}
        <div className="form-actions">
          <button type="submit" className="button primary">Enregistrer l’absence</button>
          <button type="button" className="button" onClick={onClose}>Annuler</button>
        </div>
      </form>
    </Dialog>
  );
}

export type FamilyRequestKind = 'book' | 'cancel' | 'absence';

/** What the family asked (by phone, at the desk): it goes to the queue like a portal request. */
export function FamilyRequestDialog({
  count,
  days,
  onConfirm,
  onClose,
  error,
}: {
  count: number;
  days: readonly string[];
  onConfirm(request: { kind: FamilyRequestKind; reason: AbsenceReason | null; comment: string }): void;
  onClose(): void;
  error: string | null;
}) {
  const [kind, setKind] = useState<FamilyRequestKind>('absence');
  const [reason, setReason] = useState<AbsenceReason | null>(null);
  const [comment, setComment] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  return (
    <Dialog id="request-dialog" title={`Demande de la famille (${count} jour${count > 1 ? 's' : ''})`} onClose={onClose}>
      <ChosenDays lines={days} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (kind === 'absence' && !reason) return setLocalError('Choisissez un motif.');
          onConfirm({ kind, reason: kind === 'absence' ? reason : null, comment: comment.trim() });
        }}
      >
        <div className="field">
          <label htmlFor="request-kind">Type de demande</label>
          <select id="request-kind" value={kind} onChange={(event) => setKind(event.target.value as FamilyRequestKind)}>
            <option value="book">Réservation</option>
            <option value="cancel">Annulation</option>
            <option value="absence">Absence</option>
          </select>
        </div>
        {kind === 'absence' ? (
          <ReasonRadios name="request-reason" value={reason} onChange={(value) => { setReason(value); setLocalError(null); }} />
        ) : null}
        <div className="field">
          <label htmlFor="request-comment">Commentaire</label>
          <textarea id="request-comment" rows={2} value={comment} onChange={(event) => setComment(event.target.value)} />
        </div>
        {localError || error ? <p className="field-error" role="alert">{localError ?? error}</p> : null}
        <div className="form-actions">
          <button type="submit" className="button primary">Enregistrer la demande</button>
          <button type="button" className="button" onClick={onClose}>Annuler</button>
        </div>
      </form>
    </Dialog>
  );
}
