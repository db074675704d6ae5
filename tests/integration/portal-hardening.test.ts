import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayRange, isoWeekday } from '../../src/shared/calendar/days.js';
import { deadlineFor } from '../../src/shared/planning/deadlines.js';
import type { DeadlineRule } from '../../src/shared/planning/rules.js';
import { portalRequestSchema } from '../../src/shared/sync/contract.js';
import type { FamilyPublicationV1 } from '../../src/shared/sync/contract-v1.js';
import { CONTROL_CHARS_MESSAGE } from '../../src/shared/text/control-chars.js';
import { enqueueMail } from '../../src/portal/mail/outbox.js';
import { insertPublication, insertSettings, makePublication, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { HttpFamily, pageText } from '../helpers/portal-http.js';

/**
 * Issue 13, points 6-8, on a real portal over real HTTP: the login's `next`, control characters in what a family
 * types (and in mail headers), and the security headers of every kind of answer.
 */

const PASSWORD = 'un mot de passe solide';
const EMAIL = 'famille1@example.test';
const NOW = '2026-11-30T09:00:00.000Z';
const RULE: DeadlineRule = { kind: 'weekday_of_previous_week', weekday: 3, time: '12:00' };
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Stored as an office of protocol 1 sent it: the photo inline. */
function publication(): FamilyPublicationV1 {
  const base = makePublication(1);
  const leo = { ...base.children[0]!, photo: { mime: 'image/png', base64: PNG_1PX } };
  const from = '2026-11-01';
  const to = '2027-01-31';
  const cells = dayRange(from, to).map((day) =>
    isoWeekday(day) >= 6 || isoWeekday(day) === 3
      ? { day, state: 'closed' as const, closedWhy: 'Service fermé' }
      : { day, state: 'booked' as const, changeableUntil: deadlineFor(RULE, day) },
  );
  return { ...base, children: [leo], planning: { from, to, children: [{ childId: leo.id, rows: [{ serviceId: 1, cells }] }] } };
}

let portal: TestPortal;
let family: HttpFamily;

beforeEach(async () => {
  portal = await startTestPortal({ now: NOW, listen: true });
  await insertSettings(portal.db, {
    services: [{ id: 1, name: 'Restauration scolaire', weekdays: [1, 2, 4, 5], period: 'school', deadlines: { booking: RULE, cancel: RULE, absence: RULE }, latePolicy: 'refuse' }],
  });
  await insertPublication(portal.db, publication());
  family = new HttpFamily(portal.url);
  await family.get('/activation');
  expect((await family.post('/activation', { email: EMAIL, code: 'ABCD-2345', password: PASSWORD, password2: PASSWORD })).status).toBe(303);
});
afterEach(async () => {
  await portal.close();
});

const storedRequests = async () =>
  (await portal.db.selectFrom('requests').select('body').orderBy('seq').execute()).map((row) => portalRequestSchema.parse(JSON.parse(row.body)));

describe('the login’s next field', () => {
  async function loginWithNext(next: string) {
    const browser = new HttpFamily(portal.url);
    const page = await browser.get(`/connexion?suite=${encodeURIComponent(next)}`);
    const shown = /name="next" value="([^"]*)"/.exec(page.body)?.[1];
    const res = await browser.post('/connexion', { email: EMAIL, password: PASSWORD, next });
    return { shown, res };
  }

  for (const bad of ['/\n/x', '/\t/host/x', '//evil.example', 'https://evil.example/', '/\\evil.example', '/%0d%0aSet-Cookie:x=1', '/inconnue', '/planning?x=<script>']) {
    it(`drops ${JSON.stringify(bad)} for the home page`, async () => {
      const { shown, res } = await loginWithNext(bad);
      expect(shown).toBe('/');
      expect(res.status).toBe(303);
      expect(res.location).toBe('/');
    });
  }

  it('keeps one of the portal’s pages, with its query', async () => {
    for (const good of ['/planning?enfant=11&vue=mois&du=2026-12-07', '/planning/11/1/2026-12-07?vue=semaine', '/mes-enfants', '/releve', '/mes-enfants/11/fiche.pdf']) {
      const { shown, res } = await loginWithNext(good);
      expect(shown).toBe(good.replace(/&/g, '&amp;'));
      expect(res.location).toBe(good);
    }
  });
});

