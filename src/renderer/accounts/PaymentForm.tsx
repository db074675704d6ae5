import { useCallback, type ReactNode } from 'react';
import { DISCARD_QUESTION, useUnsavedChanges } from '../lib/unsaved.js';

/**
 * What the régie's dialogs (a payment, a refund, a cancellation, the SEPA ones) share: the form with its two buttons and
 * the unsaved changes guard of the other forms (lib/unsaved.ts: leaving the page, closing the dialog by Annuler or
 * Échap). Their calls and refusals: lib/dialog-call.ts.
 */

/** Closes the dialog, asking « Abandonner les modifications ? » first when something was typed; never while saving. */
export function useGuardedClose(dirty: boolean, busy: boolean, onClose: () => void): () => void {
  useUnsavedChanges(dirty);
  return useCallback(() => {
    if (busy) return;
    if (dirty && !window.confirm(DISCARD_QUESTION)) return;
    onClose();
  }, [busy, dirty, onClose]);
}

export function PaymentForm({
  busy,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
  banner,
  children,
}: {
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  onSubmit(): Promise<void>;
  onCancel(): void;
  banner: ReactNode;
  children: ReactNode;
}) {
  return (
    <form
      className="payment-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit();
      }}
    >
      {children}
      {banner}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Fermer
        </button>
      </div>
    </form>
  );
}
