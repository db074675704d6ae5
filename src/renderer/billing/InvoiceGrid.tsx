import type { ColDef, ICellRendererParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useMemo } from 'react';
import type { InvoiceSummary } from '../../shared/api/billing.js';
import { INVOICE_KINDS } from '../../shared/billing/invoice.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { ErrorBanner } from '../components/Banner.js';
import { CallProgressBar } from '../components/CallProgressBar.js';
import { GRID_LOCALE_FR } from '../grid/setup.js';
import { routeHref } from '../lib/route.js';
import { invoicePdf, usePdfDownload } from './pdf.js';

/** One invoice's PDF as a button, with its own busy state and refusal. */
export function InvoicePdfButton({ invoice }: { invoice: Pick<InvoiceSummary, 'id' | 'number' | 'kind'> }) {
  const pdf = usePdfDownload();
  return (
    <>
      <button
        type="button"
        className="button small"
        onClick={() => void pdf.download(invoicePdf(invoice.id))}
        disabled={pdf.busy}
        aria-busy={pdf.busy}
        aria-label={`PDF ${INVOICE_KINDS[invoice.kind].toLowerCase()} ${invoice.number}`}
      >
        {pdf.busy ? 'PDF…' : 'PDF'}
      </button>
      {pdf.busy && pdf.progress ? <CallProgressBar progress={pdf.progress} /> : null}
      {pdf.error ? <ErrorBanner message={pdf.error} /> : null}
    </>
  );
}

function PdfCell(params: ICellRendererParams<InvoiceSummary>) {
  return params.data ? <InvoicePdfButton invoice={params.data} /> : null;
}

function FamilyCell(params: ICellRendererParams<InvoiceSummary>) {
  return params.data ? <a href={routeHref({ name: 'family', id: params.data.familyId })}>{params.data.familyName}</a> : null;
}

/** The month's issued invoices (30,000 families fit: the grid draws only the rows on screen), each with its PDF. */
export function InvoiceGrid({ invoices }: { invoices: InvoiceSummary[] }) {
  const columns = useMemo<ColDef<InvoiceSummary>[]>(
    () => [
      { colId: 'number', headerName: 'Numéro', field: 'number', minWidth: 140, sort: 'asc' },
      { colId: 'kind', headerName: 'Type', valueGetter: (params) => (params.data ? INVOICE_KINDS[params.data.kind] : ''), minWidth: 130 },
      { colId: 'family', headerName: 'Famille', field: 'familyName', cellRenderer: FamilyCell, minWidth: 200, flex: 2 },
      { colId: 'issueDate', headerName: 'Date', valueGetter: (params) => shortDayFr(params.data?.issueDate), minWidth: 110 },
      { colId: 'dueDate', headerName: 'Échéance', valueGetter: (params) => shortDayFr(params.data?.dueDate), minWidth: 110 },
      {
        colId: 'total',
        headerName: 'Montant',
        type: 'rightAligned',
        filter: 'agNumberColumnFilter',
        valueGetter: (params) => (params.data ? params.data.totalCents / 100 : null),
        valueFormatter: (params) => (params.data ? formatEuros(params.data.totalCents) : ''),
        minWidth: 120,
      },
      { colId: 'corrects', headerName: 'Corrige', field: 'corrects', minWidth: 130 },
      { colId: 'pdf', headerName: 'PDF', cellRenderer: PdfCell, sortable: false, filter: false, minWidth: 100, maxWidth: 120 },
    ],
    [],
  );
  return (
    <div className="grid-wrap billing-grid ag-theme-quartz">
      <AgGridReact<InvoiceSummary>
        theme="legacy"
        rowData={invoices}
        columnDefs={columns}
        defaultColDef={{ sortable: true, filter: true, resizable: true, flex: 1, minWidth: 100, wrapHeaderText: true, autoHeaderHeight: true }}
        localeText={GRID_LOCALE_FR}
        getRowId={(params) => String(params.data.id)}
        suppressCellFocus={false}
      />
    </div>
  );
}
