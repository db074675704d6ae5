import type { FastifyReply, FastifyRequest } from 'fastify';
import { isoWeekday } from '../../shared/calendar/days.js';
import { formatDayFr, parisTimeFr, weekdayNameFr } from '../../shared/calendar/format.js';
import { memoizeByString } from '../../shared/memo.js';
import { parisDay } from '../../shared/clock.js';
import { describeDeadline } from '../../shared/planning/deadlines.js';
import { ABSENCE_REASONS, ABSENCE_REASON_CODES } from '../../shared/planning/reasons.js';
import type { FamilyPublication, PortalRequest, PortalSettings } from '../../shared/sync/contract.js';
import { requireFamily, type FamilySession } from '../auth/sessions.js';
import { loadPlanningContent } from '../content.js';
import { HttpError, notFound, type PortalContext, type PortalModule } from '../http/context.js';
import { csrfField } from '../http/csrf.js';
import { flattened, html, type SafeHtml } from '../http/html.js';
import { CERTIFICATE_TOO_LARGE_MESSAGE, UPLOAD_BODY_LIMIT, UPLOAD_FILE_LIMIT, UPLOAD_LIMIT_TEXT } from '../http/limits.js';
import { alertBox, sendPage } from '../http/render.js';
import { checkQuotas, recordRequest } from '../requests/submit.js';
import { checkedCertificate } from '../uploads/files.js';
import { comingSoon } from '../pages/common.js';
import { nextDeadlineSentence } from '../pages/deadline.js';
import {
  ACTION_LABELS,
  ACTION_ORDER,
  CELL_SHORT_LABELS,
  REFUSED_LABELS,
  cellSentence,
  childGrid,
  findCell,
  gridRange,
  gridStillFor,
  unpublishedRequestsKept,
  type CellView,
  type GridRange,
  type PlanningAction,
  type PlanningContext,
  type ViewKind,
} from './model.js';
import { buildItems, readForm, type Built, type PlanningForm } from './submit.js';

type Query = Record<string, string | undefined>;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^\d{1,12}$/;

async function planningContext(ctx: PortalContext, session: FamilySession): Promise<{ pc: PlanningContext } | { publication: null }> {
  // One round trip for the versions and the requests' mark; the requests are read and parsed only when it moved.
  const { publication, settings, requestsMark } = await loadPlanningContent(ctx.db, session.familyId, ctx.log);
  if (!publication) return { publication: null };
  const now = ctx.clock();
  const local = await unpublishedRequestsKept(ctx.db, session.familyId, publication, requestsMark);
  return { pc: { publication, settings, now, today: parisDay(now), local } };
}

function viewOf(query: Query): ViewKind {
  return query.vue === 'mois' ? 'mois' : 'semaine';
}

function anchorOf(query: Query): string | null {
  return query.du && ISO_DAY.test(query.du) ? query.du : null;
}

// The ids are numbers, the view one of two words, the anchor an ISO day (checked by ISO_DAY or taken from the
// publication's days): none holds a character URLSearchParams would encode, so the links of every cell are written
// directly; the rare extras (a request's uid) still go through URLSearchParams.
function planningUrl(childId: number, view: ViewKind, anchor: string | null, extra?: Record<string, string>): string {
  const base = `/planning?enfant=${childId}&vue=${view}${anchor ? `&du=${anchor}` : ''}`;
  return extra ? `${base}&${new URLSearchParams(extra).toString()}` : base;
}

function cellUrl(cell: { childId: number; serviceId: number; day: string }, view: ViewKind, anchor: string | null): string {
  return `/planning/${cell.childId}/${cell.serviceId}/${cell.day}?vue=${view}${anchor ? `&du=${anchor}` : ''}`;
}

