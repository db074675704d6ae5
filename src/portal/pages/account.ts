import type { FamilyPublication } from '../../shared/sync/contract.js';
import { requireFamily } from '../auth/sessions.js';
import { loadPublication } from '../content.js';
import { HttpError, type PortalModule } from '../http/context.js';
import { csrfField } from '../http/csrf.js';
import { html, type SafeHtml } from '../http/html.js';
import { euros, shortDay } from '../http/format.js';
import { alertBox, formText, sendPage } from '../http/render.js';
import { familyRequests } from '../requests/list.js';
import { recordRequest } from '../requests/submit.js';
import { comingSoon } from './common.js';

interface AccountField {
  key: string;
  label: string;
  value: string;
}
interface AccountSection {
  id: string;
  title: string;
  fields: AccountField[];
}

const RESPONSABLE_FIELDS: Array<[keyof FamilyPublication['account']['responsables'][number], string]> = [
  ['civilite', 'Civilité'], ['nom', 'Nom'], ['prenom', 'Prénom'], ['adresse', 'Adresse'], ['codePostal', 'Code postal'],
  ['ville', 'Ville'], ['telMobile', 'Téléphone mobile'], ['telFixe', 'Téléphone fixe'], ['telPro', 'Téléphone professionnel'],
  ['email', 'Adresse e-mail'], ['profession', 'Profession'], ['employeur', 'Employeur'],
];

/** The sections of Mon compte, each field with its published value (the old value of a change request). */
export function accountSections(p: FamilyPublication): AccountSection[] {
  const a = p.account;
  const sections: AccountSection[] = a.responsables.map((r) => ({
    id: `responsable-${r.rank}`,
    title: r.rank === 1 ? 'Responsable 1' : 'Responsable 2 (conjoint)',
    fields: RESPONSABLE_FIELDS.map(([key, label]) => ({ key: `r${r.rank}.${key}`, label, value: String(r[key]) })),
  }));
  sections.push(
    { id: 'situation', title: 'Situation familiale', fields: [{ key: 'situation', label: 'Situation', value: a.situation }, { key: 'resident', label: 'Résident de la commune', value: a.resident ? 'Oui' : 'Non' }] },
    {
      id: 'fiscal',
      title: 'Données fiscales',
      fields: [
        { key: 'fiscal.rfr', label: 'Revenu fiscal de référence', value: a.fiscal.rfrCents === null ? '' : euros(a.fiscal.rfrCents) },
        { key: 'fiscal.parts', label: 'Nombre de parts', value: a.fiscal.partsX100 === null ? '' : String(a.fiscal.partsX100 / 100).replace('.', ',') },
        { key: 'fiscal.year', label: 'Année des revenus', value: a.fiscal.year === null ? '' : String(a.fiscal.year) },
      ],
    },
    {
      id: 'caf',
      title: 'CAF',
      fields: [
        { key: 'caf.regime', label: 'Régime', value: a.caf.regime },
        { key: 'caf.number', label: 'Numéro allocataire', value: a.caf.number },
        { key: 'caf.qf', label: 'Quotient familial', value: a.caf.qf === null ? '' : String(a.caf.qf) },
        { key: 'caf.qfValidUntil', label: 'Quotient valable jusqu’au', value: shortDay(a.caf.qfValidUntil) },
      ],
    },
    {
      id: 'banque',
      title: 'Coordonnées bancaires',
      fields: [
        { key: 'bank.holder', label: 'Titulaire du compte', value: a.bank.holder },
        { key: 'bank.iban', label: 'IBAN', value: a.bank.ibanMasked },
        { key: 'bank.bic', label: 'BIC', value: a.bank.bic },
      ],
    },
  );
  return sections;
}

function sectionHtml(section: AccountSection, pending: Array<{ label: string; newValue: string }>, csrf: SafeHtml, extra: SafeHtml | string = ''): SafeHtml {
  return html`<section aria-labelledby="${section.id}-titre" class="card">
<h2 id="${section.id}-titre">${section.title}</h2>
<dl>${section.fields.map((f) => html`<div><dt>${f.label}</dt><dd>${f.value || 'Non renseigné'}</dd></div>`)}</dl>
${pending.length > 0 ? html`<ul class="pending">${pending.map((c) => html`<li>🚧 Modification demandée : ${c.label} → « ${c.newValue} »</li>`)}</ul>` : ''}
${extra}
<details><summary>Demander une modification</summary>
<form method="post" action="/mon-compte/modification" class="form">
${csrf}
<input type="hidden" name="section" value="${section.id}">
<div class="field"><label for="${section.id}-champ">Information à modifier</label>
<select id="${section.id}-champ" name="field">${section.fields.map((f) => html`<option value="${f.key}">${f.label}</option>`)}</select></div>
<div class="field"><label for="${section.id}-valeur">Nouvelle valeur</label>
<input id="${section.id}-valeur" name="value" type="text" maxlength="2000" required></div>
<button type="submit">Envoyer la demande</button>
</form></details>
</section>`;
}

export const registerAccountPage: PortalModule = (app, ctx) => {
  app.get('/mon-compte', async (request, reply) => {
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
      const csrf = csrfField(request, reply, ctx.config);
      body = html`${accountSections(publication).map((section) =>
        sectionHtml(
          section,
          changes.filter((c) => section.fields.some((f) => f.key === c.field)),
          csrf,
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
${body}`,
    });
  });

  app.post('/mon-compte/modification', async (request, reply) => {
    const session = requireFamily(request);
    const publication = await loadPublication(ctx.db, session.familyId);
    if (!publication) throw new HttpError(409, 'Vos données ne sont pas encore publiées : la modification n’est pas encore possible.');
    const key = formText(request.body, 'field');
    const value = formText(request.body, 'value').trim();
    const target = accountSections(publication).flatMap((s) => s.fields).find((f) => f.key === key);
    if (!target) throw new HttpError(400, 'Cette information ne peut pas être modifiée ici.');
    if (!value) throw new HttpError(400, 'Indiquez la nouvelle valeur.');
    await recordRequest(ctx.db, session, ctx.clock(), {
      kind: 'data_change',
      changes: [{ entity: 'family', entityId: session.familyId, field: key, label: target.label, oldValue: target.value, newValue: value }],
    });
    return reply.redirect('/mon-compte?demande=envoyee', 303);
  });
};
