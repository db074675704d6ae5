import { loadSettings } from '../content.js';
import type { PortalModule } from '../http/context.js';
import { html } from '../http/html.js';
import { sendPage } from '../http/render.js';

/** The accessibility statement (RGAA 4.1), public: no login needed. */
export const registerAccessibilityPage: PortalModule = (app, ctx) => {
  app.get('/accessibilite', async (request, reply) => {
    const settings = await loadSettings(ctx.db, ctx.log);
    const c = settings.commune;
    return sendPage(ctx, request, reply, {
      title: 'Accessibilité',
      main: html`<h1>Déclaration d’accessibilité</h1>
<p>La commune d’${c.name} s’engage à rendre ses sites internet accessibles conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.</p>
<p>Cette déclaration d’accessibilité s’applique au portail famille du ${c.service}.</p>
<h2>État de conformité</h2>
<p>Le portail famille est <strong>partiellement conforme</strong> avec le référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1, en attendant son audit.</p>
<h2>Résultats des tests</h2>
<p>Aucun audit de conformité n’a encore été réalisé. Les pages sont vérifiées automatiquement (outil axe-core, niveaux A et AA des WCAG 2.1) à chaque évolution.</p>
<h2>Établissement de cette déclaration</h2>
<p>Technologies utilisées : HTML, CSS. Le portail fonctionne sans JavaScript.</p>
<h2>Retour d’information et contact</h2>
<p>Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez le ${c.service} pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme :</p>
<ul>
<li>Courriel : <a href="mailto:${c.email}">${c.email}</a></li>
<li>Téléphone : ${c.phone}</li>
<li>Adresse : ${c.address}</li>
</ul>
<h2>Voies de recours</h2>
<p>Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un contenu ou à une fonctionnalité du portail, que vous nous le signalez et que vous ne parvenez pas à obtenir une réponse de notre part, vous êtes en droit de faire parvenir vos doléances ou une demande de saisine au Défenseur des droits. Plusieurs moyens sont à votre disposition :</p>
<ul>
<li>écrire un message au Défenseur des droits par le formulaire en ligne : <a href="https://formulaire.defenseurdesdroits.fr/">formulaire.defenseurdesdroits.fr</a> ;</li>
<li>contacter le délégué du Défenseur des droits dans votre région : <a href="https://www.defenseurdesdroits.fr/saisir/delegues">www.defenseurdesdroits.fr/saisir/delegues</a> ;</li>
<li>envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.</li>
</ul>`,
    });
  });
};
