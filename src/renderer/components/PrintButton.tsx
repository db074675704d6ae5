import { useState } from 'react';
import type { PrintScope } from '../../shared/api/contract.js';
import { api } from '../api/bridge.js';
import { downloadFile } from '../lib/files.js';
import { ErrorBanner } from './Banner.js';

/** Asks the office for the PDF, then hands it to the browser as a download (Electron opens it for printing). */
export function PrintButton({ scope, label }: { scope: PrintScope; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function print() {
    setBusy(true);
    setError(null);
    const result = await api.call('print.childSheets', { scope });
    setBusy(false);
    if (result.ok) downloadFile(result.value);
    else setError(result.error.message);
  }
  return (
    <>
      <button type="button" className="button" onClick={() => void print()} disabled={busy} aria-busy={busy}>
        {busy ? 'Préparation du PDF…' : label}
      </button>
      {error ? <ErrorBanner message={error} /> : null}
    </>
  );
}