const SHORT_WEEKDAYS = ['', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.', 'dim.'];

/** 'mer. 2/12' (with the month) or 'mer. 2': a day as the grid writes it where room is short. */
function shortDay(day: string, withMonth = true): string {
  return `${SHORT_WEEKDAYS[isoWeekday(day)]} ${Number(day.slice(8, 10))}${withMonth ? `/${day.slice(5, 7)}` : ''}`;
}

// 'mer. 2/12 12h00': the grid's visible hint (the full sentence is for screen readers), from the deadline's Paris day
// and time (a deadline at midnight on the 1st is still the previous month in UTC). Kept by instant: a week's cells
// share one or two deadlines.
export const shortDeadline = memoizeByString((iso: string): string => {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  return `${shortDay(parisDay(instant))} ${parisTimeFr(instant)}`;
});

/** The refusal a family must read on the cell itself, not only in a tooltip: the office's reason, or that it gave none. */
function refusalText(cell: CellView): string | null {
  if (cell.state === 'refused') return `Refusé${cell.refusalReason ? ` : ${cell.refusalReason}` : ''}`;
  if (cell.lastRefusal !== undefined && cell.lastRefusalKind) return `${REFUSED_LABELS[cell.lastRefusalKind]}${cell.lastRefusal ? ` : ${cell.lastRefusal}` : ''}`;
  return null;
}

function cellHtml(cell: CellView, range: GridRange, serviceName: string): SafeHtml {
  const sentence = cellSentence(cell, serviceName);
  const classes = `cell cell-${cell.state}${cell.offers.length === 0 ? ' cell-locked' : ''}${cell.late ? ' cell-late' : ''}`;
  const refusal = refusalText(cell);
  // What a sighted family reads (symbol and words, the refusal and its reason); the sentence is what a screen reader
  // hears, once. A refused state already says « Refusé » as its own words.
  const visible = html`<span class="cell-visible" aria-hidden="true"><span class="cell-state-line"><span class="cell-symbol">${cell.symbol || '○'}</span> <span class="cell-text">${
    cell.state === 'refused' ? '' : CELL_SHORT_LABELS[cell.state]
  }${cell.late ? ', hors délai' : ''}</span></span>${
    refusal ? html`<span class="cell-refusal"><span class="cell-symbol">${cell.state === 'refused' ? '' : '⛔ '}</span>${refusal}</span>` : ''
  }${range.view === 'semaine' && cell.changeableUntil ? html`<span class="cell-until">jusqu’au ${shortDeadline(cell.changeableUntil)}</span>` : ''}${
    // Why a day is closed was a tooltip only: in the week view it is written (a phone has no hover).
    range.view === 'semaine' && cell.state === 'closed' && cell.closedWhy ? html`<span class="cell-until">${cell.closedWhy}</span>` : ''
  }</span><span class="sr-only">${sentence}</span>`;
  if (cell.state === 'closed') return html`<td class="${classes}">${visible}</td>`;
  return html`<td class="${classes}"><a class="cell-link" href="${cellUrl(cell, range.view, range.from)}">${visible}</a></td>`;
}

function dayHeader(day: string, view: ViewKind): SafeHtml {
  const label = formatDayFr(day);
  const short = shortDay(day, view === 'semaine');
  return html`<th scope="row" class="sticky"><span aria-hidden="true">${short}</span><span class="sr-only">${label}</span></th>`;
}

/**
 * One row per day and one column per service: a week fits a 360 px phone without scrolling sideways (a child has a
 * few services, a week has up to seven days), and a month reads downwards. The scroll box stays for a child with
 * many services, and holds everything it contains (the screen-reader text too: see .table-wrap in portal.css).
 */
export function gridHtml(pc: PlanningContext, child: FamilyPublication['children'][number], range: GridRange): SafeHtml {
  const { days, rows } = childGrid(pc, child.id, range);
  const name = `${child.prenom} ${child.nom}`;
  if (rows.length === 0) return html`<p>${name} n’est inscrit(e) à aucun service sur cette période.</p>`;
  if (days.length === 0) return html`<p>Aucun jour publié sur cette période.</p>`;
  const caption = `Planning de ${name}, ${range.title.toLowerCase()}`;
  const byDay = (day: string) => rows.map((row) => ({ row, cell: row.cells.find((c) => c.day === day) }));
  return html`<div class="table-wrap planning-wrap" tabindex="0" role="region" aria-label="${caption}"><table class="planning-grid planning-${range.view}">
<caption class="sr-only">${caption}</caption>
<thead><tr><th scope="col" class="sticky">Jour</th>${rows.map((row) => html`<th scope="col">${row.service.name}</th>`)}</tr></thead>
<tbody>${days.map(
    (day) =>
      html`<tr>${dayHeader(day, range.view)}${byDay(day).map(({ row, cell }) =>
        cell ? cellHtml(cell, range, row.service.name) : html`<td class="cell cell-closed"><span aria-hidden="true">–</span><span class="sr-only">${row.service.name} : pas de jour publié.</span></td>`,
      )}</tr>`,
  )}</tbody></table></div>`;
}

// The same for every page: written once.
const LEGEND_HTML = flattened(legendHtml());

/**
 * Rendered grids kept with the publication they show (the frozen object content.ts keeps per version), by child, range
 * and Paris day, with the settings and the family's local requests they were judged with (the same objects while
 * nothing changed: content.ts, model.ts unpublishedRequestsKept) and the span of instants in which no cell can change
 * (model.ts gridStillFor). Every family views its week again and again between two publications, and the grid was
 * most of a week page's own work: judging each cell's three changes, its sentences, its markup. A few ranges per
 * publication are kept; a test holds a kept grid to a fresh one at every deadline and beside it.
 */
const GRIDS_PER_PUBLICATION = 8;
interface KeptGrid {
  settings: PortalSettings;
  local: PlanningContext['local'];
  from: number;
  until: number;
  html: SafeHtml;
}
const keptGrids = new WeakMap<FamilyPublication, Map<string, KeptGrid>>();

export function planningGridHtml(pc: PlanningContext, child: FamilyPublication['children'][number], range: GridRange): SafeHtml {
  // Only what cannot change under the key: the publication and settings content.ts keeps (frozen).
  if (!Object.isFrozen(pc.publication) || !Object.isFrozen(pc.settings)) return gridHtml(pc, child, range);
  const key = `${child.id}|${range.view}|${range.from}|${range.to}|${pc.today}`;
  const now = pc.now.getTime();
  let kept = keptGrids.get(pc.publication);
  const known = kept?.get(key);
  if (known && known.settings === pc.settings && known.local === pc.local && known.from <= now && now < known.until) return known.html;
  const fresh = flattened(gridHtml(pc, child, range));
  let still: { from: number; until: number };
  try {
    still = gridStillFor(pc, child.id, range);
  } catch {
    return fresh; // a rule that does not compute: nothing kept (the cells that need it said so)
  }
  if (!kept) keptGrids.set(pc.publication, (kept = new Map()));
  if (kept.size >= GRIDS_PER_PUBLICATION && !kept.has(key)) kept.clear();
  kept.set(key, { settings: pc.settings, local: pc.local, ...still, html: fresh });
  return fresh;
}

function legendHtml(): SafeHtml {
  const entries: Array<[string, string]> = [
    ['○', 'Ouvert, non réservé'],
    ['✔', 'Réservé'],
    ['🚧', 'Demande en attente de validation (« en attente »)'],
    ['✖', 'Annulé'],
    ['A', 'Absent (motif connu)'],
    ['⛔', 'Demande refusée, avec le motif du service'],
    ['P', 'Présent'],
    ['!', 'Absent sans prévenir'],
    ['·', 'Fermé'],
  ];
  return html`<details class="legend"><summary>Légende</summary><ul>${entries.map(([s, l]) => html`<li><span aria-hidden="true" class="cell-symbol">${s}</span> ${l}</li>`)}</ul></details>`;
}

function confirmation(pc: PlanningContext, uid: string | undefined, ignored: string | undefined): SafeHtml {
  if (!uid) return html``;
  const found = pc.local.find((l) => l.request.uid === uid);
  if (!found) return html``;
  const n = found.request.items.length;
  const left = ignored && /^\d{1,4}$/.test(ignored) ? Number(ignored) : 0;
  const text = `Votre demande a été envoyée au service (${n} jour${n > 1 ? 's' : ''}). Les jours concernés sont marqués 🚧 « en attente » jusqu’à sa réponse.${
    left > 0 ? ` ${left} jour${left > 1 ? 's' : ''} non compris : service fermé, jour déjà demandé ou action impossible ce jour-là.` : ''
  }${found.late ? ' Elle est arrivée hors délai : le service décidera s’il peut l’accepter.' : ''}`;
  return alertBox(text, 'success');
}

async function planningPage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const session = requireFamily(request);
  const query = request.query as Query;
  const loaded = await planningContext(ctx, session);
  if (!('pc' in loaded)) {
    return sendPage(ctx, request, reply, { title: 'Planning', current: '/planning', main: html`<h1>Planning</h1>${comingSoon()}` });
  }
  const { pc } = loaded;
  const children = pc.publication.children;
  if (children.length === 0) {
    return sendPage(ctx, request, reply, { title: 'Planning', current: '/planning', main: html`<h1>Planning</h1><p>Aucun enfant n’est inscrit pour le moment.</p>` });
  }
  let child = children[0]!;
  if (query.enfant !== undefined) {
    const chosen = ID.test(query.enfant) ? children.find((c) => c.id === Number(query.enfant)) : undefined;
    if (!chosen) throw notFound();
    child = chosen;
  }
  const view = viewOf(query);
  const range = gridRange(view, anchorOf(query), pc.today, pc.publication.planning);
  const deadline = nextDeadlineSentence(pc.settings, pc.now);
  const name = `${child.prenom} ${child.nom}`;
  const nav = (label: string, target: string | null, rel: string) =>
    target ? html`<a href="${planningUrl(child.id, view, target)}" rel="${rel}">${label}</a>` : html`<span class="disabled">${label}</span>`;
  return sendPage(ctx, request, reply, {
    title: `Planning de ${name}`,
    current: '/planning',
    settings: pc.settings,
    main: html`<h1>Planning</h1>
${confirmation(pc, query.demande, query.ignores)}
${deadline ? html`<p class="deadline"><strong>${deadline}</strong>.</p>` : ''}
${children.length > 1
  ? html`<nav aria-label="Enfants" class="tabs"><ul>${children.map(
      (c) => html`<li><a href="${planningUrl(c.id, view, range.from)}"${c.id === child.id ? html` aria-current="page"` : ''}>${c.prenom}</a></li>`,
    )}</ul></nav>`
  : ''}
<h2>${name} – ${range.title}</h2>
<nav aria-label="Période" class="period-nav"><ul>
<li>${nav(view === 'semaine' ? '← Semaine précédente' : '← Mois précédent', range.previous, 'prev')}</li>
<li><a href="${planningUrl(child.id, view === 'semaine' ? 'mois' : 'semaine', range.from)}">${view === 'semaine' ? 'Voir le mois' : 'Voir par semaine'}</a></li>
<li>${nav(view === 'semaine' ? 'Semaine suivante →' : 'Mois suivant →', range.next, 'next')}</li>
</ul></nav>
<p class="hint">Choisissez un jour pour réserver, annuler ou déclarer une absence.</p>
${planningGridHtml(pc, child, range)}
${LEGEND_HTML}`,
  });
}

