import type { ChildSummary, FamilySummary } from '../../shared/api/contract.js';
import type { CsvColumn } from '../../shared/export/csv.js';

/** The columns of the families and children grids' CSV exports: pure, so the scale test writes the same files. */

export const QF_FLAG = 'À mettre à jour';

export const FAMILY_CSV_COLUMNS: CsvColumn<FamilySummary>[] = [
  { header: 'Nom', value: (row) => row.nom },
  { header: 'Prénom', value: (row) => row.prenom },
  { header: 'Responsable 2', value: (row) => row.responsable2 },
  { header: 'Enfants', value: (row) => row.enfants },
  { header: 'Téléphone', value: (row) => row.telephone },
  { header: 'E-mail', value: (row) => row.email },
  { header: 'N° allocataire', value: (row) => row.allocataire },
  { header: 'Ville', value: (row) => row.ville },
  { header: 'QF', value: (row) => row.qf, kind: 'number' },
  { header: 'Justificatif QF', value: (row) => (row.qfFlagged ? QF_FLAG : 'À jour') },
  { header: 'Motif QF', value: (row) => row.qfWhy },
  { header: 'Résident', value: (row) => row.resident },
  { header: 'Archivée', value: (row) => row.archived },
];

export const CHILD_CSV_COLUMNS: CsvColumn<ChildSummary>[] = [
  { header: 'Nom', value: (row) => row.nom },
  { header: 'Prénom', value: (row) => row.prenom },
  { header: 'Date de naissance', value: (row) => row.dateNaissance, kind: 'day' },
  { header: 'École', value: (row) => row.ecole },
  { header: 'Classe', value: (row) => row.classe },
  { header: 'Famille', value: (row) => row.famille },
];
