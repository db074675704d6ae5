import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../../src/portal/config.js';
import type { PortalConfig } from '../../src/portal/config.js';
import { normaliseActivationCode } from '../../src/portal/auth/accounts.js';
import { ACTIVATION_CODE, insertPublication, makePublication, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { HttpFamily } from '../helpers/portal-http.js';

/**
 * Login throttling and account enumeration over real HTTP (issue 13, points 1-3): the portal listens on a loopback
 * port; client addresses are told apart by X-Forwarded-For from a trusted proxy (127.0.0.1), as behind a reverse proxy.
 */

const PASSWORD = 'un mot de passe solide';
const email = (familyId: number) => `famille${familyId}@example.test`;

let portal: TestPortal;
afterEach(async () => {
  await portal?.close();
});

async function start(config: Partial<PortalConfig> = { trustProxy: ['127.0.0.1'] }, families = [1, 2, 3]): Promise<void> {
  portal = await startTestPortal({ listen: true, config });
  for (const id of families) await insertPublication(portal.db, makePublication(id));
}

/** A browser at a client address (behind the trusted proxy); `address` null: no header. */
const browser = (address: string | null) => new HttpFamily(portal.url, address ? { 'x-forwarded-for': address } : {});

async function login(family: HttpFamily, address: string, password: string) {
  await family.get('/connexion');
  return family.post('/connexion', { email: address, password });
}

async function activate(familyId: number, from: string): Promise<HttpFamily> {
  const family = browser(from);
  await family.get('/activation');
  const res = await family.post('/activation', { email: email(familyId), code: ACTIVATION_CODE, password: PASSWORD, password2: PASSWORD });
  expect(res.status).toBe(303);
  return family;
}

async function logout(family: HttpFamily): Promise<void> {
  await family.get('/');
  expect((await family.post('/deconnexion', {})).location).toBe('/connexion');
}

const throttleKeys = async () => (await portal.db.selectFrom('login_throttle').select('key').execute()).map((row) => row.key);

describe('account enumeration by timing', () => {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const SAMPLES = 15;

  /**
   * Known and unknown addresses are sampled in turn (the order alternates), so a load on the machine weighs on both;
   * their medians must be within a factor 2 of each other, or within 5 ms when both are that fast. The portal's clock
   * moves a day between rounds, so no throttle delay (a fast 429) enters the samples.
   */
  async function compare(send: (known: boolean, round: number) => Promise<number>): Promise<{ known: number; unknown: number }> {
    const known: number[] = [];
    const unknown: number[] = [];
    await send(true, -1);
    await send(false, -1);
    for (let round = 0; round < SAMPLES; round += 1) {
      portal.clock.advance(25 * 60 * 60 * 1000);
      for (const isKnown of round % 2 === 0 ? [true, false] : [false, true]) {
        const started = performance.now();
        const status = await send(isKnown, round);
        (isKnown ? known : unknown).push(performance.now() - started);
        expect(status, `round ${round}, ${isKnown ? 'known' : 'unknown'} address`).not.toBe(429);
      }
    }
    return { known: median(known), unknown: median(unknown) };
  }

  const expectClose = ({ known, unknown }: { known: number; unknown: number }) => {
    const ratio = Math.max(known, unknown) / Math.min(known, unknown);
    const close = ratio <= 2 || Math.abs(known - unknown) < 5;
    expect(close, `median ${known.toFixed(1)} ms for a known address, ${unknown.toFixed(1)} ms for an unknown one`).toBe(true);
  };

  /** A form posted from its page, the time measured on the POST only. */
  async function timedPost(path: string, form: Record<string, string>): Promise<number> {
    const family = browser(null);
    await family.get(path);
    return (await family.post(path, form)).status;
  }

  it('/activation answers a wrong code for a known address as fast as for an unknown one', async () => {
    await start({}, []);
    // The office may publish the code as a SHA-256 (the fast check that answered in 6 ms against 74 ms on main).
    const sha = createHash('sha256').update(normaliseActivationCode(ACTIVATION_CODE)).digest('hex');
    const publication = makePublication(1);
    await insertPublication(portal.db, { ...publication, logins: [{ ...publication.logins[0]!, activationCodeHash: sha, activationExpiresAt: null }] });
    const result = await compare(async (known) => {
      const status = await timedPost('/activation', { email: known ? email(1) : 'inconnu@example.test', code: 'ZZZZ-9999', password: PASSWORD, password2: PASSWORD });
      expect(status).toBe(401);
      return status;
    });
    expectClose(result);
  });

  it('/connexion answers a wrong password for a known address as fast as for an unknown one', async () => {
    await start({}, [1]);
    await activate(1, '192.0.2.1');
    const result = await compare(async (known) => {
      const status = await timedPost('/connexion', { email: known ? email(1) : 'inconnu@example.test', password: 'pas le bon mot de passe' });
      expect(status).toBe(401);
      return status;
    });
    expectClose(result);
  });

  it('the reset form answers a known address as fast as an unknown one, and mails only the known one', async () => {
    await start({}, [1]);
    await activate(1, '192.0.2.1');
    const result = await compare(async (known) => {
      const status = await timedPost('/mot-de-passe-oublie', { email: known ? email(1) : 'inconnu@example.test' });
      expect(status).toBe(200);
      return status;
    });
    expectClose(result);
    await portal.app.portal.flushMail();
    const mails = await portal.db.selectFrom('email_outbox').select('to_address').execute();
    expect(new Set(mails.map((mail) => mail.to_address))).toEqual(new Set([email(1)]));
  });
});

describe('throttling without locking the right password out', () => {
  it('ten failures from one address (a school, a NAT) do not lock the other families behind it', async () => {
    await start();
    await activate(1, '192.0.2.1');
    await activate(2, '192.0.2.2');
    const school = '203.0.113.50';
    for (let i = 0; i < 12; i += 1) {
      const res = await login(browser(school), `inconnu${i}@example.test`, 'mauvais mot de passe');
      expect(res.status).toBe(401);
    }
    // Family 1, on a browser that never logged in, from the same address: its password works.
    expect((await login(browser(school), email(1), PASSWORD)).status).toBe(303);
  });

  it('one wrong attempt every 15 minutes elsewhere does not keep the family out of its own device', async () => {
    await start();
    const phone = await activate(1, '192.0.2.1');
    await logout(phone);
    const attacker = '198.51.100.66';
    for (let i = 0; i < 40; i += 1) {
      portal.clock.advance(15 * 60 * 1000);
      expect((await login(browser(attacker), email(1), `essai ${i}`)).status).toBe(401);
    }
    // The attacker's own address is slowed down…
    const guess = await login(browser(attacker), email(1), 'encore un essai');
    expect(guess.status).toBe(429);
    expect(guess.body).toContain('Trop de tentatives');
    // …the family's phone, which logged in before, gets in with the right password, from home or from elsewhere.
    expect((await login(phone, email(1), PASSWORD)).status).toBe(303);
    await logout(phone);
    phone.headers['x-forwarded-for'] = '192.0.2.200';
    expect((await login(phone, email(1), PASSWORD)).status).toBe(303);

    // A new device waits while the account is being guessed at, until the family proves its mailbox by a reset.
    const laptop = browser('192.0.2.3');
    expect((await login(laptop, email(1), PASSWORD)).status).toBe(429);
    await laptop.get('/mot-de-passe-oublie');
    await laptop.post('/mot-de-passe-oublie', { email: email(1) });
    const mail = await portal.smtp.waitForMail((m) => m.subject?.includes('nouveau mot de passe') ?? false);
    const path = /(\/mot-de-passe-oublie\/nouveau\?jeton=[^\s]+)/.exec(mail.text ?? '')![1]!;
    await laptop.get(path);
    const newPassword = 'une toute nouvelle phrase';
    const reset = await laptop.post('/mot-de-passe-oublie/nouveau', { jeton: decodeURIComponent(path.split('jeton=')[1]!), password: newPassword, password2: newPassword });
    expect(reset.location).toBe('/connexion?reinitialise=1');
    expect((await login(laptop, email(1), newPassword)).status).toBe(303);
  });

  it('wrong activation codes sent from elsewhere, one every quarter of an hour, never keep a family from activating', async () => {
    await start();
    for (let i = 0; i < 40; i += 1) {
      portal.clock.advance(15 * 60 * 1000);
      const guesser = browser(`198.51.100.${(i % 5) + 1}`);
      await guesser.get('/activation');
      const wrong = await guesser.post('/activation', { email: email(1), code: `WXYZ-${String(1000 + i)}`, password: PASSWORD, password2: PASSWORD });
      expect(wrong.status).toBe(401);
    }
    // No device, no reset (no password yet): the right code is the family's only way in, and it works.
    await activate(1, '192.0.2.10');
  });

  it('a device that logged in before bypasses an exhausted address budget; a forged or another account’s cookie does not', async () => {
    await start();
    const tablet = await activate(1, '192.0.2.1');
    await logout(tablet);
    await activate(2, '192.0.2.2');
    const nat = '203.0.113.99';
    // 110 failures from the address, each on another unknown address (no pair or account delay): its budget is spent.
    for (let batch = 0; batch < 110; batch += 5) {
      await Promise.all(Array.from({ length: 5 }, (_, i) => login(browser(nat), `personne${batch + i}@example.test`, 'mauvais mot de passe')));
    }
    expect((await login(browser(nat), email(2), PASSWORD)).status).toBe(429);

    tablet.headers['x-forwarded-for'] = nat;
    const cookie = [...tablet.cookies].find(([name]) => name === 'grenette_device');
    expect(cookie, 'device cookie set at activation').toBeDefined();
    expect((await login(tablet, email(1), PASSWORD)).status).toBe(303);

    // Family 1's proof says nothing for family 2.
    const borrowed = browser(nat);
    borrowed.cookies.set('grenette_device', cookie![1]);
    expect((await login(borrowed, email(2), PASSWORD)).status).toBe(429);
    // A proof with a changed signature, or moved to another account id, is ignored.
    const [version, accountId, deviceId, mac] = cookie![1].split('.');
    const forged = browser(nat);
    forged.cookies.set('grenette_device', [version, accountId, deviceId, `${mac!.slice(0, -2)}AA`].join('.'));
    expect((await login(forged, email(1), PASSWORD)).status).toBe(429);
    const moved = browser(nat);
    moved.cookies.set('grenette_device', [version, String(Number(accountId) + 1), deviceId, mac].join('.'));
    expect((await login(moved, email(2), PASSWORD)).status).toBe(429);
  });

  it('a known device has a small budget of its own: a stolen device cookie gives no unlimited guesses', async () => {
    await start();
    const phone = await activate(1, '192.0.2.1');
    await logout(phone);
    for (let i = 0; i < 5; i += 1) expect((await login(phone, email(1), `mauvais ${i}`)).status).toBe(401);
    const held = await login(phone, email(1), PASSWORD);
    expect(held.status).toBe(429);
    expect(held.body).toContain('Réessayez dans 1 seconde.');
    portal.clock.advance(2000);
    expect((await login(phone, email(1), PASSWORD)).status).toBe(303);
  });
});

describe('forwarded-for spoofing', () => {
  it('ignores X-Forwarded-For from a peer that is not a configured proxy', async () => {
    await start({ trustProxy: ['10.0.0.0/8', '192.168.1.1'] }, [1]);
    for (let i = 0; i < 4; i += 1) {
      const res = await login(browser(`198.51.100.${i + 1}`), email(1), 'mauvais mot de passe');
      // Three free failures for the (address, account) pair, then a delay: the rotating header changed nothing.
      expect(res.status).toBe(i < 3 ? 401 : 429);
    }
    const keys = await throttleKeys();
    expect(keys).toContain(`login:ip:127.0.0.1`);
    expect(keys.filter((key) => key.includes('198.51.100.'))).toEqual([]);
  });

  it('reads the client address from a configured proxy', async () => {
    await start({ trustProxy: ['127.0.0.1'] }, [1]);
    await login(browser('198.51.100.7'), email(1), 'mauvais mot de passe');
    expect(await throttleKeys()).toContain('login:ip:198.51.100.7');
  });

  it('with GRENETTE_PORTAL_TRUST_PROXY=1, takes the address the proxy appended, not one the client wrote before it', async () => {
    const before = process.env.GRENETTE_PORTAL_TRUST_PROXY;
    process.env.GRENETTE_PORTAL_TRUST_PROXY = '1';
    try {
      portal = await startTestPortal({ listen: true });
      await insertPublication(portal.db, makePublication(1));
    } finally {
      if (before === undefined) delete process.env.GRENETTE_PORTAL_TRUST_PROXY;
      else process.env.GRENETTE_PORTAL_TRUST_PROXY = before;
    }
    for (let i = 0; i < 4; i += 1) {
      // The client wrote a new address each time; the proxy appended the real one (203.0.113.5).
      const res = await login(browser(`198.51.100.${i + 1}, 203.0.113.5`), email(1), 'mauvais mot de passe');
      expect(res.status).toBe(i < 3 ? 401 : 429);
    }
    const keys = await throttleKeys();
    expect(keys).toContain('login:ip:203.0.113.5');
    expect(keys.filter((key) => key.includes('198.51.100.'))).toEqual([]);
  });

  it('reads GRENETTE_PORTAL_TRUST_PROXY as addresses, ranges or a hop count, and refuses anything else in French', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy(' ')).toBe(false);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1, fd00::/8, loopback')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
    for (const bad of ['true', '10.0.0.0/33', 'proxy.example.test', '10.0.0.1,,10.0.0.2', '11']) {
      expect(() => parseTrustProxy(bad), bad).toThrow(/GRENETTE_PORTAL_TRUST_PROXY invalide/);
    }
  });
});
