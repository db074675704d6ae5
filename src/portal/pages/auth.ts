import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashPassword, verifyPassword } from '../../crypto/password.js';
import { activationCodeMatches, findAccountByEmail, MIN_PASSWORD_LENGTH, passwordMatches, passwordProblem } from '../auth/accounts.js';
import { knownDevice, rememberDevice } from '../auth/device.js';
import { controlCharsProblem } from '../../shared/text/control-chars.js';
import { safeNext } from '../auth/next.js';
import { endAllSessions, endSession, requireFamily, startSession } from '../auth/sessions.js';
import { accountKey, clearFailures, recordFailure, throttleKeys, waitBeforeAttempt, waitMessage } from '../auth/throttle.js';
import { newToken, normaliseEmail, sha256Hex } from '../auth/tokens.js';
import type { PortalContext, PortalModule } from '../http/context.js';
import { csrfField } from '../http/csrf.js';
import { html } from '../http/html.js';
import { alertBox, field, formText, sendPage } from '../http/render.js';
import { enqueueMail } from '../mail/outbox.js';

export const LOGIN_FAILED = 'Adresse e-mail ou mot de passe incorrect.';
export const ACTIVATION_FAILED = 'Adresse e-mail ou code d’activation incorrect, ou code expiré.';
export const RESET_SENT =
  'Si un compte correspond à cette adresse, un message vient de lui être envoyé avec un lien valable une heure. Pensez à regarder dans les courriers indésirables.';
const RESET_LINK_INVALID = 'Ce lien n’est plus valable : il a déjà servi ou il a expiré. Demandez un nouveau lien.';
const RESET_VALID_MS = 60 * 60 * 1000;
const RESETS_PER_HOUR = 3;


/** An address with a control character is no address: refused before any lookup, so the answer says nothing of accounts. */
function emailProblem(email: string): string | null {
  return controlCharsProblem(email, 'single-line', 'Adresse e-mail');
}

const passwordHint = `Au moins ${MIN_PASSWORD_LENGTH} caractères. Une phrase de plusieurs mots est facile à retenir.`;

function loginPage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, o: { error?: string; notice?: string; email?: string; next?: string; status?: number }) {
  return sendPage(ctx, request, reply, {
    title: 'Connexion',
    status: o.status,
    main: html`<h1>Connexion</h1>
${alertBox(o.error)}${alertBox(o.notice, 'success')}
<form method="post" action="/connexion" class="form" novalidate>
${csrfField(request, reply, ctx.config)}
<input type="hidden" name="next" value="${o.next ?? '/'}">
${field({ label: 'Adresse e-mail', name: 'email', type: 'email', autocomplete: 'username', value: o.email ?? '' })}
${field({ label: 'Mot de passe', name: 'password', type: 'password', autocomplete: 'current-password' })}
<button type="submit">Se connecter</button>
</form>
<p><a href="/mot-de-passe-oublie">Mot de passe oublié ?</a></p>
<h2>Première connexion</h2>
<p>Le service vous a remis un code d’activation par courrier ou par e-mail. <a href="/activation">Activer mon compte</a></p>`,
  });
}

function activationPage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, o: { error?: string; email?: string; status?: number }) {
  return sendPage(ctx, request, reply, {
    title: 'Activer mon compte',
    status: o.status,
    main: html`<h1>Activer mon compte</h1>
<p>Saisissez l’adresse e-mail connue du service, le code d’activation reçu par courrier ou par e-mail, puis choisissez votre mot de passe.</p>
${alertBox(o.error)}
<form method="post" action="/activation" class="form" novalidate>
${csrfField(request, reply, ctx.config)}
${field({ label: 'Adresse e-mail', name: 'email', type: 'email', autocomplete: 'username', value: o.email ?? '' })}
${field({ label: 'Code d’activation', name: 'code', autocomplete: 'one-time-code' })}
${field({ label: 'Nouveau mot de passe', name: 'password', type: 'password', autocomplete: 'new-password', hint: passwordHint })}
${field({ label: 'Confirmez le mot de passe', name: 'password2', type: 'password', autocomplete: 'new-password' })}
<button type="submit">Activer mon compte</button>
</form>`,
  });
}

