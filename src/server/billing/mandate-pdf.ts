import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { InvoiceIssuer } from '../../shared/billing/invoice.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import { renderPdf } from '../pdfmake.js';
import { BLUE, boxLayout, GREY, issuerHeading, PAGE_MARGINS } from './pdf-style.js';

/**
 * The « Mandat de prélèvement SEPA » the family signs (EPC SDD Core rulebook, the French model form): the creditor's
 * identifier (ICS), name and address, the mandate's reference (RUM), the debtor's name, address and account in full
 * (the debtor checks it before signing), the type of payment, the place, date and signature boxes, and the legal text
 * with the rights note. Printed with the office's shared style, directly (one page, not a batch: no PDF pool).
 */

export interface MandateForm {
  issuer: InvoiceIssuer;
  creditor: { name: string; ics: string };
  rum: string;
  debtor: { name: string; address: string[]; holder: string; iban: string; bic: string; bankName: string };
  /** The day it is printed. */
  printedOn: string;
}

export function mandatePdfFileName(rum: string): string {
  return `mandat-sepa-${rum}.pdf`;
}

/** The IBAN grouped by four, as printed on a RIB. */
function spacedIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

function field(label: string, value: string, options: { bold?: boolean } = {}): TableCell[] {
  return [{ text: label, color: GREY }, { text: value || ' ', bold: options.bold ?? false }];
}

function block(title: string, rows: TableCell[][]): Content {
  return [
    { text: title, bold: true, color: BLUE, fontSize: 10.5, margin: [0, 10, 0, 3] },
    { table: { widths: [150, '*'], body: rows }, layout: boxLayout },
  ];
}

export function legalText(creditorName: string): string {
  return (
    `En signant ce formulaire de mandat, vous autorisez (A) ${creditorName} à envoyer des instructions à votre banque pour ` +
    `débiter votre compte, et (B) votre banque à débiter votre compte conformément aux instructions de ${creditorName}. ` +
    'Vous bénéficiez du droit d’être remboursé par votre banque selon les conditions décrites dans la convention que vous ' +
    'avez passée avec elle. Une demande de remboursement doit être présentée dans les 8 semaines suivant la date de débit ' +
    'de votre compte pour un prélèvement autorisé.'
  );
}

export const RIGHTS_NOTE =
  'Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez obtenir auprès de votre banque. ' +
  'Vous recevrez une notification (la facture) au moins 14 jours avant chaque prélèvement, avec son montant et sa date. ' +
  'Pour un prélèvement non autorisé, vous pouvez demander le remboursement dans les 13 mois suivant le débit. ' +
  'Les données de ce mandat servent uniquement à la gestion des prélèvements de la régie.';

export function mandateDocument(form: MandateForm): TDocumentDefinitions {
  const { issuer, creditor, debtor } = form;
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    info: { title: `Mandat de prélèvement SEPA ${form.rum}`, author: issuer.communeName, creator: 'Grenette' },
    defaultStyle: { font: 'Roboto', fontSize: 9, lineHeight: 1.1, color: '#1a1a1a' },
    content: [
      issuerHeading(issuer),
      { text: 'Mandat de prélèvement SEPA', fontSize: 16, bold: true, color: BLUE, margin: [0, 16, 0, 2] },
      { text: `Référence unique du mandat (RUM) : ${form.rum}`, bold: true, fontSize: 10.5 },
      { text: 'Type de paiement : récurrent (prélèvements répétés)', margin: [0, 2, 0, 0] },
      block('Créancier', [
        field('Nom du créancier', creditor.name, { bold: true }),
        field('Identifiant créancier SEPA (ICS)', creditor.ics, { bold: true }),
        field('Adresse', issuer.regieAddress.join(', ')),
      ]),
      block('Débiteur', [
        field('Nom', debtor.name, { bold: true }),
        field('Adresse', debtor.address.join(', ')),
        field('Titulaire du compte', debtor.holder),
        field('IBAN', spacedIban(debtor.iban), { bold: true }),
        field('BIC', debtor.bic, { bold: true }),
        ...(debtor.bankName ? [field('Banque', debtor.bankName)] : []),
      ]),
      { text: legalText(creditor.name), margin: [0, 12, 0, 0], alignment: 'justify' },
      { text: RIGHTS_NOTE, margin: [0, 6, 0, 0], color: GREY, fontSize: 8, alignment: 'justify' },
      {
        margin: [0, 14, 0, 0],
        table: {
          widths: ['*', '*'],
          body: [
            [
              { text: [{ text: 'Fait à', bold: true }, '\n\n\n'] },
              { text: [{ text: 'Le', bold: true }, '\n\n\n'] },
            ],
            [{ text: [{ text: 'Signature du débiteur', bold: true }, '\n\n\n\n\n\n'], colSpan: 2 }, ''],
          ],
        },
        layout: boxLayout,
      },
      {
        text: `Merci de retourner ce mandat signé, accompagné d’un RIB, à ${issuer.regieName}. Imprimé le ${formatDayFr(form.printedOn)}.`,
        margin: [0, 10, 0, 0],
        color: GREY,
        fontSize: 8,
      },
    ],
  };
}

export async function mandatePdf(form: MandateForm): Promise<Buffer> {
  return renderPdf(mandateDocument(form));
}
