import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { InvoiceIssuer } from '../../shared/billing/invoice.js';
import { formatDayFr, shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { renderPdf } from '../pdfmake.js';
import { BLUE, boxLayout, documentHeading, FILL, GREY, HEAD, PAGE_MARGINS, right, ruledTable } from './pdf-style.js';

/**
 * The « Avis de prélèvement » (SEPA pre-notification posted apart from the invoice, DOMAIN.md « SEPA »): one page per
 * family, as one PDF to print and post, telling the amount, the debit date, the mandate's RUM, the creditor's name and
 * ICS, the account (masked: the letter goes by post) and the invoices it pays. Sent when an invoice was issued without
 * a pre-notification (before the mandate was signed), when its amount due changed, or after a rejected debit.
 */

export interface DebitNoticeLetter {
  familyId: number;
  addressee: string;
  address: string[];
  rum: string;
  holder: string;
  ibanMasked: string;
  invoices: { number: string; amountCents: number }[];
}

export interface DebitNoticeBatch {
  issuer: InvoiceIssuer;
  creditor: { name: string; ics: string };
  debitDate: string;
  /** The day the notices are printed (the day the families are told, as recorded). */
  printedOn: string;
  letters: DebitNoticeLetter[];
}

/** « avis-prelevement-2027-01-11.pdf ». */
export function debitNoticePdfFileName(debitDate: string): string {
  return `avis-prelevement-${debitDate}.pdf`;
}

function field(label: string, value: string): TableCell[] {
  return [{ text: label, color: GREY }, { text: value || ' ', bold: true }];
}

function letterContent(batch: DebitNoticeBatch, letter: DebitNoticeLetter, first: boolean): Content {
  const total = letter.invoices.reduce((sum, invoice) => sum + invoice.amountCents, 0);
  return [
    {
      stack: [
        documentHeading(
          batch.issuer,
          { title: 'Avis de prélèvement', details: [`Le ${formatDayFr(batch.printedOn)}`, `Famille n° ${letter.familyId}`] },
          { name: letter.addressee, address: letter.address },
        ),
      ],
      ...(first ? {} : { pageBreak: 'before' as const }),
    },
    {
      text: `Madame, Monsieur,\n\nNous vous informons que la somme de ${formatEuros(total)} sera prélevée sur votre compte le ${formatDayFr(batch.debitDate)}, au titre du mandat de prélèvement SEPA que vous avez signé. Vous n’avez rien à faire ; veillez seulement à ce que votre compte soit approvisionné à cette date.`,
      margin: [0, 18, 0, 8],
      fontSize: 10,
      alignment: 'justify',
    },
    {
      table: {
        widths: [170, '*'],
        body: [
          field('Montant prélevé', formatEuros(total)),
          field('Date du prélèvement', formatDayFr(batch.debitDate)),
          field('Référence unique du mandat (RUM)', letter.rum),
          field('Créancier', batch.creditor.name),
          field('Identifiant créancier SEPA (ICS)', batch.creditor.ics),
          field('Titulaire du compte', letter.holder),
          field('Compte débité', letter.ibanMasked),
        ],
      },
      layout: boxLayout,
    },
    { text: 'Facture(s) concernée(s)', bold: true, color: BLUE, fontSize: 10.5, margin: [0, 12, 0, 3] },
    {
      table: {
        widths: ['*', 90],
        headerRows: 1,
        body: [
          [{ text: 'Facture', ...HEAD }, { text: 'Montant', ...HEAD, alignment: 'right' }],
          ...letter.invoices.map((invoice): TableCell[] => [`Facture n° ${invoice.number}`, right(formatEuros(invoice.amountCents))]),
          [{ text: 'Total prélevé', bold: true, fillColor: FILL }, right(formatEuros(total), { bold: true, fillColor: FILL })],
        ],
      },
      layout: ruledTable(),
    },
    {
      text:
        'Ce prélèvement remplace tout autre moyen de paiement pour ces factures. Si vous contestez son montant ou sa date, ' +
        `contactez la régie avant le ${shortDayFr(batch.debitDate)}. Vous pouvez demander à votre banque le remboursement d’un prélèvement autorisé dans les 8 semaines suivant le débit.`,
      margin: [0, 12, 0, 0],
      color: GREY,
      fontSize: 8.5,
      alignment: 'justify',
    },
  ];
}

export function debitNoticeDocument(batch: DebitNoticeBatch): TDocumentDefinitions {
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    info: { title: `Avis de prélèvement du ${shortDayFr(batch.debitDate)}`, author: batch.issuer.communeName, creator: 'Grenette' },
    defaultStyle: { font: 'Roboto', fontSize: 9, lineHeight: 1.1, color: '#1a1a1a' },
    content: batch.letters.map((letter, index) => letterContent(batch, letter, index === 0)),
  };
}

export async function debitNoticePdf(batch: DebitNoticeBatch): Promise<Buffer> {
  return renderPdf(debitNoticeDocument(batch));
}
