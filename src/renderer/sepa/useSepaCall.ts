import { useState } from 'react';
import type { Result } from '../../shared/result.js';
import { refusal } from '../accounts/PaymentForm.js';
import type { FieldErrors } from '../api/useApi.js';

/**
 * The state of a SEPA dialog's call, as the régie's payment dialogs do it (accounts/PaymentForm.ts usePaymentCall) but
 * for any value: the window's own refusals first (`found`), then the office's, under the fields the dialog shows
 * (`paths`) and the rest as a banner; `busy` while the call runs.
 */
export function useSepaCall<T>(paths: readonly string[], onDone: (value: T) => void) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function send(found: FieldErrors, call: () => Promise<Result<T>>): Promise<void> {
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
  return { errors, setErrors, banner, setBanner, busy, send };
}
