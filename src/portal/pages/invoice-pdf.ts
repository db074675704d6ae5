import { invoicePdf } from '../../server/billing/invoice-pdf.js';
import { requireFamily } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import { notFound, type PortalModule } from '../http/context.js';
import { html } from '../http/html.js';
import { sendPage } from '../http/render.js';

/** '2026-000123.pdf': the invoice number as formatInvoiceNumber writes it, then the extension. */
const FILE = /^(\d{4}-\d{6,9})\.pdf$/;

const FILE_PREFIX = { invoice: 'facture', credit_note: 'avoir', complementary: 'facture-complementaire' } as const;

/**
 * A family downloads the PDF of one of its invoices, printed from the frozen document the office published with the
 * office's own code (src/server/billing/invoice-pdf.ts). The family is the session's, read again on every request:
 * another family's invoice answers the same 404 as a number that does not exist, so nothing confirms it exists.
 */
export const registerInvoicePdf: PortalModule = (app, ctx) => {
  app.get<{ Params: { file: string } }>('/releve/factures/:file', async (request, reply) => {
    const session = requireFamily(request);
    const number = FILE.exec(request.params.file)?.[1];
    if (number === undefined) throw notFound();
    const publication = await loadPublication(ctx.db, session.familyId);
    const invoice = publication?.invoices.find((entry) => entry.number === number);
    if (!invoice || invoice.document === null) throw notFound();
    let pdf: Buffer;
    try {
      pdf = await invoicePdf([invoice.document]);
    } catch (error) {
      request.log.error({ err: error, familyId: session.familyId, invoice: number, reqId: request.id }, 'invoice pdf failed');
      return sendPage(ctx, request, reply, {
        title: 'Facture indisponible',
        status: 500,
        current: '/releve',
        main: html`<h1>Facture indisponible</h1><p>Le PDF de la facture n°\u00a0${number} n’a pas pu être préparé. Réessayez plus tard ; si le problème persiste, contactez le service.</p><p><a href="/releve">Retour au relevé de compte</a></p>`,
      });
    }
    return reply
      .type('application/pdf')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="${FILE_PREFIX[invoice.kind]}-${number}.pdf"`)
      .send(pdf);
  });
};
