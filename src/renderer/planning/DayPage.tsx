import type { ColDef, GridApi, ICellRendererParams } from 'ag-grid-community';
import { useCan } from '../api/permissions.js';
import { GoToDayField } from '../components/fields.js';
import { PrintButton } from '../components/PrintButton.js';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CalendarView, DayChild, DayList, ServiceConfig } from '../../shared/api/contract.js';
import { addDays } from '../../shared/calendar/days.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import { openingOn } from '../../shared/calendar/opening.js';
import { CELL_STATES } from '../../shared/planning/cells.js';
import { ABSENCE_REASONS } from '../../shared/planning/reasons.js';
import type { Result } from '../../shared/result.js';
import { api } from '../api/bridge.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { fitColumns, FITTED_COLUMN, GRID_LOCALE_FR } from '../grid/setup.js';
import { downloadFile } from '../lib/files.js';
import { regimeLabel, todayInParis } from '../lib/format.js';
import { MealsPanel } from './MealsPanel.js';
import { TimesSection } from './TimesSection.js';

interface PointageContext {
  canMark: boolean;
  mark(children: DayChild[], kind: 'present' | 'absent_unnoticed'): void;
}

function PointageButtons(params: ICellRendererParams<DayChild>) {
  const child = params.data;
  const context = params.context as PointageContext;
  if (!child || !context.canMark) return null;
  const name = `${child.prenom} ${child.nom}`;
  return (
    <span className="pointage-buttons">
      <button
        type="button"
        className={`button small ${child.attendance === 'present' ? 'primary' : ''}`}
        aria-pressed={child.attendance === 'present'}
        aria-label={`Présent : ${name}`}
        onClick={() => context.mark([child], 'present')}
      >
        Présent
      </button>
      <button
        type="button"
        className={`button small ${child.attendance === 'absent' ? 'primary' : ''}`}
        aria-pressed={child.attendance === 'absent'}
        aria-label={`Absent : ${name}`}
        onClick={() => context.mark([child], 'absent_unnoticed')}
      >
        Absent
      </button>
    </span>
  );
}

/** Steps from `day` to the previous or next day the service opens, within the loaded calendar. */
function nextOpenDay(service: ServiceConfig, calendar: CalendarView, day: string, step: 1 | -1): string | null {
  let candidate = day;
  for (let i = 0; i < 120; i += 1) {
    candidate = addDays(candidate, step);
    if (openingOn(service, candidate, calendar).open) return candidate;
  }
  return null;
}

