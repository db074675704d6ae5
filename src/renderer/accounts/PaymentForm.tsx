import { useCallback, useState, type ReactNode } from 'react';
import type { PaymentOutcome } from '../../shared/api/accounts.js';
import type { ApiError, Result } from '../../shared/result.js';
import { describeError, type FieldErrors } from '../api/useApi.js';
import { DISCARD_QUESTION, useUnsavedChanges } from '../lib/unsaved.js';

/**
 * What the régie's dialogs (a payment, a refund, a cancellation) share: the form with its two buttons, the unsaved
 * changes guard of the other forms (lib/unsaved.ts: leaving the page, closing the dialog by Annuler or Échap), and
 * the office's refusals split between the fields shown and the banner.
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

/** The office's refusal: under the fields this form has (`paths`), the rest (and a message about none) as a banner. */
export function refusal(error: ApiError, paths: readonly string[]): { fields: FieldErrors; banner: string | null } {
  const described = describeError(error);
  const fields: FieldErrors = {};
  const hidden: string[] = [];
  for (const [path, message] of Object.entries(described.fields)) {
    if (paths.includes(path)) fields[path] = message;
    else hidden.push(message);
  }
  // « Le montant dépasse… : choisissez… » is said once, beside the choice it asks for.
  if (fields.overpayment !== undefined && fields.amountCents === fields.overpayment) delete fields.amountCents;
  const banner = [described.banner, ...hidden].filter((text, index, all) => text && all.indexOf(text) === index).join(' ');
  return { fields, banner: banner || null };
}

/**
 * The state of a dialog's call: the refusals shown (the window's own first, then the office's), the banner, busy. `send`
 * shows `found` and stops when there is any, otherwise makes the call and hands the outcome to `onDone`.
 */
export function usePaymentCall(paths: readonly string[], onDone: (outcome: PaymentOutcome) => void) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function send(found: FieldErrors, call: () => Promise<Result<PaymentOutcome>>): Promise<void> {
    setBanner(null);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const result = await call();
    setBusy(false);
    if (result.ok) return onDone(result.value);
    const shown = refusal(result.error, paths);
    setErrors(shown.fields);
    setBanner(shown.banner);
  }
  return { errors, banner, busy, send };
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
