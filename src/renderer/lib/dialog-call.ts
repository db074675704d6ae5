import { useState } from 'react';
import type { ApiError, Result } from '../../shared/result.js';
import { describeError, type FieldErrors } from '../api/useApi.js';

/**
 * How a dialog's form calls the office (the régie's payment dialogs, the SEPA mandate and reject dialogs): the
 * window's own refusals first, then the office's, each under the field the dialog shows, the rest as one banner.
 */

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
 * The state of a dialog's call: the refusals shown, the banner, busy. `send` shows `found` and stops when there is
 * any, otherwise makes the call and hands its value to `onDone`.
 */
export function useDialogCall<T>(paths: readonly string[], onDone: (value: T) => void) {
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
