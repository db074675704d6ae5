import { AllCommunityModule, ModuleRegistry, type ColDef, type GridApi } from 'ag-grid-community';
import 'ag-grid-community/styles/ag-grid.css';
import 'ag-grid-community/styles/ag-theme-quartz.css';

// Once, before any grid renders, or features fail with error #200.
ModuleRegistry.registerModules([AllCommunityModule]);

/**
 * Columns of an office grid: headers wrap instead of being cut, and the width comes from `fitColumns` (no flex, which
 * would squeeze a phone number or a date into « 06 12 34… » on a 1366 px laptop).
 */
export const FITTED_COLUMN = { resizable: true, wrapHeaderText: true, autoHeaderHeight: true } as const satisfies ColDef;

/** The width of `text` drawn in `font` (a CSS font shorthand), measured by the browser. */
let measureContext: CanvasRenderingContext2D | null = null;
export function textWidth(text: string, font: string): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * 8;
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

/**
 * The narrowest a column may be so that its header wraps between words and never inside one (« Restauratio / n
 * scolaire »): its longest word plus what the header cell needs beside its text (padding, sort and filter icons),
 * measured on the header as drawn.
 */
function headerFloor(grid: Element, colId: string): number {
  const cell = grid.querySelector(`.ag-header-cell[col-id="${CSS.escape(colId)}"]`);
  const text = cell?.querySelector('.ag-header-cell-text');
  const label = cell?.querySelector('.ag-header-cell-label');
  const container = label?.parentElement;
  if (!cell || !text || !label || !container) return 0;
  const font = getComputedStyle(text).font;
  const longest = Math.max(0, ...(text.textContent ?? '').split(/\s+/).map((word) => textWidth(word, font)));
  const width = (element: Element | null | undefined) => element?.getBoundingClientRect().width ?? 0;
  const style = getComputedStyle(cell);
  // Beside the text: the cell's padding, what sits beside the label (the filter button) and the sort arrow. Not
  // the label's free space, or the floor would grow with the column each time it is measured.
  const beside = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + (width(container) - width(label)) + width(label.querySelector('.ag-sort-indicator-container'));
  return Math.ceil(longest + beside + 6);
}

/**
 * Every column as wide as its widest shown value and no narrower than its header's longest word (the header wraps
 * between words); a wrapping column (long texts) takes what is left, down to its floor, its text wrapping. Then the
 * spare width of a wide screen is shared out; never narrower than the content, so nothing is cut: a grid wider than the window scrolls
 * sideways inside itself. Call it when rows arrive and when the grid changes size, on a grid with
 * `suppressColumnVirtualisation` (ag-grid measures only the cells it has drawn).
 */
export function fitColumns({ api }: { api: GridApi }): void {
  // After the frame: when rows have just arrived, their cells are not drawn yet and there would be nothing to measure.
  requestAnimationFrame(() => {
    if (api.isDestroyed()) return;
    const grid = api.getGridElement();
    const columns = (api.getColumns() ?? []).filter((column) => column.isVisible());
    const floors = new Map(columns.map((column) => [column.getColId(), Math.max(column.getColDef().minWidth ?? 0, grid ? headerFloor(grid, column.getColId()) : 0)]));
    floorsOf.set(api, floors);
    const fitted = columns.filter((column) => !column.getColDef().wrapText);
    shareSpareWidthAfterAutoSize(api);
    api.autoSizeColumns({
      colIds: fitted.map((column) => column.getColId()),
      skipHeader: true,
      columnLimits: fitted.map((column) => ({ colId: column.getColId(), minWidth: floors.get(column.getColId()) ?? 0 })),
    });
    shareSpareWidth(api);
  });
}

/** Each grid's header floors, as last measured by fitColumns. */
const floorsOf = new WeakMap<GridApi, Map<string, number>>();

/** The spare width of a wide screen shared out, no column narrower than its content or its header's longest word. */
function shareSpareWidth(api: GridApi): void {
  if (api.isDestroyed()) return;
  const floors = floorsOf.get(api) ?? new Map<string, number>();
  const columns = (api.getColumns() ?? []).filter((column) => column.isVisible());
  api.sizeColumnsToFit({
    columnLimits: columns.map((column) => ({
      key: column.getColId(),
      minWidth: column.getColDef().wrapText ? (floors.get(column.getColId()) ?? 0) : column.getActualWidth(),
    })),
  });
}