function ownCell(pc: PlanningContext, params: { childId: string; serviceId: string; day: string }) {
  if (!ID.test(params.childId) || !ID.test(params.serviceId) || !ISO_DAY.test(params.day)) throw notFound();
  const child = pc.publication.children.find((c) => c.id === Number(params.childId));
  if (!child) throw notFound();
  const found = findCell(pc, child.id, Number(params.serviceId), params.day);
  if (!found) throw notFound();
  return { child, ...found };
}

function siblingsWithService(pc: PlanningContext, childId: number, serviceId: number) {
  return pc.publication.children.filter(
    (c) => c.id !== childId && pc.publication.planning.children.some((p) => p.childId === c.id && p.rows.some((r) => r.serviceId === serviceId)),
  );
}

function actionForm(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PortalContext,
  pc: PlanningContext,
  cell: CellView,
  action: PlanningAction,
  onTime: boolean,
  deadline: string,
  postUrl: string,
): SafeHtml {
  const id = `action-${action}`;
  const weekday = weekdayNameFr(isoWeekday(cell.day));
  const siblings = siblingsWithService(pc, cell.childId, cell.serviceId);
  return html`<section class="card action" aria-labelledby="${id}">
<h2 id="${id}">${ACTION_LABELS[action]}</h2>
<p>${onTime ? `Possible jusqu’au ${describeDeadline(deadline)}.` : `Délai dépassé depuis le ${describeDeadline(deadline)} : la demande sera envoyée hors délai et le service décidera.`}</p>
<form method="post" action="${postUrl}" class="form">
${csrfField(request, reply, ctx.config)}
<input type="hidden" name="action" value="${action}">
${action === 'absence'
  ? html`<div class="field"><label for="${id}-motif">Motif de l’absence</label>
<select id="${id}-motif" name="motif" required><option value="">Choisissez un motif</option>${ABSENCE_REASON_CODES.map((code) => html`<option value="${code}">${ABSENCE_REASONS[code]}</option>`)}</select></div>
<div class="field"><label for="${id}-commentaire">Commentaire (facultatif)</label>
<textarea id="${id}-commentaire" name="commentaire" rows="3" maxlength="2000"></textarea></div>`
  : ''}
<fieldset><legend>Plusieurs jours (facultatif)</legend>
<label for="${id}-jusqu">Tous les ${weekday}s jusqu’au</label>
<p class="hint" id="${id}-jusqu-hint">Laissez vide pour le seul ${formatDayFr(cell.day)}. Au plus tard le ${formatDayFr(pc.publication.planning.to)}.</p>
<input id="${id}-jusqu" name="jusqu_au" type="date" min="${cell.day}" max="${pc.publication.planning.to}" aria-describedby="${id}-jusqu-hint">
</fieldset>
${siblings.length > 0
  ? html`<fieldset><legend>Aussi pour (facultatif)</legend>${siblings.map(
      (s) => html`<div class="check"><input type="checkbox" id="${id}-frere-${s.id}" name="freres" value="${s.id}"><label for="${id}-frere-${s.id}">${s.prenom} ${s.nom}</label></div>`,
    )}</fieldset>`
  : ''}
${action === 'absence'
  ? html`<p class="hint">Étape 1 sur 2 : vous vérifierez la demande et pourrez joindre un justificatif avant de la confirmer.</p><button type="submit">Continuer</button>`
  : html`<button type="submit">${ACTION_LABELS[action]}</button>`}
</form>
</section>`;
}

