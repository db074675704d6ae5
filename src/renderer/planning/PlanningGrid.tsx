import type { CellClassRules, CellContextMenuEvent, CellFocusedEvent, ColDef, GridApi, ICellRendererParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ChildPlanning, PlanningAction } from '../../shared/api/contract.js';
import { isWeekend } from '../../shared/calendar/days.js';
import { GoToDayField } from '../components/fields.js';
import { formatDayFr, formatDayShortFr } from '../../shared/calendar/format.js';
import { CELL_STATES, type CellState, type PlanningCell } from '../../shared/planning/cells.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import type { Result } from '../../shared/result.js';
import { api } from '../api/bridge.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { GRID_LOCALE_FR, textWidth } from '../grid/setup.js';
import { todayInParis } from '../lib/format.js';
import { ActionMenu, type MenuItem } from './ActionMenu.js';
import { cellTooltip, describeCell, LEGEND_ORDER, stateClass } from './cellText.js';
import { columnTitle, periodOf, periodTitle, shiftAnchor, type PlanningView } from './period.js';
import { AbsenceDialog, FamilyRequestDialog, type FamilyRequestKind } from './ReasonDialogs.js';

/** An empty planning says why, not a search's « Aucun résultat ». */
const PLANNING_LOCALE = { ...GRID_LOCALE_FR, noRowsToShow: 'Aucune inscription sur cette période : inscrivez l’enfant à un service dans la section « Inscriptions ».' };

interface Row {
  serviceId: number;
  serviceName: string;
  cells: Record<string, PlanningCell>;
}

type MenuKey = 'book' | 'cancel' | 'absent' | 'present' | 'absent_unnoticed' | 'clear_attendance' | 'request';

type CellKey = `${number}|${string}`;
const keyOf = (serviceId: number, day: string): CellKey => `${serviceId}|${day}`;
const parseKey = (key: CellKey) => {
  const [serviceId, day] = key.split('|') as [string, string];
  return { serviceId: Number(serviceId), day };
};

interface GridContext {
  selected: ReadonlySet<CellKey>;
}

function CellSymbol(params: ICellRendererParams<Row, PlanningCell>) {
  const cell = params.value;
  if (!cell) return null;
  return (
    <span className="planning-symbol">
      <span aria-hidden="true">{CELL_STATES[cell.state].symbol}</span>
      <span className="visually-hidden">{describeCell(cell)}</span>
    </span>
  );
}

const STATE_RULES: CellClassRules<Row, PlanningCell> = Object.fromEntries(
  (Object.keys(CELL_STATES) as CellState[]).map((state) => [
    stateClass(state),
    (params: { value: PlanningCell | null | undefined }) => params.value?.state === state,
  ]),
);

