import { useEffect, useState } from 'react';
import type { ReminderLevel, ReminderList, ReminderRow } from '../../shared/api/reminders.js';
import { HOLD_REASONS, SECOND_REMINDER_AFTER_DAYS } from '../../shared/api/reminders.js';
import { OVERDUE_AGES } from '../../shared/billing/account.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { downloadFile } from '../lib/files.js';
import { plural } from '../billing/labels.js';
import '../billing/billing.css';
import './reminders.css';
import { ReminderHoldDialog } from './ReminderHoldDialog.js';
import { ReminderSendDialog } from './ReminderSendDialog.js';

const BUCKETS = ['d0_30', 'd31_60', 'd61_90', 'd90_plus'] as const;
/** Short headers at the laptop's width; the full label (OVERDUE_AGES) is the header's title. */
const SHORT: Record<(typeof BUCKETS)[number], string> = { d0_30: '0 à 30 j', d31_60: '31 à 60 j', d61_90: '61 à 90 j', d90_plus: '+ de 90 j' };

/**
 * « Relances »: the families with overdue invoices, what they owe by age, their last reminder and whether they are
 * set aside. The régisseur selects families and sends a first or second reminder (the letters open as one PDF, the
 * portal mails them at the next sync), or sets a family aside with a note; the other roles read.
 */
