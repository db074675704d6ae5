import type { Content, ContentText, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { OverdueInvoice, ReminderLevel } from '../../shared/api/reminders.js';
import type { InvoiceIssuer } from '../../shared/billing/invoice.js';
import { formatDayFr, shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { addDays } from '../../shared/calendar/days.js';
import { renderPdf } from '../pdfmake.js';
import { BLUE, FILL, right, ruledTable, documentHeading } from './pdf-style.js';
import { PAYFIP_SITE } from '../../shared/billing/payfip.js';

/**
 * The reminder letters (relances) of the régie, one per family, each on its own page(s), as one PDF to print and
 * post: the régie's heading from the billing settings' issuer, the family's address where a window envelope shows it,
 * the overdue invoices with what is left to pay on each, the total, how to pay; a second reminder says the debt will
 * then be passed to the Trésor public for recovery (titre de recettes, DOMAIN.md « Invoices and the régie »).
 */

export interface ReminderLetter {
  id: number;
  familyId: number;
  level: ReminderLevel;
  day: string;
  /** « M. et Mme Paul DURAND ». */
  addressee: string;
  address: string[];
  amountCents: number;
  invoices: OverdueInvoice[];
  /** The addresses the portal will mail it to. */
  emails: string[];
}

/** « relances-niveau-1-2026-12-03.pdf ». */
export function reminderPdfFileName(level: ReminderLevel, day: string): string {
  return `relances-niveau-${level}-${day}.pdf`;
}

/** Days a family is given to pay after a reminder, printed as a date. */
export const REMINDER_DELAY_DAYS = 15;

function heading(issuer: InvoiceIssuer, letter: ReminderLetter): Content {
  return documentHeading(
    issuer,
    {
      title: letter.level === 1 ? 'Relance' : 'Seconde relance',
      details: ['Factures impayées', `Date : ${shortDayFr(letter.day)}`, `Référence famille : ${letter.familyId}`],
    },
    { name: letter.addressee, address: letter.address },
    18,
  );
}

function invoicesTable(letter: ReminderLetter): Content {
  const head = { bold: true, color: BLUE, fillColor: FILL };
  const body: TableCell[][] = [
    [{ text: 'Facture', ...head }, { text: 'Date', ...head }, { text: 'Échéance', ...head }, right('Montant', head), right('Reste à payer', head)],
    ...letter.invoices.map((invoice) => [
      { text: `n° ${invoice.number}` },
      { text: shortDayFr(invoice.issueDate) },
      { text: shortDayFr(invoice.dueDate) },
      right(formatEuros(invoice.totalCents)),
      right(formatEuros(invoice.openCents)),
    ]),
    [{ text: 'Total restant dû', bold: true, colSpan: 4 }, {}, {}, {}, right(formatEuros(letter.amountCents), { bold: true })],
  ];
  return { table: { headerRows: 1, widths: ['*', 70, 70, 80, 80], body }, layout: ruledTable({ padding: 2 }), margin: [0, 10, 0, 0] };
}

function letterBody(issuer: InvoiceIssuer, letter: ReminderLetter): Content[] {
  const deadline = formatDayFr(addDays(letter.day, REMINDER_DELAY_DAYS));
  const opening =
    letter.level === 1
      ? `Sauf erreur ou omission de notre part, les factures ci-dessous restent impayées à ce jour alors que leur date d’échéance est passée. Nous vous remercions de bien vouloir régler la somme de ${formatEuros(letter.amountCents)} avant le ${deadline}.`
      : `Malgré notre première relance, les factures ci-dessous restent impayées à ce jour. Nous vous demandons de régler la somme de ${formatEuros(letter.amountCents)} avant le ${deadline}.`;
  const content: Content[] = [
    { text: 'Madame, Monsieur,', margin: [0, 18, 0, 6] },
    { text: opening },
    invoicesTable(letter),
  ];
  if (letter.level === 2) {
    content.push({
      text: [
        { text: 'Important : ', bold: true },
        'sans règlement à cette date, votre dette sera transmise au Trésor public pour recouvrement : un titre de recettes sera émis à votre nom et le comptable public (centre des finances publiques) en poursuivra le paiement, frais de poursuite éventuels en sus. Vous ne pourrez plus alors régler auprès de la régie.',
      ],
      margin: [0, 10, 0, 0],
      color: '#7a1f1f',
    });
  }
  const ways: ContentText['text'] = [
    { text: '• À la régie : ', bold: true },
    `${issuer.regieName}, ${issuer.regieAddress.join(', ')} — ${issuer.regieHours}.`,
    { text: '\n• Par chèque ', bold: true },
    `à l’ordre de « ${issuer.chequeOrder} », en indiquant au dos les numéros de factures, déposé ou envoyé à la régie.`,
  ];
  if (issuer.payfipId.trim() !== '') {
    ways.push(
      { text: '\n• En ligne par PayFiP : ', bold: true },
      `sur ${PAYFIP_SITE}, avec l’identifiant de la collectivité ${issuer.payfipId}, pour chaque facture sa référence (son numéro) et le reste à payer indiqué ci-dessus.`,
    );
  }
  content.push(
    { text: 'Comment payer ?', fontSize: 9.5, bold: true, color: BLUE, margin: [0, 12, 0, 2] },
    { text: ways, lineHeight: 1.2 },
    {
      text: 'Si vous avez réglé ces sommes entre-temps, nous vous prions de ne pas tenir compte de ce courrier. En cas de difficulté de paiement, contactez la régie : un échéancier peut vous être proposé.',
      margin: [0, 10, 0, 0],
    },
    { text: 'Veuillez agréer, Madame, Monsieur, l’expression de nos salutations distinguées.', margin: [0, 10, 0, 0] },
    { text: `Le régisseur — ${issuer.regieName}`, margin: [0, 16, 0, 0], alignment: 'right' },
  );
  return content;
}

export function remindersDocument(issuer: InvoiceIssuer, letters: readonly ReminderLetter[]): TDocumentDefinitions {
  return {
    pageSize: 'A4',
    pageMargins: [40, 36, 40, 44],
    info: { title: letters.length === 1 ? 'Relance' : 'Relances', author: issuer.communeName, creator: 'Grenette' },
    defaultStyle: { font: 'Roboto', fontSize: 9, lineHeight: 1.1, color: '#1a1a1a' },
    content: letters.map((letter, index) => ({
      stack: [heading(issuer, letter), ...letterBody(issuer, letter)],
      ...(index > 0 ? { pageBreak: 'before' as const } : {}),
    })),
  };
}

/** Every letter in one PDF, each starting on a new page. */
export async function reminderPdf(issuer: InvoiceIssuer, letters: readonly ReminderLetter[]): Promise<Buffer> {
  if (letters.length === 0) throw new Error('reminderPdf: no letter to print');
  return renderPdf(remindersDocument(issuer, letters));
}