describe('control characters in what a family types', () => {
  const hidden = ['Rue du \u202Egpj.exe', 'Rue du Pont\u0000', 'Rue du Pont\r\nBcc: x@example.test', 'Rue\u001b[31m', 'Rue\u0085', 'Rue\u2066x\u2069'];

  it('refuses them in a change of « Mon compte » and « Mes enfants » with a French message, and records nothing', async () => {
    await family.get('/mon-compte');
    for (const value of hidden) {
      const res = await family.post('/mon-compte/modification', { field: 'responsable1.adresse', value });
      expect(res.status, JSON.stringify(value)).toBe(400);
      expect(pageText(res.body)).toContain(`Adresse : ${CONTROL_CHARS_MESSAGE['single-line'].charAt(0).toLowerCase()}`);
    }
    await family.get('/mes-enfants');
    const child = await family.post('/mes-enfants/11/modification', { field: 'health.allergies', value: 'Arachide \u202Eetc' });
    expect(pageText(child.body)).toContain('caractère invisible');
    expect(await storedRequests()).toEqual([]);

    await family.get('/mon-compte');
    expect((await family.post('/mon-compte/modification', { field: 'responsable1.adresse', value: '12 rue des Lilas' })).status).toBe(303);
    expect((await storedRequests()).map((request) => request.changes[0]?.newValue)).toEqual(['12 rue des Lilas']);
  });

  it('refuses them in an absence comment, keeping its line breaks (CRLF stored as LF)', async () => {
    for (const commentaire of ['Angine \u202Eeuq', 'Angine\u0000', 'Angine\u0007', 'Angine\u009b']) {
      await family.get('/planning/11/1/2026-12-07');
      const res = await family.post('/planning/11/1/2026-12-07', { action: 'absence', motif: 'MEDICAL', commentaire });
      expect(res.status, JSON.stringify(commentaire)).toBe(422);
      expect(pageText(res.body)).toContain('Commentaire : le texte contient un caractère invisible');
    }
    expect(await storedRequests()).toEqual([]);
    await family.get('/planning/11/1/2026-12-07');
    const sent = await family.post('/planning/11/1/2026-12-07', { action: 'absence', motif: 'MEDICAL', commentaire: 'Angine\r\nRetour jeudi\tsi tout va bien', confirmer: '1' });
    expect(sent.status).toBe(303);
    expect((await storedRequests()).map((request) => request.comment)).toEqual(['Angine\nRetour jeudi\tsi tout va bien']);
  });

  it('refuses them in the address typed on the login, activation and reset forms', async () => {
    const browser = new HttpFamily(portal.url);
    const typed = `famille1@example.test\u0000\r\nBcc: x@example.test`;
    const forms: Array<[string, Record<string, string>]> = [
      ['/connexion', { email: typed, password: PASSWORD }],
      ['/activation', { email: typed, code: 'ABCD-2345', password: PASSWORD, password2: PASSWORD }],
      ['/mot-de-passe-oublie', { email: typed }],
    ];
    for (const [path, form] of forms) {
      await browser.get(path);
      const res = await browser.post(path, form);
      expect(res.status, path).toBe(422);
      expect(pageText(res.body), path).toContain('Adresse e-mail : ce champ contient un caractère invisible ou un retour à la ligne');
    }
    expect(await portal.db.selectFrom('login_throttle').select('key').execute()).toEqual([]);
  });

  it('never lets one into a mail header', async () => {
    const now = portal.clock();
    await enqueueMail(portal.db, { to: EMAIL, subject: 'Votre demande\r\nBcc: pirate@example.test\u202E', text: 'Bonjour,\nCorps du message.' }, now);
    await enqueueMail(portal.db, { to: `${EMAIL}\r\nBcc: pirate@example.test`, subject: 'Relance', text: 'Bonjour' }, now);
    await portal.app.portal.flushMail();
    const mail = await portal.smtp.waitForMail((m) => m.subject?.startsWith('Votre demande') ?? false);
    expect(mail.subject).toBe('Votre demande Bcc: pirate@example.test');
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.text).toContain('Corps du message.');
    expect(portal.smtp.mails).toHaveLength(1);
    const refused = await portal.db.selectFrom('email_outbox').select(['sent_at', 'last_error']).where('subject', '=', 'Relance').executeTakeFirstOrThrow();
    expect(refused.sent_at).toBeNull();
    expect(refused.last_error).toMatch(/^Adresse refusée/);
  });
});

describe('security headers', () => {
  it('sends the security set on a page, a PDF, a photo, an error page and the login page', async () => {
    const answers = {
      page: await family.download('/mes-enfants'),
      pdf: await family.download('/mes-enfants/11/fiche.pdf'),
      photo: await family.download('/mes-enfants/11/photo'),
      notFound: await family.download('/nexiste-pas'),
      login: await new HttpFamily(portal.url).download('/connexion'),
    };
    // Error pages answered before any route runs: a form over 64 KB, a multipart body where none is accepted.
    const tooLarge = await fetch(`${portal.url}/connexion`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${'x'.repeat(70_000)}` });
    const multipart = await fetch(`${portal.url}/connexion`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--\r\n' });
    expect(tooLarge.status).toBe(413);
    expect(multipart.status).toBe(415);
    const early = { tooLarge: { headers: tooLarge.headers }, multipart: { headers: multipart.headers } };
    expect(answers.page.status).toBe(200);
    expect(answers.pdf.headers.get('content-type')).toBe('application/pdf');
    expect(answers.photo.headers.get('content-type')).toBe('image/png');
    expect(answers.notFound.status).toBe(404);
    for (const [what, answer] of Object.entries({ ...answers, ...early })) {
      const headers = Object.fromEntries(answer.headers.entries());
      const csp = headers['content-security-policy'] ?? '';
      expect(csp, what).toContain("default-src 'self'");
      expect(csp, what).toContain("frame-ancestors 'none'");
      expect(csp, what).toContain("object-src 'none'");
      expect(csp, what).not.toContain('unsafe-inline');
      expect(headers['x-content-type-options'], what).toBe('nosniff');
      expect(headers['referrer-policy'], what).toBe('no-referrer');
      expect(headers['x-frame-options'], what).toBe('DENY');
      const permissions = headers['permissions-policy'] ?? '';
      for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()']) expect(permissions, what).toContain(feature);
      // Nothing is kept by the browser, a child's photo included (a shared computer).
      expect(headers['cache-control'], what).toMatch(/no-store/);
      expect(headers['x-powered-by'], what).toBeUndefined();
    }
  });
});