export function RemindersPage() {
  const can = useCan();
  const mayAct = can('reminders.send');
  const [list, setList] = useState<ReminderList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [sending, setSending] = useState<ReminderLevel | null>(null);
  const [holding, setHolding] = useState<ReminderRow | null>(null);

  // Each change bumps `version`: the list is read again from the office.
  const [version, setVersion] = useState(0);
  const load = () => setVersion((v) => v + 1);
  useEffect(() => {
    let live = true;
    void api.call('reminders.list', {}).then((result) => {
      if (!live) return;
      if (result.ok) {
        setList(result.value);
        setError(null);
        const ids = new Set(result.value.rows.map((row) => row.familyId));
        setSelected((before) => new Set([...before].filter((id) => ids.has(id))));
      } else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [version]);

  if (!list) return error ? <ErrorBanner message={error} /> : <p aria-busy="true">Chargement des relances…</p>;

  const chosen = list.rows.filter((row) => selected.has(row.familyId));
  const selectable = list.rows.filter((row) => row.hold === null);
  const toggle = (familyId: number) =>
    setSelected((before) => {
      const next = new Set(before);
      if (next.has(familyId)) next.delete(familyId);
      else next.add(familyId);
      return next;
    });

  async function release(row: ReminderRow) {
    setNote(null);
    const result = await api.call('reminders.release', { familyId: row.familyId });
    if (!result.ok) return setError(result.error.message);
    setNote(`Relances reprises pour ${row.familyName}.`);
    load();
  }

  const total = list.rows.reduce((sum, row) => sum + row.overdueCents, 0);
  return (
    <section aria-labelledby="relances-title">
      <h2 id="relances-title">Relances au {shortDayFr(list.day)}</h2>
      <p>
        {list.rows.length === 0
          ? 'Aucune facture en retard de paiement.'
          : `${plural(list.rows.length, 'famille')} avec des factures échues impayées, pour un total de ${formatEuros(total)}.`}{' '}
        La seconde relance est proposée {SECOND_REMINDER_AFTER_DAYS} jours après la première.
      </p>
      <ErrorBanner message={error} />
      <SuccessNote message={note} />
      {mayAct && list.rows.length > 0 ? (
        <div className="form-actions" role="group" aria-label="Envoyer les relances">
          <button
            type="button"
            className="button"
            onClick={() => setSelected(new Set(selectable.map((row) => row.familyId)))}
            disabled={selectable.length === 0}
          >
            Tout sélectionner (hors familles mises de côté)
          </button>
          <button type="button" className="button primary" disabled={chosen.length === 0} onClick={() => setSending(1)}>
            Envoyer la relance (niveau 1)
          </button>
          <button type="button" className="button primary" disabled={chosen.length === 0} onClick={() => setSending(2)}>
            Envoyer la relance (niveau 2)
          </button>
          <span aria-live="polite">{chosen.length > 0 ? `${plural(chosen.length, 'famille sélectionnée', 'familles sélectionnées')}` : ''}</span>
        </div>
      ) : null}
      {list.rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table reminders-table">
            <caption className="visually-hidden">Familles avec des factures échues impayées</caption>
            <colgroup>
              {mayAct ? <col /> : null}
              <col className="reminders-family" />
            </colgroup>
            <thead>
              <tr>
                {mayAct ? <th scope="col">Choisir</th> : null}
                <th scope="col">Famille</th>
                {BUCKETS.map((bucket) => (
                  <th scope="col" className="num" key={bucket} title={`Retard : ${OVERDUE_AGES[bucket].toLowerCase()}`}>
                    {SHORT[bucket]}
                  </th>
                ))}
                <th scope="col" className="num">
                  Total échu
                </th>
                <th scope="col">Dernière relance</th>
                <th scope="col" title="Niveau de relance proposé">Prochaine</th>
                <th scope="col">Courriel</th>
                <th scope="col">Mise de côté</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((row) => (
                <tr key={row.familyId}>
                  {mayAct ? (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Choisir ${row.familyName}`}
                        checked={selected.has(row.familyId)}
                        disabled={row.hold !== null}
                        onChange={() => toggle(row.familyId)}
                      />
                    </td>
                  ) : null}
                  <th scope="row">
                    <a href={`#/familles/${row.familyId}`}>{row.familyName}</a>
                    {row.archived ? ' (archivée)' : ''}
                    <div className="muted">{row.invoices.map((invoice) => invoice.number).join(', ')}</div>
                  </th>
                  {BUCKETS.map((bucket) => (
                    <td className="num" key={bucket}>
                      {row.buckets[bucket] > 0 ? formatEuros(row.buckets[bucket]) : '—'}
                    </td>
                  ))}
                  <td className="num">
                    <strong>{formatEuros(row.overdueCents)}</strong>
                  </td>
                  <td>{row.lastReminder ? `Niveau ${row.lastReminder.level} le ${shortDayFr(row.lastReminder.day)}` : 'Aucune'}</td>
                  <td>{row.hold ? '—' : `Niveau ${row.suggestedLevel}`}</td>
                  <td title={row.emails.join(', ')}>
                    {row.emails.length > 0 ? plural(row.emails.length, 'adresse') : 'Courrier seulement'}
                    {row.emails.length > 0 ? <span className="visually-hidden"> : {row.emails.join(', ')}</span> : null}
                  </td>
                  <td>
                    {row.hold ? (
                      <>
                        <span className="hold-note">
                          {HOLD_REASONS[row.hold.reason]} depuis le {shortDayFr(row.hold.since)} : {row.hold.note}
                        </span>
                        {mayAct ? (
                          <>
                            {' '}
                            <button type="button" className="button" onClick={() => void release(row)}>
                              Reprendre les relances
                            </button>
                          </>
                        ) : null}
                      </>
                    ) : mayAct ? (
                      <button type="button" className="button" onClick={() => setHolding(row)} aria-label={`Mettre de côté ${row.familyName}`}>
                        Mettre de côté
                      </button>
                    ) : (
                      'Non'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {sending !== null ? (
        <ReminderSendDialog
          level={sending}
          rows={chosen}
          onClose={() => setSending(null)}
          onSent={async (outcome) => {
            setSending(null);
            setSelected(new Set());
            downloadFile(outcome.pdf);
            setNote(`${plural(outcome.letters, 'lettre')} de relance ${outcome.letters > 1 ? 'enregistrées' : 'enregistrée'} ; ${plural(outcome.mails, 'courriel')} à la prochaine synchronisation.`);
            load();
          }}
        />
      ) : null}
      {holding ? (
        <ReminderHoldDialog
          row={holding}
          onClose={() => setHolding(null)}
          onSaved={async () => {
            setNote(`${holding.familyName} est mise de côté des relances.`);
            setHolding(null);
            setSelected((before) => new Set([...before].filter((id) => id !== holding.familyId)));
            load();
          }}
        />
      ) : null}
    </section>
  );
}
