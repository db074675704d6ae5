import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTHORISATIONS } from '../../shared/children/input.js';
import { parisDay } from '../../shared/clock.js';
import { imageMime as sniffImage } from '../../shared/files/sniff.js';
import { CHANGE_FIELDS, type ChangeField } from '../../shared/requests/change-fields.js';
import type { FamilyPublication } from '../../shared/sync/contract.js';
import { requireFamily, type FamilySession } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import { HttpError, notFound, type PortalContext, type PortalModule } from '../http/context.js';
import { csrfField } from '../http/csrf.js';
import { html, type SafeHtml } from '../http/html.js';
import { euros, longDay, shortDay } from '../http/format.js';
import { alertBox, formText, sendPage } from '../http/render.js';
import { familyRequests } from '../requests/list.js';
import { checkedPhoto } from '../uploads/files.js';
import { childPhoto, photosShown, type PhotoShown } from '../photos/store.js';
import { checkQuotas, recordRequest } from '../requests/submit.js';
import { PHOTO_TOO_LARGE_MESSAGE, UPLOAD_BODY_LIMIT, UPLOAD_FILE_LIMIT, UPLOAD_LIMIT_TEXT } from '../http/limits.js';
import { childSheetPdf } from './child-sheet.js';
import { changeForm, pendingChanges, shownField, typedChange, type FormError, type ShownField } from './change-form.js';
import { comingSoon } from './common.js';
import { formatPhone } from '../../shared/validation/phone.js';

type Child = FamilyPublication['children'][number];

const WEEKDAYS = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

/** Whether the browser's If-None-Match names this ETag (a list, or « * »). */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

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

/** The published value of a child field, written in the field's canonical form. */
function publishedValue(child: Child, f: ChangeField): string {
  switch (f.section) {
    case 'identity':
      // The regime is published by its label: read back to its key; a label the list does not know is kept as
      // published, so the office sees the family's old value rather than an empty one.
      if (f.name === 'regime') {
        const parsed = f.format.parse(child.regime);
        return parsed.ok ? parsed.value : child.regime;
      }
      return f.format.write(child.classe);
    case 'health':
      return f.format.write(child.health[f.name as keyof Child['health']]);
    case 'authorisations': {
      const label = AUTHORISATIONS[f.name as keyof typeof AUTHORISATIONS];
      const found = child.authorisations.find((a) => a.label === label);
      return found ? f.format.write(found.granted) : '';
    }
    default:
      return '';
  }
}

/** What a family may ask to change about a child: the child fields of the one list, with their published values. */
export function childFields(child: Child): ShownField[] {
  return CHANGE_FIELDS.filter((f) => f.entity === 'child').map((f) => shownField(f, publishedValue(child, f)));
}

function yesNo(value: boolean): string {
  return value ? 'Oui' : 'Non';
}

/**
 * « Tarifs appliqués »: each service's unit price for the family's bracket, the bracket and why, then the QF the
 * office used (its proof, or that none is valid and the highest bracket applies), and the inscribed services without
 * a tariff in force, so no service disappears silently.
 */
