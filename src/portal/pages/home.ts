import { requireFamily } from '../auth/sessions.js';
import { loadPublication, loadPublicationAndSettings } from '../content.js';
import { notFound, type PortalModule } from '../http/context.js';
import { html } from '../http/html.js';
import { euros, instantFr, longDay } from '../http/format.js';
import { sendPage } from '../http/render.js';
import { familyRequests, KIND_LABELS, STATUS_LABELS } from '../requests/list.js';
import { childName, comingSoon, requestTable } from './common.js';
import { nextDeadlineSentence } from './deadline.js';
import { debitSentence, onlineCents } from './statement.js';
import { changeText } from '../../shared/requests/change-fields.js';

const RECENT_DAYS = 60;

export const registerHomePage: PortalModule = (app, ctx) => {
  app.get('/', async (request, reply) => {
    const session = requireFamily(request);
    const { publication, settings } = await loadPublicationAndSettings(ctx.db, session.familyId, ctx.log);
    const now = ctx.clock();
    const requests = await familyRequests(ctx.db, session.familyId, publication);
    const since = new Date(now.getTime() - RECENT_DAYS * 86_400_000).toISOString();
    const open = requests.filter((r) => r.status === 'sent' || r.status === 'pending');
    const recent = requests.filter((r) => r.status !== 'sent' && r.status !== 'pending' && r.submittedAt >= since);
    const deadline = nextDeadlineSentence(settings, now);
    const c = settings.commune;
    const first = publication?.account.responsables.find((r) => r.rank === 1);
    return sendPage(ctx, request, reply, {
      title: 'Accueil',
      current: '/',
      settings,
      main: html`<h1>Bonjour${first ? html` ${first.prenom} ${first.nom}` : ''}</h1>
${publication ? '' : comingSoon()}
${deadline ? html`<p class="deadline"><strong>${deadline}</strong>.</p>` : ''}
${publication && publication.balanceCents > 0
  ? html`<section aria-labelledby="a-payer"><h2 id="a-payer">À payer</h2><p class="deadline">Montant dû : <strong>${euros(publication.balanceCents)}</strong>. <a href="/releve">${
      onlineCents(publication) > 0 ? 'Voir le relevé de compte et payer en ligne' : 'Voir le relevé de compte'
    }</a></p>${debitSentence(publication)}</section>`
  : ''}
<section aria-labelledby="en-cours"><h2 id="en-cours">Demandes en cours</h2>${requestTable(open, 'Demandes en attente')}</section>
<section aria-labelledby="recentes"><h2 id="recentes">Demandes récentes</h2>${requestTable(recent, `Demandes traitées depuis ${RECENT_DAYS} jours`)}</section>
<section aria-labelledby="actualites"><h2 id="actualites">Actualités du service</h2>
${settings.news.length === 0
  ? html`<p>Aucune actualité pour le moment.</p>`
  : html`<ul class="news">${settings.news.map((n) => html`<li><h3>${n.title}</h3><p class="meta">${longDay(n.date)}</p><p>${n.body}</p></li>`)}</ul>`}
</section>
<section aria-labelledby="contact"><h2 id="contact">Permanences et contact</h2>
<p>${c.service} – ${c.address}</p>
<ul>${c.hours.map((h) => html`<li>${h}</li>`)}</ul>
<p>Courriel : <a href="mailto:${c.email}">${c.email}</a> – Téléphone : ${c.phone}</p>
</section>`,
    });
  });

  app.get<{ Params: { uid: string } }>('/demandes/:uid', async (request, reply) => {
    const session = requireFamily(request);
    const publication = await loadPublication(ctx.db, session.familyId);
    const requests = await familyRequests(ctx.db, session.familyId, publication);
    const found = requests.find((r) => r.uid === request.params.uid);
    if (!found) throw notFound();
    const published = publication?.requests.find((r) => r.uid === found.uid);
    return sendPage(ctx, request, reply, {
      title: `Demande du ${instantFr(found.submittedAt)}`,
      current: '/',
      main: html`<h1>${KIND_LABELS[found.kind]} du ${instantFr(found.submittedAt)}</h1>
<p>État : ${STATUS_LABELS[found.status]}</p>
${found.local?.comment ? html`<p>Commentaire : ${found.local.comment}</p>` : ''}
${found.local && found.local.changes.length > 0
  ? html`<ul>${found.local.changes.map((c) => html`<li>${changeText(c)}</li>`)}</ul>`
  : ''}
${published && published.items.length > 0
  ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Détail de la demande"><table><caption>Détail</caption><thead><tr><th scope="col">Jour</th><th scope="col">Enfant</th><th scope="col">Décision</th></tr></thead>
<tbody>${published.items.map((item) => html`<tr><td>${item.day ? longDay(item.day) : '—'}</td><td>${childName(publication, item.childId) || '—'}</td>
<td>${item.status === 'pending' ? '🚧 En attente' : item.status === 'accepted' ? 'Acceptée' : html`<span aria-hidden="true">⛔ </span>Refusée : ${item.refusalReason ?? ''}`}</td></tr>`)}</tbody></table></div>`
  : ''}
<p><a href="/">Retour à l’accueil</a></p>`,
    });
  });
};
