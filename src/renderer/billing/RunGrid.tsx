import type { ColDef, GridApi, ICellRendererParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { DraftRow, InvoiceRunView } from '../../shared/api/billing.js';
import { formatEuros } from '../../shared/money.js';
import { fitColumns, FITTED_COLUMN, GRID_LOCALE_FR } from '../grid/setup.js';
import { plural } from './labels.js';

/** A grid row: a family's draft, or the pinned total of the families shown. */
interface Row {
  /** null on the total row. */
  familyId: number | null;
  familyName: string;
  qfFlagged: boolean;
  totalCents: number;
  byService: Record<number, number>;
}

function totalRow(rows: readonly Row[]): Row {
  const byService: Record<number, number> = {};
  let totalCents = 0;
  for (const row of rows) {
    totalCents += row.totalCents;
    for (const [serviceId, cents] of Object.entries(row.byService)) byService[Number(serviceId)] = (byService[Number(serviceId)] ?? 0) + cents;
  }
  return { familyId: null, familyName: `Total (${plural(rows.length, 'famille')})`, qfFlagged: false, totalCents, byService };
}

const toRow = (draft: DraftRow): Row => ({ ...draft });

interface OpenContext {
  open(familyId: number): void;
}

function OpenButton(params: ICellRendererParams<Row, unknown, OpenContext>) {
  const row = params.data;
  if (!row || row.familyId === null) return null;
  const familyId = row.familyId;
  return (
    <button type="button" className="button small" onClick={() => params.context.open(familyId)} aria-label={`Ouvrir le brouillon de ${row.familyName}`}>
      Ouvrir
    </button>
  );
}

/**
 * The review of a month's drafts: one row per family with its total per service, the total of the families shown
 * pinned at the bottom (it follows the grid's filters and the « QF à mettre à jour » filter), opened by double-click,
 * Enter or the row's button.
 */
export function RunGrid({ view, onlyFlagged, open }: { view: InvoiceRunView; onlyFlagged: boolean; open(familyId: number): void }) {
  const gridApi = useRef<GridApi<Row> | null>(null);
  const rows = useMemo(() => view.drafts.filter((draft) => !onlyFlagged || draft.qfFlagged).map(toRow), [view.drafts, onlyFlagged]);
  const [total, setTotal] = useState<Row>(() => totalRow(rows));

  const columns = useMemo<ColDef<Row>[]>(() => {
    const money = (cents: number | undefined) => (cents === undefined ? '' : formatEuros(cents));
    return [
      { colId: 'family', headerName: 'Famille', field: 'familyName', minWidth: 200, pinned: 'left' },
      {
        colId: 'qf',
        headerName: 'QF à mettre à jour',
        valueGetter: (params) => (params.data?.familyId === null ? '' : params.data?.qfFlagged ? 'Oui' : 'Non'),
        minWidth: 120,
      },
      ...view.services.map<ColDef<Row>>((service) => ({
        colId: `service-${service.id}`,
        headerName: service.name,
        type: 'rightAligned',
        filter: 'agNumberColumnFilter',
        valueGetter: (params) => (params.data?.byService[service.id] ?? 0) / 100,
        valueFormatter: (params) => money(params.data?.byService[service.id] ?? (params.data ? 0 : undefined)),
        minWidth: 130,
      })),
      {
        colId: 'total',
        headerName: 'Total',
        type: 'rightAligned',
        filter: 'agNumberColumnFilter',
        valueGetter: (params) => (params.data ? params.data.totalCents / 100 : null),
        valueFormatter: (params) => money(params.data?.totalCents),
        minWidth: 120,
        cellClass: 'cell-strong',
      },
      { colId: 'open', headerName: 'Brouillon', cellRenderer: OpenButton, sortable: false, filter: false, minWidth: 110, maxWidth: 130 },
    ];
  }, [view.services]);

  // The total row sums what the grid shows, so a column filter narrows it too.
  const recount = useCallback(() => {
    const shown: Row[] = [];
    gridApi.current?.forEachNodeAfterFilter((node) => {
      if (node.data) shown.push(node.data);
    });
    const next = totalRow(shown);
    setTotal((current) => (JSON.stringify(current) === JSON.stringify(next) ? current : next));
  }, []);

  const context = useMemo<OpenContext>(() => ({ open }), [open]);

  return (
    <div className="grid-wrap billing-grid run-grid ag-theme-quartz">
      <AgGridReact<Row>
        theme="legacy"
        rowData={rows}
        columnDefs={columns}
        context={context}
        pinnedBottomRowData={[total]}
        // Sized to the amounts and to each header's longest word (« Restauration » is never cut in two); a grid with
        // more services than the window holds scrolls sideways, the family pinned on the left.
        defaultColDef={{ ...FITTED_COLUMN, sortable: true, filter: true, minWidth: 100 }}
        onFirstDataRendered={fitColumns}
        onRowDataUpdated={fitColumns}
        onGridSizeChanged={fitColumns}
        suppressColumnVirtualisation
        localeText={GRID_LOCALE_FR}
        getRowId={(params) => (params.data.familyId === null ? 'total' : String(params.data.familyId))}
        getRowClass={(params) => (params.node.rowPinned ? 'row-total' : params.data?.qfFlagged ? 'row-flagged' : undefined)}
        onGridReady={(event) => {
          gridApi.current = event.api;
          recount();
        }}
        onModelUpdated={recount}
        onRowDoubleClicked={(event) => {
          const familyId = event.data?.familyId;
          if (familyId !== undefined && familyId !== null) open(familyId);
        }}
        onCellKeyDown={(event) => {
          const key = (event.event as KeyboardEvent | null | undefined)?.key;
          const familyId = event.data?.familyId;
          if (key === 'Enter' && familyId !== undefined && familyId !== null) open(familyId);
        }}
        suppressCellFocus={false}
      />
    </div>
  );
}