export function tariffsHtml(child: Child, quotient: FamilyPublication['quotient'], name: string): SafeHtml {
  const priced = new Set(child.tariffs.map((t) => t.serviceId).filter((id): id is number => id !== null));
  const unpriced = [...new Map(child.inscriptions.filter((i) => !priced.has(i.serviceId)).map((i) => [i.serviceId, i.serviceName])).values()];
  const table =
    child.tariffs.length === 0
      ? html`<p>Aucun tarif publié pour le moment.</p>`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Tarifs de ${name}"><table class="stack" role="table"><caption>Tarifs de ${name}</caption><thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Service</th><th scope="col" role="columnheader">Unité</th><th scope="col" class="num" role="columnheader">Prix unitaire</th><th scope="col" role="columnheader">Tranche appliquée</th></tr></thead>
<tbody role="rowgroup">${child.tariffs.map(
          (t) =>
            html`<tr role="row"><th scope="row" role="rowheader">${t.serviceName}</th><td role="cell" data-label="Unité">${t.unit}</td><td class="num" role="cell" data-label="Prix unitaire">${euros(t.unitPriceCents)}</td><td role="cell" data-label="Tranche appliquée">${t.bracket || 'Non précisée'}${t.why ? html`<br><span class="hint">${t.why}</span>` : ''}${t.validTo ? html`<br><span class="hint">Tarif valable jusqu’au ${shortDay(t.validTo)}.</span>` : ''}</td></tr>`,
        )}</tbody></table></div>`;
  return html`${table}
${child.tariffs.length > 0 && unpriced.length > 0 && priced.size > 0 ? html`<p>Pas de tarif en vigueur pour : ${unpriced.join(', ')}.</p>` : ''}
${quotient && child.tariffs.length > 0
  ? html`<p${quotient.flagged ? html` class="pending"` : ''}>Quotient familial retenu au ${shortDay(quotient.day)} : ${quotient.why}${quotient.flagged ? ' Transmettez votre attestation CAF ou votre avis d’imposition au service.' : ''}</p>`
  : ''}`;
}

/**
 * The child's photo, or why there is none: a photo the office sent but whose bytes have not reached the portal yet is
 * said so in words (the next synchronisation brings it), never left as a broken image.
 */
function photoHtml(child: Child, shown: PhotoShown, name: string): SafeHtml {
  switch (shown) {
    case 'image':
      return html`<img src="/mes-enfants/${child.id}/photo" alt="Photo de ${name}" width="120" height="150" class="photo">`;
    case 'in-transit':
      return html`<p class="no-photo">Photo en cours de transmission par le service : elle s’affichera après la prochaine synchronisation.</p>`;
    case 'unsupported':
      return html`<p class="no-photo">Le service a une photo de ${name}, dans un format que le portail n’affiche pas.</p>`;
    default:
      return html`<p class="no-photo">Pas de photo.</p>`;
  }
}

function childHtml(child: Child, quotient: FamilyPublication['quotient'], csrf: SafeHtml, photo: PhotoShown, photoPending: boolean, pending: Array<{ field: string; newValue: string }>, error: FormError | null): SafeHtml {
  const id = `enfant-${child.id}`;
  const fields = childFields(child);
  const name = `${child.prenom} ${child.nom}`;
  return html`<article class="card child" aria-labelledby="${id}">
<h2 id="${id}">${name}</h2>
<div class="child-head">
${photoHtml(child, photo, name)}
<dl>
<div><dt>Né${child.sexe === 'F' ? 'e' : ''} le</dt><dd>${longDay(child.dateNaissance)}</dd></div>
<div><dt>École</dt><dd>${child.ecole || 'Non renseignée'}</dd></div>
<div><dt>Classe</dt><dd>${child.classe || 'Non renseignée'}</dd></div>
<div><dt>Régime alimentaire</dt><dd>${child.regime || 'Standard'}</dd></div>
</dl>
</div>
<p><a href="/mes-enfants/${child.id}/fiche.pdf">Fiche de ${name} (PDF)</a></p>

<h3>Tarifs appliqués</h3>
${tariffsHtml(child, quotient, name)}

<h3>Inscriptions</h3>
${child.inscriptions.length === 0
  ? html`<p>Aucune inscription.</p>`
  : html`<ul>${child.inscriptions.map((i) => html`<li>${i.serviceName} du ${shortDay(i.startDate)} au ${shortDay(i.endDate)}${i.weekdays.length > 0 ? ` (${i.weekdays.map((d) => WEEKDAYS[d] ?? '').join(', ')})` : ''}</li>`)}</ul>`}

<h3>Personnes autorisées</h3>
${child.authorisedPersons.length === 0
  ? html`<p>Aucune personne autorisée.</p>`
  : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Personnes autorisées pour ${name}"><table class="stack" role="table"><caption>Personnes autorisées pour ${name}</caption><thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Nom</th><th scope="col" role="columnheader">Lien</th><th scope="col" role="columnheader">Téléphone</th><th scope="col" role="columnheader">Peut venir chercher</th><th scope="col" role="columnheader">À prévenir en urgence</th></tr></thead>
<tbody role="rowgroup">${child.authorisedPersons.map((p) => html`<tr role="row"><td role="cell" data-label="Nom">${p.prenom} ${p.nom}</td><td role="cell" data-label="Lien">${p.relation}</td><td role="cell" data-label="Téléphone">${formatPhone(p.tel1)}</td><td role="cell" data-label="Peut venir chercher">${yesNo(p.mayPickUp)}</td><td role="cell" data-label="À prévenir en urgence">${yesNo(p.emergency)}</td></tr>`)}</tbody></table></div>`}

${child.authorisations.length > 0 ? html`<h3>Autorisations</h3><ul>${child.authorisations.map((a) => html`<li>${a.label} : ${yesNo(a.granted)}</li>`)}</ul>` : ''}
${child.custom.length > 0 ? html`<h3>Informations complémentaires</h3><dl>${child.custom.map((c) => html`<div><dt>${c.label}</dt><dd>${c.value}</dd></div>`)}</dl>` : ''}

<h3>Santé</h3>
<dl>
<div><dt>Allergies</dt><dd>${child.health.allergies || 'Aucune signalée'}</dd></div>
<div><dt>PAI (projet d’accueil individualisé)</dt><dd>${child.health.pai ? `Oui${child.health.paiEnd ? `, jusqu’au ${shortDay(child.health.paiEnd)}` : ''}` : 'Non'}</dd></div>
<div><dt>Médecin</dt><dd>${child.health.medecinNom || 'Non renseigné'}${child.health.medecinTel ? ` – ${formatPhone(child.health.medecinTel)}` : ''}</dd></div>
<div><dt>Vaccinations</dt><dd>${child.health.vaccinations.length === 0 ? 'Non renseignées' : child.health.vaccinations.map((v) => `${v.vaccine} (${shortDay(v.date)})`).join(', ')}</dd></div>
</dl>

<h3>Modifier une information</h3>
<p>Régime alimentaire, classe, santé, autorisations : le service valide chaque modification.</p>
${pendingChanges(fields, pending)}
${changeForm({ id: `modification-${child.id}`, action: `/mes-enfants/${child.id}/modification`, fields, csrf, error })}

<h3>Nouvelle photo</h3>
${photoPending ? html`<p class="pending">🚧 Une nouvelle photo a été envoyée et attend la validation du service.</p>` : ''}
<form method="post" action="/mes-enfants/${child.id}/photo" enctype="multipart/form-data" class="form">
${csrf}
<div class="field"><label for="photo-${child.id}">Photo de ${name}</label>
<p class="hint" id="photo-${child.id}-hint">Format JPEG ou PNG, ${UPLOAD_LIMIT_TEXT}.</p>
<input id="photo-${child.id}" name="photo" type="file" accept="image/jpeg,image/png" required aria-describedby="photo-${child.id}-hint"></div>
<button type="submit">Envoyer la photo</button>
</form>
</article>`;
}

async function childrenPage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, error: FormError | null = null): Promise<FastifyReply> {
  const session = requireFamily(request);
  const publication = await loadPublication(ctx.db, session.familyId);
  const query = request.query as Record<string, string | undefined>;
  let body: SafeHtml;
  if (!publication) body = comingSoon();
  else if (publication.children.length === 0) body = html`<p>Aucun enfant n’est inscrit pour le moment.</p>`;
  else {
    const requests = await familyRequests(ctx.db, session.familyId, publication);
    const open = requests.filter((r) => r.status === 'sent' || r.status === 'pending');
    const pendingPhotos = new Set(open.filter((r) => r.kind === 'photo').flatMap((r) => (r.local?.photo ? [r.local.photo.childId] : [])));
    const changes = open.filter((r) => r.kind === 'data_change').flatMap((r) => r.local?.changes ?? []);
    const csrf = csrfField(request, reply, ctx.config);
    const photos = await photosShown(ctx.db, publication);
    body = html`${publication.children.map((child) =>
      childHtml(
        child,
        publication.quotient,
        csrf,
        photos.get(child.id) ?? 'none',
        pendingPhotos.has(child.id),
        changes.filter((c) => c.entity === 'child' && c.entityId === child.id),
        error?.formId === `modification-${child.id}` ? error : null,
      ),
    )}`;
  }
  const notice = error
    ? null
    : query.photo === 'envoyee'
      ? 'La photo a été envoyée au service pour validation.'
      : query.demande === 'envoyee' ? 'Votre demande de modification a été envoyée au service. Elle apparaîtra ici une fois validée.' : null;
  return sendPage(ctx, request, reply, {
    title: 'Mes enfants',
    current: '/mes-enfants',
    status: error ? 400 : 200,
    main: html`<h1>Mes enfants</h1>${alertBox(notice, 'success')}${alertBox(error ? `Demande non envoyée : ${error.message}` : null)}${body}`,
  });
}

