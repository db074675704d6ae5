import type { FastifyReply, FastifyRequest } from 'fastify';
import { parisDay } from '../../shared/clock.js';
import { HOLDER_REQUIRED } from '../../shared/families/input.js';
import { CHANGE_FIELDS, changeField, fullLabel, type ChangeField } from '../../shared/requests/change-fields.js';
import type { FamilyPublication } from '../../shared/sync/contract.js';
import { requireFamily } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import { HttpError, notFound, type PortalContext, type PortalModule } from '../http/context.js';
import { csrfField } from '../http/csrf.js';
import { html, type SafeHtml } from '../http/html.js';
import { alertBox, formText, sendPage } from '../http/render.js';
import { familyRequests } from '../requests/list.js';
import { recordRequest } from '../requests/submit.js';
import { REQUEST_LIMITS } from '../../shared/requests/schema.js';
import { pendingChanges, shownField, typedChange, type FormError, type ShownField } from './change-form.js';
import { comingSoon } from './common.js';

interface AccountSection {
  id: string;
  title: string;
  fields: ShownField[];
}

type Account = FamilyPublication['account'];
type Responsable = Account['responsables'][number];

/** The published value of a family field, written in the field's canonical form. */
function publishedValue(a: Account, f: ChangeField): string {
  const write = (value: unknown) => f.format.write(value);
  switch (f.section) {
    case 'responsable1':
    case 'responsable2': {
      const r = a.responsables.find((one) => `responsable${one.rank}` === f.section);
      return r ? write(r[f.name as keyof Responsable]) : '';
    }
    case 'household':
      return f.name === 'resident' ? write(a.resident) : write(a.situation);
    case 'fiscal':
      return write(a.fiscal[f.name as keyof Account['fiscal']]);
    case 'caf':
      return write(a.caf[f.name as keyof Account['caf']]);
    case 'bank':
      return f.name === 'iban' ? a.bank.ibanMasked : write(a.bank[f.name as 'holder' | 'bic']);
    default:
      return '';
  }
}

const SECTIONS: Array<{ id: string; title: string; sections: ChangeField['section'][] }> = [
  { id: 'responsable-1', title: 'Responsable 1', sections: ['responsable1'] },
  { id: 'responsable-2', title: 'Responsable 2 (conjoint)', sections: ['responsable2'] },
  { id: 'situation', title: 'Situation familiale', sections: ['household'] },
  { id: 'fiscal', title: 'Données fiscales', sections: ['fiscal'] },
  { id: 'caf', title: 'CAF', sections: ['caf'] },
  { id: 'banque', title: 'Coordonnées bancaires', sections: ['bank'] },
];

/**
 * The sections of Mon compte: every family field of the one list a family may ask to change
 * (src/shared/requests/change-fields.ts), each with its published value; a responsable not on file has no section.
 */
export function accountSections(p: FamilyPublication): AccountSection[] {
  const ranks = new Set(p.account.responsables.map((r) => `responsable${r.rank}`));
  return SECTIONS.filter((s) => !s.id.startsWith('responsable') || ranks.has(s.sections[0]!)).map((s) => ({
    id: s.id,
    title: s.title,
    fields: CHANGE_FIELDS.filter((f) => f.entity === 'family' && s.sections.includes(f.section)).map((f) => shownField(f, publishedValue(p.account, f))),
  }));
}

/**
 * A section of Mon compte: its values, the changes waiting for the office, and one « Demander une modification »
 * link: the change is asked on a page of its own, one field at a time, with its current value and the format expected
 * (the page stays short on a phone instead of carrying a form per section).
 */
function sectionHtml(section: AccountSection, pending: Array<{ field: string; newValue: string }>, extra: SafeHtml | string = ''): SafeHtml {
  return html`<section aria-labelledby="${section.id}-titre" class="card">
<h2 id="${section.id}-titre">${section.title}</h2>
<dl>${section.fields.map((f) => html`<div><dt>${f.label}</dt><dd>${f.shown || 'Non renseigné'}</dd></div>`)}</dl>
${pendingChanges(section.fields, pending)}
${extra}
<p><a class="button-link" href="/mon-compte/modification?rubrique=${section.id}">Demander une modification<span class="sr-only"> : ${section.title}</span></a></p>
</section>`;
}

/** What to type in a field, in words: the format of dates, amounts, IBAN…; nothing for free text. */
function expectedFormat(f: ShownField): string {
  const format = changeField(f.key)!.format;
  if (format.kind === 'enum' || format.kind === 'boolean') return '';
  if (format.kind === 'text') return 'texte libre';
  return format.hint;
}