/** The days of a request grouped by child, in words: Léo, « lundi 7 décembre 2026, lundi 14 décembre 2026 ». */
function itemsText(pc: PlanningContext, items: PortalRequest['items']): Array<{ child: string; days: string }> {
  const byChild = new Map<number, string[]>();
  for (const item of items) byChild.set(item.childId, [...(byChild.get(item.childId) ?? []), formatDayFr(item.day)]);
  return [...byChild].map(([childId, days]) => {
    const child = pc.publication.children.find((c) => c.id === childId);
    return { child: child ? `${child.prenom} ${child.nom}` : '', days: days.join(', ') };
  });
}

/**
 * The absence's second step (works without JavaScript): what will be sent, in words, and « Confirmer l’absence ».
 * The first step's answers travel in hidden fields; the justificatif is chosen here, since a file cannot be carried.
 */
async function confirmAbsencePage(
  ctx: PortalContext,
  request: FastifyRequest<{ Params: { childId: string; serviceId: string; day: string } }>,
  reply: FastifyReply,
  pc: PlanningContext,
  form: PlanningForm,
  built: Extract<Built, { ok: true }>,
  error: string | null = null,
  status = 200,
): Promise<FastifyReply> {
  const { child, cell, service } = ownCell(pc, request.params);
  const query = request.query as Query;
  const view = viewOf(query);
  const anchor = anchorOf(query) ?? cell.day;
  const postUrl = cellUrl(cell, view, anchor);
  const days = itemsText(pc, built.items);
  const n = built.items.length;
  return sendPage(ctx, request, reply, {
    title: `Confirmer l’absence – ${child.prenom}`,
    current: '/planning',
    status,
    main: html`<h1>Confirmer l’absence</h1>
${alertBox(error)}
<p class="hint">Étape 2 sur 2 : la demande n’est pas encore envoyée.</p>
<section class="card" aria-labelledby="resume"><h2 id="resume">${service.name} : ${n} jour${n > 1 ? 's' : ''}</h2>
<dl>
<div><dt>Motif</dt><dd>${form.reason ? ABSENCE_REASONS[form.reason] : ''}</dd></div>
<div><dt>Jour${n > 1 ? 's' : ''}</dt><dd>${days.length === 1 ? days[0]!.days : html`<ul>${days.map((d) => html`<li>${d.child} : ${d.days}</li>`)}</ul>`}</dd></div>
${form.comment ? html`<div><dt>Commentaire</dt><dd>${form.comment}</dd></div>` : ''}
</dl>
${built.skipped.length > 0 ? html`<p>Non compris (service fermé, jour déjà demandé ou action impossible) : ${built.skipped.join(', ')}.</p>` : ''}
${built.late ? html`<p class="deadline">Le délai est dépassé : la demande sera envoyée hors délai et le service décidera.</p>` : ''}
</section>
<form method="post" action="${postUrl}" enctype="multipart/form-data" class="form">
${csrfField(request, reply, ctx.config)}
<input type="hidden" name="action" value="absence">
<input type="hidden" name="confirmer" value="1">
<input type="hidden" name="motif" value="${form.reason ?? ''}">
<input type="hidden" name="commentaire" value="${form.comment}">
<input type="hidden" name="jusqu_au" value="${form.until ?? ''}">
<input type="hidden" name="freres" value="${form.siblings.join(' ')}">
<div class="field"><label for="certificat">Justificatif (facultatif)</label>
<p class="hint" id="certificat-hint">PDF, JPEG ou PNG, ${UPLOAD_LIMIT_TEXT}.</p>
<input id="certificat" name="certificat" type="file" accept="application/pdf,image/jpeg,image/png" aria-describedby="certificat-hint"></div>
<button type="submit">Confirmer l’absence</button>
</form>
<p><a href="${postUrl}">Modifier la demande</a> · <a href="${planningUrl(child.id, view, anchor)}">Retour au planning sans rien envoyer</a></p>`,
  });
}

