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

/**
 * Every column as wide as its widest shown value (a wrapping column excepted: it takes what is left), then the spare
 * width of a wide screen shared out; never narrower than the content, so nothing is cut: a grid wider than the window
 * scrolls sideways inside itself. Call it when rows arrive and when the grid changes size, on a grid with
 * `suppressColumnVirtualisation` (ag-grid measures only the cells it has drawn).
 */
export function fitColumns({ api }: { api: GridApi }): void {
  // After the frame: when rows have just arrived, their cells are not drawn yet and there would be nothing to measure.
  requestAnimationFrame(() => {
    if (api.isDestroyed()) return;
    const columns = (api.getColumns() ?? []).filter((column) => column.isVisible() && !column.getColDef().wrapText);
    api.autoSizeColumns(columns.map((column) => column.getColId()), false);
    api.sizeColumnsToFit({ columnLimits: columns.map((column) => ({ key: column.getColId(), minWidth: column.getActualWidth() })) });
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
