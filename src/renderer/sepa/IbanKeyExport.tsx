import { useState } from 'react';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { downloadFile } from '../lib/files.js';
import { ErrorBanner } from '../components/Banner.js';

/**
 * Paramètres › Prélèvement, for the administrator: the IBAN key saved as a file, to keep apart from the backups
 * (README « Sauvegardes »): a backup restored on another PC cannot read its IBANs without it. The office audits it.
 */
export function IbanKeyExport() {
  const can = useCan();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  if (!can('sepa.exportIbanKey')) return null;
  async function exportKey() {
    setBusy(true);
    setError(null);
    const result = await api.call('sepa.exportIbanKey', {});
    setBusy(false);
    if (result.ok) {
      downloadFile(result.value);
      setDone(true);
    } else setError(result.error.message);
  }
  return (
    <section className="card" aria-labelledby="iban-key-title">
      <h2 id="iban-key-title">Clé de chiffrement des IBAN</h2>
      <p>
        Les IBAN et les RIB scannés sont chiffrés dans la base avec une clé qui n’est pas dans les sauvegardes. Conservez
        ce fichier à part (par exemple sur une clé USB au coffre de la régie) : pour restaurer une sauvegarde sur un autre
        poste, copiez-le à côté de la base restaurée, sous le nom de la base suivi de « .key ».
      </p>
      <button type="button" className="button" onClick={() => void exportKey()} disabled={busy} aria-busy={busy}>
        Exporter la clé de chiffrement
      </button>
      {done ? <p role="status">Clé exportée : gardez le fichier en lieu sûr, à part des sauvegardes.</p> : null}
      <ErrorBanner message={error} />
    </section>
  );
}
