import type { CellKeyDownEvent, ColDef, GridApi, ICellRendererParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DecisionOutcome, QueueRow, RequestKind } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { describeError } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { fitColumns, FITTED_COLUMN, GRID_LOCALE_FR } from '../grid/setup.js';
import { frenchInstant } from '../lib/format.js';
import { navigate, routeHref } from '../lib/route.js';
import { longDay, outcomeText, reasonLabel, REQUEST_KINDS } from './labels.js';
import { notifyRequestsChanged } from './pendingCount.js';
import { RefuseDialog } from './RefuseDialog.js';
import { changeText } from '../../shared/requests/change-fields.js';

interface Outcome {
  summary: string;
  skipped: string[];
}

function changesText(row: QueueRow): string {
  return row.changes.map(changeText).join(' ; ');
}

function describeItem(row: QueueRow | undefined): string {
  if (!row) return 'Demande déjà traitée';
  return [row.childName, row.serviceName, longDay(row.day)].filter(Boolean).join(', ');
}

function FamilyLink({ data }: ICellRendererParams<QueueRow>) {
  if (!data) return null;
  return (
    <a href={routeHref({ name: 'family', id: data.familyId })} tabIndex={-1}>
      {data.familyName}
    </a>
  );
}

function DelayBadge({ data }: ICellRendererParams<QueueRow>) {
  if (!data) return null;
  return data.late ? <span className="badge badge-late">Hors délai</span> : <span className="badge badge-ontime">À temps</span>;
}

interface QueueContext {
  accept(row: QueueRow): void;
  refuse(row: QueueRow): void;
}

function ActionsCell({ data, context }: ICellRendererParams<QueueRow, unknown, QueueContext>) {
  if (!data) return null;
  return (
    <span className="row-actions">
      <button type="button" className="button small" aria-label={`Accepter : ${describeItem(data)}`} onClick={() => context.accept(data)}>
        Accepter
      </button>
      <button type="button" className="button small" aria-label={`Refuser : ${describeItem(data)}`} onClick={() => context.refuse(data)}>
        Refuser…
      </button>
    </span>
  );
}

/** The family's comment, the conflicts found and the changes asked for: one cell, a line each, so the queue fits a laptop. */
function DetailsCell({ data }: ICellRendererParams<QueueRow>) {
  if (!data) return null;
  const changes = changesText(data);
  return (
    <span className="queue-details">
      {data.comment ? <span>{data.comment}</span> : null}
      {data.conflicts.map((conflict) => (
        <span key={conflict} className="cell-warning">
          ⚠ {conflict}
        </span>
      ))}
      {changes ? <span>{changes}</span> : null}
    </span>
  );
}

function detailsText(row: QueueRow | undefined): string {
  return row ? [row.comment, ...row.conflicts.map((conflict) => `⚠ ${conflict}`), changesText(row)].filter(Boolean).join(' ; ') : '';
}

/**
 * Every column on screen at 1366 px, the pinned « Décision » hiding none: the long texts wrap (the row grows), the
 * family's comment, conflicts and changes share one « Détails » column. No filter button in the headers: the
 * service, type and lateness filters are above the grid.
 */
function buildColumns(canDecide: boolean): ColDef<QueueRow>[] {
  const wrap = { wrapText: true, autoHeight: true } as const;
  return [
    { colId: 'submittedAt', headerName: 'Reçue le', field: 'submittedAt', valueFormatter: (p) => frenchInstant(p.value as string), minWidth: 100, ...wrap },
    { colId: 'familyName', headerName: 'Famille', field: 'familyName', cellRenderer: FamilyLink, minWidth: 110, ...wrap },
    { colId: 'childName', headerName: 'Enfant', field: 'childName', minWidth: 100, ...wrap },
    { colId: 'serviceName', headerName: 'Service', field: 'serviceName', minWidth: 110, ...wrap },
    { colId: 'day', headerName: 'Jour', field: 'day', valueFormatter: (p) => longDay(p.value as string | null), minWidth: 110, ...wrap },
    { colId: 'kind', headerName: 'Type', field: 'kind', valueFormatter: (p) => REQUEST_KINDS[p.value as RequestKind] },
    { colId: 'reason', headerName: 'Motif', field: 'reason', valueFormatter: (p) => reasonLabel(p.value as QueueRow['reason']), minWidth: 100, ...wrap },
    { colId: 'late', headerName: 'Délai', field: 'late', cellRenderer: DelayBadge },
    { colId: 'capacityLeft', headerName: 'Places restantes', field: 'capacityLeft', valueFormatter: (p) => (p.value === null || p.value === undefined ? '—' : String(p.value)) },
    { colId: 'details', headerName: 'Détails', valueGetter: (p) => detailsText(p.data), cellRenderer: DetailsCell, sortable: false, minWidth: 140, ...wrap },
    ...(canDecide ? [{ colId: 'actions', headerName: 'Décision', cellRenderer: ActionsCell, sortable: false, minWidth: 190, pinned: 'right' } satisfies ColDef<QueueRow>] : []),
  ];
}

