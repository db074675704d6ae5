import { imageMime as sniffImage } from '../../shared/files/sniff.js';
import type { FamilyPublication } from '../../shared/sync/contract.js';
import { requireFamily, type FamilySession } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import { HttpError, notFound, type PortalContext, type PortalModule } from '../http/context.js';
import { csrfField } from '../http/csrf.js';
import { html, type SafeHtml } from '../http/html.js';
import { euros, longDay, shortDay } from '../http/format.js';
import { alertBox, sendPage } from '../http/render.js';
import { familyRequests } from '../requests/list.js';
import { recordRequest } from '../requests/submit.js';
import { UPLOAD_BODY_LIMIT, UPLOAD_FILE_LIMIT } from '../http/limits.js';
import { childSheetPdf } from './child-sheet.js';
import { comingSoon } from './common.js';

type Child = FamilyPublication['children'][number];

const WEEKDAYS = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

/** The child, if it belongs to the session's family; otherwise 404 (never 403: that would confirm the id exists). */
async function ownChild(ctx: PortalContext, session: FamilySession, rawId: string): Promise<{ child: Child; publication: FamilyPublication }> {
  if (!/^\d{1,12}$/.test(rawId)) throw notFound();
  const publication = await loadPublication(ctx.db, session.familyId);
  const child = publication?.children.find((c) => c.id === Number(rawId));
  if (!publication || !child) throw notFound();
  return { child, publication };
}

/**
 * Accepts JPEG and PNG by their first bytes (src/shared/files/sniff.ts), whatever the file name or declared type says;
 * not WebP, which the printed child sheet cannot show.
 */
export function imageMime(bytes: Buffer): 'image/jpeg' | 'image/png' | null {
  const mime = sniffImage(bytes);
  return mime === 'image/jpeg' || mime === 'image/png' ? mime : null;
}

function yesNo(value: boolean): string {
  return value ? 'Oui' : 'Non';
}

function childHtml(child: Child, csrf: SafeHtml, photoPending: boolean): SafeHtml {
  const id = `enfant-${child.id}`;
  const name = `${child.prenom} ${child.nom}`;
  return html`<article class="card child" aria-labelledby="${id}">
<h2 id="${id}">${name}</h2>
<div class="child-head">
${child.photo ? html`<img src="/mes-enfants/${child.id}/photo" alt="Photo de ${name}" width="120" height="150" class="photo">` : html`<p class="no-photo">Pas de photo.</p>`}
<dl>
<div><dt>Né${child.sexe === 'F' ? 'e' : ''} le</dt><dd>${longDay(child.dateNaissance)}</dd></div>
<div><dt>École</dt><dd>${child.ecole || 'Non renseignée'}</dd></div>
<div><dt>Classe</dt><dd>${child.classe || 'Non renseignée'}</dd></div>
<div><dt>Régime alimentaire</dt><dd>${child.regime || 'Standard'}</dd></div>
</dl>
</div>
<p><a href="/mes-enfants/${child.id}/fiche.pdf">Fiche de ${name} (PDF)</a></p>

<h3>Tarifs appliqués</h3>
${child.tariffs.length === 0
  ? html`<p>Aucun tarif publié pour le moment.</p>`
  : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Tarifs de ${name}"><table><caption>Tarifs de ${name}</caption><thead><tr><th scope="col">Service</th><th scope="col">Unité</th><th scope="col">Prix unitaire</th></tr></thead>
<tbody>${child.tariffs.map((t) => html`<tr><td>${t.serviceName}</td><td>${t.unit}</td><td>${euros(t.unitPriceCents)}</td></tr>`)}</tbody></table></div>`}

<h3>Inscriptions</h3>
${child.inscriptions.length === 0
  ? html`<p>Aucune inscription.</p>`
  : html`<ul>${child.inscriptions.map((i) => html`<li>${i.serviceName} du ${shortDay(i.startDate)} au ${shortDay(i.endDate)}${i.weekdays.length > 0 ? ` (${i.weekdays.map((d) => WEEKDAYS[d] ?? '').join(', ')})` : ''}</li>`)}</ul>`}

