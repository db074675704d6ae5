import type { FastifyReply, FastifyRequest } from 'fastify';
import { parisDay } from '../../shared/clock.js';
import {
  CHANGE_FIELDS,
  changeField,
  displayChangeValue,
  fullLabel,
  parseChangeValue,
  type ChangeField,
  type ChangeFieldKey,
} from '../../shared/requests/change-fields.js';
import { REQUEST_LIMITS } from '../../shared/requests/schema.js';
import type { FamilyPublication } from '../../shared/sync/contract.js';
import { requireFamily } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import { HttpError, type PortalContext, type PortalModule } from '../http/context.js';
import { csrfField } from '../http/csrf.js';
import { html, type SafeHtml } from '../http/html.js';
import { alertBox, formText, sendPage } from '../http/render.js';
import { familyRequests } from '../requests/list.js';
import { recordRequest } from '../requests/submit.js';
import { comingSoon } from './common.js';

interface AccountField {
  key: ChangeFieldKey;
  label: string;
  /** The published value in canonical form (the old value of a change request); a masked IBAN as published. */
  value: string;
  /** As shown: « 32 450,50 € », 31/12/2027, Oui. */
  shown: string;
}
interface AccountSection {
  id: string;
  title: string;
  fields: AccountField[];
}

/** A change the family typed that was refused: shown again next to its field with the French reason. */
interface FormError {
  sectionId: string;
  key: string;
  value: string;
  message: string;
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
    fields: CHANGE_FIELDS.filter((f) => f.entity === 'family' && s.sections.includes(f.section)).map((f) => {
      const value = publishedValue(p.account, f);
      return { key: f.key, label: f.label, value, shown: f.format.display(value) };
    }),
  }));
}

/** What to type for the fields that have a form of their own (dates, amounts, IBAN …). */
function sectionHint(section: AccountSection): string {
  return section.fields
    .map((f) => changeField(f.key)!)
    .filter((f) => f.format.hint !== '' && f.format.kind !== 'phone' && f.format.kind !== 'email')
    .map((f) => `${f.label} : ${f.format.hint}`)
    .join(' · ');
}

