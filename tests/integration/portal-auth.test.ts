import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIVATION_FAILED, LOGIN_FAILED, RESET_SENT } from '../../src/portal/pages/auth.js';
import { upsertAccountsFromPublication, hashActivationCode } from '../../src/portal/auth/accounts.js';
import { escapeHtml } from '../../src/portal/http/html.js';
import { insertPublication, makePublication, PortalClient, startTestPortal, type TestPortal } from '../helpers/portal.js';

const EMAIL = 'famille1@example.test';
const PASSWORD = 'un mot de passe solide';

let portal: TestPortal;
beforeEach(async () => {
  portal = await startTestPortal();
  await insertPublication(portal.db, makePublication(1));
  await insertPublication(portal.db, makePublication(2));
});
afterEach(async () => {
  await portal.close();
});

describe('activation and login', () => {
  it('activates with the letter code, logs in, then logs in again with the chosen password', async () => {
    const client = new PortalClient(portal.app);
    expect((await client.get('/')).location).toBe('/connexion');
    const activated = await client.activate(EMAIL.toUpperCase(), PASSWORD, 'abcd 2345');
    expect(activated.status).toBe(303);
    expect(activated.location).toBe('/');
    const home = await client.get('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Bonjour Claire Martin');

    // The code is single-use.
    const again = await new PortalClient(portal.app).activate(EMAIL, 'un autre mot de passe');
    expect(again.status).toBe(401);
    expect(again.body).toContain(escapeHtml(ACTIVATION_FAILED));

    await client.get('/');
    expect((await client.post('/deconnexion', {})).location).toBe('/connexion');
    expect((await client.get('/')).status).toBe(303);

    const fresh = new PortalClient(portal.app);
    const login = await fresh.login(EMAIL, PASSWORD);
    expect(login.status).toBe(303);
    expect((await fresh.get('/mon-compte')).body).toContain('Données fiscales');
  });

  it('refuses a short password, a wrong or expired code with messages that say nothing about the address', async () => {
    const client = new PortalClient(portal.app);
    const short = await client.activate(EMAIL, 'court');
    expect(short.status).toBe(422);
    expect(short.body).toContain('au moins 10 caractères');
    const wrongCode = await client.activate(EMAIL, PASSWORD, 'ZZZZ-9999');
    const unknown = await client.activate('inconnu@example.test', PASSWORD);
    expect(wrongCode.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrongCode.body).toContain(escapeHtml(ACTIVATION_FAILED));
    expect(unknown.body).toContain(escapeHtml(ACTIVATION_FAILED));

    portal.clock.set('2027-02-01T00:00:00.000Z');
    const expired = await new PortalClient(portal.app).activate('famille2@example.test', PASSWORD);
    expect(expired.status).toBe(401);
  });

  it('answers a wrong password and an unknown address with the same message', async () => {
    await new PortalClient(portal.app).activate(EMAIL, PASSWORD);
    const wrong = await new PortalClient(portal.app).login(EMAIL, 'pas le bon mot de passe');
    const unknown = await new PortalClient(portal.app).login('personne@example.test', PASSWORD);
    const notActivated = await new PortalClient(portal.app).login('famille2@example.test', PASSWORD);
    for (const res of [wrong, unknown, notActivated]) {
      expect(res.status).toBe(401);
      expect(res.body).toContain(LOGIN_FAILED);
    }
    const strip = (body: string) => body.replace(/value="[^"]*"/g, '');
    expect(strip(wrong.body)).toBe(strip(unknown.body).replace('personne@example.test', EMAIL));
  });

  it('makes each further failure wait longer, for a known and an unknown address alike', async () => {
    await new PortalClient(portal.app).activate(EMAIL, PASSWORD);
    const waits = async (email: string) => {
      const seen: number[] = [];
      for (let i = 0; i < 11; i += 1) {
        const client = new PortalClient(portal.app);
        const res = await client.login(email, 'mauvais mot de passe');
        const match = /Réessayez dans (\d+) secondes?/.exec(res.body);
        if (res.status === 429 && match) {
          seen.push(Number(match[1]));
          portal.clock.advance(Number(match[1]) * 1000);
        }
      }
      return seen;
    };
    const known = await waits(EMAIL);
    expect(known.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < known.length; i += 1) expect(known[i]!).toBeGreaterThan(known[i - 1]!);

    // While the wait of this address for this account runs, a browser that never logged in is refused even with the
    // right password (portal-throttle.test.ts: a device that did is not).
    const client = new PortalClient(portal.app);
    await client.login(EMAIL, 'mauvais mot de passe');
    const blocked = await client.login(EMAIL, PASSWORD);
    expect(blocked.status).toBe(429);
    portal.clock.advance(60 * 60 * 1000);
    expect((await client.login(EMAIL, PASSWORD)).status).toBe(303);

    const unknown = await waits('inconnu@example.test');
    expect(unknown.length).toBe(known.length);
  });

  it('gives a new session at login: a cookie planted before is not the session after', async () => {
    await new PortalClient(portal.app).activate(EMAIL, PASSWORD);
    const client = new PortalClient(portal.app);
    client.cookies.set('grenette_session', 'planted-by-an-attacker');
    await client.get('/connexion');
    await client.post('/connexion', { email: EMAIL, password: PASSWORD });
    const session = client.cookies.get('grenette_session');
    expect(session).toBeDefined();
    expect(session).not.toBe('planted-by-an-attacker');
    const attacker = new PortalClient(portal.app);
    attacker.cookies.set('grenette_session', 'planted-by-an-attacker');
    expect((await attacker.get('/')).status).toBe(303);

    // Logging in again replaces the previous session too.
    const first = client.cookies.get('grenette_session')!;
    await client.get('/mon-compte');
    expect((await client.post('/connexion', { email: EMAIL, password: PASSWORD })).status).toBe(303);
    expect(client.cookies.get('grenette_session')).not.toBe(first);
    const stale = new PortalClient(portal.app);
    stale.cookies.set('grenette_session', first);
    expect((await stale.get('/')).status).toBe(303);
  });

  it('ends a session after 30 idle minutes and 12 hours after login', async () => {
    const client = new PortalClient(portal.app);
    await client.activate(EMAIL, PASSWORD);
    portal.clock.advance(29 * 60 * 1000);
    expect((await client.get('/')).status).toBe(200);
    portal.clock.advance(31 * 60 * 1000);
    expect((await client.get('/')).location).toBe('/connexion');

    await client.login(EMAIL, PASSWORD);
    for (let i = 0; i < 25; i += 1) {
      portal.clock.advance(29 * 60 * 1000);
      await client.get('/releve');
    }
    expect((await client.get('/')).location).toBe('/connexion');
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, Secure with the __Host- prefix over https', async () => {
    const client = new PortalClient(portal.app);
    await client.get('/activation');
    const res = await portal.app.inject({
      method: 'POST',
      url: '/activation',
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: client.csrf(), email: EMAIL, code: 'ABCD-2345', password: PASSWORD, password2: PASSWORD }).toString(),
    });
    const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('grenette_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const secure = await startTestPortal({ config: { publicUrl: 'https://portail.example.test' } });
    try {
      await insertPublication(secure.db, makePublication(1));
      const c = new PortalClient(secure.app);
      await c.get('/activation');
      expect([...c.cookies.keys()]).toContain('__Host-grenette_csrf');
      await c.post('/activation', { email: EMAIL, code: 'ABCD-2345', password: PASSWORD, password2: PASSWORD });
      expect([...c.cookies.keys()]).toContain('__Host-grenette_session');
      const res2 = await secure.app.inject({ method: 'GET', url: '/connexion' });
      expect(res2.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      expect(String([res2.headers['set-cookie']].flat()[0])).toMatch(/Secure/);
    } finally {
      await secure.close();
    }
  });
});

