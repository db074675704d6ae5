import type { PortalSettings } from '../../shared/sync/contract.js';
import { flattened, html, type HtmlValue, type SafeHtml } from './html.js';
import { submissionField } from './submission.js';

export interface LayoutOptions {
  /** The page's own title, before ' – Portail famille – <commune>'. */
  title: string;
  settings: PortalSettings;
  main: HtmlValue;
  /** Present when a family is logged in: shows the navigation and the logout form. */
  session?: { csrfToken: string; email: string } | null;
  /** Path of the current page, marked aria-current in the navigation. */
  current?: string;
}

export const NAV_ITEMS: ReadonlyArray<{ href: string; label: string }> = [
  { href: '/', label: 'Accueil' },
  { href: '/mon-compte', label: 'Mon compte' },
  { href: '/mes-enfants', label: 'Mes enfants' },
  { href: '/planning', label: 'Planning' },
  { href: '/releve', label: 'Relevé de compte' },
];

export function pageTitle(title: string, settings: PortalSettings): string {
  return `${title} – Portail famille – ${settings.commune.name}`;
}

/** The navigation's links with the current page marked: the same for every page of a kind, written once per kind. */
const navLinks = new Map<string, SafeHtml>();

function navLinksFor(current: string | undefined): SafeHtml {
  const key = current ?? '';
  let links = navLinks.get(key);
  if (!links) {
    links = flattened(html`${NAV_ITEMS.map((item) => html`<li><a href="${item.href}"${current === item.href ? html` aria-current="page"` : ''}>${item.label}</a></li>`)}`);
    // `current` is written in the pages' code, never taken from a request: a handful of keys.
    if (navLinks.size < 64) navLinks.set(key, links);
  }
  return links;
}

/** The footer, written once per settings object (content.ts keeps them frozen, the same object while their version holds). */
const footers = new WeakMap<PortalSettings, SafeHtml>();

function footerFor(settings: PortalSettings): SafeHtml {
  const kept = footers.get(settings);
  if (kept) return kept;
  const c = settings.commune;
  const footer = flattened(html`<footer class="site-footer">
<h2>${c.service}</h2>
<p>${c.address}</p>
<p>Courriel : <a href="mailto:${c.email}">${c.email}</a><br>Téléphone : <a href="tel:${c.phone.replace(/\s/g, '')}">${c.phone}</a></p>
<h3>Permanences</h3>
<ul>${c.hours.map((line) => html`<li>${line}</li>`)}</ul>
<p><a href="/accessibilite">Accessibilité : partiellement conforme</a></p>
</footer>`);
  if (Object.isFrozen(settings)) footers.set(settings, footer);
  return footer;
}

/** The one page shell: skip link, header with the commune, navigation when logged in, main, footer with contacts. */
export function layout(options: LayoutOptions): SafeHtml {
  const { settings, session } = options;
  const c = settings.commune;
  const nav = session
    ? html`<nav aria-label="Navigation principale" class="nav"><ul>
${navLinksFor(options.current)}
<li><form method="post" action="/deconnexion" class="logout"><input type="hidden" name="_csrf" value="${session.csrfToken}">${submissionField()}<button type="submit">Déconnexion</button></form></li>
</ul></nav>`
    : '';
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${pageTitle(options.title, settings)}</title>
<link rel="stylesheet" href="/static/portal.css">
<script src="/static/portal.js" defer></script>
</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header">
<p class="site-name"><a href="/">Portail famille<span class="commune"> – ${c.name}</span></a></p>
${nav}
</header>
<main id="contenu" tabindex="-1">
${options.main}
</main>
${footerFor(settings)}
</body>
</html>`;
}
