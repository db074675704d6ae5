import type { ColDef } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useState } from 'react';
import type { QfToUpdateRow } from '../../shared/api/billing.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { fitColumns, FITTED_COLUMN, GRID_LOCALE_FR } from '../grid/setup.js';
import { downloadFile } from '../lib/files.js';
import { frenchDay } from '../lib/format.js';
import { navigate, routeHref } from '../lib/route.js';

const COLUMNS: ColDef<QfToUpdateRow>[] = [
  { field: 'familyName', headerName: 'Famille', sort: 'asc', minWidth: 180 },
  { field: 'telephone', headerName: 'Téléphone' },
  { field: 'email', headerName: 'E-mail', minWidth: 180 },
  { field: 'cafValidUntil', headerName: 'Validité du quotient CAF/MSA', valueFormatter: (params) => (params.value ? frenchDay(params.value as string) : '—') },
  { field: 'fiscalYear', headerName: 'Avis d’imposition (revenus)', valueFormatter: (params) => (params.value === null ? '—' : String(params.value)) },
  { field: 'why', headerName: 'Motif', minWidth: 260, wrapText: true, autoHeight: true },
];

/**
 * « QF à mettre à jour »: every active family billed at the highest bracket today for want of a usable proof, as the
 * office judges it (qf.toUpdate), with the export the office sends to families or keeps.
 */
export function QfToUpdatePage() {
  const [rows, setRows] = useState<QfToUpdateRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    void api.call('qf.toUpdate', {}).then((result) => {
      if (result.ok) setRows(result.value);
      else setError(result.error.message);
    });
  }, []);

  async function exportCsv() {
    setExporting(true);
    const result = await api.call('qf.exportToUpdate', {});
    setExporting(false);
    if (result.ok) downloadFile(result.value);
    else setError(result.error.message);
  }

  return (
    <main className="page page-grid" aria-labelledby="page-title">
      <nav className="breadcrumb" aria-label="Fil d’Ariane">
        <a href={routeHref({ name: 'families' })}>Familles</a> <span aria-hidden="true">›</span> QF à mettre à jour
      </nav>
      <div className="page-header">
        <h1 id="page-title">QF à mettre à jour</h1>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => void exportCsv()} disabled={exporting} aria-busy={exporting}>
            {exporting ? 'Export…' : 'Exporter (CSV)'}
          </button>
        </div>
      </div>
      <p className="muted">
        Familles actives (au moins un enfant non archivé) sans justificatif de QF valable aujourd’hui : la tranche la plus haute leur est appliquée.
      </p>
      <p className="result-count" role="status" aria-live="polite">
        {rows === null ? 'Chargement…' : `${rows.length} famille${rows.length > 1 ? 's' : ''}`}
      </p>
      <ErrorBanner message={error} />
      <div className="grid-wrap ag-theme-quartz">
        <AgGridReact<QfToUpdateRow>
          theme="legacy"
          rowData={rows ?? []}
          columnDefs={COLUMNS}
          defaultColDef={{ ...FITTED_COLUMN, sortable: true, filter: true, minWidth: 120 }}
          onFirstDataRendered={fitColumns}
          onRowDataUpdated={fitColumns}
          onGridSizeChanged={fitColumns}
          suppressColumnVirtualisation
          localeText={GRID_LOCALE_FR}
          getRowId={(params) => String(params.data.familyId)}
          onRowDoubleClicked={(event) => {
            if (event.data) navigate({ name: 'family', id: event.data.familyId });
          }}
          onCellKeyDown={(event) => {
            const key = (event.event as KeyboardEvent | null | undefined)?.key;
            if (key === 'Enter' && event.data) navigate({ name: 'family', id: event.data.familyId });
          }}
          loading={rows === null}
        />
      </div>
    </main>
  );
}
