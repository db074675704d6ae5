import type {
  Content,
  ContentText,
  DynamicContent,
  TableCell,
  TDocumentDefinitions,
} from 'pdfmake/interfaces.js';
import { INVOICE_KINDS, type InvoiceDocument, type InvoiceKind, type InvoiceLine } from '../../shared/billing/invoice.js';
import { compactDaysFr, formatDayFr, monthLabelFr, shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { PAYFIP_SITE } from '../../shared/billing/payfip.js';
import { renderPdf } from '../pdfmake.js';
import { BLUE, box, FILL, glue, GREY, PAGE_MARGINS, right, ruledTable, sectionTitle, documentHeading } from './pdf-style.js';
import { splitPdf } from '../pdf-merge.js';

/**
 * The invoice PDF, one code for the office (one invoice, or a month's run for printing) and the portal (a family
 * downloading its own): several documents make one PDF, each starting on a new page with its own page numbers.
 * Everything printed comes from the frozen InvoiceDocument, never from today's settings, tariffs or family record.
 *
 * Speed: a run prints a thousand invoices at once. pdfmake's cost grows with the nodes and the words it measures,
 * lays out and draws one by one, so each block is one text node of a few runs (not a stack of small nodes), styles are
 * set on the node (no named styles looked up word by word), and words are glued into pieces (`glue`).
 */

// One place for the site (src/shared/billing/payfip.ts), also read by the portal and the reminder letters.
export { PAYFIP_SITE };

/** « facture-2026-000123.pdf », « avoir-2026-000124.pdf »: the name a downloaded invoice is saved under. */
export function invoicePdfFileName(document: Pick<InvoiceDocument, 'kind' | 'number'>): string {
  const prefix: Record<InvoiceKind, string> = { invoice: 'facture', credit_note: 'avoir', complementary: 'facture-complementaire' };
  return `${prefix[document.kind]}-${document.number}.pdf`;
}

function heading(document: InvoiceDocument): Content {
  return documentHeading(
    document.issuer,
    {
      title: `${INVOICE_KINDS[document.kind]} n° ${document.number}`,
      details: [`Date d’émission : ${shortDayFr(document.issueDate)}`, `Période : ${monthLabelFr(document.month)}`, `Référence famille : ${document.family.id}`],
    },
    document.family,
  );
}

function correction(document: InvoiceDocument): Content[] {
  const reason = document.reason.trim();
  if (!document.corrects && reason === '') return [];
  const text: ContentText['text'] = [];
  if (document.corrects) {
    text.push({
      text: `${INVOICE_KINDS[document.kind]} sur la facture n° ${document.corrects.number} du ${shortDayFr(document.corrects.issueDate)}`,
      bold: true,
    });
  }
  if (reason !== '') text.push(`${document.corrects ? '\n' : ''}${glue(`Motif : ${reason}`)}`);
  return [box({ text }, { fillColor: FILL, marginTop: 12 })];
}

function lineRow(line: InvoiceLine): TableCell[] {
  const label = glue(line.label);
  return [
    { text: line.basis.trim() === '' ? label : [label, { text: `\n${glue(line.basis)}`, fontSize: 7, color: GREY }] },
    { text: compactDaysFr(line.days), fontSize: 7.5 },
    right(formatEuros(line.unitCents)),
    right(String(line.quantity)),
    right(formatEuros(line.amountCents)),
  ];
}

/** The lines grouped by child in the document's order, a subtotal per child when there are several. */
function linesTable(document: InvoiceDocument): Content {
  const groups: { name: string; lines: InvoiceLine[] }[] = [];
  for (const line of document.lines) {
    const name = line.childName.trim() === '' ? 'Famille' : line.childName;
    const last = groups[groups.length - 1];
    if (last && last.name === name) last.lines.push(line);
    else groups.push({ name, lines: [line] });
  }
  const head = { bold: true, color: BLUE, fillColor: FILL };
  const body: TableCell[][] = [
    [
      { text: 'Prestation et base de calcul', ...head },
      { text: 'Jours', ...head },
      right('Prix unitaire', head),
      right('Qté', head),
      right('Montant', head),
    ],
  ];
  for (const group of groups) {
    body.push([{ text: group.name, colSpan: 5, bold: true, fontSize: 9, margin: [0, 3, 0, 0] }, '', '', '', '']);
    for (const line of group.lines) body.push(lineRow(line));
    if (groups.length > 1) {
      const subtotal = group.lines.reduce((sum, line) => sum + line.amountCents, 0);
      body.push([right(`Sous-total ${group.name}`, { colSpan: 4, color: GREY }), '', '', '', right(formatEuros(subtotal), { color: GREY })]);
    }
  }
  if (document.lines.length === 0) body.push([{ text: 'Aucune ligne.', colSpan: 5, italics: true }, '', '', '', '']);
  const total = { bold: true, fontSize: 10.5 };
  body.push([
    right(document.kind === 'credit_note' ? 'Total de l’avoir' : 'Total à payer', { colSpan: 4, ...total }),
    '',
    '',
    '',
    right(formatEuros(document.totalCents), total),
  ]);
  return {
    margin: [0, 10, 0, 0],
    table: { headerRows: 1, dontBreakRows: true, widths: ['*', 118, 58, 26, 62], body },
    layout: ruledTable({ headerRule: false }),
  };
}

function qfSection(document: InvoiceDocument): Content[] {
  if (document.qf.length === 0) return [];
  const periods = document.qf.map((period) =>
    period.from === period.to
      ? `Le ${shortDayFr(period.from)} : ${period.why}`
      : `Du ${shortDayFr(period.from)} au ${shortDayFr(period.to)} : ${period.why}`,
  );
  return [sectionTitle('Quotient familial appliqué'), { text: periods.join('\n') }];
}

function payment(document: InvoiceDocument): Content[] {
  const { issuer } = document;
  const amount = formatEuros(document.totalCents);
  if (document.totalCents < 0) {
    const corrected = document.corrects ? ` la facture n° ${document.corrects.number}` : ' vos factures';
    return [
      sectionTitle('Montant en votre faveur'),
      { text: glue(`Cet avoir de ${formatEuros(-document.totalCents)} vient en déduction de${corrected}. Rien n’est à payer au titre de ce document.`) },
    ];
  }
  if (document.totalCents === 0) return [sectionTitle('Paiement'), { text: 'Rien n’est à payer au titre de ce document.' }];

  const due: ContentText = {
    text: ['À régler au plus tard le ', { text: formatDayFr(document.dueDate), bold: true }, ` : ${amount}`],
    fontSize: 10,
    margin: [0, 0, 0, 3],
  };
  const debit = document.directDebit;
  if (debit?.ibanMasked) {
    // The pre-notification as the collections write it (src/office/sepa/prenotification.ts): amount, date, account,
    // mandate and creditor in one sentence, and nothing else to do: no other way to pay is offered.
    return [
      sectionTitle('Paiement par prélèvement automatique'),
      box({
        text: [
          { text: 'Avis de prélèvement (pré-notification SEPA)', bold: true },
          // Part of it paid by the family's credit at issue: the sentence says so, and the amount the bank will take.
          (debit.amountCents ?? document.totalCents) < document.totalCents
            ? `\n${glue(`Cette facture de ${formatEuros(document.totalCents)} est réglée en partie par votre crédit : ${formatEuros(debit.amountCents ?? 0)} seront prélevés le`)} ${formatDayFr(debit.debitDate)} `
            : `\n${glue(`Cette facture de ${formatEuros(debit.amountCents ?? document.totalCents)} sera prélevée le`)} ${formatDayFr(debit.debitDate)} `,
          glue(`sur le compte ${debit.ibanMasked} (mandat RUM ${debit.mandateReference}, ICS ${debit.creditorId}) ; vous n’avez rien à faire.`),
          ...(debit.creditorName ? [`\n${glue(`Créancier : ${debit.creditorName}.`)}`] : []),
          { text: `\n${glue('Ne réglez pas cette facture par un autre moyen.')}`, italics: true },
        ],
      }),
    ];
  }
  if (debit) {
    return [
      sectionTitle('Paiement par prélèvement automatique'),
      box({
        text: [
          { text: 'Avis de prélèvement (pré-notification SEPA)', bold: true },
          `\nLe montant de ${amount} sera prélevé le ${formatDayFr(debit.debitDate)} `,
          glue('sur le compte désigné dans votre mandat.'),
          `\n${glue('Référence unique du mandat (RUM) :')} ${debit.mandateReference}`,
          `\n${glue('Identifiant créancier SEPA (ICS) :')} ${debit.creditorId}\n`,
          { text: glue('Vous n’avez rien à faire : ne réglez pas cette facture par un autre moyen.'), italics: true },
        ],
      }),
    ];
  }
  const ways: ContentText['text'] = [
    { text: '• À la régie : ', bold: true },
    glue(`${issuer.regieName}, ${issuer.regieAddress.join(', ')} — ${issuer.regieHours}.`),
    { text: '\n• Par chèque ', bold: true },
    glue(`à l’ordre de « ${issuer.chequeOrder} », en indiquant au dos le n°`),
    ` ${document.number}, `,
    glue('déposé ou envoyé à la régie.'),
  ];
  if (issuer.payfipId.trim() !== '') {
    ways.push(
      { text: '\n• En ligne par PayFiP : ', bold: true },
      glue(`sur ${PAYFIP_SITE}, avec l’identifiant de la collectivité ${issuer.payfipId}, la référence`),
      ` ${document.number} `,
      glue('et le montant'),
      ` ${amount}.`,
    );
  }
  return [sectionTitle('Comment payer ?'), due, { text: ways, lineHeight: 1.2 }];
}

function closing(document: InvoiceDocument): Content[] {
  const { issuer } = document;
  const appeal = issuer.appeal
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph !== '');
  return [
    sectionTitle('Émetteur'),
    {
      text: glue(
        `Émis par ${issuer.signatoryName}, ${issuer.signatoryQuality} — ${issuer.communeName} ` +
          '(article L1617-5 du code général des collectivités territoriales).',
      ),
    },
    sectionTitle('Voies et délais de recours'),
    { text: glue(appeal.join('\n')), fontSize: 7.5, color: '#333333' },
  ];
}

