import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { newToken } from '../auth/tokens.js';
import { HttpError, type PortalContext } from './context.js';
import { html, type SafeHtml } from './html.js';

/**
 * One-time submission keys. Every form carries a fresh random key (put in by csrfField, so no form is without it); the
 * first post of a key with given content is handled, and a repeat of it (a double tap, a second click while the page
 * loads, the back button and « Envoyer » again, two tabs) is answered with the first post's answer instead of being
 * handled again: without JavaScript, nothing else stops a browser from sending a form twice. A post arriving while
 * the first is still being handled waits for its answer.
 *
 * The key belongs to the page the form came from: a page with several forms gives them the same key, and a repeat is
 * the same key posted to the same address with the same fields (a file by its hash). Changing a field and posting
 * again is a new submission. Only a family's posts (with a session) are checked: the login forms answer with their
 * cookies, which a replay could not give. Only a post that succeeded (a redirect) is remembered; one refused (a
 * message to correct, an error) is forgotten, so posting it again once corrected is handled.
 */
export const SUBMISSION_FIELD = '_envoi';

const KEY_SHAPE = /^[A-Za-z0-9_-]{16,100}$/;
/** How long a key is remembered (purged by auth/maintenance.ts): past this, the page that carried it has long been left. */
export const KEY_RETENTION_MS = 24 * 3600_000;
/** A first post unfinished after this is taken as lost (a crash while handling it): a repeat is handled anew. */
const ABANDONED_AFTER_MS = 60_000;
/** How long a repeat waits for the first post's answer, and how often it looks. */
const WAIT_MS = 30_000;
const POLL_MS = 20;

export const SUBMISSION_BUSY_MESSAGE = 'Ce formulaire est déjà en cours d’envoi. Patientez quelques instants puis rechargez la page.';

export function submissionField(): SafeHtml {
  return html`<input type="hidden" name="${SUBMISSION_FIELD}" value="${newToken()}">`;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request is the first post of its submission key: its answer is recorded when sent. */
    submissionClaim: { key: string; fingerprint: string } | null;
  }
}

/** The form as posted, without its tokens: address, then each field in name order (a file by its SHA-256). */
function fingerprint(request: FastifyRequest): string {
  const hash = createHash('sha256').update(`${request.method} ${request.url}\n`);
  const body = request.body !== null && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const text = (value: unknown): string =>
    Buffer.isBuffer(value) ? `file:${createHash('sha256').update(value).digest('hex')}` : Array.isArray(value) ? JSON.stringify(value.map(text)) : String(value);
  for (const name of Object.keys(body).sort()) {
    if (name === SUBMISSION_FIELD || name === '_csrf') continue;
    hash.update(`${JSON.stringify(name)}=${JSON.stringify(text(body[name]))}\n`);
  }
  return hash.digest('hex');
}

function submittedKey(request: FastifyRequest): string | null {
  const body = request.body as Record<string, unknown> | null | undefined;
  const value = body && typeof body === 'object' ? body[SUBMISSION_FIELD] : undefined;
  const key = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  return typeof key === 'string' && KEY_SHAPE.test(key) ? key : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Called for every POST once the session and the CSRF token are checked. Either marks the request as the first of its
 * key (and it goes on to its handler), or answers it as the first was answered (returns true: the reply is sent). A
 * form posted without a key (a page rendered before keys existed) is handled as before.
 */
export async function claimSubmission(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const session = request.familySession;
  const key = submittedKey(request);
  if (!session || !key) return false;
  const print = fingerprint(request);
  const started = Date.now();
  for (;;) {
    const now = ctx.clock().toISOString();
    const inserted = await ctx.db
      .insertInto('form_submissions')
      .values({ submission_key: key, fingerprint: print, account_id: session.accountId, status: null, location: null, created_at: now })
      .onConflict((oc) => oc.columns(['submission_key', 'fingerprint']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
      request.submissionClaim = { key, fingerprint: print };
      return false;
    }
    const first = await ctx.db
      .selectFrom('form_submissions')
      .select(['account_id', 'status', 'location', 'created_at'])
      .where('submission_key', '=', key)
      .where('fingerprint', '=', print)
      .executeTakeFirst();
    // Gone meanwhile: the first post failed and was forgotten; this one is handled in its place.
    if (!first) continue;
    // A key is random and secret to the page: another account holding it is a forgery, never a repeat.
    if (first.account_id !== session.accountId) throw new HttpError(403, 'Ce formulaire ne vient pas de votre compte. Rechargez la page et recommencez.');
    if (first.status !== null && first.location !== null) {
      request.log.info({ url: request.url, familyId: session.familyId }, 'repeated submission answered with the first answer');
      void reply.redirect(first.location, first.status);
      return true;
    }
    if (ctx.clock().getTime() - new Date(first.created_at).getTime() > ABANDONED_AFTER_MS) {
      await ctx.db.deleteFrom('form_submissions').where('submission_key', '=', key).where('fingerprint', '=', print).where('status', 'is', null).execute();
      continue;
    }
    if (Date.now() - started > WAIT_MS) throw new HttpError(409, SUBMISSION_BUSY_MESSAGE);
    await sleep(POLL_MS);
  }
}

/**
 * Called when the first post of a key is answered: a redirect (the post succeeded) is remembered for the repeats;
 * anything else is forgotten, and a repeat is handled as a new post.
 */
export async function settleSubmission(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const claim = request.submissionClaim;
  if (!claim) return;
  request.submissionClaim = null;
  const where = ctx.db.updateTable('form_submissions').where('submission_key', '=', claim.key).where('fingerprint', '=', claim.fingerprint);
  const location = reply.getHeader('location');
  if (reply.statusCode >= 300 && reply.statusCode < 400 && typeof location === 'string') {
    await where.set({ status: reply.statusCode, location }).execute();
  } else {
    await ctx.db.deleteFrom('form_submissions').where('submission_key', '=', claim.key).where('fingerprint', '=', claim.fingerprint).execute();
  }
}
