import { INVOICE_KINDS, type InvoiceKind } from '../../shared/billing/invoice.js';
import { monthLabelFr } from '../../shared/calendar/format.js';
import type { FamilyPublication } from '../../shared/sync/contract.js';
import { requireFamily } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import type { PortalModule } from '../http/context.js';
import { html, type SafeHtml } from '../http/html.js';
import { euros, shortDay } from '../http/format.js';
import { sendPage } from '../http/render.js';
import { comingSoon } from './common.js';

export const NO_INVOICE = 'Aucune facture pour le moment. Vos factures apparaîtront ici dès leur émission.';

type PublishedInvoice = FamilyPublication['invoices'][number];

/** « la facture », « l’avoir », « la facture complémentaire »: what the download link names. */
const THE_DOCUMENT: Record<InvoiceKind, string> = {
  invoice: 'la facture',
  credit_note: 'l’avoir',
  complementary: 'la facture complémentaire',
};

/** Where a family downloads the PDF of its own invoice (src/portal/pages/invoice-pdf.ts serves it). */
export function invoicePdfPath(number: string): string {
  return `/releve/factures/${encodeURIComponent(number)}.pdf`;
}

function downloadCell(invoice: PublishedInvoice): SafeHtml {
  // An entry published before invoices carried their document has nothing to print from.
  if (invoice.document === null) return html`<td>PDF non disponible</td>`;
  return html`<td><a href="${invoicePdfPath(invoice.number)}" download>Télécharger ${THE_DOCUMENT[invoice.kind]} n°\u00a0${invoice.number} (PDF)</a></td>`;
}

/** The family's invoices and credit notes, oldest first as published, with what remains to pay on each. */
export function invoiceTable(invoices: readonly PublishedInvoice[]): SafeHtml {
  if (invoices.length === 0) return html`<p class="empty">${NO_INVOICE}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Factures et avoirs"><table><caption>Factures et avoirs</caption>
<thead><tr><th scope="col">Document</th><th scope="col">Période</th><th scope="col">Date</th><th scope="col">Échéance</th><th scope="col" class="num">Montant</th><th scope="col" class="num">Payé</th><th scope="col" class="num">Reste à payer</th><th scope="col">PDF</th></tr></thead>
<tbody>${invoices.map(
    (i) =>
      html`<tr><th scope="row">${INVOICE_KINDS[i.kind]} n°\u00a0${i.number}</th><td>${i.month === null ? 'Non précisée' : monthLabelFr(i.month)}</td><td>${shortDay(i.date)}</td><td>${shortDay(i.dueDate)}</td><td class="num">${euros(i.amountCents)}</td><td class="num">${euros(i.paidCents)}</td><td class="num">${euros(i.amountCents - i.paidCents)}</td>${downloadCell(i)}</tr>`,
  )}</tbody></table></div>`;
}

export function statementBody(p: FamilyPublication): SafeHtml {
  return html`<p class="balance">Solde : <strong>${euros(p.balanceCents)}</strong>${p.balanceCents > 0 ? ' restant à payer' : p.balanceCents < 0 ? ' en votre faveur' : ''}</p>
<section aria-labelledby="factures"><h2 id="factures">Factures</h2>
${invoiceTable(p.invoices)}
</section>
<section aria-labelledby="paiements"><h2 id="paiements">Paiements</h2>
${p.payments.length === 0
  ? html`<p class="empty">Aucun paiement enregistré pour le moment.</p>`
  : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Paiements"><table><caption>Paiements</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Moyen de paiement</th><th scope="col" class="num">Montant</th></tr></thead>
<tbody>${p.payments.map((pay) => html`<tr><td>${shortDay(pay.date)}</td><td>${pay.method}</td><td class="num">${euros(pay.amountCents)}</td></tr>`)}</tbody></table></div>`}
</section>`;
}

export const registerStatementPage: PortalModule = (app, ctx) => {
  app.get('/releve', async (request, reply) => {
    const session = requireFamily(request);
    const p = await loadPublication(ctx.db, session.familyId);
    const body = !p ? comingSoon() : statementBody(p);
    return sendPage(ctx, request, reply, { title: 'Relevé de compte', current: '/releve', main: html`<h1>Relevé de compte</h1>${body}` });
  });
};
