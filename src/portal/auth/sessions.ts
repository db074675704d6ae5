import type { FastifyReply, FastifyRequest } from 'fastify';
import { isHttps, portalCookieName, type PortalConfig } from '../config.js';
import { sessionById } from '../db/hot-queries.js';
import type { PortalDb } from '../db/open.js';
import { HttpError, type PortalContext } from '../http/context.js';
import { newToken, sha256Hex } from './tokens.js';

/** A session ends after 30 minutes without a request, and 12 hours after login whatever happens. */
export const IDLE_MS = 30 * 60 * 1000;
export const ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most once a minute, so reading pages does not write on every request. */
const TOUCH_MS = 60 * 1000;

export interface FamilySession {
  sessionId: string;
  accountId: number;
  familyId: number;
  email: string;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    familySession: FamilySession | null;
  }
}

export function sessionCookieName(config: PortalConfig): string {
  return portalCookieName(config, 'session');
}

export function secureCookies(config: PortalConfig): boolean {
  return isHttps(config) || config.production;
}

/** Resolves the cookie to a live session (idle and absolute expiry), or null. */
export async function loadSession(ctx: PortalContext, request: FastifyRequest): Promise<FamilySession | null> {
  const token = request.cookies[sessionCookieName(ctx.config)];
  if (!token) return null;
  const id = sha256Hex(token);
  const row = await sessionById.first(ctx.db, id);
  if (!row) return null;
  const now = ctx.clock().getTime();
  if (row.disabled !== 0 || now >= Date.parse(row.expires_at) || now >= Date.parse(row.last_seen_at) + IDLE_MS) {
    await ctx.db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  if (now - Date.parse(row.last_seen_at) > TOUCH_MS) {
    await ctx.db.updateTable('sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id', '=', id).execute();
  }
  return { sessionId: id, accountId: row.account_id, familyId: row.family_id, email: row.email, csrfToken: row.csrf_token };
}

/**
 * Starts a fresh session for the account: a new random token every time (never one the browser brought), so a
 * cookie planted before login can never become an authenticated session.
 */
export async function startSession(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  account: { id: number; family_id: number },
): Promise<void> {
  const previous = request.cookies[sessionCookieName(ctx.config)];
  if (previous) await ctx.db.deleteFrom('sessions').where('id', '=', sha256Hex(previous)).execute();
  const token = newToken();
  const now = ctx.clock();
  await ctx.db
    .insertInto('sessions')
    .values({
      id: sha256Hex(token),
      account_id: account.id,
      family_id: account.family_id,
      csrf_token: newToken(),
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ABSOLUTE_MS).toISOString(),
    })
    .execute();
  reply.setCookie(sessionCookieName(ctx.config), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(ctx.config),
  });
}

export async function endSession(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.familySession) await ctx.db.deleteFrom('sessions').where('id', '=', request.familySession.sessionId).execute();
  reply.clearCookie(sessionCookieName(ctx.config), { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(ctx.config) });
}

export async function endAllSessions(db: PortalDb, accountId: number): Promise<void> {
  await db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
}

/** Thrown by requireFamily; the error handler answers with a redirect to the login page. */
export class LoginRequired extends HttpError {
  constructor(readonly next: string) {
    super(401, 'Connexion requise');
    this.name = 'LoginRequired';
  }
}

/**
 * The guard of every family page: the family id comes from the session only, never from the URL or a form.
 * Throws LoginRequired (→ redirect to /connexion) when nobody is logged in.
 */
export function requireFamily(request: FastifyRequest): FamilySession {
  if (!request.familySession) throw new LoginRequired(request.method === 'GET' ? request.url : '/');
  return request.familySession;
}