function sectionHtml(
  section: AccountSection,
  pending: Array<{ field: string; newValue: string }>,
  csrf: SafeHtml,
  error: FormError | null,
  extra: SafeHtml | string = '',
): SafeHtml {
  const hint = sectionHint(section);
  const id = section.id;
  const described = [hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  const labelOf = (key: string) => section.fields.find((f) => f.key === key)?.label ?? key;
  return html`<section aria-labelledby="${id}-titre" class="card">
<h2 id="${id}-titre">${section.title}</h2>
<dl>${section.fields.map((f) => html`<div><dt>${f.label}</dt><dd>${f.shown || 'Non renseigné'}</dd></div>`)}</dl>
${pending.length > 0 ? html`<ul class="pending">${pending.map((c) => html`<li>🚧 Modification demandée : ${labelOf(c.field)} → « ${displayChangeValue(c.field, c.newValue)} »</li>`)}</ul>` : ''}
${extra}
<details${error ? html` open` : ''}><summary>Demander une modification</summary>
<form method="post" action="/mon-compte/modification" class="form">
${csrf}
<input type="hidden" name="section" value="${id}">
<div class="field"><label for="${id}-champ">Information à modifier</label>
<select id="${id}-champ" name="field">${section.fields.map((f) => html`<option value="${f.key}"${error?.key === f.key ? html` selected` : ''}>${f.label}</option>`)}</select></div>
<div class="field"><label for="${id}-valeur">Nouvelle valeur</label>
${hint ? html`<p class="hint" id="${id}-aide">${hint}</p>` : ''}
${error ? html`<p class="error" id="${id}-erreur">${error.message}</p>` : ''}
<input id="${id}-valeur" name="value" type="text" maxlength="${REQUEST_LIMITS.value}"${error ? html` value="${error.value}" aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}></div>
<button type="submit">Envoyer la demande</button>
</form></details>
</section>`;
}

/** « Prénom Nom » of the responsable logged in: the holder of an account whose IBAN they give when none is on file. */
async function loggedInName(ctx: PortalContext, accountId: number, publication: FamilyPublication): Promise<string> {
  const account = await ctx.db.selectFrom('accounts').select('responsable_rank').where('id', '=', accountId).executeTakeFirst();
  const r = publication.account.responsables.find((one) => one.rank === account?.responsable_rank) ?? publication.account.responsables[0];
  return r ? `${r.prenom} ${r.nom}`.trim() : '';
}

async function accountPage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, error: FormError | null = null): Promise<FastifyReply> {
  const session = requireFamily(request);
  const publication = await loadPublication(ctx.db, session.familyId);
  const query = request.query as Record<string, string | undefined>;
  const notice = error
    ? null
    : query.demande === 'envoyee'
      ? 'Votre demande de modification a été envoyée au service. Elle apparaîtra ici une fois validée.'
      : query['mot-de-passe'] === '1' ? 'Votre mot de passe a été changé.' : null;
  let body: SafeHtml;
  if (!publication) {
    body = comingSoon();
  } else {
    const requests = await familyRequests(ctx.db, session.familyId, publication);
    const open = requests.filter((r) => (r.status === 'sent' || r.status === 'pending') && r.kind === 'data_change');
    const changes = open.flatMap((r) => r.local?.changes ?? []);
    const csrf = csrfField(request, reply, ctx.config);
    body = html`${accountSections(publication).map((section) =>
      sectionHtml(
        section,
        changes.filter((c) => c.entity === 'family' && section.fields.some((f) => f.key === c.field)),
        csrf,
        error?.sectionId === section.id ? error : null,
        section.id === 'banque'
          ? html`<p>Le prélèvement automatique se met en place au service, lors d’une permanence, avec un RIB (relevé d’identité bancaire) : le service vous fait signer le mandat de prélèvement.</p>`
          : '',
      ),
    )}`;
  }
  return sendPage(ctx, request, reply, {
    title: 'Mon compte',
    current: '/mon-compte',
    status: error ? 400 : 200,
    main: html`<h1>Mon compte</h1>${alertBox(notice, 'success')}${alertBox(error ? `Demande non envoyée : ${error.message}` : null)}
<p>Connecté avec ${session.email}. <a href="/mot-de-passe">Changer mon mot de passe</a></p>
${body}`,
  });
}

export const registerAccountPage: PortalModule = (app, ctx) => {
  app.get('/mon-compte', (request, reply) => accountPage(ctx, request, reply));

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
    const field = changeField(key);
    if (!section || !target || !field) throw new HttpError(400, 'Cette information ne peut pas être modifiée ici.');
    const refuse = (message: string) => accountPage(ctx, request, reply, { sectionId: section.id, key, value: typed, message });

    const parsed = parseChangeValue(key, typed, parisDay(ctx.clock()));
    if (!parsed.ok) return refuse(`${field.label} : ${parsed.error}`);
    if (parsed.value === target.value) return refuse(`${field.label} : c’est déjà la valeur enregistrée.`);
    const change = (f: ChangeField, oldValue: string, newValue: string) => ({
      entity: 'family' as const,
      entityId: session.familyId,
      field: f.key,
      label: fullLabel(f),
      oldValue,
      newValue,
    });
    const changes = [change(field, target.value, parsed.value)];
    // An IBAN needs its holder: when none is on file, the responsable giving the IBAN is named, as a change of its own
    // the office sees and decides with it.
    const holder = changeField('bank.holder')!;
    if (key === 'bank.iban' && parsed.value !== '' && publication.account.bank.holder.trim() === '') {
      changes.push(change(holder, '', await loggedInName(ctx, session.accountId, publication)));
    }
    await recordRequest(ctx.db, session, ctx.clock(), { kind: 'data_change', changes });
    return reply.redirect('/mon-compte?demande=envoyee', 303);
  });
};