async function cellPage(
  ctx: PortalContext,
  request: FastifyRequest<{ Params: { childId: string; serviceId: string; day: string } }>,
  reply: FastifyReply,
  error: string | null = null,
  status = 200,
): Promise<FastifyReply> {
  const session = requireFamily(request);
  const loaded = await planningContext(ctx, session);
  if (!('pc' in loaded)) throw notFound();
  const { pc } = loaded;
  const { child, cell, service } = ownCell(pc, request.params);
  const query = request.query as Query;
  const view = viewOf(query);
  const anchor = anchorOf(query) ?? cell.day;
  const back = planningUrl(child.id, view, anchor);
  const postUrl = cellUrl(cell, view, anchor);
  const title = `${service.name}, ${formatDayFr(cell.day)}`;
  const sentence = cellSentence(cell, service.name);
  // The sentence already gives most locks' reason; say it once.
  const why = cell.lockedWhy && !sentence.includes(cell.lockedWhy.replace(/\.$/, '')) ? cell.lockedWhy : '';
  return sendPage(ctx, request, reply, {
    title: `${child.prenom} – ${title}`,
    current: '/planning',
    settings: pc.settings,
    status,
    main: html`<h1>${child.prenom} ${child.nom} : ${title}</h1>
${alertBox(error)}
<p class="cell-state"><span aria-hidden="true">${cell.symbol} </span>${sentence}</p>
${cell.offers.length === 0
  ? html`<p class="locked"><strong>Aucune modification possible.</strong> ${why}</p>`
  : [...cell.offers].sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action)).map((offer) => actionForm(request, reply, ctx, pc, cell, offer.action, offer.onTime, offer.deadline, postUrl))}
<p><a href="${back}">Retour au planning</a></p>`,
  });
}

