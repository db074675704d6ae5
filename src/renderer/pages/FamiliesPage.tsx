import type { ColDef } from 'ag-grid-community';
import { useCallback } from 'react';
import type { FamilySummary } from '../../shared/api/contract.js';
import { toCsv } from '../../shared/export/csv.js';
import { api } from '../api/bridge.js';
import { SearchGridPage } from '../grid/SearchGridPage.js';
import { PhonesToFixNotice } from '../family/PhonesToFix.js';
import { FAMILY_CSV_COLUMNS, QF_FLAG } from './csv-columns.js';
import { downloadBlob } from '../lib/files.js';
import { todayInParis } from '../lib/format.js';
import { navigate, routeHref } from '../lib/route.js';

const COLUMNS: ColDef<FamilySummary>[] = [
  { field: 'nom', headerName: 'Nom', sort: 'asc' },
  { field: 'prenom', headerName: 'Prénom' },
  { field: 'responsable2', headerName: 'Responsable 2' },
  { field: 'enfants', headerName: 'Enfants', minWidth: 160 },
  { field: 'telephone', headerName: 'Téléphone' },
  { field: 'email', headerName: 'E-mail', minWidth: 180 },
  { field: 'allocataire', headerName: 'N° allocataire' },
  { field: 'ville', headerName: 'Ville' },
  // The QF in force today by the office's rule (office side, qfInForce); the sentence why is its tooltip.
  { field: 'qf', headerName: 'QF', filter: 'agNumberColumnFilter', maxWidth: 110, tooltipValueGetter: (params) => params.data?.qfWhy },
  {
    colId: 'qfFlagged',
    headerName: 'Justificatif QF',
    minWidth: 150,
    valueGetter: (params) => (params.data?.qfFlagged ? QF_FLAG : 'À jour'),
    cellClass: (params) => (params.data?.qfFlagged ? 'cell-flag' : undefined),
    tooltipValueGetter: (params) => params.data?.qfWhy,
  },
  // A text value, not the grid's boolean checkbox: staff read and filter "Oui" / "Non".
  { colId: 'resident', headerName: 'Résident', maxWidth: 120, valueGetter: (params) => (params.data?.resident ? 'Oui' : 'Non') },
];


export function FamiliesPage() {
  const search = useCallback(
    (query: string, includeArchived: boolean, offset: number, limit?: number) =>
      api.call('families.grid', { query, includeArchived, offset, ...(limit === undefined ? {} : { limit }) }),
    [],
  );
  return (
    <SearchGridPage<FamilySummary>
      title="Familles"
      gridClass="families-grid"
      searchLabel="Rechercher une famille"
      searchPlaceholder="Nom, e-mail, téléphone, n° allocataire…"
      archivedLabel="Afficher les archivées"
      columns={COLUMNS}
      search={search}
      open={(row) => navigate({ name: 'family', id: row.id })}
      onExport={(rows) => {
        const csv = toCsv(FAMILY_CSV_COLUMNS, rows);
        downloadBlob(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `familles-${todayInParis()}.csv`);
      }}
      actions={
        <>
        <PhonesToFixNotice />
        <a className="button" href={routeHref({ name: 'qfToUpdate' })}>
          QF à mettre à jour
        </a>
        <a className="button primary" href="#/familles/nouvelle">
          Nouvelle famille
        </a>
        </>
      }
    />
  );
}