/** One service, one day: who is expected, the counts, attendance marking, the sheet and the meals to order. */
export function DayPage({ canMark }: { canMark: boolean }) {
  const [services, setServices] = useState<ServiceConfig[]>([]);
  const [serviceId, setServiceId] = useState<number | null>(null);
  const [day, setDay] = useState(todayInParis);
  const [calendar, setCalendar] = useState<CalendarView | null>(null);
  const [list, setList] = useState<DayList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [selectedCount, setSelectedCount] = useState(0);
  const [printing, setPrinting] = useState(false);
  const [version, setVersion] = useState(0);
  const [filter, setFilter] = useState('');
  const gridApi = useRef<GridApi<DayChild> | null>(null);

  useEffect(() => {
    void api.call('services.list', {}).then((result) => {
      if (!result.ok) return setError(result.error.message);
      const active = result.value.filter((service) => service.active);
      setServices(active);
      setServiceId((current) => current ?? active[0]?.id ?? null);
    });
    const today = todayInParis();
    void api.call('calendar.get', { from: addDays(today, -400), to: addDays(today, 400) }).then((result) => {
      if (result.ok) setCalendar(result.value);
    });
  }, []);

  const fetchDay = useCallback(
    async (): Promise<Result<DayList> | null> => (serviceId === null || !day ? null : api.call('planning.day', { serviceId, day })),
    [serviceId, day],
  );
  const show = useCallback((result: Result<DayList> | null) => {
    if (!result) return;
    if (result.ok) {
      setList(result.value);
      setError(null);
    } else {
      setList(null);
      setError(result.error.message);
    }
  }, []);
  const load = useCallback(async () => show(await fetchDay()), [fetchDay, show]);

  useEffect(() => {
    void fetchDay().then(show);
  }, [fetchDay, show]);

  const mark = useCallback(
    async (children: DayChild[], kind: 'present' | 'absent_unnoticed') => {
      if (serviceId === null || children.length === 0) return;
      setNote(null);
      const result = await api.call('planning.apply', {
        cells: children.map((child) => ({ childId: child.childId, serviceId, day })),
        action: { kind },
      });
      if (!result.ok) {
        setError(result.error.message);
      } else {
        const why = result.value.skipped.map((item) => item.why);
        const done = `${result.value.changed} pointage${result.value.changed > 1 ? 's' : ''} enregistré${result.value.changed > 1 ? 's' : ''}.`;
        setNote(why.length ? `${done} Non pointés : ${[...new Set(why)].join(' ; ')}` : done);
      }
      await load();
      setVersion((v) => v + 1);
    },
    [serviceId, day, load],
  );

  const service = services.find((candidate) => candidate.id === serviceId) ?? null;
  // Nobody is marked present or absent on a closed day (the office refuses it too): no buttons, no selection.
  const markable = canMark && (list?.open ?? false);
  const canPrint = useCan()('print.childSheets');
  const showHealth = list?.children.some((child) => child.allergies !== null || child.pai !== null) ?? false;

  const columns = useMemo<ColDef<DayChild>[]>(
    () => [
      { field: 'nom', headerName: 'Nom', sort: 'asc' },
      { field: 'prenom', headerName: 'Prénom' },
      // Wrapping, like the allergies: a long school name takes two lines, and every column stays on a laptop's screen.
      { field: 'ecole', headerName: 'École', minWidth: 110, wrapText: true, autoHeight: true },
      { field: 'classe', headerName: 'Classe', maxWidth: 100 },
      { field: 'regime', headerName: 'Régime', valueFormatter: (params) => regimeLabel(params.value as string | null) },
      // Wrapping: a long allergy takes two lines rather than push the columns after it under the pinned « Pointage ».
      {
        field: 'allergies',
        headerName: 'Allergies',
        hide: !showHealth,
        minWidth: 140,
        wrapText: true,
        autoHeight: true,
        valueFormatter: (params) => (params.value as string | null) || '—',
      },
      {
        colId: 'pai',
        headerName: 'PAI',
        hide: !showHealth,
        maxWidth: 90,
        valueGetter: (params) => (params.data?.pai ? 'PAI' : ''),
        cellRenderer: (params: ICellRendererParams<DayChild>) => (params.data?.pai ? <span className="badge badge-pai">PAI</span> : null),
      },
      { colId: 'state', headerName: 'État', valueGetter: (params) => (params.data ? CELL_STATES[params.data.state].label : '') },
      {
        colId: 'reason',
        headerName: 'Motif',
        minWidth: 110,
        wrapText: true,
        autoHeight: true,
        valueGetter: (params) => (params.data?.absenceReason ? ABSENCE_REASONS[params.data.absenceReason] : ''),
      },
      // Pinned: the marking buttons stay in view however wide the list is.
      { colId: 'pointage', headerName: 'Pointage', cellRenderer: PointageButtons, minWidth: 190, sortable: false, filter: false, hide: !markable, pinned: 'right' },
    ],
    [showHealth, markable],
  );

  const context = useMemo<PointageContext>(() => ({ canMark: markable, mark: (children, kind) => void mark(children, kind) }), [markable, mark]);

  async function printSheet() {
    if (serviceId === null) return;
    setPrinting(true);
    const result = await api.call('planning.attendanceSheet', { serviceId, day });
    setPrinting(false);
    if (result.ok) downloadFile(result.value);
    else setError(result.error.message);
  }

  return (
    <main className="page page-wide" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Journée</h1>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => void printSheet()} disabled={printing || serviceId === null} aria-busy={printing}>
            {printing ? 'Préparation du PDF…' : 'Feuille de présence (PDF)'}
          </button>
        </div>
      </div>
      <div className="search-bar day-picker">
        <div className="field">
          <label htmlFor="day-service">Service</label>
          <select id="day-service" value={serviceId ?? ''} onChange={(event) => setServiceId(Number(event.target.value))}>
            {services.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="button"
          disabled={!service || !calendar}
          onClick={() => {
            const previous = service && calendar ? nextOpenDay(service, calendar, day, -1) : null;
            if (previous) setDay(previous);
          }}
        >
          Jour d’ouverture précédent
        </button>
        <GoToDayField path="day-date" label="Jour" value={day} onGo={setDay} />
        <button
          type="button"
          className="button"
          disabled={!service || !calendar}
          onClick={() => {
            const next = service && calendar ? nextOpenDay(service, calendar, day, 1) : null;
            if (next) setDay(next);
          }}
        >
          Jour d’ouverture suivant
        </button>
        <button type="button" className="button" onClick={() => setDay(todayInParis())}>
          Aujourd’hui
        </button>
      </div>
      <ErrorBanner message={error} />
      <SuccessNote message={note} />
      {list ? (
        <div className="sections">
          <section className="card" aria-labelledby="day-title">
            <h2 id="day-title">
              {list.serviceName} — {formatDayFr(list.day)}
            </h2>
            {!list.open ? (
              <p className="banner banner-warning">Service fermé ce jour-là{list.closedWhy ? ` : ${list.closedWhy}` : ''}.</p>
            ) : null}
            <p className="day-total" role="status">
              Enfants attendus : <strong>{list.expected}</strong>
              {list.capacity !== null ? ` sur ${list.capacity} place${list.capacity > 1 ? 's' : ''}` : ''}
            </p>
            {list.counts.length > 0 ? (
              // Folded: with a row per class it would push the children below the fold of a 1366×768 laptop.
              <details className="day-counts">
                <summary>
                  Attendus par école et par classe ({list.counts.length} classe{list.counts.length > 1 ? 's' : ''})
                </summary>
                <div className="table-scroll">
                  <table className="table counts-table">
                    <caption className="visually-hidden">Enfants attendus par école et par classe</caption>
                    <thead>
                      <tr>
                        <th scope="col">École</th>
                        <th scope="col">Classe</th>
                        <th scope="col">Attendus</th>
                        {canPrint ? (
                          <th scope="col">
                            <span className="visually-hidden">Fiches</span>
                          </th>
                        ) : null}
                      </tr>
                    </thead>
                    <tbody>
                      {list.counts.map((count) => (
                        <tr key={`${count.ecole}|${count.classe}`}>
                          <td>{count.ecole}</td>
                          <td>{count.classe}</td>
                          <td>{count.expected}</td>
                          {canPrint ? (
                            <td>
                              {count.schoolId !== null ? (
                                <PrintButton
                                  scope={{ kind: 'class', schoolId: count.schoolId, classe: count.classe }}
                                  label={`Fiches des ${count.classe || 'enfants sans classe'} — ${count.ecole}`}
                                />
                              ) : null}
                            </td>
                          ) : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            ) : null}
          </section>
          <section className="card" aria-labelledby="day-children-title">
            {/* The filter beside the title: on a 1366×768 laptop the rows keep the height it took on a line of its own. */}
            <div className="card-header day-children-header">
              <h2 id="day-children-title">Enfants</h2>
              <div className="day-filter-inline">
                <label htmlFor="day-filter">Filtrer la liste</label>
                <input id="day-filter" type="search" value={filter} autoComplete="off" onChange={(event) => setFilter(event.target.value)} />
              </div>
              {markable ? (
                <button
                  type="button"
                  className="button"
                  disabled={selectedCount === 0}
                  onClick={() => void mark(gridApi.current?.getSelectedRows() ?? [], 'present')}
                >
                  Tous présents ({selectedCount})
                </button>
              ) : null}
            </div>
            <div className="day-grid ag-theme-quartz">
              <AgGridReact<DayChild>
                theme="legacy"
                quickFilterText={filter}
                rowData={list.children}
                columnDefs={columns}
                context={context}
                localeText={{ ...GRID_LOCALE_FR, noRowsToShow: filter.trim() ? 'Aucun enfant ne correspond au filtre.' : 'Aucun enfant attendu ce jour-là.' }}
                getRowId={(params) => String(params.data.childId)}
                defaultColDef={{ ...FITTED_COLUMN, sortable: true, filter: true, minWidth: 70 }}
                onFirstDataRendered={fitColumns}
                onGridSizeChanged={fitColumns}
                suppressColumnVirtualisation
                rowSelection={markable ? { mode: 'multiRow', checkboxes: true, headerCheckbox: true, enableClickSelection: false } : undefined}
                onGridReady={(event) => {
                  gridApi.current = event.api;
                }}
                onSelectionChanged={(event) => setSelectedCount(event.api.getSelectedRows().length)}
                onRowDataUpdated={(event) => {
                  setSelectedCount(event.api.getSelectedRows().length);
                  fitColumns(event);
                }}
              />
            </div>
          </section>
          {list.billedByTime && list.open ? <TimesSection list={list} canMark={markable} onSaved={() => void load()} /> : null}
          <MealsPanel from={day} version={version} />
        </div>
      ) : null}
    </main>
  );
}