/**
 * Each invoice is a pdfmake section (a new page) whose header and footer are its own. pdfmake numbers pages across the
 * whole PDF, so the invoice's header callback, which pdfmake calls for every page before any footer, records the pages
 * the invoice spans; its footer then numbers them « Page 1 / 2 » within the invoice.
 */
function invoiceSection(document: InvoiceDocument, pages: Set<number>): Content {
  const header: DynamicContent = (currentPage) => {
    pages.add(currentPage);
    return null;
  };
  const footer: DynamicContent = (currentPage) => {
    const sorted = [...pages].sort((a, b) => a - b);
    const index = sorted.indexOf(currentPage);
    // A pdfmake that laid footers out before headers would number wrongly: refuse to print rather than mislead.
    if (index < 0) throw new Error(`invoice ${document.number}: page ${currentPage} has a footer but no header`);
    return {
      margin: [PAGE_MARGINS[0], 16, PAGE_MARGINS[2], 0],
      columns: [
        { text: `${INVOICE_KINDS[document.kind]} n° ${document.number} — ${document.family.name}`, color: GREY, fontSize: 7.5 },
        { text: `Page ${index + 1} / ${sorted.length}`, alignment: 'right', color: GREY, fontSize: 7.5, width: 80 },
      ],
    };
  };
  return {
    section: [heading(document), ...correction(document), linesTable(document), ...qfSection(document), ...payment(document), ...closing(document)],
    header,
    footer,
  } as Content;
}

