import { useState } from 'react';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { downloadFile } from '../lib/files.js';
import { todayInParis } from '../lib/format.js';
import { defaultPeriod, StatementPeriodFields, type Period } from './StatementPeriod.js';

/**
 * « Relevé de compte » of one family (its file): the period, then the PDF (statements.pdf). Every role may print it
 * at the counter; hidden for a session the office would refuse.
 */
export function StatementButton({ familyId }: { familyId: number }) {
  const can = useCan();
  const [open, setOpen] = useState(false);
  const [period, setPeriod] = useState<Period>(() => defaultPeriod(todayInParis()));
  const call = useApi();
  if (!can('statements.pdf')) return null;
  async function print() {
    const file = await call.run(() => api.call('statements.pdf', { familyId, ...period }));
    if (file) {
      downloadFile(file);
      setOpen(false);
    }
  }
  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Relevé de compte
      </button>
    );
  }
  return (
    <form
      className="statement-form"
      aria-label="Relevé de compte"
      onSubmit={(event) => {
        event.preventDefault();
        void print();
      }}
    >
      <StatementPeriodFields idPrefix={`statement-${familyId}`} period={period} errors={call.fields} disabled={call.busy} onChange={setPeriod} />
      <ErrorBanner message={call.banner} />
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={call.busy} aria-busy={call.busy}>
          {call.busy ? 'Préparation du relevé…' : 'Imprimer le relevé'}
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)} disabled={call.busy}>
          Annuler
        </button>
      </div>
    </form>
  );
}
