import type { Content, ContentText, DynamicContent, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { AccountStatement } from '../../shared/billing/account.js';
import type { InvoiceIssuer } from '../../shared/billing/invoice.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { renderPdf } from '../pdfmake.js';
import { boxLayout, FILL, GREY, HEAD, PAGE_MARGINS, right, ruledTable, sectionTitle, glue, documentHeading } from './pdf-style.js';
import { PAYFIP_SITE } from '../../shared/billing/payfip.js';

/**
 * The relevé de compte (account statement) PDF, one code for the office (one family, or every family with a balance
 * due as one PDF to print and post) and the portal: the régie's heading, the family's address where a window envelope
 * shows it, the period, the opening balance, each entry of the ledger with its running balance, the closing balance
 * said in words, and how to pay. The arithmetic is accountStatement's (src/shared/billing/account.ts); this only
 * prints it. Several statements make one PDF, each on new pages with its own page numbers (as the invoices do).
 *
 * Speed: a batch prints a thousand statements. Like invoice-pdf.ts, each block is one text node of a few runs, styles
 * are set on the node, and only the text repeated from statement to statement is glued into pieces.
 */

/** Characters of a glued piece in text printed across the page (some 110 characters wide at 8.5 pt). */
const WIDE = 90;
const wide = (text: string) => glue(text, WIDE);

/** What one statement prints: everything is read before pdfmake starts, nothing is looked up while laying out. */
export interface StatementDocument {
  issuer: InvoiceIssuer;
  /** The addressee as a letter names it (« M. et Mme Paul DURAND ») and the postal address, one line per entry. */
  family: { id: number; name: string; address: string[] };
  /** The day the statement is printed. */
  printedOn: string;
  statement: AccountStatement;
}

/** « releve-compte-42-2026-10-01-2026-12-31.pdf », « releves-compte-2026-10-01-2026-12-31.pdf » for a batch. */
export function statementPdfFileName(from: string, to: string, familyId?: number): string {
  return familyId === undefined ? `releves-compte-${from}-${to}.pdf` : `releve-compte-${familyId}-${from}-${to}.pdf`;
}

/** « Reste à payer : 41,50 € », « Solde en votre faveur : 8,50 € », « Compte soldé : 0,00 € ». */
export function closingText(closingCents: number): string {
  if (closingCents > 0) return `Reste à payer : ${formatEuros(closingCents)}`;
  if (closingCents < 0) return `Solde en votre faveur : ${formatEuros(-closingCents)}`;
  return `Compte soldé : ${formatEuros(0)}`;
}

/** A balance in a column: what the family owes as it is, what it is owed with « en votre faveur » (never a bare minus). */
function balanceCell(cents: number): string {
  return cents < 0 ? `${formatEuros(-cents)} (en votre faveur)` : formatEuros(cents);
}

function heading(document: StatementDocument): Content {
  const { family, statement } = document;
  return documentHeading(
    document.issuer,
    {
      title: 'Relevé de compte',
      details: [`Période : du ${shortDayFr(statement.from)} au ${shortDayFr(statement.to)}`, `Édité le ${shortDayFr(document.printedOn)}`, `Référence famille : ${family.id}`],
    },
    family,
  );
}

/** The opening balance, each entry of the period with its running balance, the period's totals and the closing balance. */
function linesTable(statement: AccountStatement): Content {
  const body: TableCell[][] = [
    [
      { text: 'Date', ...HEAD },
      { text: 'Opération', ...HEAD },
      { text: 'Référence', ...HEAD },
      right('Débit', HEAD),
      right('Crédit', HEAD),
      right('Solde', HEAD),
    ],
    [
      { text: shortDayFr(statement.from), color: GREY },
      { text: 'Solde au début de la période', bold: true, colSpan: 4 },
      '',
      '',
      '',
      right(balanceCell(statement.openingCents), { bold: true }),
    ],
  ];
  for (const line of statement.lines) {
    body.push([
      shortDayFr(line.day),
      line.label,
      line.reference,
      line.debitCents > 0 ? right(formatEuros(line.debitCents)) : '',
      line.creditCents > 0 ? right(formatEuros(line.creditCents)) : '',
      right(balanceCell(line.balanceCents)),
    ]);
  }
  if (statement.lines.length === 0) {
    body.push([{ text: 'Aucune opération sur la période.', colSpan: 6, italics: true, color: GREY }, '', '', '', '', '']);
  }
  body.push([
    '',
    { text: 'Total des opérations de la période', colSpan: 2, color: GREY },
    '',
    right(formatEuros(statement.debitCents), { color: GREY }),
    right(formatEuros(statement.creditCents), { color: GREY }),
    '',
  ]);
  body.push([
    { text: shortDayFr(statement.to), bold: true },
    { text: 'Solde à la fin de la période', bold: true, colSpan: 4 },
    '',
    '',
    '',
    right(balanceCell(statement.closingCents), { bold: true, fontSize: 10 }),
  ]);
  return {
    margin: [0, 12, 0, 0],
    table: { headerRows: 1, dontBreakRows: true, widths: [46, '*', 62, 54, 54, 78], body },
    layout: ruledTable(),
  };
}

function conclusion(document: StatementDocument): Content[] {
  const { issuer, statement, family } = document;
  const closing = statement.closingCents;
  const words: Content = {
    table: {
      widths: ['*'],
      body: [
        [
          {
            text: [
              { text: closingText(closing), bold: true, fontSize: 11 },
              closing < 0
                ? `\n${wide('Ce montant sera déduit de vos prochaines factures, ou remboursé sur demande à la régie.')}`
                : closing === 0
                  ? `\n${wide('Vous ne devez rien à la régie à la date du')} ${shortDayFr(statement.to)}.`
                  : `\n${wide('Montant dû à la régie à la date du')} ${shortDayFr(statement.to)}${wide(', sous réserve des règlements reçus depuis.')}`,
            ],
            fillColor: FILL,
          },
        ],
      ],
    },
    layout: boxLayout,
    margin: [0, 10, 0, 0],
  };
  if (closing <= 0) return [words];
  const ways: ContentText['text'] = [
    { text: '• À la régie : ', bold: true },
    wide(`${issuer.regieName}, ${issuer.regieAddress.join(', ')} — ${issuer.regieHours}.`),
    { text: '\n• Par chèque ', bold: true },
    wide(`à l’ordre de « ${issuer.chequeOrder} », en indiquant au dos le numéro de la facture réglée ou la référence famille`),
    ` ${family.id}, `,
    wide('déposé ou envoyé à la régie.'),
  ];
  if (issuer.payfipId.trim() !== '') {
    ways.push(
      { text: '\n• En ligne par PayFiP : ', bold: true },
      wide(`sur ${PAYFIP_SITE}, avec l’identifiant de la collectivité ${issuer.payfipId} et le numéro de chaque facture à régler.`),
    );
  }
  return [words, sectionTitle('Comment payer ?', 10), { text: ways, lineHeight: 1.2 }];
}

/**
 * Each statement is a pdfmake section (new pages) with its own header and footer: the header callback, called for
 * every page before any footer, records the pages the statement spans; the footer numbers them within it
 * (« Page 1 / 2 »), as invoice-pdf.ts does.
 */
function statementSection(document: StatementDocument, pages: Set<number>): Content {
  const header: DynamicContent = (currentPage) => {
    pages.add(currentPage);
    return null;
  };
  const footer: DynamicContent = (currentPage) => {
    const sorted = [...pages].sort((a, b) => a - b);
    const index = sorted.indexOf(currentPage);
    if (index < 0) throw new Error(`statement of family ${document.family.id}: page ${currentPage} has a footer but no header`);
    return {
      margin: [PAGE_MARGINS[0], 16, PAGE_MARGINS[2], 0],
      columns: [
        {
          text: `Relevé de compte du ${shortDayFr(document.statement.from)} au ${shortDayFr(document.statement.to)} — ${document.family.name}`,
          color: GREY,
          fontSize: 7.5,
        },
        { text: `Page ${index + 1} / ${sorted.length}`, alignment: 'right', color: GREY, fontSize: 7.5, width: 80 },
      ],
    };
  };
  return { section: [heading(document), linesTable(document.statement), ...conclusion(document)], header, footer } as Content;
}

export function statementsDocument(documents: readonly StatementDocument[]): TDocumentDefinitions {
  const first = documents[0];
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    info: {
      title: first && documents.length === 1 ? `Relevé de compte — ${first.family.name}` : 'Relevés de compte',
      author: first?.issuer.communeName ?? '',
      creator: 'Grenette',
    },
    defaultStyle: { font: 'Roboto', fontSize: 8.5, lineHeight: 1.05, color: '#1a1a1a' },
    content: documents.map((document) => statementSection(document, new Set<number>())),
  };
}

/** The statements as one PDF, each starting on a new page; `onProgress` hears the share drawn (0 to 1). */
export async function statementPdf(documents: readonly StatementDocument[], options: { onProgress?: (fraction: number) => void } = {}): Promise<Buffer> {
  if (documents.length === 0) throw new Error('statementPdf: no statement to print');
  return renderPdf(statementsDocument(documents), options.onProgress);
}
