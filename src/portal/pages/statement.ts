import { PAYFIP_SITE } from '../../shared/billing/payfip.js';
import { INVOICE_KINDS, type InvoiceKind } from '../../shared/billing/invoice.js';
import { MONTHS_SHORT_FR, monthLabelFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
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

/** « 5 déc. 2026 », « 1er mars 2027 »: a collection day as French typography writes it in running text. */
export function debitDay(day: string): string {
  const dayOfMonth = Number(day.slice(8, 10));
  const month = MONTHS_SHORT_FR[Number(day.slice(5, 7)) - 1];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || month === undefined) return shortDay(day);
  return `${dayOfMonth === 1 ? '1er' : dayOfMonth} ${month} ${day.slice(0, 4)}`;
}

/**
 * The invoice is in a direct debit the bank has not collected yet: what is left on it will be taken from the family's
 * account, so the portal never asks them to pay it another way (they would pay twice). From the batch's preparation,
 * not only once the file is sent (the office's counter rule, shared/billing/account.ts awaitingBankDebit): a family
 * is not invited to pay online what the régie is about to send to the bank, whereas the régisseur at the counter may
 * still take a payment before the file goes, the batch then being refused at export and prepared again.
 */
export function beingDebited(invoice: PublishedInvoice): boolean {
  return invoice.directDebit?.status === 'en_cours' && leftToPay(invoice) > 0;
}

/** What the family has to pay themselves on an invoice: what is left, unless a direct debit is about to collect it. */
export function toPayOnline(invoice: PublishedInvoice): number {
  return beingDebited(invoice) ? 0 : leftToPay(invoice);
}

/**
 * The invoice's direct debit in words, never in colour only (WCAG 1.4.1): « Prélèvement prévu le 5 déc. 2026 »,
 * « Prélevée le 5 déc. 2026 », « Prélèvement rejeté le … (Provision insuffisante) » with the fee invoice it brought;
 * empty for an invoice not debited. `today` (the portal's Paris day) says when a collection date has passed while the
 * office has not yet published the collection: still in progress, not « prévu ».
 */
function debitStatus(invoice: PublishedInvoice, today: string): SafeHtml | '' {
  const debit = invoice.directDebit;
  if (!debit) return '';
  const day = html`<time datetime="${debit.collectionDate}">${debitDay(debit.collectionDate)}</time>`;
  if (debit.status === 'en_cours') {
    return debit.collectionDate > today
      ? html`<span class="debit debit-pending">Prélèvement prévu le ${day}</span>`
      : html`<span class="debit debit-pending">Prélèvement du ${day} en cours</span>`;
  }
  if (debit.status === 'preleve') return html`<span class="debit debit-done">Prélevée le ${day}</span>`;
  const when = debit.rejectDay ? html` le <time datetime="${debit.rejectDay}">${debitDay(debit.rejectDay)}</time>` : '';
  return html`<span class="debit debit-rejected">Prélèvement${when} rejeté (${debit.rejectReason ?? 'motif non communiqué'})${
    debit.feeInvoiceNumber ? html` : frais de rejet sur la facture complémentaire n°\u00a0${debit.feeInvoiceNumber}` : ''
  }</span>`;
}

