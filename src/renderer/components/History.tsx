import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import { auditValueText, frenchInstant } from '../lib/format.js';
import { ErrorBanner } from './Banner.js';

const ACTIONS: Record<string, string> = {
  create: 'Création',
  update: 'Modification',
  archive: 'Archivage',
  unarchive: 'Réactivation',
  delete: 'Suppression',
  refuse: 'Refus',
  force: 'Acceptation au-delà de la capacité',
  // An IBAN shown in clear or printed on a mandate (src/office/sepa/mandates.ts).
  reveal: 'Consultation',
  // Billing, the régie and direct debit (src/office/billing, accounts, sepa).
  issue: 'Émission',
  cancel: 'Annulation',
  refund: 'Remboursement',
  close: 'Clôture',
  settle: 'Encaissement',
  export: 'Export',
  send: 'Transmission',
  reject: 'Rejet',
  clear: 'Levée de l’alerte',
  sepa_notice: 'Avis de prélèvement',
};

/** Who changed what and when, newest first, with the old and the new value. */
export function History({ load }: { load(): Promise<Result<AuditEntry[]>> }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void load().then((result) => {
      if (!live) return;
      if (result.ok) setEntries([...result.value].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id)));
      else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [load]);

  if (error) return <ErrorBanner message={error} />;
  if (entries === null) return <p className="muted">Chargement de l’historique…</p>;
  if (entries.length === 0) return <p className="muted">Aucune modification enregistrée.</p>;
  return (
    <div className="table-scroll">
      <table className="table history-table">
        <caption className="visually-hidden">Historique des modifications</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Agent</th>
            <th scope="col">Sujet</th>
            <th scope="col">Action</th>
            <th scope="col">Champ</th>
            <th scope="col">Ancienne valeur</th>
            <th scope="col">Nouvelle valeur</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td className="nowrap">{frenchInstant(entry.at)}</td>
              <td>{entry.user}</td>
              <td>{entry.subject}</td>
              <td>{ACTIONS[entry.action] ?? entry.action}</td>
              <td>{entry.field}</td>
              <td className="old-value">{auditValueText(entry.oldValue)}</td>
              <td className="new-value">{auditValueText(entry.newValue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
