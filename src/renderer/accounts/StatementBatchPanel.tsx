import { useState } from 'react';
import type { CallProgress } from '../../shared/api/progress.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { CallProgressBar } from '../components/CallProgressBar.js';
import { downloadFile } from '../lib/files.js';
import { todayInParis } from '../lib/format.js';
import { defaultPeriod, StatementPeriodFields, type Period } from './StatementPeriod.js';

/**
 * « Relevés de compte »: every family with a balance due at the end of the period, as one PDF to print and post
 * (statements.batch), with the office's progress while pdfmake lays out a thousand statements.
 */
export function StatementBatchPanel() {
  const can = useCan();
  const [period, setPeriod] = useState<Period>(() => defaultPeriod(todayInParis()));
  const [progress, setProgress] = useState<CallProgress | null>(null);
  const call = useApi();
  if (!can('statements.batch')) return null;
  async function print() {
    setProgress(null);
    const file = await call.run(() => api.call('statements.batch', period, { onProgress: setProgress }));
    setProgress(null);
    if (file) downloadFile(file);
  }
  return (
    <section className="card" aria-labelledby="statements-batch-title">
      <h2 id="statements-batch-title">Relevés de compte</h2>
      <p className="muted">Un relevé par famille ayant un solde à payer à la fin de la période, chacun sur ses propres pages, prêt à imprimer et à poster.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void print();
        }}
      >
        <StatementPeriodFields idPrefix="statements-batch" period={period} errors={call.fields} disabled={call.busy} onChange={setPeriod} />
        <div className="form-actions">
          <button type="submit" className="button" disabled={call.busy} aria-busy={call.busy}>
            {call.busy ? 'Préparation des relevés…' : 'Imprimer les relevés des familles ayant un solde dû'}
          </button>
        </div>
        {call.busy && progress ? <CallProgressBar progress={progress} /> : null}
        <ErrorBanner message={call.banner} />
      </form>
    </section>
  );
}