export const registerChildrenPages: PortalModule = (app, ctx) => {
  app.get('/mes-enfants', (request, reply) => childrenPage(ctx, request, reply));

  /** A change of one child field, checked with the office's rule before anything is recorded (as on Mon compte). */
  app.post<{ Params: { childId: string } }>('/mes-enfants/:childId/modification', async (request, reply) => {
    const session = requireFamily(request);
    const { child } = await ownChild(ctx, session, request.params.childId);
    const key = formText(request.body, 'field');
    const typed = formText(request.body, 'value');
    const target = childFields(child).find((f) => f.key === key);
    if (!target) throw new HttpError(400, 'Cette information ne peut pas être modifiée ici.');
    const checked = typedChange(target, typed, 'child', child.id, parisDay(ctx.clock()));
    if (!checked.ok) return childrenPage(ctx, request, reply, { formId: `modification-${child.id}`, key, value: typed, message: checked.message });
    await recordRequest(ctx.db, session, ctx.clock(), { kind: 'data_change', changes: [checked.change] });
    return reply.redirect('/mes-enfants?demande=envoyee', 303);
  });

  app.get<{ Params: { childId: string } }>('/mes-enfants/:childId/photo', async (request, reply) => {
    const session = requireFamily(request);
    const { child } = await ownChild(ctx, session, request.params.childId);
    const photo = await childPhoto(ctx.db, session.familyId, child);
    if (!photo) throw notFound();
    // A child's photo is kept by no browser (no-store, like every answer of the portal): a family on a shared computer
    // (a library, the town hall's kiosk) leaves nothing behind. It is named by its hash all the same, so a client that
    // asks with the copy it holds gets a 304 of a few bytes.
    const etag = `"${photo.sha256}"`;
    reply.header('etag', etag).header('cache-control', 'private, no-store');
    if (ifNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type(photo.mime).send(photo.bytes);
  });

  app.get<{ Params: { childId: string } }>('/mes-enfants/:childId/fiche.pdf', async (request, reply) => {
    const session = requireFamily(request);
    const { child, publication } = await ownChild(ctx, session, request.params.childId);
    const pdf = await childSheetPdf(child, publication, ctx.clock(), await childPhoto(ctx.db, session.familyId, child));
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
      if (file.length > UPLOAD_FILE_LIMIT) throw new HttpError(413, PHOTO_TOO_LARGE_MESSAGE);
      if (!imageMime(file)) throw new HttpError(415, 'La photo doit être une image JPEG ou PNG.');
      await checkQuotas(ctx.db, session.familyId, ['photo'], ctx.clock());
      // Decoded and encoded again: only pixels reach the office (nothing around the image, no metadata).
      const photo = await checkedPhoto(file);
      if (!photo.ok) throw new HttpError(415, photo.message);
      const base64 = photo.bytes.toString('base64');
      await recordRequest(ctx.db, session, ctx.clock(), { kind: 'photo', photo: { childId: child.id, mime: photo.mime, base64 } }, false, photo.sourceSha256);
      return reply.redirect('/mes-enfants?photo=envoyee', 303);
    },
  );
};
