import type { FamilyPublication } from '../../shared/sync/contract.js';
import { html, type SafeHtml } from '../http/html.js';
import { instantFr, longDay } from '../http/format.js';
import { KIND_LABELS, STATUS_LABELS, type FamilyRequestView } from '../requests/list.js';

/** Shown on every family page until the office's first publication for the family. */
export function comingSoon(): SafeHtml {
  return html`<section class="empty" aria-labelledby="bientot"><h2 id="bientot">Vos données arrivent bientôt</h2>
<p>Le service n’a pas encore publié les informations de votre famille sur le portail. Elles apparaîtront ici après sa prochaine mise à jour, en général dans la journée.</p></section>`;
}

export function childName(publication: FamilyPublication | null, childId: number | null): string {
  const child = publication?.children.find((c) => c.id === childId);
  return child ? `${child.prenom} ${child.nom}` : '';
}

/**
 * A list of requests. On a phone each request is a card (table.stack in portal.css): its « État » is never cut off.
 * A refusal shows ⛔ with the reason of each refused day.
 */
export function requestTable(requests: FamilyRequestView[], caption: string): SafeHtml {
  if (requests.length === 0) return html`<p>Aucune demande pour le moment.</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${caption}"><table class="stack" role="table">
<caption>${caption}</caption>
<thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Envoyée le</th><th scope="col" role="columnheader">Demande</th><th scope="col" role="columnheader">Jours</th><th scope="col" role="columnheader">État</th></tr></thead>
<tbody role="rowgroup">${requests.map((r) => html`<tr role="row">
<td role="cell" data-label="Envoyée le">${instantFr(r.submittedAt)}</td>
<td role="cell" data-label="Demande"><a href="/demandes/${r.uid}">${KIND_LABELS[r.kind]}</a></td>
<td role="cell" data-label="Jours">${r.days.length === 0 ? '—' : r.days.length === 1 ? longDay(r.days[0]!) : `${r.days.length} jours`}</td>
<td role="cell" data-label="État">${r.status === 'refused' ? html`<span aria-hidden="true">⛔ </span>` : ''}${STATUS_LABELS[r.status]}${r.refusals.map((f) => html`<br><span class="refusal"><span aria-hidden="true">⛔ </span>Refus${f.day ? ` du ${longDay(f.day)}` : ''} : ${f.reason}</span>`)}</td>
</tr>`)}</tbody></table></div>`;
}