/** The bookings the office left aside because their day is full, to accept over capacity or not. */
function overCapacityQuestion(over: QueueRow[]): string {
  const lines = over.slice(0, 5).map((row) => `• ${describeItem(row)}`);
  if (over.length > 5) lines.push(`• et ${over.length - 5} autre${over.length - 5 > 1 ? 's' : ''}`);
  const what = over.length > 1 ? `${over.length} réservations dépassent` : 'Cette réservation dépasse';
  return `${what} la capacité du service :\n${lines.join('\n')}\n\nAccepter quand même, au-delà de la capacité ? Votre nom sera enregistré avec cette décision.`;
}

/** Every pending item, oldest first; accept or refuse one row or a selection at once. */
export function QueuePage() {
  const canDecide = useCan()('requests.decide');
  const [rows, setRows] = useState<QueueRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [serviceFilter, setServiceFilter] = useState('');
  const [kindFilter, setKindFilter] = useState<RequestKind | ''>('');
  const [lateOnly, setLateOnly] = useState(false);
  const [selected, setSelected] = useState<number[]>([]);
  const [refusing, setRefusing] = useState<number[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const gridApi = useRef<GridApi<QueueRow> | null>(null);
  const busyRef = useRef(false);
  // The row buttons live in ag-grid cells rendered once; they reach today's handlers through this ref.
  const latest = useRef<QueueContext | null>(null);
  const context = useMemo<QueueContext>(
    () => ({ accept: (row) => latest.current?.accept(row), refuse: (row) => latest.current?.refuse(row) }),
    [],
  );

  const applyQueue = useCallback((result: Result<QueueRow[]>) => {
    if (result.ok) {
      setRows(result.value);
      setError(null);
    } else {
      setError(describeError(result.error).banner);
      setRows((current) => current ?? []);
    }
  }, []);
  const load = useCallback(async () => applyQueue(await api.call('requests.queue', {})), [applyQueue]);

  useEffect(() => {
    void api.call('requests.queue', {}).then(applyQueue);
  }, [applyQueue]);

  const services = useMemo(() => [...new Set((rows ?? []).map((row) => row.serviceName).filter(Boolean))].sort(), [rows]);
  const shown = useMemo(
    () =>
      (rows ?? []).filter(
        (row) => (serviceFilter === '' || row.serviceName === serviceFilter) && (kindFilter === '' || row.kind === kindFilter) && (!lateOnly || row.late),
      ),
    [rows, serviceFilter, kindFilter, lateOnly],
  );

  async function decide(itemIds: number[], decision: 'accept' | 'refuse', refusalReason: string | null) {
    if (itemIds.length === 0 || busyRef.current) return;
    const byId = new Map((rows ?? []).map((row) => [row.itemId, row]));
    busyRef.current = true;
    setBusy(true);
    const finish = () => {
      busyRef.current = false;
      setBusy(false);
    };
    let result = await api.call('requests.decide', { itemIds, decision, refusalReason, force: false });
    if (!result.ok) {
      finish();
      setError(describeError(result.error).banner ?? result.error.message);
      return;
    }
    let value: DecisionOutcome = result.value;
    // Over capacity is never accepted by a keystroke alone: the office says which bookings the day has no place left
    // for (the queue's « Places restantes » counts earlier pending bookings too, which may never be accepted), the
    // agent confirms those, and the office records who forced them and when.
    const full = value.skipped.filter((skip) => skip.full);
    if (full.length > 0) {
      const over = full.map((skip) => byId.get(skip.itemId)).filter((row): row is QueueRow => row !== undefined);
      if (window.confirm(overCapacityQuestion(over))) {
        result = await api.call('requests.decide', { itemIds: full.map((skip) => skip.itemId), decision, refusalReason, force: true });
        if (!result.ok) {
          finish();
          setError(describeError(result.error).banner ?? result.error.message);
          await load();
          return;
        }
        value = { accepted: value.accepted + result.value.accepted, refused: value.refused, skipped: [...value.skipped.filter((skip) => !skip.full), ...result.value.skipped] };
      } else {
        // Declined: those bookings stay pending, as the agent chose; nothing to report about them.
        value = { ...value, skipped: value.skipped.filter((skip) => !skip.full) };
        if (value.accepted === 0 && value.refused === 0 && value.skipped.length === 0) {
          finish();
          return;
        }
      }
    }
    finish();
    setError(null);
    setRefusing(null);
    setOutcome({
      summary: outcomeText(value.accepted, value.refused),
      skipped: value.skipped.map((skip) => `${describeItem(byId.get(skip.itemId))} : ${skip.why}`),
    });
    setSelected([]);
    gridApi.current?.deselectAll();
    notifyRequestsChanged();
    await load();
  }

  useLayoutEffect(() => {
    latest.current = { accept: (row) => void decide([row.itemId], 'accept', null), refuse: (row) => setRefusing([row.itemId]) };
  });

  function targets(row: QueueRow | undefined): number[] {
    if (selected.length > 0) return selected;
    return row ? [row.itemId] : [];
  }

  const columns = useMemo(() => buildColumns(canDecide), [canDecide]);

  function onCellKeyDown(event: CellKeyDownEvent<QueueRow>) {
    const keyboard = event.event as KeyboardEvent | null | undefined;
    if (!keyboard || keyboard.ctrlKey || keyboard.metaKey || keyboard.altKey) return;
    if ((keyboard.target as HTMLElement | null)?.tagName === 'BUTTON') return;
    const key = keyboard.key.toLowerCase();
    if (key === 'enter' && event.column.getColId() === 'familyName' && event.data) {
      navigate({ name: 'family', id: event.data.familyId });
    } else if (key === 'a' && canDecide && !busy) {
      keyboard.preventDefault();
      void decide(targets(event.data), 'accept', null);
    } else if (key === 'r' && canDecide && !busy) {
      keyboard.preventDefault();
      const ids = targets(event.data);
      if (ids.length > 0) setRefusing(ids);
    }
  }

  return (
    <main className="page page-grid" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Demandes en attente</h1>
        {canDecide ? (
          <div className="toolbar">
            <button type="button" className="button primary" disabled={busy || selected.length === 0} onClick={() => void decide(selected, 'accept', null)}>
              Accepter la sélection{selected.length > 0 ? ` (${selected.length})` : ''}
            </button>
            <button type="button" className="button" disabled={busy || selected.length === 0} onClick={() => setRefusing(selected)}>
              Refuser la sélection…
            </button>
          </div>
        ) : null}
      </div>
      <div className="search-bar">
        <div className="field">
          <label htmlFor="queue-service">Service</label>
          <select id="queue-service" value={serviceFilter} onChange={(event) => setServiceFilter(event.target.value)}>
            <option value="">Tous les services</option>
            {services.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="queue-kind">Type</label>
          <select id="queue-kind" value={kindFilter} onChange={(event) => setKindFilter(event.target.value as RequestKind | '')}>
            <option value="">Tous les types</option>
            {Object.entries(REQUEST_KINDS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-checkbox">
          <input id="queue-late" type="checkbox" checked={lateOnly} onChange={(event) => setLateOnly(event.target.checked)} />
          <label htmlFor="queue-late">Hors délai seulement</label>
        </div>
        <span className="result-count" role="status" aria-live="polite">
          {rows === null ? 'Chargement…' : `${shown.length} demande${shown.length > 1 ? 's' : ''} en attente`}
        </span>
      </div>
      <p className="field-hint" id="queue-keys">
        {/* The keys of the decisions only for a role that may decide: the régie reads the queue. */}
        {canDecide ? 'Clavier : Espace sélectionne la ligne, A accepte, R ouvre le refus (la sélection, sinon la ligne). ' : 'Clavier : '}
        Entrée sur la famille ouvre son dossier.
      </p>
      <div className="queue-outcome" role="status" aria-live="polite">
        {outcome ? (
          <>
            <strong>{outcome.summary}</strong>
            {outcome.skipped.length > 0 ? (
              <ul className="skipped-list">
                {outcome.skipped.map((line) => (
                  <li key={line}>Non traitée — {line}</li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>
      <ErrorBanner message={error} />
      <div className="grid-wrap queue-grid ag-theme-quartz" aria-describedby="queue-keys">
        <AgGridReact<QueueRow>
          theme="legacy"
          rowData={shown}
          columnDefs={columns}
          defaultColDef={{ ...FITTED_COLUMN, sortable: true, filter: false, minWidth: 70 }}
          onFirstDataRendered={fitColumns}
          onRowDataUpdated={fitColumns}
          onGridSizeChanged={fitColumns}
          localeText={{ ...GRID_LOCALE_FR, noRowsToShow: 'Aucune demande en attente' }}
          getRowId={(params) => String(params.data.itemId)}
          rowSelection={canDecide ? { mode: 'multiRow', checkboxes: true, headerCheckbox: true, enableClickSelection: false } : undefined}
          selectionColumnDef={{ headerTooltip: 'Sélectionner', pinned: 'left' }}
          onGridReady={(event) => {
            gridApi.current = event.api;
          }}
          onSelectionChanged={(event) => setSelected(event.api.getSelectedRows().map((row) => row.itemId))}
          onCellKeyDown={onCellKeyDown}
          context={context}
          loading={rows === null}
          suppressColumnVirtualisation
        />
      </div>
      {refusing ? (
        <RefuseDialog
          count={refusing.length}
          busy={busy}
          onCancel={() => setRefusing(null)}
          onConfirm={(reason) => void decide(refusing, 'refuse', reason)}
        />
      ) : null}
    </main>
  );
}
