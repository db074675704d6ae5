import { useState, type ReactNode } from 'react';
import type { Result } from '../../shared/result.js';
import { useApi, type FieldErrors } from '../api/useApi.js';
import { DISCARD_QUESTION, useUnsavedChanges } from '../lib/unsaved.js';
import { ErrorBanner, SuccessNote } from './Banner.js';

interface Props<T> {
  title: string;
  /** The saved value; when it changes (saved here, or reloaded), the draft restarts from it. */
  initial: T;
  canEdit: boolean;
  /** Client-side pre-check with the shared zod schemas: field errors, or {} when fine. */
  validate(draft: T): FieldErrors;
  save(draft: T): Promise<Result<unknown>>;
  children(draft: T, setDraft: (next: T) => void, errors: FieldErrors): ReactNode;
  headerExtra?: ReactNode;
  id?: string;
}

/**
 * One section of a file, edited and saved on its own: Enregistrer / Annuler, Échap cancels (after asking), Enter submits.
 * While it has changes, leaving the page asks first (lib/unsaved.ts).
 */
export function SectionForm<T>({ title, initial, canEdit, validate, save, children, headerExtra, id }: Props<T>) {
  const [draft, setDraftState] = useState(initial);
  // Adjusting state while rendering (not in an effect) restarts the draft from a new saved value without a remount,
  // so the success note survives the save that caused it.
  const initialJson = JSON.stringify(initial);
  const [base, setBase] = useState(initialJson);
  if (base !== initialJson) {
    setBase(initialJson);
    setDraftState(initial);
  }
  const [saved, setSaved] = useState<string | null>(null);
  const call = useApi();
  const dirty = JSON.stringify(draft) !== initialJson;
  useUnsavedChanges(dirty);
  const headingId = `${id ?? title}-title`.replace(/[^A-Za-z0-9_-]/g, '-');

  function setDraft(next: T) {
    setDraftState(next);
    setSaved(null);
  }

  function cancel() {
    setDraftState(initial);
    call.clear();
    setSaved(null);
  }

  async function submit() {
    const problems = validate(draft);
    if (Object.keys(problems).length > 0) {
      call.setFields(problems);
      call.setBanner(null);
      setSaved(null);
      return;
    }
    const value = await call.run(() => save(draft));
    if (value !== null) setSaved('Modifications enregistrées.');
  }

  return (
    <section className="card" aria-labelledby={headingId} id={id}>
      <div className="card-header">
        <h2 id={headingId}>{title}</h2>
        {headerExtra}
      </div>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (canEdit) void submit();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && dirty) {
            event.preventDefault();
            // Échap asks too: one key must not throw away what was typed.
            if (window.confirm(DISCARD_QUESTION)) cancel();
          }
        }}
      >
        <fieldset disabled={!canEdit || call.busy} className="plain-fieldset">
          <legend className="visually-hidden">{title}</legend>
          {children(draft, setDraft, call.fields)}
        </fieldset>
        <ErrorBanner message={call.banner} />
        {canEdit ? (
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={call.busy}>
              Enregistrer
            </button>
            <button type="button" className="button" onClick={cancel} disabled={call.busy || !dirty}>
              Annuler
            </button>
            <SuccessNote message={saved} />
          </div>
        ) : null}
      </form>
    </section>
  );
}