<h3>Personnes autorisées</h3>
${child.authorisedPersons.length === 0
  ? html`<p>Aucune personne autorisée.</p>`
  : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Personnes autorisées pour ${name}"><table><caption>Personnes autorisées pour ${name}</caption><thead><tr><th scope="col">Nom</th><th scope="col">Lien</th><th scope="col">Téléphone</th><th scope="col">Peut venir chercher</th><th scope="col">À prévenir en urgence</th></tr></thead>
<tbody>${child.authorisedPersons.map((p) => html`<tr><td>${p.prenom} ${p.nom}</td><td>${p.relation}</td><td>${p.tel1}</td><td>${yesNo(p.mayPickUp)}</td><td>${yesNo(p.emergency)}</td></tr>`)}</tbody></table></div>`}

${child.authorisations.length > 0 ? html`<h3>Autorisations</h3><ul>${child.authorisations.map((a) => html`<li>${a.label} : ${yesNo(a.granted)}</li>`)}</ul>` : ''}
${child.custom.length > 0 ? html`<h3>Informations complémentaires</h3><dl>${child.custom.map((c) => html`<div><dt>${c.label}</dt><dd>${c.value}</dd></div>`)}</dl>` : ''}

<h3>Santé</h3>
<dl>
<div><dt>Allergies</dt><dd>${child.health.allergies || 'Aucune signalée'}</dd></div>
<div><dt>PAI (projet d’accueil individualisé)</dt><dd>${child.health.pai ? `Oui${child.health.paiEnd ? `, jusqu’au ${shortDay(child.health.paiEnd)}` : ''}` : 'Non'}</dd></div>
<div><dt>Médecin</dt><dd>${child.health.medecinNom || 'Non renseigné'}${child.health.medecinTel ? ` – ${child.health.medecinTel}` : ''}</dd></div>
<div><dt>Vaccinations</dt><dd>${child.health.vaccinations.length === 0 ? 'Non renseignées' : child.health.vaccinations.map((v) => `${v.vaccine} (${shortDay(v.date)})`).join(', ')}</dd></div>
</dl>

<h3>Nouvelle photo</h3>
${photoPending ? html`<p class="pending">🚧 Une nouvelle photo a été envoyée et attend la validation du service.</p>` : ''}
<form method="post" action="/mes-enfants/${child.id}/photo" enctype="multipart/form-data" class="form">
${csrf}
<div class="field"><label for="photo-${child.id}">Photo de ${name}</label>
<p class="hint" id="photo-${child.id}-hint">Format JPEG ou PNG, 2 Mo au plus.</p>
<input id="photo-${child.id}" name="photo" type="file" accept="image/jpeg,image/png" required aria-describedby="photo-${child.id}-hint"></div>
<button type="submit">Envoyer la photo</button>
</form>
</article>`;
}

export const registerChildrenPages: PortalModule = (app, ctx) => {
  app.get('/mes-enfants', async (request, reply) => {
    const session = requireFamily(request);
    const publication = await loadPublication(ctx.db, session.familyId);
    const query = request.query as Record<string, string | undefined>;
    let body: SafeHtml;
    if (!publication) body = comingSoon();
    else if (publication.children.length === 0) body = html`<p>Aucun enfant n’est inscrit pour le moment.</p>`;
    else {
      const requests = await familyRequests(ctx.db, session.familyId, publication);
      const pendingPhotos = new Set(
        requests.filter((r) => r.kind === 'photo' && (r.status === 'sent' || r.status === 'pending')).flatMap((r) => (r.local?.photo ? [r.local.photo.childId] : [])),
      );
      const csrf = csrfField(request, reply, ctx.config);
      body = html`${publication.children.map((child) => childHtml(child, csrf, pendingPhotos.has(child.id)))}`;
    }
    return sendPage(ctx, request, reply, {
      title: 'Mes enfants',
      current: '/mes-enfants',
      main: html`<h1>Mes enfants</h1>${alertBox(query.photo === 'envoyee' ? 'La photo a été envoyée au service pour validation.' : null, 'success')}${body}`,
    });
  });

  app.get<{ Params: { childId: string } }>('/mes-enfants/:childId/photo', async (request, reply) => {
    const session = requireFamily(request);
    const { child } = await ownChild(ctx, session, request.params.childId);
    if (!child.photo || (child.photo.mime !== 'image/jpeg' && child.photo.mime !== 'image/png')) throw notFound();
    return reply.type(child.photo.mime).header('cache-control', 'private, no-store').send(Buffer.from(child.photo.base64, 'base64'));
  });

  app.get<{ Params: { childId: string } }>('/mes-enfants/:childId/fiche.pdf', async (request, reply) => {
    const session = requireFamily(request);
    const { child, publication } = await ownChild(ctx, session, request.params.childId);
    const pdf = await childSheetPdf(child, publication, ctx.clock());
    const fileName = `fiche-${child.prenom}-${child.nom}`.normalize('NFD').replace(/[^A-Za-z0-9-]/g, '').toLowerCase() || 'fiche';
    return reply
      .type('application/pdf')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `inline; filename="${fileName}.pdf"`)
      .send(pdf);
  });

  app.post<{ Params: { childId: string } }>(
    '/mes-enfants/:childId/photo',
    { bodyLimit: UPLOAD_BODY_LIMIT, config: { upload: true } },
    async (request, reply) => {
      const session = requireFamily(request);
      const { child } = await ownChild(ctx, session, request.params.childId);
      const file = (request.body as Record<string, unknown> | null)?.photo;
      if (!Buffer.isBuffer(file) || file.length === 0) throw new HttpError(400, 'Choisissez une photo à envoyer.');
      if (file.length > UPLOAD_FILE_LIMIT) throw new HttpError(413, 'La photo ne doit pas dépasser 2 Mo.');
      const mime = imageMime(file);
      if (!mime) throw new HttpError(415, 'La photo doit être une image JPEG ou PNG.');
      await recordRequest(ctx.db, session, ctx.clock(), { kind: 'photo', photo: { childId: child.id, mime, base64: file.toString('base64') } });
      return reply.redirect('/mes-enfants?photo=envoyee', 303);
    },
  );
};
