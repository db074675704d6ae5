import { useState } from 'react';
import type { ReminderLevel, ReminderRow, ReminderSendOutcome } from '../../shared/api/reminders.js';
import { REMINDER_LEVELS } from '../../shared/api/reminders.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { plural } from '../billing/labels.js';
import { Dialog } from '../planning/Dialog.js';

/**
 * The régisseur's confirmation before reminders are recorded: how many letters (one PDF to print and post), how many
 * mails the portal will send at the next sync, and for a second reminder that the debt then goes to the Trésor public.
 */
export function ReminderSendDialog({
  level,
  rows,
  onClose,
  onSent,
}: {
  level: ReminderLevel;
  rows: readonly ReminderRow[];
  onClose(): void;
  onSent(outcome: ReminderSendOutcome): void | Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mails = rows.reduce((sum, row) => sum + row.emails.length, 0);
  const total = rows.reduce((sum, row) => sum + row.overdueCents, 0);
  const notYet = level === 2 ? rows.filter((row) => row.suggestedLevel === 1).length : 0;

  async function send() {
    setBusy(true);
    setError(null);
    const result = await api.call('reminders.send', { familyIds: rows.map((row) => row.familyId), level });
    setBusy(false);
    if (result.ok) await onSent(result.value);
    else setError(result.error.message);
  }

  return (
    <Dialog id="reminder-send-dialog" title={`${REMINDER_LEVELS[level]} (niveau ${level})`} onClose={busy ? () => undefined : onClose}>
      <p>
        <strong>{plural(rows.length, 'lettre')}</strong> de relance pour un total échu de <strong>{formatEuros(total)}</strong>{' '}
        {rows.length > 1 ? 'vont être enregistrées sur le compte des familles' : 'va être enregistrée sur le compte de la famille'} et ouverte
        {rows.length > 1 ? 's' : ''} en un seul PDF, à imprimer et poster.
      </p>
      <p>
        {mails > 0
          ? `${plural(mails, 'courriel')} ${mails > 1 ? 'seront envoyés' : 'sera envoyé'} aux responsables par le portail famille à la prochaine synchronisation.`
          : 'Aucun responsable n’a d’adresse électronique : aucun courriel ne sera envoyé.'}
      </p>
      {level === 2 ? <p>La seconde relance annonce la transmission de la dette au Trésor public pour recouvrement (titre de recettes).</p> : null}
      {notYet > 0 ? (
        <p className="banner banner-warning">
          Attention : {plural(notYet, 'famille')} n’{notYet > 1 ? 'ont' : 'a'} pas encore reçu de première relance depuis assez longtemps.
        </p>
      ) : null}
      <ErrorBanner message={error} />
      <div className="form-actions">
        <button type="button" className="button primary" onClick={() => void send()} disabled={busy} aria-busy={busy}>
          {busy ? 'Envoi en cours…' : `Envoyer ${plural(rows.length, 'relance')}`}
        </button>
        <button type="button" className="button" onClick={onClose} disabled={busy}>
          Annuler
        </button>
      </div>
    </Dialog>
  );
}
