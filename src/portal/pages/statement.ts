import { requireFamily } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import type { PortalModule } from '../http/context.js';
import { html } from '../http/html.js';
import { euros, shortDay } from '../http/format.js';
import { sendPage } from '../http/render.js';
import { comingSoon } from './common.js';

export const NO_INVOICE = 'Aucune facture pour le moment. Vos factures apparaîtront ici dès leur émission.';

export const registerStatementPage: PortalModule = (app, ctx) => {
  app.get('/releve', async (request, reply) => {
    const session = requireFamily(request);
    const p = await loadPublication(ctx.db, session.familyId);
    const body = !p
      ? comingSoon()
      : html`<p class="balance">Solde : <strong>${euros(p.balanceCents)}</strong>${p.balanceCents > 0 ? ' restant à payer' : p.balanceCents < 0 ? ' en votre faveur' : ''}</p>
<section aria-labelledby="factures"><h2 id="factures">Factures</h2>
${p.invoices.length === 0
  ? html`<p class="empty">${NO_INVOICE}</p>`
  : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Factures"><table><caption>Factures</caption>
<thead><tr><th scope="col">Numéro</th><th scope="col">Date</th><th scope="col">Échéance</th><th scope="col" class="num">Montant</th><th scope="col" class="num">Payé</th><th scope="col" class="num">Reste</th></tr></thead>
<tbody>${p.invoices.map((i) => html`<tr><td>${i.number}</td><td>${shortDay(i.date)}</td><td>${shortDay(i.dueDate)}</td><td class="num">${euros(i.amountCents)}</td><td class="num">${euros(i.paidCents)}</td><td class="num">${euros(i.amountCents - i.paidCents)}</td></tr>`)}</tbody></table></div>`}
</section>
<section aria-labelledby="paiements"><h2 id="paiements">Paiements</h2>
${p.payments.length === 0
  ? html`<p class="empty">Aucun paiement enregistré pour le moment.</p>`
  : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Paiements"><table><caption>Paiements</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Moyen de paiement</th><th scope="col" class="num">Montant</th></tr></thead>
<tbody>${p.payments.map((pay) => html`<tr><td>${shortDay(pay.date)}</td><td>${pay.method}</td><td class="num">${euros(pay.amountCents)}</td></tr>`)}</tbody></table></div>`}
</section>`;
    return sendPage(ctx, request, reply, { title: 'Relevé de compte', current: '/releve', main: html`<h1>Relevé de compte</h1>${body}` });
  });
};
