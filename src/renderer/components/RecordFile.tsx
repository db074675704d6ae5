import { useEffect, useState, type ReactNode } from 'react';
import type { AuditEntry, CustomField } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import { api } from '../api/bridge.js';
import { useApi } from '../api/useApi.js';
import { frenchDay } from '../lib/format.js';
import { ErrorBanner } from './Banner.js';
import { History } from './History.js';

/** The commune's own fields for a family or a child file, retired ones left out. */
export function useActiveCustomFields(entity: CustomField['entity']): CustomField[] {
  const [fields, setFields] = useState<CustomField[]>([]);
  useEffect(() => {
    void api.call('customFields.list', {}).then((result) => {
      if (result.ok) setFields(result.value.filter((field) => field.entity === entity && field.active));
    });
  }, [entity]);
  return fields;
}

/** What a file page shows until its record has loaded: the error, or a waiting line. */
export function FileLoading({ error, waiting }: { error: string | null; waiting: string }) {
  return (
    <main className="page">
      <ErrorBanner message={error} />
      {error ? null : <p className="muted">{waiting}</p>}
    </main>
  );
}

interface FileHeaderProps<T> {
  title: ReactNode;
  archivedAt: string | null;
  /** "Archivé(e) le" or "Archivée le", agreed with the record. */
  archivedLabel: string;
  print: ReactNode;
  canArchive: boolean;
  /** The question asked before archiving (reactivating asks nothing). */
  confirmArchive: string;
  archive(archived: boolean): Promise<Result<T>>;
  onArchived(value: T): void;
}

/** Title with the archive badge, the print and archive buttons, and the archive call's error. */
export function FileHeader<T>({ title, archivedAt, archivedLabel, print, canArchive, confirmArchive, archive, onArchived }: FileHeaderProps<T>) {
  const archiver = useApi();

  async function toggleArchive() {
    const archiving = archivedAt === null;
    if (archiving && !window.confirm(confirmArchive)) return;
    const value = await archiver.run(() => archive(archiving));
    if (value) onArchived(value);
  }

  return (
    <>
      <div className="page-header">
        <h1 id="page-title">
          {title}
          {archivedAt ? <span className="badge badge-muted">{archivedLabel} {frenchDay(archivedAt)}</span> : null}
        </h1>
        <div className="toolbar">
          {print}
          {canArchive ? (
            <button type="button" className="button" onClick={() => void toggleArchive()} disabled={archiver.busy}>
              {archivedAt ? 'Réactiver' : 'Archiver'}
            </button>
          ) : null}
        </div>
      </div>
      <ErrorBanner message={archiver.banner} />
    </>
  );
}

export function HistoryCard({ load }: { load(): Promise<Result<AuditEntry[]>> }) {
  return (
    <section className="card">
      <h2>Historique des modifications</h2>
      <History load={load} />
    </section>
  );
}
