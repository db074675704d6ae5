import type { Content, CustomTableLayout, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { customValueText } from '../../shared/families/custom-fields.js';
import { imageMime } from '../../shared/children/input.js';
import { frenchDate, frenchDateTime, schoolYear } from './format.js';
import type { ChildSheet, SheetPerson, SheetResponsable } from './sheet-data.js';
import { formatPhone } from '../../shared/validation/phone.js';

export const COMMUNE_HEADER = "Ville d'Epagny Metz-Tessy — Service Enfance Jeunesse";
export const SHEET_TITLE = 'Fiche enfant et sanitaire de liaison';

const BLUE = '#1f4e79';
const GREY = '#5b6b7b';
const LINE = '#b8c4d0';
const LABEL_FILL = '#f1f4f8';
const ALERT = '#b00020';
const ALERT_FILL = '#fdecea';

const PAGE_MARGINS: [number, number, number, number] = [36, 54, 36, 40];
const CONTENT_WIDTH = 595.28 - PAGE_MARGINS[0] - PAGE_MARGINS[2];
const PHOTO_SIZE: [number, number] = [74, 92];

const grid: CustomTableLayout = {
  hLineWidth: () => 0.5,
  vLineWidth: () => 0.5,
  hLineColor: () => LINE,
  vLineColor: () => LINE,
  paddingLeft: () => 4,
  paddingRight: () => 4,
  paddingTop: () => 1.5,
  paddingBottom: () => 1.5,
};

const YES_NO = (value: boolean) => (value ? 'Oui' : 'Non');

function label(text: string): TableCell {
  return { text, style: 'label', fillColor: LABEL_FILL };
}

function value(text: string, extra: { bold?: boolean; color?: string } = {}): TableCell {
  return { text, ...extra };
}

function section(title: string): Content {
  return {
    margin: [0, 7, 0, 2],
    stack: [
      { text: title.toUpperCase(), style: 'section' },
      { canvas: [{ type: 'line', x1: 0, y1: 1, x2: CONTENT_WIDTH, y2: 1, lineWidth: 1, lineColor: BLUE }] },
    ],
  };
}

/** Label/value pairs laid out two per row, the compact form a one-page sheet needs. */
function pairs(items: [string, string][], labelWidth = 82): Content {
  const body: TableCell[][] = [];
  for (let i = 0; i < items.length; i += 2) {
    const left = items[i] as [string, string];
    const right = items[i + 1];
    body.push([label(left[0]), value(left[1]), right ? label(right[0]) : label(''), value(right?.[1] ?? '')]);
  }
  return { table: { widths: [labelWidth, '*', labelWidth, '*'], body }, layout: grid };
}

function responsableName(responsable: SheetResponsable | undefined): string {
  if (!responsable) return '';
  return [responsable.civilite, responsable.nom.toUpperCase(), responsable.prenom].filter(Boolean).join(' ');
}

function responsableAddress(responsable: SheetResponsable | undefined): string {
  if (!responsable) return '';
  const town = [responsable.codePostal, responsable.ville].filter(Boolean).join(' ');
  return [responsable.adresse, town].filter(Boolean).join('\n');
}

function responsablesTable(responsables: SheetResponsable[]): Content {
  const first = responsables.find((responsable) => responsable.rank === 1);
  const second = responsables.find((responsable) => responsable.rank === 2);
  const row = (title: string, pick: (responsable: SheetResponsable | undefined) => string): TableCell[] => [
    label(title),
    value(pick(first)),
    value(pick(second)),
  ];
  return {
    table: {
      widths: [82, '*', '*'],
      headerRows: 1,
      body: [
        [label(''), { text: 'Responsable 1', style: 'columnHead' }, { text: 'Responsable 2', style: 'columnHead' }],
        row('Nom', responsableName),
        row('Adresse', responsableAddress),
        row('Tél. mobile', (responsable) => formatPhone(responsable?.telMobile ?? '')),
        row('Tél. fixe', (responsable) => formatPhone(responsable?.telFixe ?? '')),
        row('Tél. professionnel', (responsable) => formatPhone(responsable?.telPro ?? '')),
        row('Courriel', (responsable) => responsable?.email ?? ''),
      ],
    },
    layout: grid,
  };
}

function personsTable(persons: SheetPerson[]): Content {
  if (persons.length === 0) return { text: 'Aucune personne renseignée.', style: 'muted' };
  return {
    table: {
      widths: ['*', 80, 130, 62, 62],
      headerRows: 1,
      body: [
        ['Nom et prénom', 'Lien avec l’enfant', 'Téléphones', 'Peut venir chercher', 'À prévenir (urgence)'].map(
          (text): TableCell => ({ text, style: 'columnHead' }),
        ),
        ...persons.map((person): TableCell[] => [
          value(`${person.nom.toUpperCase()} ${person.prenom}`, { bold: true }),
          value(person.relation),
          value([person.tel1, person.tel2].filter(Boolean).map(formatPhone).join('\n')),
          { text: YES_NO(person.mayPickUp), alignment: 'center' },
          { text: YES_NO(person.emergency), alignment: 'center' },
        ]),
      ],
    },
    layout: grid,
  };
}

function paiText(health: ChildSheet['health']): string {
  if (!health.pai) return 'Non';
  const until = health.paiEnd ? ` — valable jusqu'au ${frenchDate(health.paiEnd)}` : '';
  return `Oui${until}${health.paiDetails.trim() ? ' (protocole en tête de fiche)' : ''}`;
}

/** The box staff must not miss: PAI and allergies, repeated at the top of the sheet. */
function healthAlert(sheet: ChildSheet): Content | null {
  const { health } = sheet;
  if (!health.pai && health.allergies.trim() === '') return null;
  const lines: Content[] = [];
  if (health.pai) {
    lines.push({
      text: `PAI — Projet d'accueil individualisé${health.paiEnd ? ` (valable jusqu'au ${frenchDate(health.paiEnd)})` : ''}`,
      bold: true,
      fontSize: 11,
      color: ALERT,
    });
    if (health.paiDetails.trim()) lines.push({ text: health.paiDetails, margin: [0, 2, 0, 0] });
  }
  if (health.allergies.trim()) {
    lines.push({ text: [{ text: 'Allergies : ', bold: true, color: ALERT }, health.allergies], margin: [0, 2, 0, 0] });
  }
  return {
    margin: [0, 6, 0, 0],
    table: { widths: ['*'], body: [[{ stack: lines, fillColor: ALERT_FILL }]] },
    layout: {
      hLineWidth: () => 1.5,
      vLineWidth: () => 1.5,
      hLineColor: () => ALERT,
      vLineColor: () => ALERT,
      paddingLeft: () => 6,
      paddingRight: () => 6,
      paddingTop: () => 4,
      paddingBottom: () => 4,
    },
  };
}

function healthTable(health: ChildSheet['health']): Content {
  const vaccinations = health.vaccinations.length
    ? health.vaccinations.map((vaccination) => `${vaccination.vaccine} : ${frenchDate(vaccination.date)}`).join('   ·   ')
    : 'Aucune vaccination renseignée';
  const medecin = [health.medecinNom, formatPhone(health.medecinTel)].filter(Boolean).join(' — ');
  const rows: TableCell[][] = [
    [label('Allergies'), value(health.allergies.trim() || 'Aucune allergie signalée', { bold: health.allergies.trim() !== '' })],
    [label('PAI'), value(paiText(health), health.pai ? { bold: true, color: ALERT } : {})],
  ];
  rows.push(
    [label('Vaccinations'), value(vaccinations)],
    [label('Médecin traitant'), value(medecin)],
    [label('Observations médicales'), value(health.medicalNotes)],
  );
  return { table: { widths: [110, '*'], body: rows }, layout: grid };
}

function customValue(item: ChildSheet['custom'][number]): string {
  return customValueText(item.kind, item.value);
}

export function photoBox(sheet: ChildSheet): Content {
  const mime = sheet.photo ? imageMime(sheet.photo.bytes) : null;
  // pdfmake embeds only JPEG and PNG; a WebP photo (accepted on upload) gets the empty frame a paper photo is glued in.
  if (sheet.photo && (mime === 'image/jpeg' || mime === 'image/png')) {
    return {
      image: `data:${mime};base64,${Buffer.from(sheet.photo.bytes).toString('base64')}`,
      fit: PHOTO_SIZE,
      alignment: 'right',
    };
  }
  return {
    table: {
      widths: [PHOTO_SIZE[0] - 8],
      heights: [PHOTO_SIZE[1] - 4],
      body: [[{ text: 'Photo', alignment: 'center', color: GREY, margin: [0, PHOTO_SIZE[1] / 2 - 10, 0, 0] }]],
    },
    layout: grid,
  };
}

function sexeLabel(sexe: 'F' | 'M'): string {
  return sexe === 'F' ? 'Fille' : 'Garçon';
}

function signature(): Content {
  return {
    margin: [0, 10, 0, 0],
    unbreakable: true,
    table: {
      widths: ['*'],
      body: [
        [
          {
            stack: [
              "Je soussigné(e) ……………………………………………, responsable légal de l'enfant, certifie exacts les renseignements portés sur cette fiche.",
              {
                margin: [0, 8, 0, 0],
                columns: [
                  { text: 'Fait à ……………………………, le ……………………', width: '*' },
                  { text: 'Signature :', width: 150 },
                ],
              },
              { text: ' ', margin: [0, 0, 0, 22] },
            ],
          },
        ],
      ],
    },
    layout: grid,
  };
}

function childPage(sheet: ChildSheet, year: string, first: boolean): Content {
  const placement = [sheet.schoolName, sheet.classe].filter(Boolean).join(' — ');
  const alert = healthAlert(sheet);
  const custom = sheet.custom.map((item): [string, string] => [item.label, customValue(item)]);
  const authorisations = sheet.authorisations.map((item): [string, string] => [item.label, YES_NO(item.granted)]);
  return {
    pageBreak: first ? undefined : 'before',
    stack: [
      {
        columns: [
          {
            width: '*',
            stack: [
              { text: SHEET_TITLE, style: 'title' },
              { text: `Année scolaire ${year}`, style: 'subtitle' },
              { text: `${sheet.nom.toUpperCase()} ${sheet.prenom}`, style: 'childName' },
              { text: placement || 'École non renseignée', color: GREY },
            ],
          },
          { width: PHOTO_SIZE[0], stack: [photoBox(sheet)] },
        ],
      },
      ...(alert ? [alert] : []),
      section('Enfant'),
      pairs([
        ['Nom', sheet.nom.toUpperCase()],
        ['Prénom', sheet.prenom],
        ['Date de naissance', frenchDate(sheet.dateNaissance)],
        ['Sexe', sexeLabel(sheet.sexe)],
        ['École', sheet.schoolName],
        ['Classe', sheet.classe],
        ['Régime alimentaire', sheet.regime],
      ]),
      section('Responsables légaux'),
      responsablesTable(sheet.responsables),
      section("Personnes autorisées à venir chercher l'enfant / à prévenir en cas d'urgence"),
      personsTable(sheet.authorisedPersons),
      section('Santé'),
      healthTable(sheet.health),
      section('Autorisations'),
      pairs(authorisations, 150),
      section('Informations complémentaires'),
      custom.length ? pairs(custom, 120) : { text: 'Aucune information complémentaire.', style: 'muted' },
      signature(),
    ],
  };
}

/** One document for the whole scope, one page per child: pdfmake lays out one big document far faster than many. */
export function childSheetsDocument(sheets: ChildSheet[], printedAt: Date, title: string): TDocumentDefinitions {
  const year = schoolYear(printedAt);
  const printed = frenchDateTime(printedAt);
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    info: { title, author: "Ville d'Epagny Metz-Tessy", subject: SHEET_TITLE, creator: 'Grenette', creationDate: printedAt },
    defaultStyle: { font: 'Roboto', fontSize: 8.5, lineHeight: 1.05, color: '#1a1a1a' },
    styles: {
      title: { fontSize: 15, bold: true, color: BLUE },
      subtitle: { fontSize: 9.5, color: GREY, margin: [0, 1, 0, 6] },
      childName: { fontSize: 14, bold: true },
      section: { fontSize: 9, bold: true, color: BLUE, characterSpacing: 0.4 },
      label: { fontSize: 8, color: '#44546a' },
      columnHead: { bold: true, color: BLUE, fillColor: LABEL_FILL, fontSize: 8 },
      muted: { color: GREY, italics: true },
    },
    header: () => ({
      margin: [PAGE_MARGINS[0], 18, PAGE_MARGINS[2], 0],
      stack: [
        {
          columns: [
            { text: COMMUNE_HEADER, bold: true, color: BLUE, fontSize: 9 },
            { text: `${SHEET_TITLE} · ${year}`, alignment: 'right', color: GREY, fontSize: 8 },
          ],
        },
        { canvas: [{ type: 'line', x1: 0, y1: 4, x2: CONTENT_WIDTH, y2: 4, lineWidth: 0.5, lineColor: LINE }] },
      ],
    }),
    footer: (currentPage, pageCount) => ({
      margin: [PAGE_MARGINS[0], 12, PAGE_MARGINS[2], 0],
      columns: [
        { text: `Imprimé le ${printed} — Document confidentiel : contient des données de santé`, color: GREY, fontSize: 7.5 },
        { text: `Page ${currentPage} / ${pageCount}`, alignment: 'right', color: GREY, fontSize: 7.5, width: 80 },
      ],
    }),
    content: sheets.map((sheet, index) => childPage(sheet, year, index === 0)),
  };
}
