import type { Content, ContentText, CustomTableLayout, TableCell, TableCellProperties } from 'pdfmake/interfaces.js';
import type { InvoiceIssuer } from '../../shared/billing/invoice.js';

/**
 * The look every document the régie prints shares (invoices, statements, reminders, the cash journal): colours, page
 * margins, the ruled tables, the framed boxes, section titles and right-aligned amounts, said once so the documents a
 * family receives look like one commune's.
 */

export const BLUE = '#1f4e79';
export const GREY = '#5b6b7b';
export const LINE = '#b8c4d0';
export const FILL = '#f1f4f8';

export const PAGE_MARGINS: [number, number, number, number] = [40, 36, 40, 44];

/** The header cells of a ruled table. */
export const HEAD = { bold: true, color: BLUE, fillColor: FILL };

/**
 * Horizontal rules only, heavier at the top and bottom and, with `headerRule`, under the header row; `padding` is the
 * vertical padding of a cell.
 */
export function ruledTable(options: { headerRule?: boolean; padding?: number } = {}): CustomTableLayout {
  const { headerRule = true, padding = 1.5 } = options;
  return {
    hLineWidth: (i, node) => (i === 0 || (headerRule && i === 1) || i === node.table.body.length ? 0.8 : 0.4),
    vLineWidth: () => 0,
    hLineColor: () => LINE,
    paddingLeft: () => 3,
    paddingRight: () => 3,
    paddingTop: () => padding,
    paddingBottom: () => padding,
  };
}

/** A framed box (what to pay, a notice, signature boxes). */
export const boxLayout: CustomTableLayout = {
  hLineWidth: () => 0.6,
  vLineWidth: () => 0.6,
  hLineColor: () => LINE,
  vLineColor: () => LINE,
  paddingLeft: () => 6,
  paddingRight: () => 6,
  paddingTop: () => 4,
  paddingBottom: () => 4,
};

export function box(content: ContentText, options: { fillColor?: string; marginTop?: number } = {}): Content {
  return {
    table: { widths: ['*'], body: [[{ ...content, fillColor: options.fillColor }]] },
    layout: boxLayout,
    margin: [0, options.marginTop ?? 2, 0, 0],
  };
}

export function sectionTitle(title: string, marginTop = 8): ContentText {
  return { text: title, fontSize: 9.5, bold: true, color: BLUE, margin: [0, marginTop, 0, 2] };
}

export const right = (text: string, extra: Partial<ContentText> & TableCellProperties = {}): TableCell => ({ text, alignment: 'right', ...extra });

const NBSP = '\u00a0';

/** Characters of a piece: narrower than the 'Prestation' column (at least 230 pt at 8.5 pt) and the address blocks. */
const TEXT_PIECE = 34;

/**
 * pdfmake measures, lays out and draws every word as an item of its own: words are glued with no-break spaces into
 * pieces of at most `maxChars` characters, each handled as one, and a line breaks only between pieces. `maxChars`
 * keeps a piece narrower than the column the text is printed in, so a piece never overflows; the text read back is
 * the same words, some separated by no-break spaces. Only text repeated from invoice to invoice is glued (labels,
 * bases, the issuer, the legal sentences): the font shapes each distinct piece once per PDF, which costs about a
 * third of a millisecond, so gluing what differs on every invoice (numbers, names, amounts, days) would cost more
 * than it saves.
 */
export function glue(text: string, maxChars = TEXT_PIECE): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    let out = '';
    let piece = -1;
    for (const word of line.split(' ')) {
      if (piece < 0) {
        out = word;
        piece = word.length;
      } else if (piece + 1 + word.length <= maxChars) {
        out += NBSP + word;
        piece += 1 + word.length;
      } else {
        out += ` ${word}`;
        piece = word.length;
      }
    }
    lines.push(out);
  }
  return lines.join('\n');
}

/** The commune and its régie, side by side at the top of every document the régie sends (invoices, statements). */
export function issuerHeading(issuer: InvoiceIssuer): Content {
  return {
    columns: [
      {
        width: '*',
        text: [
          { text: glue(issuer.communeName), fontSize: 12, bold: true, color: BLUE },
          `\n${glue(issuer.address.join('\n'))}\nSIRET : ${issuer.siret}`,
        ],
      },
      {
        width: 230,
        text: [
          { text: glue(issuer.regieName), bold: true, color: BLUE },
          `\n${glue(issuer.regieAddress.join('\n'))}\n`,
          { text: glue(`Accueil : ${issuer.regieHours}`), color: GREY },
          `\n${glue(`Tél. ${issuer.phone} · ${issuer.email}`)}`,
        ],
      },
    ],
    columnGap: 16,
  };
}

/**
 * The top of a document sent to a family: the issuer's heading, then the document's title with its details (dates,
 * the family's reference) on the left, and the family's name and address on the right, where a window envelope (DL,
 * window on the right) shows it.
 */
export function documentHeading(
  issuer: InvoiceIssuer,
  document: { title: string; details: string[] },
  addressee: { name: string; address: readonly string[] },
  marginTop = 14,
): Content {
  return [
    issuerHeading(issuer),
    {
      margin: [0, marginTop, 0, 0],
      columns: [
        {
          width: '*',
          text: [{ text: document.title, fontSize: 15, bold: true, color: BLUE }, ...document.details.map((line) => `\n${line}`)],
          lineHeight: 1.25,
        },
        {
          width: 230,
          text: [{ text: addressee.name, bold: true }, `\n${addressee.address.join('\n')}`],
          margin: [0, 14, 0, 0],
          fontSize: 10,
        },
      ],
      columnGap: 16,
    },
  ];
}