/** The child's planning: one row per service, one column per day, edited by selection and a context menu. */
export function PlanningGrid({
  childId,
  familyId,
  version,
  onActions,
}: {
  childId: number;
  familyId: number;
  version: number;
  onActions(actions: ChildPlanning['actions']): void;
}) {
  const [view, setView] = useState<PlanningView>('month');
  const [anchor, setAnchor] = useState(todayInParis);
  const [planning, setPlanning] = useState<ChildPlanning | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<CellKey>>(new Set());
  const anchorCell = useRef<CellKey | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const [dialog, setDialog] = useState<'absence' | 'request' | null>(null);
  const [requestError, setRequestError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [skipped, setSkipped] = useState<{ day: string; why: string }[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const gridApi = useRef<GridApi<Row> | null>(null);
  const lastFocus = useRef<{ rowIndex: number; colId: string } | null>(null);
  const { from, to } = periodOf(view, anchor);

  const fetchPlanning = useCallback(() => api.call('planning.child', { childId, from, to }), [childId, from, to]);
  const show = useCallback((result: Result<ChildPlanning>) => {
    if (result.ok) {
      setPlanning(result.value);
      onActions(result.value.actions);
      setLoadError(null);
    } else {
      setLoadError(result.error.message);
    }
  }, [onActions]);
  const load = async () => show(await fetchPlanning());

  useEffect(() => {
    void fetchPlanning().then(show);
  }, [fetchPlanning, show, version]);

  /** Moves the view; the selection belongs to the days shown, so it goes. */
  function goTo(nextView: PlanningView, nextAnchor: string) {
    setView(nextView);
    setAnchor(nextAnchor);
    setSelected(new Set());
    anchorCell.current = null;
  }

  // Weekends stay out of the grid unless a service opens on one.
  const days = useMemo(
    () =>
      (planning?.days ?? []).filter(
        (day) => !isWeekend(day) || planning?.rows.some((row) => row.cells.find((cell) => cell.day === day)?.state !== 'closed'),
      ),
    [planning],
  );
  const rows = useMemo<Row[]>(
    () =>
      (planning?.rows ?? []).map((row) => ({
        serviceId: row.serviceId,
        serviceName: row.serviceName,
        cells: Object.fromEntries(row.cells.map((cell) => [cell.day, cell])),
      })),
    [planning],
  );

  const serviceWidth = useMemo(() => {
    const font = `600 14px ${getComputedStyle(document.body).fontFamily}`;
    const widest = Math.max(0, ...rows.map((row) => textWidth(row.serviceName, font)));
    // The cell's padding on both sides, and a little room for the font's rounding.
    return Math.min(280, Math.max(160, Math.ceil(widest) + 40));
  }, [rows]);

  const columns = useMemo<ColDef<Row>[]>(
    () => [
      // As wide as the longest service name, so every row keeps one line (« Restauration scolaire »); a name longer
      // than 280 px ends with « … » and is read whole in its tooltip.
      {
        colId: 'service',
        headerName: 'Service',
        field: 'serviceName',
        pinned: 'left',
        width: serviceWidth,
        cellClass: 'planning-service',
        tooltipValueGetter: (params) => (params.data ? params.data.serviceName : undefined),
      },
      ...days.map<ColDef<Row>>((day) => ({
        colId: day,
        headerName: columnTitle(day),
        headerTooltip: formatDayFr(day),
        width: view === 'week' ? 110 : 62,
        headerClass: 'planning-day-header',
        valueGetter: (params) => params.data?.cells[day],
        cellRenderer: CellSymbol,
        tooltipValueGetter: (params) => (params.data && params.value ? cellTooltip(params.data.serviceName, params.value as PlanningCell) : undefined),
        cellClass: 'planning-cell',
        cellClassRules: {
          ...STATE_RULES,
          'cell-selected': (params) => !!params.data && (params.context as GridContext).selected.has(keyOf(params.data.serviceId, day)),
        },
      })),
    ],
    [days, view, serviceWidth],
  );

  // One context object for the grid's lifetime: ag-grid reads `context` once, so the selection is swapped inside it.
  const [context] = useState<GridContext>(() => ({ selected: new Set() }));
  // eslint-disable-next-line react-hooks/immutability -- see above: the content of the grid's context is meant to change.
  useEffect(() => {
    // eslint-disable-next-line react-hooks/immutability -- the grid keeps the object it was given; only its content can change.
    context.selected = selected;
    gridApi.current?.refreshCells({ force: true });
  }, [context, selected]);

  const dayIndex = (day: string) => days.indexOf(day);

  function rectangle(from: CellKey, to: CellKey): Set<CellKey> {
    const a = parseKey(from);
    const b = parseKey(to);
    const rowA = rows.findIndex((row) => row.serviceId === a.serviceId);
    const rowB = rows.findIndex((row) => row.serviceId === b.serviceId);
    const [r0, r1] = [Math.min(rowA, rowB), Math.max(rowA, rowB)];
    const [d0, d1] = [Math.min(dayIndex(a.day), dayIndex(b.day)), Math.max(dayIndex(a.day), dayIndex(b.day))];
    const result = new Set<CellKey>();
    for (let r = r0; r <= r1; r += 1) {
      for (let d = d0; d <= d1; d += 1) {
        const row = rows[r];
        const day = days[d];
        if (row && day) result.add(keyOf(row.serviceId, day));
      }
    }
    return result;
  }

  function select(key: CellKey, mode: 'only' | 'toggle' | 'extend') {
    if (mode === 'extend' && anchorCell.current) {
      setSelected(rectangle(anchorCell.current, key));
      return;
    }
    anchorCell.current = key;
    if (mode === 'toggle') {
      const next = new Set(selected);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      setSelected(next);
    } else {
      setSelected(new Set([key]));
    }
  }

  function onFocused(event: CellFocusedEvent<Row>) {
    const colId = typeof event.column === 'string' ? event.column : event.column?.getColId();
    if (event.rowIndex === null || !colId) return;
    lastFocus.current = { rowIndex: event.rowIndex, colId };
  }

  const ARROWS: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  /**
   * Arrow keys move the focus and the selection together (Shift extends it from the anchor). Handled before the
   * grid sees them, because ag-grid Community moves the focus only and says nothing of the keys held.
   */
  function onArrowKey(event: KeyboardEvent<HTMLDivElement>) {
    const step = ARROWS[event.key];
    const focus = lastFocus.current;
    if (!step || !focus || event.altKey || event.ctrlKey || event.metaKey || !(event.target as HTMLElement).closest('.ag-cell')) return;
    const colIds = ['service', ...days];
    const rowIndex = Math.max(0, Math.min(rows.length - 1, focus.rowIndex + step[0]));
    const colIndex = Math.max(0, Math.min(colIds.length - 1, colIds.indexOf(focus.colId) + step[1]));
    const colId = colIds[colIndex];
    const row = rows[rowIndex];
    if (!colId || !row) return;
    event.preventDefault();
    event.stopPropagation();
    gridApi.current?.ensureColumnVisible(colId);
    gridApi.current?.setFocusedCell(rowIndex, colId);
    if (colId !== 'service') select(keyOf(row.serviceId, colId), event.shiftKey ? 'extend' : 'only');
  }

  function openMenuAt(x: number, y: number) {
    if (planning?.actions.edit || planning?.actions.markAttendance) setMenu({ x, y });
  }

  function refocusGrid() {
    const focus = lastFocus.current;
    if (focus) gridApi.current?.setFocusedCell(focus.rowIndex, focus.colId);
  }

  const selectedCells = () => [...selected].map((key) => ({ childId, ...parseKey(key) }));
  // « Restauration scolaire : lundi 11 janvier 2027, mardi 12 janvier 2027 », a line per service in the grid's order.
  const chosenDays = (): string[] =>
    rows
      .map((row) => {
        const days = selectedCells()
          .filter((cell) => cell.serviceId === row.serviceId)
          .map((cell) => cell.day)
          .sort();
        return days.length === 0 ? '' : `${row.serviceName} : ${days.map(formatDayFr).join(', ')}`;
      })
      .filter((line) => line !== '');

  async function apply(action: PlanningAction) {
    setNote(null);
    setActionError(null);
    setSkipped([]);
    const cells = selectedCells();
    const result = await api.call('planning.apply', { cells, action });
    if (!result.ok) {
      setActionError(result.error.message);
    } else {
      const { changed, skipped: notDone } = result.value;
      setNote(changed === 0 ? 'Aucun jour modifié.' : `${changed} jour${changed > 1 ? 's' : ''} modifié${changed > 1 ? 's' : ''}.`);
      setSkipped(notDone);
    }
    await load();
    refocusGrid();
  }

  async function createRequest(request: { kind: FamilyRequestKind; reason: AbsenceReason | null; comment: string }) {
    setRequestError(null);
    const result = await api.call('requests.create', {
      familyId,
      kind: request.kind,
      items: selectedCells(),
      reason: request.reason,
      comment: request.comment,
      certificate: null,
      changes: [],
      photo: null,
    });
    if (!result.ok) {
      setRequestError(result.error.message);
      return;
    }
    setDialog(null);
    setSkipped([]);
    setActionError(null);
    setNote('Demande enregistrée : elle attend la validation.');
    await load();
    refocusGrid();
  }

  const menuItems: MenuItem<MenuKey>[] = [];
  if (planning?.actions.edit) {
    menuItems.push({ key: 'book', label: 'Réserver' }, { key: 'cancel', label: 'Annuler' }, { key: 'absent', label: 'Absent (motif…)' });
  }
  if (planning?.actions.markAttendance) {
    menuItems.push(
      { key: 'present', label: 'Présent' },
      { key: 'absent_unnoticed', label: 'Absent sans prévenir' },
      { key: 'clear_attendance', label: 'Effacer le pointage' },
    );
  }
  if (planning?.actions.edit) menuItems.push({ key: 'request', label: 'Demande de la famille…' });

  function choose(key: MenuKey) {
    if (key === 'absent') {
      setDialog('absence');
    } else if (key === 'request') {
      setRequestError(null);
      setDialog('request');
    } else {
      void apply({ kind: key });
    }
  }
  const canAct = menuItems.length > 0;

  return (
    <section className="card planning" aria-labelledby="planning-title">
      <div className="card-header">
        <h2 id="planning-title">Planning</h2>
      </div>
      <div className="planning-nav toolbar">
        <div className="field">
          <label htmlFor="planning-view">Affichage</label>
          <select id="planning-view" value={view} onChange={(event) => goTo(event.target.value as PlanningView, anchor)}>
            <option value="week">Semaine</option>
            <option value="month">Mois</option>
          </select>
        </div>
        <button type="button" className="button" onClick={() => goTo(view, shiftAnchor(view, anchor, -1))}>
          {view === 'week' ? 'Semaine précédente' : 'Mois précédent'}
        </button>
        <button type="button" className="button" onClick={() => goTo(view, todayInParis())}>
          Aujourd’hui
        </button>
        <button type="button" className="button" onClick={() => goTo(view, shiftAnchor(view, anchor, 1))}>
          {view === 'week' ? 'Semaine suivante' : 'Mois suivant'}
        </button>
        <GoToDayField path="planning-goto" label="Aller au" value={anchor} onGo={(day) => goTo(view, day)} />
        <p className="planning-period" aria-live="polite">
          {periodTitle(view, anchor)}
        </p>
      </div>
      {canAct ? (
        <p className="field-hint" id="planning-hint">
          Clic : choisir un jour ; Ctrl+clic ou Maj+clic, Maj+flèches : plusieurs jours. Clic droit, Entrée, Maj+F10 ou la touche Menu :
          actions sur les jours choisis.
        </p>
      ) : null}
      <ErrorBanner message={loadError ?? actionError} />
      <SuccessNote message={note} />
      {skipped.length > 0 ? (
        <div className="banner banner-warning" role="status">
          <p>Jours non modifiés :</p>
          <ul>
            {skipped.map((item) => (
              <li key={`${item.day}-${item.why}`}>
                {formatDayShortFr(item.day)} : {item.why}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="planning-grid ag-theme-quartz" aria-describedby={canAct ? 'planning-hint' : undefined} onKeyDownCapture={onArrowKey}>
        <AgGridReact<Row>
          theme="legacy"
          domLayout="autoHeight"
          rowData={rows}
          columnDefs={columns}
          context={context}
          localeText={PLANNING_LOCALE}
          getRowId={(params) => String(params.data.serviceId)}
          defaultColDef={{ sortable: false, resizable: true, suppressMovable: true }}
          enableBrowserTooltips
          suppressColumnVirtualisation
          preventDefaultOnContextMenu
          suppressCellFocus={false}
          onGridReady={(event) => {
            gridApi.current = event.api;
          }}
          onCellFocused={onFocused}
          onCellClicked={(event) => {
            const colId = event.column.getColId();
            if (!event.data || colId === 'service') return;
            const mouse = event.event as MouseEvent | null;
            const mode = mouse?.shiftKey ? 'extend' : mouse?.ctrlKey || mouse?.metaKey ? 'toggle' : 'only';
            select(keyOf(event.data.serviceId, colId), mode);
          }}
          onCellContextMenu={(event: CellContextMenuEvent<Row>) => {
            const colId = event.column.getColId();
            if (!event.data || colId === 'service' || !canAct) return;
            const key = keyOf(event.data.serviceId, colId);
            if (!selected.has(key)) select(key, 'only');
            const mouse = event.event as MouseEvent | null;
            openMenuAt(mouse?.clientX ?? 100, mouse?.clientY ?? 100);
          }}
          onCellKeyDown={(event) => {
            const keyboard = event.event as KeyboardEvent | null | undefined;
            if (!keyboard || !event.data || !canAct || !('column' in event)) return;
            const colId = event.column.getColId();
            if (colId === 'service') return;
            const opens = keyboard.key === 'ContextMenu' || keyboard.key === 'Enter' || (keyboard.key === 'F10' && keyboard.shiftKey);
            if (!opens) return;
            keyboard.preventDefault();
            const key = keyOf(event.data.serviceId, colId);
            if (!selected.has(key)) select(key, 'only');
            const rect = (keyboard.target as HTMLElement).getBoundingClientRect();
            openMenuAt(rect.left + 8, rect.bottom + 2);
          }}
        />
      </div>
      <h3 className="legend-title">Légende</h3>
      <ul className="planning-legend">
        {LEGEND_ORDER.map((state) => (
          <li key={state}>
            <span className={`legend-swatch ${stateClass(state)}`} aria-hidden="true">
              {CELL_STATES[state].symbol}
            </span>
            {CELL_STATES[state].label}
          </li>
        ))}
      </ul>
      {menu && canAct ? (
        <ActionMenu
          label={`Actions sur ${selected.size} jour${selected.size > 1 ? 's' : ''}`}
          items={menuItems}
          onChoose={(key) => choose(key)}
          x={menu.x}
          y={menu.y}
          onClose={() => {
            setMenu(null);
            refocusGrid();
          }}
        />
      ) : null}
      {dialog === 'absence' ? (
        <AbsenceDialog
          count={selected.size}
          days={chosenDays()}
          onClose={() => {
            setDialog(null);
            refocusGrid();
          }}
          onConfirm={(reason) => {
            setDialog(null);
            void apply({ kind: 'absent', reason });
          }}
        />
      ) : null}
      {dialog === 'request' ? (
        <FamilyRequestDialog
          count={selected.size}
          days={chosenDays()}
          error={requestError}
          onClose={() => {
            setDialog(null);
            refocusGrid();
          }}
          onConfirm={(request) => void createRequest(request)}
        />
      ) : null}
    </section>
  );
}