describe('password reset', () => {
  it('mails a link that works once, and says the same for an unknown address', async () => {
    await new PortalClient(portal.app).activate(EMAIL, PASSWORD);
    const client = new PortalClient(portal.app);
    await client.get('/mot-de-passe-oublie');
    const known = await client.post('/mot-de-passe-oublie', { email: EMAIL });
    await client.get('/mot-de-passe-oublie');
    const unknown = await client.post('/mot-de-passe-oublie', { email: 'inconnu@example.test' });
    expect(known.status).toBe(200);
    expect(known.body).toContain(escapeHtml(RESET_SENT));
    expect(unknown.body.replace(/value="[^"]*"/g, '')).toBe(known.body.replace(/value="[^"]*"/g, ''));

    const mail = await portal.smtp.waitForMail((m) => m.subject?.includes('nouveau mot de passe') ?? false);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain(EMAIL);
    const link = /http:\/\/127\.0\.0\.1(\/mot-de-passe-oublie\/nouveau\?jeton=[A-Za-z0-9_%-]+)/.exec(mail.text ?? '');
    expect(link).not.toBeNull();
    expect(portal.smtp.mails).toHaveLength(1);

    const page = await client.get(link![1]!);
    expect(page.status).toBe(200);
    const token = decodeURIComponent(link![1]!.split('jeton=')[1]!);
    const newPassword = 'nouveau mot de passe sûr';
    const done = await client.post('/mot-de-passe-oublie/nouveau', { jeton: token, password: newPassword, password2: newPassword });
    expect(done.location).toBe('/connexion?reinitialise=1');
    expect((await new PortalClient(portal.app).login(EMAIL, newPassword)).status).toBe(303);
    expect((await new PortalClient(portal.app).login(EMAIL, PASSWORD)).status).toBe(401);

    // Second use of the same link.
    expect((await client.get(link![1]!)).status).toBe(410);
    await client.get('/mot-de-passe-oublie');
    const reused = await client.post('/mot-de-passe-oublie/nouveau', { jeton: token, password: 'encore un autre mot', password2: 'encore un autre mot' });
    expect(reused.status).toBe(410);
  });

  it('refuses a link older than an hour', async () => {
    await new PortalClient(portal.app).activate(EMAIL, PASSWORD);
    const client = new PortalClient(portal.app);
    await client.get('/mot-de-passe-oublie');
    await client.post('/mot-de-passe-oublie', { email: EMAIL });
    const mail = await portal.smtp.waitForMail(() => true);
    const path = /(\/mot-de-passe-oublie\/nouveau\?jeton=[^\s]+)/.exec(mail.text ?? '')![1]!;
    portal.clock.advance(61 * 60 * 1000);
    expect((await client.get(path)).status).toBe(410);
  });
});

