import type { FastifyReply, FastifyRequest } from 'fastify';
import { portalCookieName, type PortalConfig } from '../config.js';
import { secureCookies } from '../auth/sessions.js';
import { newToken, sameToken } from '../auth/tokens.js';
import { HttpError } from './context.js';
import { html, type SafeHtml } from './html.js';
import { submissionField } from './submission.js';

/**
 * CSRF: a logged-in family's forms carry its session's token; the forms used before login (login, activation, reset)
 * carry a token also held in a signed cookie (double submit). Every POST is checked by the server's hook.
 */
export const CSRF_FIELD = '_csrf';

export function preSessionCookieName(config: PortalConfig): string {
  return portalCookieName(config, 'csrf');
}

function preSessionToken(request: FastifyRequest, config: PortalConfig): string | null {
  const signed = request.cookies[preSessionCookieName(config)];
  if (!signed) return null;
  const unsigned = request.unsignCookie(signed);
  return unsigned.valid ? unsigned.value : null;
}

/** The token to put in a form rendered for this request (sets the pre-session cookie when needed). */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, config: PortalConfig): string {
  if (request.familySession) return request.familySession.csrfToken;
  const existing = preSessionToken(request, config);
  if (existing) return existing;
  const token = newToken();
  reply.setCookie(preSessionCookieName(config), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(config),
    signed: true,
  });
  // Later forms in the same request reuse it.
  request.cookies[preSessionCookieName(config)] = reply.signCookie(token);
  return token;
}

/** The hidden fields of every POST form: the CSRF token and the form's one-time submission key (http/submission.ts). */
export function csrfField(request: FastifyRequest, reply: FastifyReply, config: PortalConfig): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(request, reply, config)}">${submissionField()}`;
}

function submittedToken(request: FastifyRequest): string | null {
  const body = request.body as Record<string, unknown> | null | undefined;
  const value = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  if (typeof value === 'string') return value;
  // @fastify/multipart with attachFieldsToBody: 'keyValues' gives strings; keep a Buffer fallback.
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return null;
}

export const CSRF_MESSAGE = 'Ce formulaire a expiré ou ne vient pas du portail. Rechargez la page et recommencez.';

/** Throws 403 unless the POST carries the expected token. */
export function verifyCsrf(request: FastifyRequest, config: PortalConfig): void {
  const sent = submittedToken(request);
  const expected = request.familySession ? request.familySession.csrfToken : preSessionToken(request, config);
  if (!sent || !expected || !sameToken(sent, expected)) throw new HttpError(403, CSRF_MESSAGE);
}