const listening = new WeakSet<GridApi>();

/**
 * ag-grid may put off an auto-size until the cells are drawn: the sharing made right after it would then be undone,
 * so it is made again once the auto-size is done.
 */
function shareSpareWidthAfterAutoSize(api: GridApi): void {
  if (listening.has(api)) return;
  listening.add(api);
  api.addEventListener('columnResized', (event) => {
    if (event.source === 'autosizeColumns' && event.finished) shareSpareWidth(api);
  });
}

/** The grid's visible strings in French (filters, pagination, overlays). */
export const GRID_LOCALE_FR: Record<string, string> = {
  loadingOoo: 'Chargement…',
  noRowsToShow: 'Aucun résultat',
  filterOoo: 'Filtrer…',
  equals: 'Égal à',
  notEqual: 'Différent de',
  blank: 'Vide',
  notBlank: 'Non vide',
  empty: 'Choisir…',
  lessThan: 'Inférieur à',
  greaterThan: 'Supérieur à',
  lessThanOrEqual: 'Inférieur ou égal à',
  greaterThanOrEqual: 'Supérieur ou égal à',
  inRange: 'Entre',
  inRangeStart: 'De',
  inRangeEnd: 'À',
  contains: 'Contient',
  notContains: 'Ne contient pas',
  startsWith: 'Commence par',
  endsWith: 'Se termine par',
  dateFormatOoo: 'jj/mm/aaaa',
  before: 'Avant',
  after: 'Après',
  andCondition: 'ET',
  orCondition: 'OU',
  applyFilter: 'Appliquer',
  resetFilter: 'Réinitialiser',
  clearFilter: 'Effacer',
  cancelFilter: 'Annuler',
  textFilter: 'Filtre texte',
  numberFilter: 'Filtre numérique',
  dateFilter: 'Filtre de date',
  setFilter: 'Filtre par valeurs',
  selectAll: 'Tout sélectionner',
  searchOoo: 'Rechercher…',
  page: 'Page',
  of: 'sur',
  to: 'à',
  more: 'plus',
  next: 'Suivante',
  last: 'Dernière',
  first: 'Première',
  previous: 'Précédente',
  pageSizeSelectorLabel: 'Lignes par page :',
  ariaPageSizeSelectorLabel: 'Lignes par page',
  firstPage: 'Première page',
  lastPage: 'Dernière page',
  nextPage: 'Page suivante',
  previousPage: 'Page précédente',
  columns: 'Colonnes',
  filters: 'Filtres',
  pinColumn: 'Épingler la colonne',
  autosizeThisColumn: 'Ajuster cette colonne',
  autosizeAllColumns: 'Ajuster toutes les colonnes',
  resetColumns: 'Réinitialiser les colonnes',
  sortAscending: 'Tri croissant',
  sortDescending: 'Tri décroissant',
  sortUnSort: 'Retirer le tri',
  columnFilter: 'Filtre de colonne',
  columnChooser: 'Choisir les colonnes',
  ariaFilterInput: 'Valeur du filtre',
  ariaFilteringOperator: 'Opérateur de filtre',
  ariaFilterValue: 'Valeur du filtre',
  ariaFilterFromValue: 'Valeur de début',
  ariaFilterToValue: 'Valeur de fin',
  ariaColumnFiltered: 'Colonne filtrée',
  ariaSearch: 'Rechercher',
  ariaMenuColumn: 'Appuyez sur Alt+Bas pour ouvrir le menu de colonne',
  ariaFilterMenuOpen: 'Ouvrir le filtre',
  ariaSortableColumn: 'Appuyez sur Entrée pour trier',
  ariaRowSelect: 'Appuyez sur Espace pour sélectionner la ligne',
  ariaChecked: 'coché',
  ariaUnchecked: 'non coché',
  ariaHidden: 'masqué',
  ariaVisible: 'visible',
  true: 'Oui',
  false: 'Non',
};
