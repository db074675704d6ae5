import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { renderPdf } from '../../server/pdfmake.js';
import type { FamilyPublication } from '../../shared/sync/contract.js';
import type { ServedPhoto } from '../photos/store.js';
import { instantFr, shortDay } from '../http/format.js';
import { formatPhone } from '../../shared/validation/phone.js';

type Child = FamilyPublication['children'][number];

/**
 * The child sheet from the published data: what the office holds about the child, for the family to check, with the
 * photo the portal serves (photos/store.ts), if any.
 */
export async function childSheetPdf(child: Child, publication: FamilyPublication, now: Date, photo: ServedPhoto | null): Promise<Buffer> {
  const rows = (pairs: Array<[string, string]>): Content => {
    const body: Content[][] = (pairs.length > 0 ? pairs : ([['—', '']] as Array<[string, string]>)).map(([k, v]) => [{ text: k, bold: true }, { text: v || '—' }]);
    return { table: { widths: [160, '*'], body }, layout: 'lightHorizontalLines', margin: [0, 0, 0, 12] };
  };
  const doc: TDocumentDefinitions = {
    info: { title: `Fiche enfant – ${child.prenom} ${child.nom}` },
    content: [
      { text: `${child.prenom} ${child.nom.toUpperCase()}`, fontSize: 18, bold: true, margin: [0, 0, 0, 4] },
      { text: `Fiche enfant au ${instantFr(now.toISOString())}`, fontSize: 9, margin: [0, 0, 0, 12] },
      ...(photo
        ? [{ image: `data:${photo.mime};base64,${photo.bytes.toString('base64')}`, fit: [90, 110] as [number, number], margin: [0, 0, 0, 12] as [number, number, number, number] }]
        : []),
      rows([
        ['Date de naissance', shortDay(child.dateNaissance)],
        ['École', child.ecole],
        ['Classe', child.classe],
        ['Régime alimentaire', child.regime],
      ]),
      { text: 'Santé', bold: true, fontSize: 13, margin: [0, 0, 0, 4] },
      rows([
        ['Allergies', child.health.allergies],
        ['PAI', child.health.pai ? `Oui${child.health.paiEnd ? `, jusqu’au ${shortDay(child.health.paiEnd)}` : ''}` : 'Non'],
        ['Médecin', [child.health.medecinNom, formatPhone(child.health.medecinTel)].filter(Boolean).join(' – ')],
        ['Vaccinations', child.health.vaccinations.map((v) => `${v.vaccine} (${shortDay(v.date)})`).join(', ')],
      ]),
      { text: 'Personnes autorisées', bold: true, fontSize: 13, margin: [0, 0, 0, 4] },
      rows(child.authorisedPersons.map((p): [string, string] => [`${p.prenom} ${p.nom}`, [p.relation, formatPhone(p.tel1), p.mayPickUp ? 'peut venir chercher' : '', p.emergency ? 'à prévenir en urgence' : ''].filter(Boolean).join(' – ')])),
      { text: 'Responsables', bold: true, fontSize: 13, margin: [0, 0, 0, 4] },
      rows(publication.account.responsables.map((r): [string, string] => [`${r.prenom} ${r.nom}`, [formatPhone(r.telMobile), r.email].filter(Boolean).join(' – ')])),
    ],
    defaultStyle: { font: 'Roboto', fontSize: 10 },
  };
  return renderPdf(doc);
}
