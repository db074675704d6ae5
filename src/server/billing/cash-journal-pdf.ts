import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { CashJournal, CashJournalMovement } from '../../shared/api/cash-journal.js';
import type { InvoiceIssuer } from '../../shared/billing/invoice.js';
import { formatDayFr, formatInstantFr, shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { renderPdf } from '../pdfmake.js';
import { BLUE, boxLayout, GREY, HEAD, PAGE_MARGINS, right, ruledTable, issuerHeading } from './pdf-style.js';

/**
 * The régie's cash journal of one day as a PDF, for the régisseur's file and the comptable: the movements by method
 * with their totals (payments, refunds and cancellations apart, the net), whether the day is closed; then, on a page of
 * its own, the « Bordereau de remise de chèques » that goes to the bank with the cheques: each cheque (number, bank,
 * drawer, amount), their count and total, and the signature boxes.
 */

export function cashJournalPdfFileName(day: string): string {
  return `journal-caisse-${day}.pdf`;
}

function title(text: string, sub: string): Content {
  return { text: [{ text, fontSize: 15, bold: true, color: BLUE }, `\n${sub}`], margin: [0, 14, 0, 6], lineHeight: 1.2 };
}

function kindText(movement: CashJournalMovement): string {
  if (movement.kind === 'payment') return 'Règlement';
  if (movement.kind === 'refund') return 'Remboursement';
  const what = movement.cancels?.kind === 'refund' ? 'remboursement' : 'règlement';
  return `Annulation du ${what}${movement.cancels ? ` du ${shortDayFr(movement.cancels.day)}` : ''}`;
}

function closedText(journal: CashJournal): string {
  return journal.closed
    ? `Journée clôturée le ${formatInstantFr(journal.closed.at)}${journal.closed.by ? ` par ${journal.closed.by}` : ''}.`
    : 'Journée non clôturée : ce journal peut encore changer.';
}

function journalPage(journal: CashJournal): Content[] {
  const body: TableCell[][] = [
    [
      { text: 'Opération', ...HEAD },
      { text: 'Famille', ...HEAD },
      { text: 'Détail', ...HEAD },
      right('Encaissé', HEAD),
      right('Décaissé', HEAD),
    ],
  ];
  for (const method of journal.methods) {
    body.push([{ text: method.label, colSpan: 5, bold: true, fontSize: 9.5, margin: [0, 3, 0, 0] }, '', '', '', '']);
    for (const movement of method.movements) {
      body.push([
        kindText(movement),
        `${movement.familyName} (n° ${movement.familyId})`,
        movement.text,
        movement.signedCents > 0 ? right(formatEuros(movement.signedCents)) : '',
        movement.signedCents < 0 ? right(formatEuros(-movement.signedCents)) : '',
      ]);
    }
    const parts = [`règlements ${formatEuros(method.paymentsCents)}`];
    if (method.refundsCents !== 0) parts.push(`remboursements ${formatEuros(-method.refundsCents)}`);
    if (method.cancellationsCents !== 0) parts.push(`annulations ${formatEuros(method.cancellationsCents)}`);
    body.push([
      { text: `Total ${method.label} : ${parts.join(', ')}`, colSpan: 3, color: GREY },
      '',
      '',
      right(`Net ${formatEuros(method.netCents)}`, { colSpan: 2, bold: true }),
      '',
    ]);
  }
  if (journal.methods.length === 0) body.push([{ text: 'Aucun mouvement ce jour.', colSpan: 5, italics: true, color: GREY }, '', '', '', '']);
  const { totals } = journal;
  const summary: TableCell[][] = [
    [{ text: 'Règlements reçus', bold: true }, right(formatEuros(totals.paymentsCents))],
    [{ text: 'Remboursements versés', bold: true }, right(formatEuros(-totals.refundsCents))],
    [{ text: 'Annulations', bold: true }, right(formatEuros(totals.cancellationsCents))],
    [{ text: 'Total net de la journée', bold: true, fontSize: 10.5 }, right(formatEuros(totals.netCents), { bold: true, fontSize: 10.5 })],
  ];
  return [
    title('Journal de caisse', `Journée du ${formatDayFr(journal.day)} — ${totals.count} mouvement(s)`),
    { text: closedText(journal), color: journal.closed ? '#1a1a1a' : '#a33', margin: [0, 0, 0, 6] },
    { table: { headerRows: 1, dontBreakRows: true, widths: [88, 120, '*', 62, 62], body }, layout: ruledTable({ padding: 2 }) },
    { margin: [260, 12, 0, 0], table: { widths: ['*', 80], body: summary }, layout: boxLayout },
  ];
}

function slipPage(journal: CashJournal, issuer: InvoiceIssuer): Content[] {
  const body: TableCell[][] = [
    [
      { text: 'N°', ...HEAD },
      { text: 'N° du chèque', ...HEAD },
      { text: 'Banque', ...HEAD },
      { text: 'Tireur', ...HEAD },
      { text: 'Famille', ...HEAD },
      right('Montant', HEAD),
    ],
  ];
  journal.cheques.forEach((cheque, index) => {
    body.push([String(index + 1), cheque.number, cheque.bank, cheque.drawer, `${cheque.familyName} (n° ${cheque.familyId})`, right(formatEuros(cheque.amountCents))]);
  });
  if (journal.cheques.length === 0) body.push([{ text: 'Aucun chèque reçu ce jour.', colSpan: 6, italics: true, color: GREY }, '', '', '', '', '']);
  body.push([
    { text: `Nombre de chèques : ${journal.cheques.length}`, colSpan: 4, bold: true },
    '',
    '',
    '',
    right('Total', { bold: true }),
    right(formatEuros(journal.chequesTotalCents), { bold: true, fontSize: 10.5 }),
  ]);
  const signature = (who: string): TableCell => ({ text: [{ text: who, bold: true }, '\nDate :\n\nSignature :\n\n\n'], margin: [0, 0, 0, 0] });
  return [
    { text: '', pageBreak: 'before' },
    issuerHeading(issuer),
    title('Bordereau de remise de chèques', `Chèques reçus le ${formatDayFr(journal.day)} — à l’ordre de « ${issuer.chequeOrder} »`),
    { table: { headerRows: 1, dontBreakRows: true, widths: [18, 70, 90, 90, '*', 62], body }, layout: ruledTable({ padding: 2 }) },
    {
      margin: [0, 18, 0, 0],
      table: { widths: ['*', '*'], body: [[signature(`Le régisseur — ${issuer.regieName}`), signature('Le comptable public (réception)')]] },
      layout: boxLayout,
    },
  ];
}

export function cashJournalDocument(journal: CashJournal, issuer: InvoiceIssuer): TDocumentDefinitions {
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    info: { title: `Journal de caisse du ${shortDayFr(journal.day)}`, author: issuer.communeName, creator: 'Grenette' },
    defaultStyle: { font: 'Roboto', fontSize: 8.5, lineHeight: 1.05, color: '#1a1a1a' },
    content: [issuerHeading(issuer), ...journalPage(journal), ...slipPage(journal, issuer)],
    footer: (currentPage, pageCount) => ({
      margin: [PAGE_MARGINS[0], 16, PAGE_MARGINS[2], 0],
      columns: [
        { text: `Journal de caisse du ${shortDayFr(journal.day)} — ${issuer.regieName}`, color: GREY, fontSize: 7.5 },
        { text: `Page ${currentPage} / ${pageCount}`, alignment: 'right', color: GREY, fontSize: 7.5, width: 80 },
      ],
    }),
  };
}

export async function cashJournalPdf(journal: CashJournal, issuer: InvoiceIssuer): Promise<Buffer> {
  return renderPdf(cashJournalDocument(journal, issuer));
}
