import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RefusalReason } from '../../shared/api/contract.js';
import { api } from '../api/bridge.js';
import type { FieldErrors } from '../api/useApi.js';
import { SelectField, TextField } from '../components/fields.js';

const TYPED = '__typed';

/**
 * Modal dialog asking why the office refuses: a reason from the office's list, or one typed here. The family reads
 * it, so it is required. Focus stays inside while open; Échap closes and focus returns to what opened it.
 */
export function RefuseDialog({
  count,
  busy,
  onCancel,
  onConfirm,
}: {
  count: number;
  busy: boolean;
  onCancel(): void;
  onConfirm(reason: string): void;
}) {
  const [reasons, setReasons] = useState<RefusalReason[]>([]);
  const [choice, setChoice] = useState('');
  const [typed, setTyped] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const box = useRef<HTMLDivElement>(null);
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    opener.current = document.activeElement;
    box.current?.querySelector<HTMLElement>('select, input, textarea, button')?.focus();
    void api.call('refusalReasons.list', {}).then((result) => {
      if (result.ok) setReasons(result.value.filter((reason) => reason.active));
    });
    return () => {
      if (opener.current instanceof HTMLElement && opener.current.isConnected) opener.current.focus();
    };
  }, []);

  function submit() {
    if (choice === '') return setErrors({ 'refuse.choice': 'Choisissez un motif de refus, ou « Autre motif » pour le saisir.' });
    const reason = choice === TYPED ? typed.trim() : choice;
    if (reason === '') return setErrors({ 'refuse.typed': 'Saisissez le motif du refus : la famille le lira.' });
    setErrors({});
    onConfirm(reason);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
      return;
    }
    if (event.key !== 'Tab' || !box.current) return;
    const focusable = [...box.current.querySelectorAll<HTMLElement>('select, input, textarea, button')].filter((element) => !element.hasAttribute('disabled'));
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  const options: [string, string][] = [
    ['', '— Choisir un motif —'],
    ...reasons.map((reason): [string, string] => [reason.label, reason.label]),
    [TYPED, 'Autre motif (à saisir)'],
  ];

  return (
    <div className="modal-backdrop">
      <div ref={box} className="modal card" role="dialog" aria-modal="true" aria-labelledby="refuse-title" aria-describedby="refuse-help" onKeyDown={onKeyDown}>
        <h2 id="refuse-title">Refuser {count > 1 ? `${count} demandes` : 'la demande'}</h2>
        <p id="refuse-help" className="muted">
          La famille lira ce motif. Échap ferme sans rien refuser.
        </p>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <div className="form-grid">
            <SelectField path="refuse.choice" label="Motif du refus" errors={errors} value={choice} options={options} onChange={(value) => {
              setChoice(value);
              setErrors({});
            }} />
            {choice === TYPED ? (
              <TextField path="refuse.typed" label="Motif saisi" errors={errors} value={typed} maxLength={300} autoFocus onChange={(value) => {
                setTyped(value);
                setErrors({});
              }} />
            ) : null}
          </div>
          <div className="form-actions">
            <button type="submit" className="button primary danger-fill" disabled={busy}>
              Refuser
            </button>
            <button type="button" className="button" onClick={onCancel} disabled={busy}>
              Annuler
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