function forgotPage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, o: { notice?: string; error?: string; status?: number }) {
  return sendPage(ctx, request, reply, {
    title: 'Mot de passe oublié',
    status: o.status,
    main: html`<h1>Mot de passe oublié</h1>
${alertBox(o.error)}${alertBox(o.notice, 'success')}
<p>Indiquez votre adresse e-mail : vous recevrez un lien pour choisir un nouveau mot de passe.</p>
<form method="post" action="/mot-de-passe-oublie" class="form" novalidate>
${csrfField(request, reply, ctx.config)}
${field({ label: 'Adresse e-mail', name: 'email', type: 'email', autocomplete: 'username' })}
<button type="submit">Recevoir un lien</button>
</form>
<p><a href="/connexion">Retour à la connexion</a></p>`,
  });
}

function newPasswordPage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, o: { token: string; error?: string; status?: number }) {
  return sendPage(ctx, request, reply, {
    title: 'Nouveau mot de passe',
    status: o.status,
    main: html`<h1>Nouveau mot de passe</h1>
${alertBox(o.error)}
<form method="post" action="/mot-de-passe-oublie/nouveau" class="form" novalidate>
${csrfField(request, reply, ctx.config)}
<input type="hidden" name="jeton" value="${o.token}">
${field({ label: 'Nouveau mot de passe', name: 'password', type: 'password', autocomplete: 'new-password', hint: passwordHint })}
${field({ label: 'Confirmez le mot de passe', name: 'password2', type: 'password', autocomplete: 'new-password' })}
<button type="submit">Enregistrer le mot de passe</button>
</form>`,
  });
}

function changePasswordPage(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, o: { error?: string; notice?: string; status?: number }) {
  return sendPage(ctx, request, reply, {
    title: 'Changer mon mot de passe',
    status: o.status,
    current: '/mon-compte',
    main: html`<h1>Changer mon mot de passe</h1>
${alertBox(o.error)}${alertBox(o.notice, 'success')}
<form method="post" action="/mot-de-passe" class="form" novalidate>
${csrfField(request, reply, ctx.config)}
${field({ label: 'Mot de passe actuel', name: 'current', type: 'password', autocomplete: 'current-password' })}
${field({ label: 'Nouveau mot de passe', name: 'password', type: 'password', autocomplete: 'new-password', hint: passwordHint })}
${field({ label: 'Confirmez le nouveau mot de passe', name: 'password2', type: 'password', autocomplete: 'new-password' })}
<button type="submit">Changer le mot de passe</button>
</form>`,
  });
}