describe('change password', () => {
  it('needs the current password and logs other devices out', async () => {
    const phone = new PortalClient(portal.app);
    await phone.activate(EMAIL, PASSWORD);
    const laptop = new PortalClient(portal.app);
    await laptop.login(EMAIL, PASSWORD);
    await phone.get('/mot-de-passe');
    const wrong = await phone.post('/mot-de-passe', { current: 'faux mot de passe', password: 'nouveau mot de passe', password2: 'nouveau mot de passe' });
    expect(wrong.status).toBe(422);
    await phone.get('/mot-de-passe');
    const ok = await phone.post('/mot-de-passe', { current: PASSWORD, password: 'nouveau mot de passe', password2: 'nouveau mot de passe' });
    expect(ok.location).toBe('/mon-compte?mot-de-passe=1');
    expect((await phone.get(ok.location!)).body).toContain('Votre mot de passe a été changé.');
    expect((await laptop.get('/')).status).toBe(303);
  });
});

describe('accounts from the publication', () => {
  it('creates, updates the address, reopens activation with a new code and disables a withdrawn login', async () => {
    const now = new Date('2026-11-30T08:00:00.000Z');
    await new PortalClient(portal.app).activate(EMAIL, PASSWORD);
    const second = makePublication(1, {
      version: 2,
      logins: [
        { rank: 1, email: 'Nouvelle@Example.test', activationCodeHash: await hashActivationCode('NEW-CODE-1'), activationExpiresAt: '2027-01-31T00:00:00.000Z' },
        { rank: 2, email: 'conjoint@example.test', activationCodeHash: await hashActivationCode('CONJ-0001'), activationExpiresAt: null },
      ],
    });
    const result = await upsertAccountsFromPublication(portal.db, second, now);
    expect(result).toMatchObject({ created: 1, updated: 1, disabled: 0, conflicts: [] });
    // The password still works under the new address, and the new code lets the family choose another one.
    expect((await new PortalClient(portal.app).login('nouvelle@example.test', PASSWORD)).status).toBe(303);
    expect((await new PortalClient(portal.app).activate('conjoint@example.test', PASSWORD, 'conj0001')).status).toBe(303);

    // Another family's address is a conflict, not a takeover.
    const clash = await upsertAccountsFromPublication(portal.db, makePublication(2, { logins: [{ rank: 1, email: 'nouvelle@example.test', activationCodeHash: null, activationExpiresAt: null }] }), now);
    expect(clash.conflicts).toEqual(['nouvelle@example.test']);

    const client = new PortalClient(portal.app);
    await client.login('conjoint@example.test', PASSWORD);
    const archived = await upsertAccountsFromPublication(portal.db, makePublication(1, { version: 3, archived: true }), now);
    expect(archived.disabled).toBe(2);
    expect((await client.get('/')).status).toBe(303);
    expect((await new PortalClient(portal.app).login('conjoint@example.test', PASSWORD)).status).toBe(401);
  });
});

describe('maintenance', () => {
  it('purges dead sessions, old reset links, forgotten failures and day-old submission keys, keeping live sessions', async () => {
    const { purgeExpired } = await import('../../src/portal/auth/maintenance.js');
    const live = new PortalClient(portal.app);
    await live.activate(EMAIL, PASSWORD);
    await new PortalClient(portal.app).login('inconnu@example.test', 'mauvais mot de passe');
    // A form's one-time submission key, answered: kept a day for its repeats, then purged.
    await portal.db
      .insertInto('form_submissions')
      .values({ submission_key: 'cle-de-formulaire-0123456789', fingerprint: 'x', account_id: 1, status: 303, location: '/', created_at: portal.clock().toISOString() })
      .execute();
    await purgeExpired(portal.db, portal.clock());
    expect(await portal.db.selectFrom('form_submissions').selectAll().execute()).toHaveLength(1);
    expect(await portal.db.selectFrom('sessions').selectAll().execute()).toHaveLength(1);
    // The (address, account) pair, the account typed and the client address.
    expect(await portal.db.selectFrom('login_throttle').selectAll().execute()).toHaveLength(3);
    portal.clock.advance(25 * 60 * 60 * 1000);
    await purgeExpired(portal.db, portal.clock());
    expect(await portal.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
    expect(await portal.db.selectFrom('login_throttle').selectAll().execute()).toHaveLength(0);
    expect(await portal.db.selectFrom('form_submissions').selectAll().execute()).toHaveLength(0);
  });
});
