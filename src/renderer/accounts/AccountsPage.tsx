import type { ColDef, GridApi, ICellRendererParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ACCOUNT_GRID_FILTERS, type AccountGridFilter, type AccountGridRow } from '../../shared/api/account-grid.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { toCsv } from '../../shared/export/csv.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { fitColumns, FITTED_COLUMN, GRID_LOCALE_FR } from '../grid/setup.js';
import { downloadBlob } from '../lib/files.js';
import { todayInParis } from '../lib/format.js';
import { navigate, routeHref } from '../lib/route.js';
import { ACCOUNT_CSV_COLUMNS, holdText } from './account-csv.js';
import './payments.css';

/**
 * « Comptes »: every family's account at the régie in one grid (30,000 rows fit: the grid draws only those on
 * screen), filtered by what is owed; a row opens the family's file; the export writes every row the grid shows, in
 * its order, Excel-ready (src/shared/export/csv.ts).
 */

const count = new Intl.NumberFormat('fr-FR');
const FILTERS = Object.entries(ACCOUNT_GRID_FILTERS) as [AccountGridFilter, string][];

function FamilyCell(params: ICellRendererParams<AccountGridRow>) {
  return params.data ? <a href={routeHref({ name: 'family', id: params.data.familyId })}>{params.data.familyName}</a> : null;
}

/** An amount column: sorted and filtered as a number of euros, shown the French way. */
function money(colId: string, headerName: string, cents: (row: AccountGridRow) => number | null): ColDef<AccountGridRow> {
  return {
    colId,
    headerName,
    type: 'rightAligned',
    filter: 'agNumberColumnFilter',
    valueGetter: (params) => {
      const value = params.data ? cents(params.data) : null;
      return value === null ? null : value / 100;
    },
    valueFormatter: (params) => {
      const value = params.data ? cents(params.data) : null;
      return value === null ? '' : formatEuros(value);
    },
  };
}

/** A day column: sorted by its ISO value, shown dd/mm/yyyy. */
function day(colId: string, headerName: string, value: (row: AccountGridRow) => string | null): ColDef<AccountGridRow> {
  return { colId, headerName, valueGetter: (params) => (params.data ? value(params.data) : null), valueFormatter: (params) => shortDayFr(params.value as string | null) };
}

const COLUMNS: ColDef<AccountGridRow>[] = [
  { colId: 'family', headerName: 'Famille', field: 'familyName', cellRenderer: FamilyCell, sort: 'asc', minWidth: 200 },
  money('balance', 'Solde', (row) => row.balanceCents),
  money('overdue', 'En retard', (row) => row.overdueCents),
  { ...day('oldestUnpaid', 'Plus ancienne échéance', (row) => row.oldestUnpaidDue), headerTooltip: 'Échéance de la plus ancienne facture pas encore réglée' },
  day('lastPaymentDay', 'Dernier règlement', (row) => row.lastPaymentDay),
  money('lastPayment', 'Montant réglé', (row) => row.lastPaymentCents),
  money('credit', 'Crédit', (row) => row.creditCents),
  { colId: 'hold', headerName: 'Relances suspendues', wrapText: true, autoHeight: true, minWidth: 160, valueGetter: (params) => (params.data ? holdText(params.data.hold) : '') },
  { colId: 'archived', headerName: 'Archivée', maxWidth: 120, valueGetter: (params) => (params.data?.archived ? 'Oui' : 'Non') },
];

export function AccountsPage() {
  const [filter, setFilter] = useState<AccountGridFilter>('due');
  // The rows with the filter they answer: while another filter loads, the grid says so rather than show stale rows.
  const [loaded, setLoaded] = useState<{ filter: AccountGridFilter; rows: AccountGridRow[] } | null>(null);
  const rows = loaded?.filter === filter ? loaded.rows : null;
  const [shown, setShown] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const gridApi = useRef<GridApi<AccountGridRow> | null>(null);

  useEffect(() => {
    let current = true;
    void api.call('accounts.grid', { filter }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setLoaded({ filter, rows: result.value });
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [filter]);

  const total = useMemo(() => (rows ?? []).reduce((sum, row) => sum + row.balanceCents, 0), [rows]);

  function exportCsv() {
    // Every row the grid shows after its own column filters, in its order: never the rows on screen only.
    const out: AccountGridRow[] = [];
    gridApi.current?.forEachNodeAfterFilterAndSort((node) => {
      if (node.data) out.push(node.data);
    });
    downloadBlob(new Blob([toCsv(ACCOUNT_CSV_COLUMNS, out)], { type: 'text/csv;charset=utf-8' }), `comptes-${filter}-${todayInParis()}.csv`);
  }

  return (
    <section className="accounts-page" aria-labelledby="accounts-title">
      <h2 id="accounts-title">Comptes des familles</h2>
      <div className="accounts-toolbar">
        <fieldset className="plain-fieldset accounts-filters">
          <legend>Afficher</legend>
          {FILTERS.map(([value, label]) => (
            <div key={value} className="field-radio">
              <input id={`accounts-filter-${value}`} type="radio" name="accounts-filter" checked={filter === value} onChange={() => setFilter(value)} />
              <label htmlFor={`accounts-filter-${value}`}>{label}</label>
            </div>
          ))}
        </fieldset>
        <span className="result-count" role="status" aria-live="polite">
          {rows === null
            ? 'Chargement…'
            : `${shown < rows.length ? `${count.format(shown)} affichée${shown > 1 ? 's' : ''} sur ` : ''}${count.format(rows.length)} famille${rows.length > 1 ? 's' : ''} · solde total ${formatEuros(total)}`}
        </span>
        <button type="button" className="button" onClick={exportCsv} disabled={rows === null}>
          Exporter en CSV
        </button>
      </div>
      <ErrorBanner message={error} />
      <div className="grid-wrap accounts-grid ag-theme-quartz">
        <AgGridReact<AccountGridRow>
          theme="legacy"
          rowData={rows ?? []}
          columnDefs={COLUMNS}
          defaultColDef={{ ...FITTED_COLUMN, sortable: true, filter: true, minWidth: 110 }}
          onFirstDataRendered={fitColumns}
          onRowDataUpdated={fitColumns}
          onGridSizeChanged={fitColumns}
          suppressColumnVirtualisation
          localeText={GRID_LOCALE_FR}
          getRowId={(params) => String(params.data.familyId)}
          getRowClass={(params) => (params.data?.archived ? 'row-archived' : undefined)}
          onGridReady={(event) => {
            gridApi.current = event.api;
          }}
          onModelUpdated={(event) => setShown(event.api.getDisplayedRowCount())}
          onRowDoubleClicked={(event) => {
            if (event.data) navigate({ name: 'family', id: event.data.familyId });
          }}
          onCellKeyDown={(event) => {
            const key = (event.event as KeyboardEvent | null | undefined)?.key;
            if (key === 'Enter' && event.data) navigate({ name: 'family', id: event.data.familyId });
          }}
          loading={rows === null}
          suppressCellFocus={false}
        />
      </div>
    </section>
  );
}