/** The family's invoices and credit notes, oldest first as published, with what remains to pay on each. */
export function invoiceTable(invoices: readonly PublishedInvoice[], today: string): SafeHtml {
  if (invoices.length === 0) return html`<p class="empty">${NO_INVOICE}</p>`;
  const anyDebit = invoices.some((invoice) => invoice.directDebit !== null);
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Factures et avoirs"><table><caption>Factures et avoirs</caption>
<thead><tr><th scope="col">Document</th><th scope="col">Période</th><th scope="col">Date</th><th scope="col">Échéance</th><th scope="col" class="num">Montant</th><th scope="col" class="num">Payé</th><th scope="col" class="num">Reste à payer</th>${anyDebit ? html`<th scope="col">Prélèvement</th>` : ''}<th scope="col">PDF</th></tr></thead>
<tbody>${invoices.map(
    (i) =>
      html`<tr><th scope="row">${INVOICE_KINDS[i.kind]} n°\u00a0${i.number}</th><td>${i.month === null ? 'Non précisée' : monthLabelFr(i.month)}</td><td>${shortDay(i.date)}</td><td>${shortDay(i.dueDate)}</td><td class="num">${euros(i.amountCents)}</td><td class="num">${euros(i.paidCents)}</td><td class="num">${euros(i.kind === 'credit_note' ? i.amountCents - i.paidCents : leftToPay(i))}</td>${anyDebit ? html`<td>${debitStatus(i, today)}</td>` : ''}${downloadCell(i)}</tr>`,
  )}</tbody></table></div>`;
}

/** What is left to pay on an invoice (an invoice or complementary invoice; a credit note is never paid). */
export function leftToPay(invoice: PublishedInvoice): number {
  return invoice.kind === 'credit_note' ? 0 : Math.max(0, invoice.amountCents - invoice.paidCents);
}

/** What of the family's invoices a direct debit in progress will collect. */
export function debitedCents(p: FamilyPublication): number {
  return p.invoices.reduce((sum, invoice) => sum + (beingDebited(invoice) ? leftToPay(invoice) : 0), 0);
}

function paymentsTable(p: FamilyPublication): SafeHtml {
  if (p.payments.length === 0) return html`<p class="empty">Aucun paiement enregistré pour le moment.</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Paiements et remboursements"><table><caption>Paiements et remboursements</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Opération</th><th scope="col">Moyen de paiement</th><th scope="col" class="num">Montant</th></tr></thead>
<tbody>${p.payments.map(
    (pay) =>
      html`<tr><td>${shortDay(pay.date)}</td><td>${pay.kind === 'refund' ? 'Remboursement' : 'Paiement'}</td><td>${pay.method}</td><td class="num">${euros(pay.kind === 'refund' ? -pay.amountCents : pay.amountCents)}</td></tr>`,
  )}</tbody></table></div>`;
}

/**
 * How to pay online with PayFiP: the site, the commune's identifier (from each invoice's frozen document: the one it
 * was issued with), then for each invoice left to pay its reference and amount, as the family types them there.
 */
function payfipSection(p: FamilyPublication): SafeHtml {
  // An invoice the bank is about to collect is not offered: the family would pay it twice.
  const unpaid = p.invoices.filter((invoice) => toPayOnline(invoice) > 0);
  if (unpaid.length === 0) return html``;
  const online = unpaid.filter((invoice) => (invoice.document?.issuer.payfipId.trim() ?? '') !== '');
  const identifiers = [...new Set(online.map((invoice) => invoice.document!.issuer.payfipId.trim()))];
  // A list, not a table: the invoices table stays the one place whose rows name an invoice.
  return html`<section aria-labelledby="payer"><h2 id="payer">Payer en ligne avec PayFiP</h2>
${online.length === 0
  ? html`<p>Le paiement en ligne n’est pas proposé pour ces factures : réglez-les à la régie ou par chèque, comme indiqué sur chaque facture.</p>`
  : html`<p>Rendez-vous sur <a href="https://${PAYFIP_SITE}/" rel="noopener">${PAYFIP_SITE}</a> (site officiel de la DGFiP) et saisissez, pour chaque facture :
${identifiers.length === 1 ? html` l’identifiant de la collectivité <strong>${identifiers[0]}</strong>,` : ' l’identifiant de la collectivité indiqué ci-dessous,'} la référence de la facture et le montant à payer.</p>
<ul class="payfip" aria-label="Références à saisir sur PayFiP">${online.map(
    (i) =>
      html`<li>${INVOICE_KINDS[i.kind]} n°\u00a0${i.number}${identifiers.length > 1 ? html` : identifiant de la collectivité <strong>${i.document!.issuer.payfipId}</strong>,` : ' :'} référence <strong>${i.number}</strong>, montant <strong>${euros(toPayOnline(i))}</strong> (échéance le ${shortDay(i.dueDate)})</li>`,
  )}</ul>`}
</section>`;
}

function balanceSentence(p: FamilyPublication): SafeHtml {
  return html`<p class="balance">Solde : <strong>${euros(p.balanceCents)}</strong>${p.balanceCents > 0 ? ' restant à payer' : p.balanceCents < 0 ? ' en votre faveur' : ''}</p>${debitSentence(p)}`;
}

/** « Dont 46,50 € en cours de prélèvement automatique : vous n’avez rien à faire pour ce montant. » */
export function debitSentence(p: FamilyPublication): SafeHtml | '' {
  const debited = debitedCents(p);
  if (debited <= 0) return '';
  return html`<p class="debit-note">Dont <strong>${euros(debited)}</strong> en cours de prélèvement automatique sur votre compte : vous n’avez rien à faire pour ce montant.</p>`;
}

/** What the family has left to pay themselves, invoices being debited left out. */
export function onlineCents(p: FamilyPublication): number {
  return p.invoices.reduce((sum, invoice) => sum + toPayOnline(invoice), 0);
}

export function statementBody(p: FamilyPublication, today: string): SafeHtml {
  return html`${balanceSentence(p)}
<section aria-labelledby="factures"><h2 id="factures">Factures</h2>
${invoiceTable(p.invoices, today)}
</section>
<section aria-labelledby="paiements"><h2 id="paiements">Paiements</h2>
${paymentsTable(p)}
</section>
${payfipSection(p)}`;
}

export const registerStatementPage: PortalModule = (app, ctx) => {
  app.get('/releve', async (request, reply) => {
    const session = requireFamily(request);
    const p = await loadPublication(ctx.db, session.familyId);
    const body = !p ? comingSoon() : statementBody(p, parisDay(ctx.clock()));
    return sendPage(ctx, request, reply, { title: 'Relevé de compte', current: '/releve', main: html`<h1>Relevé de compte</h1>${body}` });
  });
};
