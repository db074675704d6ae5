import type { ColDef, GridApi, GridReadyEvent } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { GridPage } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import { describeError } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { loadEveryRow, resultCountText } from './load-rows.js';
import { fitColumns, FITTED_COLUMN, GRID_LOCALE_FR } from './setup.js';

interface Props<Row extends { id: number; archived: boolean }> {
  title: string;
  searchLabel: string;
  searchPlaceholder: string;
  archivedLabel: string;
  columns: ColDef<Row>[];
  /** A page of the rows matching the query (every row from offset without limit), with how many match in all. */
  search(query: string, includeArchived: boolean, offset: number, limit?: number): Promise<Result<GridPage<Row>>>;
  open(row: Row): void;
  /** Called by 'Exporter en CSV' with the rows as shown (filters and sort applied), once every row is loaded. */
  onExport(rows: Row[]): void;
  actions?: ReactNode;
  /** A class for the grid's box, naming it for the layout tests (the families' twelve columns scroll sideways). */
  gridClass?: string;
}

/** Search as you type over the office index, then sort and filter in the grid. */
export function SearchGridPage<Row extends { id: number; archived: boolean }>(props: Props<Row>) {
  const { search } = props;
  const [query, setQuery] = useState('');
  const [includeArchived, setIncludeArchived] = useState(false);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [total, setTotal] = useState(0);
  const [shown, setShown] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // Settles when the rows of the latest query are all loaded (or failed): the export waits for it.
  const complete = useRef<Promise<void>>(Promise.resolve());
  const searchRef = useRef<HTMLInputElement>(null);
  const gridApi = useRef<GridApi<Row> | null>(null);
  const requestSeq = useRef(0);

  useEffect(() => {
    const seq = ++requestSeq.current;
    // ~150 ms debounce: fast typists fire one search, and a stale answer never overwrites a newer one.
    let settle = () => {};
    complete.current = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const timer = setTimeout(async () => {
      try {
        const loaded = await loadEveryRow(
          (offset, limit) => search(query.trim(), includeArchived, offset, limit),
          (next, count) => {
            if (seq !== requestSeq.current) return false;
            setRows(next);
            setTotal(count);
            setError(null);
            return true;
          },
        );
        if (!loaded.ok && seq === requestSeq.current) setError(describeError(loaded.error).banner);
      } finally {
        settle();
      }
    }, 150);
    return () => {
      clearTimeout(timer);
      settle();
    };
  }, [query, includeArchived, search]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT');
      if ((event.key === '/' && !typing) || ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f')) {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  function shownRows(): Row[] {
    const shown: Row[] = [];
    gridApi.current?.forEachNodeAfterFilterAndSort((node) => {
      if (node.data) shown.push(node.data);
    });
    return shown;
  }

  return (
    <main className="page page-grid" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">{props.title}</h1>
        <div className="toolbar">
          <button
            type="button"
            className="button"
            onClick={async () => {
              await complete.current;
              props.onExport(shownRows());
            }}
          >
            Exporter en CSV
          </button>
          {props.actions}
        </div>
      </div>
      <div className="search-bar">
        <div className="search-field">
          <label htmlFor="grid-search">{props.searchLabel}</label>
          <input
            id="grid-search"
            ref={searchRef}
            type="search"
            autoFocus
            autoComplete="off"
            placeholder={props.searchPlaceholder}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={(event) => {
              // Enter in the search box opens the first result, ArrowDown moves into the grid.
              const first = gridApi.current?.getDisplayedRowAtIndex(0)?.data;
              if (event.key === 'Enter' && first) props.open(first);
              if (event.key === 'ArrowDown' && first && gridApi.current) {
                event.preventDefault();
                const column = gridApi.current.getAllDisplayedColumns()[0];
                if (column) gridApi.current.setFocusedCell(0, column);
              }
            }}
            aria-describedby="grid-search-hint"
          />
          <span id="grid-search-hint" className="field-hint">
            Raccourci : « / » ou Ctrl+F. Entrée ouvre le premier résultat.
          </span>
        </div>
        <div className="field field-checkbox">
          <input
            id="grid-archived"
            type="checkbox"
            checked={includeArchived}
            onChange={(event) => setIncludeArchived(event.target.checked)}
          />
          <label htmlFor="grid-archived">{props.archivedLabel}</label>
        </div>
        <span className="result-count" role="status" aria-live="polite">
          {resultCountText(rows === null ? null : rows.length, total, shown)}
        </span>
      </div>
      <ErrorBanner message={error} />
      <div className={`grid-wrap ${props.gridClass ?? ''} ag-theme-quartz`}>
        <AgGridReact<Row>
          theme="legacy"
          rowData={rows ?? []}
          columnDefs={props.columns}
          defaultColDef={{ ...FITTED_COLUMN, sortable: true, filter: true, minWidth: 110 }}
          onFirstDataRendered={fitColumns}
          onRowDataUpdated={fitColumns}
          onGridSizeChanged={fitColumns}
          suppressColumnVirtualisation
          localeText={GRID_LOCALE_FR}
          getRowId={(params) => String(params.data.id)}
          getRowClass={(params) => (params.data?.archived ? 'row-archived' : undefined)}
          onGridReady={(event: GridReadyEvent<Row>) => {
            gridApi.current = event.api;
          }}
          // What the grid's own column filters leave, so a filtered list says « N affichés sur M ».
          onModelUpdated={(event) => setShown(event.api.getDisplayedRowCount())}
          onRowDoubleClicked={(event) => {
            if (event.data) props.open(event.data);
          }}
          onCellKeyDown={(event) => {
            const key = (event.event as KeyboardEvent | null | undefined)?.key;
            if (key === 'Enter' && event.data) props.open(event.data);
          }}
          loading={rows === null}
          suppressCellFocus={false}
        />
      </div>
    </main>
  );
}