const EXTENSIONS = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' } as const;

export const registerPlanningPages: PortalModule = (app, ctx) => {
  app.get('/planning', (request, reply) => planningPage(ctx, request, reply));

  app.get<{ Params: { childId: string; serviceId: string; day: string } }>('/planning/:childId/:serviceId/:day', (request, reply) =>
    cellPage(ctx, request, reply),
  );

  app.post<{ Params: { childId: string; serviceId: string; day: string } }>(
    '/planning/:childId/:serviceId/:day',
    { bodyLimit: UPLOAD_BODY_LIMIT, config: { upload: true } },
    async (request, reply) => {
      const session = requireFamily(request);
      const loaded = await planningContext(ctx, session);
      if (!('pc' in loaded)) throw notFound();
      const { pc } = loaded;
      const { child, cell } = ownCell(pc, request.params);
      const body = (request.body ?? null) as Record<string, unknown> | null;
      const read = readForm(body, { childId: child.id, serviceId: cell.serviceId, day: cell.day });
      if ('message' in read) return cellPage(ctx, request, reply, read.message, 422);
      const built = buildItems(pc, read.form);
      if (!built.ok) return cellPage(ctx, request, reply, built.message, 422);

      // An absence is sent only from its confirmation page (motif → confirmer); its first step shows that page.
      const confirmed = body?.confirmer === '1' || (Array.isArray(body?.confirmer) && body.confirmer[0] === '1');
      if (read.form.action === 'absence' && !confirmed) return confirmAbsencePage(ctx, request, reply, pc, read.form, built);

      let certificate = null;
      let sourceSha256: string | undefined;
      const file = body?.certificat;
      if (read.form.action === 'absence' && Buffer.isBuffer(file) && file.length > 0) {
        if (file.length > UPLOAD_FILE_LIMIT) throw new HttpError(413, CERTIFICATE_TOO_LARGE_MESSAGE);
        await checkQuotas(ctx.db, session.familyId, ['certificate'], pc.now);
        // A PDF read and free of active content, or an image re-encoded: nothing else reaches the office.
        const checked = await checkedCertificate(file);
        if (!checked.ok) return confirmAbsencePage(ctx, request, reply, pc, read.form, built, checked.message, 422);
        certificate = { fileName: `justificatif.${EXTENSIONS[checked.mime]}`, mime: checked.mime, base64: checked.bytes.toString('base64') };
        sourceSha256 = checked.sourceSha256;
      }
      const recorded = await recordRequest(
        ctx.db,
        session,
        pc.now,
        { kind: read.form.action, items: built.items, reason: read.form.reason, comment: read.form.comment, certificate },
        built.late,
        sourceSha256,
      );
      const query = request.query as Query;
      const extra = { demande: recorded.uid, ...(built.skipped.length > 0 ? { ignores: String(built.skipped.length) } : {}) };
      return reply.redirect(planningUrl(child.id, viewOf(query), anchorOf(query) ?? cell.day, extra), 303);
    },
  );
};