/** The PDF's title, author and creator: « Facture n° 2026-000123 » for one invoice, « Factures » for several. */
export function invoicesPdfInfo(documents: readonly InvoiceDocument[]): { title: string; author: string; creator: string } {
  const first = documents[0];
  const title = first && documents.length === 1 ? `${INVOICE_KINDS[first.kind]} n° ${first.number}` : 'Factures';
  return { title, author: first?.issuer.communeName ?? '', creator: 'Grenette' };
}

/**
 * The document definition; `pages`, when given, is filled as pdfmake lays the document out: for each invoice, the
 * PDF's pages (1-based) it spans.
 */
export function invoicesDocument(documents: readonly InvoiceDocument[], pages: Set<number>[] = []): TDocumentDefinitions {
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    info: invoicesPdfInfo(documents),
    defaultStyle: { font: 'Roboto', fontSize: 8.5, lineHeight: 1.05, color: '#1a1a1a' },
    content: documents.map((document, index) => invoiceSection(document, (pages[index] = new Set<number>()))),
  };
}

/**
 * The invoices as one PDF, each starting on a new page. `onProgress` hears the share of the PDF drawn (0 to 1) once
 * the layout is done, as renderPdf reports it.
 */
export async function invoicePdf(
  documents: readonly InvoiceDocument[],
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<Buffer> {
  if (documents.length === 0) throw new Error('invoicePdf: no invoice to print');
  return renderPdf(invoicesDocument(documents), options.onProgress);
}

/**
 * The invoices as one PDF, and for each invoice the pages it spans (0-based indexes into the PDF's pages, in order):
 * what cutting the PDF into one PDF per invoice needs (src/office/billing/pdf-cache.ts).
 */
export async function invoicePdfWithPages(
  documents: readonly InvoiceDocument[],
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<{ pdf: Buffer; pages: number[][] }> {
  if (documents.length === 0) throw new Error('invoicePdf: no invoice to print');
  const pageSets: Set<number>[] = [];
  const pdf = await renderPdf(invoicesDocument(documents, pageSets), options.onProgress);
  const pages = pageSets.map((set) => [...set].sort((a, b) => a - b).map((page) => page - 1));
  pages.forEach((indexes, i) => {
    if (indexes.length === 0) throw new Error(`invoicePdf: invoice ${documents[i]?.number ?? i} has no page`);
  });
  return { pdf, pages };
}

/** A batch of invoices laid out as one PDF, and each invoice's own PDF cut from it. */
export interface InvoiceBatchPdf {
  /** The invoices one after the other, as invoicePdf prints them. */
  pdf: Buffer;
  /** For each invoice, the pages of `pdf` it spans (0-based, in order). */
  pages: number[][];
  /** Each invoice's own PDF: its pages exactly as in `pdf` (its own page numbering). */
  pieces: Buffer[];
}

/**
 * The invoices laid out together as one PDF (pdfmake's fixed cost per document, the fonts subset and embedded, paid
 * once for the batch) then cut into one PDF per invoice. A piece is the invoice's pages exactly as the one-invoice PDF
 * prints them; only its embedded font subsets are those of the batch, so a piece is somewhat larger. The whole is kept
 * too: a month printed cold is assembled from its batches, without reading the pieces back (src/office/billing/
 * pdf-handlers.ts).
 */
export async function invoicePdfBatch(
  documents: readonly InvoiceDocument[],
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<InvoiceBatchPdf> {
  const { pdf, pages } = await invoicePdfWithPages(documents, options);
  const pieces = splitPdf(
    pdf,
    documents.map((document, i) => ({ pages: pages[i] as number[], info: invoicesPdfInfo([document]) })),
  );
  return { pdf, pages, pieces };
}

/** Each invoice's own PDF (invoicePdfBatch's pieces). */
export async function invoicePdfPieces(
  documents: readonly InvoiceDocument[],
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<Buffer[]> {
  return (await invoicePdfBatch(documents, options)).pieces;
}