/** The value's input: a list for a fixed set of answers, otherwise a text field the phone's keyboard fits. */
function valueInput(sectionId: string, f: ShownField, error: FormError | null, described: string): SafeHtml {
  const format = changeField(f.key)!.format;
  const id = `${sectionId}-valeur`;
  const invalid = error ? html` aria-invalid="true"` : '';
  const describedBy = described ? html` aria-describedby="${described}"` : '';
  const options = format.kind === 'boolean' ? { true: 'Oui', false: 'Non' } : (format.options ?? null);
  if (options) {
    const chosen = error ? error.value : f.value;
    return html`<select id="${id}" name="value"${invalid}${describedBy}>${Object.entries(options).map(
      ([key, label]) => html`<option value="${key}"${key === chosen || label === chosen ? html` selected` : ''}>${label}</option>`,
    )}</select>`;
  }
  const type = format.kind === 'email' ? 'email' : format.kind === 'phone' ? 'tel' : 'text';
  const inputmode = ['euros', 'hundredths'].includes(format.kind) ? 'decimal' : ['integer', 'postcode', 'digits'].includes(format.kind) ? 'numeric' : '';
  return html`<input id="${id}" name="value" type="${type}"${inputmode ? html` inputmode="${inputmode}"` : ''} maxlength="${REQUEST_LIMITS.value}"${
    error ? html` value="${error.value}"` : ''
  }${invalid}${describedBy}>`;
}

/** « Demander une modification » of a section: its fields, each with its current value and the format expected. */
function sectionChoiceHtml(section: AccountSection): SafeHtml {
  return html`<h1>Modifier : ${section.title}</h1>
<p>Choisissez l’information à modifier. Le service valide chaque modification.</p>
<ul class="change-list">${section.fields.map((f) => {
    const format = expectedFormat(f);
    return html`<li><a href="/mon-compte/modification?champ=${f.key}">${f.label}</a><br>Valeur actuelle : ${f.shown || 'non renseignée'}${
      format ? html`<br><span class="hint">Format attendu : ${format}</span>` : ''
    }</li>`;
  })}</ul>
<p><a href="/mon-compte#${section.id}-titre">Retour à Mon compte</a></p>`;
}

/** The change of one field: its current value, the format expected, the new value; a refusal comes back here. */
function fieldFormHtml(section: AccountSection, f: ShownField, csrf: SafeHtml, error: FormError | null): SafeHtml {
  const format = expectedFormat(f);
  const id = section.id;
  const described = [format ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return html`<h1>Modifier : ${f.label}</h1>
${alertBox(error ? `Demande non envoyée : ${error.message}` : null)}
<p class="current">Valeur actuelle : <strong>${f.shown || 'non renseignée'}</strong></p>
<form method="post" action="/mon-compte/modification" class="form">
${csrf}
<input type="hidden" name="field" value="${f.key}">
<div class="field"><label for="${id}-valeur">Nouvelle valeur</label>
${format ? html`<p class="hint" id="${id}-aide">Format attendu : ${format}</p>` : ''}
${error ? html`<p class="error" id="${id}-erreur">${error.message}</p>` : ''}
${valueInput(id, f, error, described)}</div>
<button type="submit">Envoyer la demande</button>
</form>
<p><a href="/mon-compte/modification?rubrique=${section.id}">Modifier une autre information (${section.title})</a> · <a href="/mon-compte">Retour à Mon compte</a></p>`;
}

/** The change pages: a section's choice (?rubrique=) or a field's form (?champ=); anything else is a 404. */
async function changePage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, error: FormError | null = null, loaded?: FamilyPublication): Promise<FastifyReply> {
  const session = requireFamily(request);
  const publication = loaded ?? (await loadPublication(ctx.db, session.familyId));
  if (!publication) throw notFound();
  const query = request.query as Record<string, string | undefined>;
  const sections = accountSections(publication);
  const key = error?.key ?? query.champ;
  if (key !== undefined) {
    const section = sections.find((one) => one.fields.some((f) => f.key === key));
    const f = section?.fields.find((one) => one.key === key);
    if (!section || !f) throw notFound();
    return sendPage(ctx, request, reply, {
      title: `Modifier : ${f.label}`,
      current: '/mon-compte',
      status: error ? 400 : 200,
      main: fieldFormHtml(section, f, csrfField(request, reply, ctx.config), error),
    });
  }
  const section = sections.find((one) => one.id === query.rubrique);
  if (!section) throw notFound();
  return sendPage(ctx, request, reply, { title: `Modifier : ${section.title}`, current: '/mon-compte', main: sectionChoiceHtml(section) });
}

