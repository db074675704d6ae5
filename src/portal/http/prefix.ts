/**
 * Path routing of several communes (communes/portal.ts): commune A's pages are served under `/<key>/…`. The pages and
 * handlers are written for a portal at `/` (`href="/planning"`, `reply.redirect('/connexion')`); the commune's server
 * strips the prefix from each request (Fastify's rewriteUrl) and writes it back, here, into what it answers: every
 * link, form action and image of its HTML pages and every redirect's Location. /static/ is shared by every commune
 * and stays as it is.
 *
 * The rewrite is safe on the portal's HTML: `html` (http/html.ts) escapes every interpolated value (a `"` becomes
 * `&quot;`), so ` href="/` can only come from a template, never from a family's or the office's text.
 */

/** The request's path without the commune's prefix (`/ville-a/planning?x` → `/planning?x`, `/ville-a` → `/`). */
export function withoutPrefix(url: string, prefix: string): string {
  if (url === prefix) return '/';
  if (url.startsWith(`${prefix}/`)) return url.slice(prefix.length);
  if (url.startsWith(`${prefix}?`)) return `/${url.slice(prefix.length)}`;
  // The commune was chosen by this prefix (communes/portal.ts): nothing else reaches its server.
  return url;
}

const LINK = /(\s(?:href|action|src|formaction)=")\/(?!\/|static\/)/g;

/** The page with the prefix before each of its own absolute links. */
export function prefixLinks(page: string, prefix: string): string {
  return page.replace(LINK, `$1${prefix}/`);
}

/** A redirect's Location with the prefix when it is one of the portal's own paths (`/…`, not `//host`). */
export function prefixLocation(location: string, prefix: string): string {
  return location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/static/') ? `${prefix}${location}` : location;
}
