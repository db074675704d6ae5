import { useState } from 'react';
import type { CallProgress } from '../../shared/api/progress.js';
import type { FileContent } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import { api } from '../api/bridge.js';
import { downloadFile } from '../lib/files.js';

/**
 * A PDF asked of the office and handed to the browser as a download (Electron opens downloaded PDFs for printing), as
 * PrintButton does for the children's sheets: busy while the office renders, its progress when it reports one, and its
 * refusal as a French message.
 */
export function usePdfDownload() {
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<CallProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function download(call: (onProgress: (progress: CallProgress) => void) => Promise<Result<FileContent>>) {
    setBusy(true);
    setError(null);
    setProgress(null);
    const result = await call(setProgress);
    setBusy(false);
    setProgress(null);
    if (result.ok) downloadFile(result.value);
    else setError(result.error.message);
  }
  return { busy, progress, error, download };
}

export const invoicePdf = (id: number) => (onProgress: (progress: CallProgress) => void) => api.call('invoices.pdf', { id }, { onProgress });
export const monthPdf = (month: string) => (onProgress: (progress: CallProgress) => void) => api.call('invoiceRuns.pdf', { month }, { onProgress });
