import type { FastifyReply, FastifyRequest } from 'fastify';
import { parisDay } from '../../shared/clock.js';
import { HOLDER_REQUIRED } from '../../shared/families/input.js';
import { CHANGE_FIELDS, changeField, fullLabel, type ChangeField } from '../../shared/requests/change-fields.js';
import type { FamilyPublication } from '../../shared/sync/contract.js';
import { requireFamily } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import { HttpError, type PortalContext, type PortalModule } from '../http/context.js';
import { csrfField } from '../http/csrf.js';
import { html, type SafeHtml } from '../http/html.js';
import { alertBox, formText, sendPage } from '../http/render.js';
import { familyRequests } from '../requests/list.js';
import { recordRequest } from '../requests/submit.js';
import { changeForm, pendingChanges, shownField, typedChange, type FormError, type ShownField } from './change-form.js';
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

function sectionHtml(
  section: AccountSection,
  pending: Array<{ field: string; newValue: string }>,
  csrf: SafeHtml,
  error: FormError | null,
  extra: SafeHtml | string = '',
): SafeHtml {
  return html`<section aria-labelledby="${section.id}-titre" class="card">
<h2 id="${section.id}-titre">${section.title}</h2>
<dl>${section.fields.map((f) => html`<div><dt>${f.label}</dt><dd>${f.shown || 'Non renseigné'}</dd></div>`)}</dl>
${pendingChanges(section.fields, pending)}
${extra}
${changeForm({ id: section.id, action: '/mon-compte/modification', fields: section.fields, csrf, error })}
</section>`;
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
  error: FormError | null = null,
  /** Already loaded by a refused change's handler: not read twice. */
  loaded?: FamilyPublication,
): Promise<FastifyReply> {
  const session = requireFamily(request);
  const publication = loaded ?? (await loadPublication(ctx.db, session.familyId));
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
        changes.filter((c) => c.entity === 'family'),
        csrf,
        error?.formId === section.id ? error : null,
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
<p class="hint">Vous vous connectez avec l’adresse e-mail de votre fiche : si le service accepte de la changer, connectez-vous ensuite avec la nouvelle adresse.</p>
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
    if (!section || !target) throw new HttpError(400, 'Cette information ne peut pas être modifiée ici.');
    const checked = typedChange(target, typed, 'family', session.familyId, parisDay(ctx.clock()));
    if (!checked.ok) return accountPage(ctx, request, reply, { formId: section.id, key, value: typed, message: checked.message }, publication);
    // The office keeps an IBAN only with its holder's name: emptying the name while an IBAN is on file would be a
    // request the office can only refuse, so it is refused here, next to the field.
    if (key === 'bank.holder' && checked.change.newValue === '' && publication.account.bank.ibanMasked !== '') {
      return accountPage(ctx, request, reply, { formId: section.id, key, value: typed, message: `${target.label} : ${HOLDER_REQUIRED}` }, publication);
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
