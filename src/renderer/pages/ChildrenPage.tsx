import type { ColDef } from 'ag-grid-community';
import { useCallback } from 'react';
import type { ChildSummary } from '../../shared/api/contract.js';
import { toCsv } from '../../shared/export/csv.js';
import { api } from '../api/bridge.js';
import { SearchGridPage } from '../grid/SearchGridPage.js';
import { useCan } from '../api/permissions.js';
import { ClassSheetsPicker } from '../components/ClassSheets.js';
import { CHILD_CSV_COLUMNS } from './csv-columns.js';
import { downloadBlob } from '../lib/files.js';
import { frenchDay, todayInParis } from '../lib/format.js';
import { navigate } from '../lib/route.js';

/** What a role that may not see health data reads in the PAI and allergies columns (pai is null for it, see ChildSummary). */
const HIDDEN = 'masqué';
const hiddenCell = {
  cellClassRules: { 'cell-hidden': (params: { value?: unknown }) => params.value === HIDDEN },
  tooltipValueGetter: (params: { value?: unknown }) => (params.value === HIDDEN ? 'Donnée de santé masquée : votre profil ne permet pas de la voir.' : undefined),
} satisfies ColDef<ChildSummary>;

const COLUMNS: ColDef<ChildSummary>[] = [
  { field: 'nom', headerName: 'Nom', sort: 'asc' },
  { field: 'prenom', headerName: 'Prénom' },
  {
    field: 'dateNaissance',
    headerName: 'Naissance',
    valueFormatter: (params) => frenchDay(params.value as string),
    filterValueGetter: (params) => frenchDay(params.data?.dateNaissance),
  },
  { field: 'ecole', headerName: 'École', minWidth: 160 },
  { field: 'classe', headerName: 'Classe', maxWidth: 110 },
  { field: 'famille', headerName: 'Famille' },
  {
    colId: 'pai',
    headerName: 'PAI',
    maxWidth: 100,
    valueGetter: (params) => (params.data?.pai === null ? HIDDEN : params.data?.pai ? 'Oui' : 'Non'),
    ...hiddenCell,
  },
  {
    colId: 'allergies',
    headerName: 'Allergies',
    minWidth: 160,
    // « — » is a child without allergies; hidden health data says so, so that none and hidden never look alike.
    valueGetter: (params) => (params.data?.pai === null ? HIDDEN : params.data?.allergies || '—'),
    ...hiddenCell,
  },
];


export function ChildrenPage() {
  const search = useCallback(
    (query: string, includeArchived: boolean, offset: number, limit?: number) =>
      api.call('children.grid', { query, includeArchived, offset, ...(limit === undefined ? {} : { limit }) }),
    [],
  );
  const can = useCan();
  return (
    <SearchGridPage<ChildSummary>
      title="Enfants"
      searchLabel="Rechercher un enfant"
      searchPlaceholder="Nom, prénom, famille, école…"
      archivedLabel="Afficher les archivés"
      columns={COLUMNS}
      search={search}
      open={(row) => navigate({ name: 'child', id: row.id })}
      actions={can('print.childSheets') ? <ClassSheetsPicker /> : null}
      onExport={(rows) => {
        const csv = toCsv(CHILD_CSV_COLUMNS, rows);
        downloadBlob(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `enfants-${todayInParis()}.csv`);
      }}
    />
  );
}
