import { useState } from 'react';
import type { PrintScope } from '../../shared/api/contract.js';
import type { CallProgress } from '../../shared/api/progress.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { downloadFile } from '../lib/files.js';
import { ErrorBanner } from './Banner.js';
import { CallProgressBar } from './CallProgressBar.js';

/**
 * Asks the office for the PDF, showing its progress sheet by sheet, then hands it to the browser as a download
 * (Electron opens it for printing). Not shown to a role the office refuses the sheets to (the régie: health data).
 */
export function PrintButton({ scope, label }: { scope: PrintScope; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<CallProgress | null>(null);
  const can = useCan();
  async function print() {
    setBusy(true);
    setError(null);
    setProgress(null);
    const result = await api.call('print.childSheets', { scope }, { onProgress: setProgress });
    setBusy(false);
    setProgress(null);
    if (result.ok) downloadFile(result.value);
    else setError(result.error.message);
  }
  if (!can('print.childSheets')) return null;
  return (
    <>
      <button type="button" className="button" onClick={() => void print()} disabled={busy} aria-busy={busy}>
        {busy ? 'Préparation du PDF…' : label}
      </button>
      {busy && progress ? <CallProgressBar progress={progress} /> : null}
      {error ? <ErrorBanner message={error} /> : null}
    </>
  );
}