/** « Prénom Nom » of the responsable logged in: the holder of an account whose IBAN they give when none is on file. */
async function loggedInName(ctx: PortalContext, accountId: number, publication: FamilyPublication): Promise<string> {
  const account = await ctx.db.selectFrom('accounts').select('responsable_rank').where('id', '=', accountId).executeTakeFirst();
  const r = publication.account.responsables.find((one) => one.rank === account?.responsable_rank) ?? publication.account.responsables[0];
  return r ? `${r.prenom} ${r.nom}`.trim() : '';
}

async function accountPage(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const session = requireFamily(request);
  const publication = await loadPublication(ctx.db, session.familyId);
  const query = request.query as Record<string, string | undefined>;
  const notice = query.demande === 'envoyee'
      ? 'Votre demande de modification a été envoyée au service. Elle apparaîtra ici une fois validée.'
      : query['mot-de-passe'] === '1' ? 'Votre mot de passe a été changé.' : null;
  let body: SafeHtml;
  if (!publication) {
    body = comingSoon();
  } else {
    const requests = await familyRequests(ctx.db, session.familyId, publication);
    const open = requests.filter((r) => (r.status === 'sent' || r.status === 'pending') && r.kind === 'data_change');
    const changes = open.flatMap((r) => r.local?.changes ?? []);
    body = html`${accountSections(publication).map((section) =>
      sectionHtml(
        section,
        changes.filter((c) => c.entity === 'family'),
        section.id === 'banque'
          ? html`<p>Le prélèvement automatique se met en place au service, lors d’une permanence, avec un RIB (relevé d’identité bancaire) : le service vous fait signer le mandat de prélèvement.</p>`
          : '',
      ),
    )}`;
  }
  return sendPage(ctx, request, reply, {
    title: 'Mon compte',
    current: '/mon-compte',
    main: html`<h1>Mon compte</h1>${alertBox(notice, 'success')}
<p>Connecté avec ${session.email}. <a href="/mot-de-passe">Changer mon mot de passe</a></p>
<p class="hint">Vous vous connectez avec l’adresse e-mail de votre fiche : si le service accepte de la changer, connectez-vous ensuite avec la nouvelle adresse.</p>
${body}`,
  });
}

export const registerAccountPage: PortalModule = (app, ctx) => {
  app.get('/mon-compte', (request, reply) => accountPage(ctx, request, reply));
  app.get('/mon-compte/modification', (request, reply) => changePage(ctx, request, reply));

  /**
   * A change of one field: checked with the office's own rule for that field before anything is recorded, carried
   * in canonical form; a refused value comes back next to its field with the reason, and nothing is recorded.
   */
  app.post('/mon-compte/modification', async (request, reply) => {
    const session = requireFamily(request);
    const publication = await loadPublication(ctx.db, session.familyId);
    if (!publication) throw new HttpError(409, 'Vos données ne sont pas encore publiées : la modification n’est pas encore possible.');
    const key = formText(request.body, 'field');
    const typed = formText(request.body, 'value');
    const section = accountSections(publication).find((s) => s.fields.some((f) => f.key === key));
    const target = section?.fields.find((f) => f.key === key);
    if (!section || !target) throw new HttpError(400, 'Cette information ne peut pas être modifiée ici.');
    const checked = typedChange(target, typed, 'family', session.familyId, parisDay(ctx.clock()));
    if (!checked.ok) return changePage(ctx, request, reply, { formId: section.id, key, value: typed, message: checked.message }, publication);
    // The office keeps an IBAN only with its holder's name: emptying the name while an IBAN is on file would be a
    // request the office can only refuse, so it is refused here, next to the field.
    if (key === 'bank.holder' && checked.change.newValue === '' && publication.account.bank.ibanMasked !== '') {
      return changePage(ctx, request, reply, { formId: section.id, key, value: typed, message: `${target.label} : ${HOLDER_REQUIRED}` }, publication);
    }
    const changes = [checked.change];
    // An IBAN needs its holder: when none is on file, the responsable giving the IBAN is named, as a change of its own
    // the office sees and decides with it.
    if (key === 'bank.iban' && checked.change.newValue !== '' && publication.account.bank.holder.trim() === '') {
      const holder = changeField('bank.holder')!;
      changes.push({ entity: 'family', entityId: session.familyId, field: holder.key, label: fullLabel(holder), oldValue: '', newValue: await loggedInName(ctx, session.accountId, publication) });
    }
    await recordRequest(ctx.db, session, ctx.clock(), { kind: 'data_change', changes });
    return reply.redirect('/mon-compte?demande=envoyee', 303);
  });
};
