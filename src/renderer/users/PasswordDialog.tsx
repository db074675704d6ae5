import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { api } from '../api/bridge.js';
import { useApi, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { TextField } from '../components/fields.js';
import { PASSWORD_MIN } from './password.js';

function precheck(current: string, next: string, confirm: string): FieldErrors {
  const errors: FieldErrors = {};
  if (current === '') errors.current = 'Saisissez votre mot de passe actuel.';
  if (next.length < PASSWORD_MIN) errors.next = `Le mot de passe compte au moins ${PASSWORD_MIN} caractères.`;
  else if (next === current) errors.next = "Choisissez un mot de passe différent de l'actuel.";
  if (confirm !== next) errors.confirm = 'Les deux saisies du nouveau mot de passe diffèrent.';
  return errors;
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href]';

/** showModal() makes the page inert but lets Tab leave for the browser's own controls: wrap around instead. */
function trapTab(dialog: HTMLElement, event: { shiftKey: boolean; preventDefault(): void }): void {
  const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !dialog.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A modal <dialog> opened with showModal(): the rest of the page is inert, so focus stays inside, and Escape closes it.
 * It is rendered under <body> so that the top bar's light-on-dark button styles do not reach it.
 */
function PasswordDialog({ onClose }: { onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const call = useApi();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  async function save() {
    setNote(null);
    const errors = precheck(current, next, confirm);
    if (Object.keys(errors).length > 0) {
      call.clear();
      call.setFields(errors);
      return;
    }
    // The office answers null on success, which run() also returns on failure: map success to true first.
    const done = await call.run(async () => {
      const result = await api.call('auth.changePassword', { current, next });
      return result.ok ? { ok: true as const, value: true } : result;
    });
    if (done) {
      setCurrent('');
      setNext('');
      setConfirm('');
      setNote('Mot de passe modifié : il servira dès la prochaine connexion.');
    }
  }

  return createPortal(
    <dialog
      ref={ref}
      role="dialog"
      aria-modal="true"
      className="dialog password-dialog"
      aria-labelledby="password-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Tab' && ref.current) trapTab(ref.current, event);
      }}
    >
      <h2 id="password-dialog-title">Mon mot de passe</h2>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <TextField path="current" label="Mot de passe actuel" type="password" autoComplete="current-password" errors={call.fields} value={current} maxLength={200} autoFocus onChange={setCurrent} />
        <TextField
          path="next"
          label="Nouveau mot de passe"
          type="password"
          autoComplete="new-password"
          errors={call.fields}
          value={next}
          maxLength={200}
          hint={`${PASSWORD_MIN} caractères au moins.`}
          onChange={setNext}
        />
        <TextField path="confirm" label="Confirmez le nouveau mot de passe" type="password" autoComplete="new-password" errors={call.fields} value={confirm} maxLength={200} onChange={setConfirm} />
        <ErrorBanner message={call.banner} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={call.busy}>
            Changer le mot de passe
          </button>
          <button type="button" className="button" onClick={onClose}>
            Fermer
          </button>
          <SuccessNote message={note} />
        </div>
      </form>
    </dialog>,
    document.body,
  );
}

/** The user box's entry to change one's own password. */
export function PasswordButton() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button ref={button} type="button" className="button small" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Mon mot de passe
      </button>
      {open ? (
        <PasswordDialog
          onClose={() => {
            setOpen(false);
            // The button is inert until the modal dialog is gone: focus it once React has removed it.
            window.setTimeout(() => button.current?.focus(), 0);
          }}
        />
      ) : null}
    </>
  );
}
