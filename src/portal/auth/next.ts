/**
 * Where the login page sends a family back once logged in (`suite` in the URL, `next` in the form). Only one of the
 * portal's own pages: a known path, segments of letters, digits and dashes, an optional query of URL-safe characters.
 * Anything else (`//evil`, `https://evil`, `/\t/evil`, a line break that would break the Location header, a
 * backslash, an unknown page) is dropped for the home page: an open redirect after login would serve phishing.
 */
const PAGES: RegExp[] = [
  /^\/$/,
  /^\/mon-compte$/,
  /^\/mes-enfants$/,
  /^\/releve$/,
  /^\/releve\/factures\/[A-Za-z0-9_-]{1,80}\.pdf$/,
  /^\/mes-enfants\/\d{1,12}\/fiche\.pdf$/,
  /^\/planning$/,
  /^\/planning\/\d{1,12}\/\d{1,12}\/\d{4}-\d{2}-\d{2}$/,
  /^\/demandes\/[0-9a-f-]{36}$/,
  /^\/mot-de-passe$/,
  /^\/accessibilite$/,
];

/** Query strings as the portal writes them: URL-safe characters and %XX escapes only. */
const QUERY = /^(?:[A-Za-z0-9._~=&+-]|%[0-9A-Fa-f]{2})*$/;
const MAX_LENGTH = 500;

export function safeNext(value: string | undefined | null): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return '/';
  const mark = value.indexOf('?');
  const path = mark === -1 ? value : value.slice(0, mark);
  const query = mark === -1 ? null : value.slice(mark + 1);
  if (!PAGES.some((page) => page.test(path))) return '/';
  if (query !== null && !QUERY.test(query)) return '/';
  return value;
}