export const registerAuthPages: PortalModule = (app, ctx) => {
  app.get('/connexion', async (request, reply) => {
    if (request.familySession) return reply.redirect('/', 303);
    const query = request.query as Record<string, string | undefined>;
    return loginPage(ctx, request, reply, {
      next: safeNext(query.suite),
      notice: query.reinitialise === '1' ? 'Votre mot de passe a été changé. Vous pouvez vous connecter.' : undefined,
    });
  });

  /**
   * Every answer takes the same path whether the address exists or not: the account is looked up, the throttle read
   * and one scrypt check run (against a dummy hash when there is no account or no password yet), and a failure is
   * counted on keys that exist for unknown addresses too (auth/throttle.ts).
   */
  app.post('/connexion', async (request, reply) => {
    const email = normaliseEmail(formText(request.body, 'email'));
    const password = formText(request.body, 'password');
    const next = safeNext(formText(request.body, 'next'));
    const typo = emailProblem(email);
    if (typo) return loginPage(ctx, request, reply, { error: typo, next, status: 422 });
    const now = ctx.clock();
    const account = email ? await findAccountByEmail(ctx.db, email) : undefined;
    const keys = throttleKeys('login', email, request.ip, knownDevice(request, ctx.config, account?.id));
    const wait = await waitBeforeAttempt(ctx.db, keys, now);
    if (wait > 0) return loginPage(ctx, request, reply, { error: waitMessage(wait), email, next, status: 429 });
    const ok = await passwordMatches(password, account?.password_hash ?? null);
    if (!ok || !account) {
      await recordFailure(ctx.db, keys, now);
      request.log.info({ event: 'login_failed' }, 'login failed');
      return loginPage(ctx, request, reply, { error: LOGIN_FAILED, email, next, status: 401 });
    }
    await clearFailures(ctx.db, keys);
    await startSession(ctx, request, reply, account);
    rememberDevice(request, reply, ctx.config, account.id);
    return reply.redirect(next, 303);
  });

  app.get('/activation', async (request, reply) => activationPage(ctx, request, reply, {}));

  /** The same path for every address, as the login: one scrypt and one SHA-256 check whatever is stored (accounts.ts). */
  app.post('/activation', async (request, reply) => {
    const email = normaliseEmail(formText(request.body, 'email'));
    const code = formText(request.body, 'code');
    const password = formText(request.body, 'password');
    const typo = emailProblem(email);
    if (typo) return activationPage(ctx, request, reply, { error: typo, status: 422 });
    const problem = passwordProblem(password, formText(request.body, 'password2'));
    if (problem) return activationPage(ctx, request, reply, { error: problem, email, status: 422 });
    const now = ctx.clock();
    const account = email ? await findAccountByEmail(ctx.db, email) : undefined;
    const keys = throttleKeys('activation', email, request.ip);
    const wait = await waitBeforeAttempt(ctx.db, keys, now);
    if (wait > 0) return activationPage(ctx, request, reply, { error: waitMessage(wait), email, status: 429 });
    const stored = account?.activation_code_hash ?? null;
    const open = account !== undefined && account.activated_at === null && stored !== null &&
      (account.activation_expires_at === null || Date.parse(account.activation_expires_at) > now.getTime());
    const matches = await activationCodeMatches(code, stored);
    if (!open || !matches || !account) {
      await recordFailure(ctx.db, keys, now);
      return activationPage(ctx, request, reply, { error: ACTIVATION_FAILED, email, status: 401 });
    }
    await ctx.db
      .updateTable('accounts')
      .set({ password_hash: await hashPassword(password), activated_at: now.toISOString(), updated_at: now.toISOString() })
      .where('id', '=', account.id)
      .execute();
    await clearFailures(ctx.db, keys);
    await endAllSessions(ctx.db, account.id);
    await startSession(ctx, request, reply, account);
    rememberDevice(request, reply, ctx.config, account.id);
    return reply.redirect('/', 303);
  });

  app.post('/deconnexion', async (request, reply) => {
    await endSession(ctx, request, reply);
    return reply.redirect('/connexion', 303);
  });

  app.get('/mot-de-passe-oublie', async (request, reply) => forgotPage(ctx, request, reply, {}));

  /**
   * Sends a reset link when the address has a password. The answer never waits for the lookup or the mail: the same
   * page at the same speed for every address; the work runs right after, for known and unknown addresses alike.
   */
  const pendingResets = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.all([...pendingResets]);
  });
  const issueReset = async (email: string, now: Date): Promise<void> => {
    const account = email ? await findAccountByEmail(ctx.db, email) : undefined;
    if (!account?.password_hash) return;
    const since = new Date(now.getTime() - RESET_VALID_MS).toISOString();
    const recent = await ctx.db
      .selectFrom('password_resets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', account.id)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= RESETS_PER_HOUR) return;
    const token = newToken();
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('password_resets')
        .values({
          token_hash: sha256Hex(token),
          account_id: account.id,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + RESET_VALID_MS).toISOString(),
          used_at: null,
        })
        .execute();
      const link = `${ctx.config.publicUrl}/mot-de-passe-oublie/nouveau?jeton=${encodeURIComponent(token)}`;
      await enqueueMail(trx, {
        to: account.email,
        subject: 'Portail famille : choisir un nouveau mot de passe',
        text: `Bonjour,\n\nVous avez demandé à changer le mot de passe de votre portail famille.\nOuvrez ce lien dans l’heure qui vient pour choisir un nouveau mot de passe :\n\n${link}\n\nCe lien ne sert qu’une fois. Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n\nLe Service Enfance Jeunesse`,
      }, now);
    });
    ctx.kickMail();
  };

  app.post('/mot-de-passe-oublie', async (request, reply) => {
    const email = normaliseEmail(formText(request.body, 'email'));
    const typo = emailProblem(email);
    if (typo) return forgotPage(ctx, request, reply, { error: typo, status: 422 });
    const now = ctx.clock();
    const sent = await forgotPage(ctx, request, reply, { notice: RESET_SENT });
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => issueReset(email, now))
      .catch((error: unknown) => request.log.error({ err: error }, 'password reset failed'))
      .finally(() => pendingResets.delete(work));
    pendingResets.add(work);
    return sent;
  });

  const usableReset = async (token: string) => {
    if (!token) return undefined;
    const row = await ctx.db
      .selectFrom('password_resets')
      .innerJoin('accounts', 'accounts.id', 'password_resets.account_id')
      .select(['password_resets.token_hash', 'password_resets.expires_at', 'password_resets.used_at', 'accounts.id as account_id', 'accounts.email', 'accounts.family_id', 'accounts.disabled'])
      .where('password_resets.token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.used_at !== null || row.disabled !== 0 || Date.parse(row.expires_at) <= ctx.clock().getTime()) return undefined;
    return row;
  };

  app.get('/mot-de-passe-oublie/nouveau', async (request, reply) => {
    const token = (request.query as Record<string, string | undefined>).jeton ?? '';
    if (!(await usableReset(token))) {
      return sendPage(ctx, request, reply, {
        title: 'Lien expiré',
        status: 410,
        main: html`<h1>Lien expiré</h1>${alertBox(RESET_LINK_INVALID)}<p><a href="/mot-de-passe-oublie">Demander un nouveau lien</a></p>`,
      });
    }
    return newPasswordPage(ctx, request, reply, { token });
  });

  app.post('/mot-de-passe-oublie/nouveau', async (request, reply) => {
    const token = formText(request.body, 'jeton');
    const password = formText(request.body, 'password');
    const reset = await usableReset(token);
    if (!reset) return newPasswordPage(ctx, request, reply, { token, error: RESET_LINK_INVALID, status: 410 });
    const problem = passwordProblem(password, formText(request.body, 'password2'));
    if (problem) return newPasswordPage(ctx, request, reply, { token, error: problem, status: 422 });
    const now = ctx.clock().toISOString();
    const passwordHash = await hashPassword(password);
    const used = await ctx.db.transaction().execute(async (trx) => {
      // The used_at condition makes the link single-use even if two submissions race.
      const marked = await trx
        .updateTable('password_resets')
        .set({ used_at: now })
        .where('token_hash', '=', reset.token_hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== 1) return false;
      await trx.updateTable('accounts').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', reset.account_id).execute();
      await trx.deleteFrom('sessions').where('account_id', '=', reset.account_id).execute();
      // The mailbox is proven: a login delay on the account (guesses from elsewhere) no longer holds a new device back.
      await trx.deleteFrom('login_throttle').where('key', '=', accountKey('login', reset.email).key).execute();
      return true;
    });
    if (!used) return newPasswordPage(ctx, request, reply, { token, error: RESET_LINK_INVALID, status: 410 });
    return reply.redirect('/connexion?reinitialise=1', 303);
  });

  app.get('/mot-de-passe', async (request, reply) => {
    requireFamily(request);
    return changePasswordPage(ctx, request, reply, {});
  });

  app.post('/mot-de-passe', async (request, reply) => {
    const session = requireFamily(request);
    const account = await ctx.db.selectFrom('accounts').selectAll().where('id', '=', session.accountId).executeTakeFirstOrThrow();
    const current = formText(request.body, 'current');
    const password = formText(request.body, 'password');
    if (!account.password_hash || !(await verifyPassword(current, account.password_hash))) {
      return changePasswordPage(ctx, request, reply, { error: 'Le mot de passe actuel est incorrect.', status: 422 });
    }
    const problem = passwordProblem(password, formText(request.body, 'password2'));
    if (problem) return changePasswordPage(ctx, request, reply, { error: problem, status: 422 });
    await ctx.db.updateTable('accounts').set({ password_hash: await hashPassword(password), updated_at: ctx.clock().toISOString() }).where('id', '=', account.id).execute();
    // Other devices are logged out; this one gets a new session.
    await endAllSessions(ctx.db, account.id);
    await startSession(ctx, request, reply, account);
    request.familySession = null;
    return reply.redirect('/mon-compte?mot-de-passe=1', 303);
  });
};
