import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { portalRequestSchema, type FamilyPublication } from '../../src/shared/sync/contract.js';
import { publishedInvoice, sampleInvoiceDocument } from '../helpers/invoice.js';
import { pngImage } from '../helpers/uploads.js';
import { insertPublication, insertSettings, makePublication, PortalClient, startTestPortal, type TestPortal } from '../helpers/portal.js';

const PASSWORD = 'un mot de passe solide';
const SCRIPT = '<script>alert(1)</script>';
/** A real image: the portal decodes and re-encodes every photo, a header alone is refused. */
const PNG = pngImage(1, 1);

let portal: TestPortal;
let family1: PortalClient;

function multipart(fields: Record<string, string>, file: { name: string; filename: string; type: string; content: Buffer } | null) {
  const boundary = '----grenette-test-boundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(client: PortalClient, url: string, fields: Record<string, string>, file: Parameters<typeof multipart>[1]) {
  const body = multipart(fields, file);
  return portal.app.inject({
    method: 'POST',
    url,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': body.contentType },
    payload: body.payload,
  });
}

beforeEach(async () => {
  portal = await startTestPortal();
  await insertPublication(portal.db, makePublication(1));
  await insertPublication(portal.db, makePublication(2, {
    requests: [{ uid: '22222222-2222-4222-8222-222222222222', kind: 'absence', submittedAt: '2026-11-20T10:00:00.000Z', reason: 'MEDICAL', items: [] }],
  }));
  family1 = new PortalClient(portal.app);
  expect((await family1.activate('famille1@example.test', PASSWORD)).status).toBe(303);
});
afterEach(async () => {
  await portal.close();
});

describe('CSRF', () => {
  it('refuses every registered POST route without the token or with a wrong one', async () => {
    const posts = portal.app.portal.routes.filter((r) => r.method === 'POST' && !r.url.startsWith('/sync/'));
    expect(posts.map((r) => r.url)).toEqual(expect.arrayContaining(['/connexion', '/activation', '/deconnexion', '/mon-compte/modification', '/mes-enfants/:childId/photo']));
    const anonymous = new PortalClient(portal.app);
    await anonymous.get('/connexion');
    for (const route of posts) {
      const url = route.url.replace(':childId', '11').replace(':uid', '00000000-0000-4000-8000-000000000000');
      for (const client of [family1, anonymous]) {
        await client.get(client === family1 ? '/mon-compte' : '/connexion');
        const token = client.csrf();
        const missing = await client.post(url, { email: 'famille1@example.test', password: PASSWORD, value: 'x', field: 'caf.number' }, { csrf: null });
        expect(missing.status, `${url} without token`).toBe(403);
        expect(missing.body).toContain('Ce formulaire a expiré');
        const wrong = await client.post(url, { email: 'famille1@example.test', password: PASSWORD, value: 'x', field: 'caf.number' }, { csrf: 'AAAA' + token.slice(4) });
        expect(wrong.status, `${url} with a wrong token`).toBe(403);
      }
    }
    // The pre-session token of one browser is worthless in another.
    await anonymous.get('/connexion');
    const anonymousToken = anonymous.csrf();
    const other = new PortalClient(portal.app);
    await other.get('/connexion');
    const stolen = await other.post('/connexion', { email: 'famille1@example.test', password: PASSWORD }, { csrf: anonymousToken });
    expect(stolen.status).toBe(403);
    // A multipart upload without the token is refused too.
    const res = await upload(family1, '/mes-enfants/11/photo', {}, { name: 'photo', filename: 'a.png', type: 'image/png', content: PNG });
    expect(res.statusCode).toBe(403);
    expect(await portal.db.selectFrom('requests').selectAll().execute()).toEqual([]);
  });
});

describe('another family’s ids', () => {
  it('answers 404 for another family’s child photo, sheet, upload and request', async () => {
    // Stored as an office of protocol 1 sent it: the photo inline.
    await insertPublication(portal.db, {
      ...makePublication(2, {
        version: 2,
        requests: [{ uid: '22222222-2222-4222-8222-222222222222', kind: 'absence', submittedAt: '2026-11-20T10:00:00.000Z', reason: 'MEDICAL', items: [] }],
      }),
      children: makePublication(2).children.map((c) => ({ ...c, photo: { mime: 'image/png', base64: PNG.toString('base64') } })),
    });
    const family2 = new PortalClient(portal.app);
    await family2.activate('famille2@example.test', PASSWORD);
    expect((await family2.get('/mes-enfants/21/photo')).status).toBe(200);
    expect((await family2.get('/demandes/22222222-2222-4222-8222-222222222222')).status).toBe(200);

    for (const url of ['/mes-enfants/21/photo', '/mes-enfants/21/fiche.pdf', '/demandes/22222222-2222-4222-8222-222222222222', '/mes-enfants/abc/photo', '/mes-enfants/99999/fiche.pdf']) {
      const res = await family1.get(url);
      expect(res.status, url).toBe(404);
      expect(res.body).toContain('Page introuvable');
    }
    await family1.get('/mes-enfants');
    const res = await upload(family1, '/mes-enfants/21/photo', { _csrf: family1.csrf() }, { name: 'photo', filename: 'a.png', type: 'image/png', content: PNG });
    expect(res.statusCode).toBe(404);
    // A family id slipped into a form is ignored: the request belongs to the session's family.
    await family1.get('/mon-compte');
    await family1.post('/mon-compte/modification', { field: 'caf.number', value: '7654321', familyId: '2', section: 'caf' });
    const rows = await portal.db.selectFrom('requests').selectAll().execute();
    expect(rows.map((r) => r.family_id)).toEqual([1]);
  });
});

describe('requests from the read-only pages', () => {
  it('records a data change validated by the sync contract and shows it 🚧', async () => {
    await family1.get('/mon-compte');
    const res = await family1.post('/mon-compte/modification', { section: 'caf', field: 'caf.number', value: '7654321' });
    expect(res.location).toBe('/mon-compte?demande=envoyee');
    const row = await portal.db.selectFrom('requests').selectAll().executeTakeFirstOrThrow();
    const body = portalRequestSchema.parse(JSON.parse(row.body));
    expect(body).toMatchObject({ familyId: 1, kind: 'data_change', submittedAt: '2026-11-30T09:00:00.000Z' });
    expect(body.changes).toEqual([{ entity: 'family', entityId: 1, field: 'caf.number', label: 'CAF · Numéro allocataire', oldValue: '1234567', newValue: '7654321' }]);
    const page = await family1.get('/mon-compte?demande=envoyee');
    expect(page.body).toContain('🚧 Modification demandée, en attente : Numéro allocataire → « 7654321 »');
    expect((await family1.get('/')).body).toContain('Modification de données');
  });

  it('accepts a PNG photo and refuses a disguised or oversized file', async () => {
    await family1.get('/mes-enfants');
    const csrf = family1.csrf();
    const ok = await upload(family1, '/mes-enfants/11/photo', { _csrf: csrf }, { name: 'photo', filename: 'leo.png', type: 'image/png', content: PNG });
    expect(ok.statusCode).toBe(303);
    const fake = await upload(family1, '/mes-enfants/11/photo', { _csrf: csrf }, { name: 'photo', filename: 'leo.png', type: 'image/png', content: Buffer.from('<svg onload=alert(1)>') });
    expect(fake.statusCode).toBe(415);
    expect(fake.body).toContain('JPEG ou PNG');
    const big = await upload(family1, '/mes-enfants/11/photo', { _csrf: csrf }, { name: 'photo', filename: 'big.jpg', type: 'image/jpeg', content: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2 * 1024 * 1024 + 10)]) });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('La photo envoyée est trop volumineuse : une photo ne doit pas dépasser 2 Mo.');
    const rows = await portal.db.selectFrom('requests').selectAll().execute();
    expect(rows.map((r) => r.kind)).toEqual(['photo']);
    expect((await family1.get('/mes-enfants')).body).toContain('🚧 Une nouvelle photo a été envoyée');
  });
});

describe('bodies', () => {
  it('answers oversized and malformed bodies with French pages', async () => {
    await family1.get('/mon-compte');
    const big = await family1.post('/mon-compte/modification', { field: 'caf.number', value: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body).toContain('Envoi trop volumineux');
    // What was too large, not a word about photos for a long text.
    expect(big.body).toContain('Le formulaire envoyé est trop long (64 Ko au plus)');
    expect(big.body).not.toContain('photo');
    expect(big.body).toContain('lang="fr"');
    const json = await portal.app.inject({ method: 'POST', url: '/connexion', headers: { 'content-type': 'application/json' }, payload: '{"email": ' });
    expect(json.statusCode).toBe(400);
    expect(json.body).toContain('Demande incorrecte');
    const text = await portal.app.inject({ method: 'POST', url: '/connexion', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
    expect(text.statusCode).toBe(415);
    expect(text.body).toContain('Format non accepté');
    const form = multipart({ email: 'a' }, null);
    const notUpload = await portal.app.inject({ method: 'POST', url: '/connexion', headers: { 'content-type': form.contentType }, payload: form.payload });
    expect(notUpload.statusCode).toBe(415);
  });

  it('shows a French error page without a stack trace when something breaks', async () => {
    await portal.db.updateTable('publications').set({ data: '{"broken": true}' }).where('family_id', '=', 1).execute();
    const res = await family1.get('/mes-enfants');
    expect(res.status).toBe(500);
    expect(res.body).toContain('Une erreur est survenue');
    expect(res.body).not.toMatch(/ZodError|at .*\.ts:\d+|Error:/);
  });
});

describe('escaping', () => {
  /** Every free-text string of the publication replaced by a script tag. */
  function poisoned(familyId: number): FamilyPublication {
    const keep = new Set(['dateNaissance', 'startDate', 'endDate', 'date', 'dueDate', 'paiEnd', 'qfValidUntil', 'from', 'to', 'day', 'submittedAt', 'decidedAt', 'activationExpiresAt', 'activationCodeHash', 'sexe', 'kind', 'status', 'mime', 'base64', 'uid', 'reason', 'state', 'changeableUntil', 'issueDate', 'month', 'days', 'code', 'source', 'validFrom', 'validTo']);
    const walk = (value: unknown, key: string): unknown => {
      if (typeof value === 'string') return keep.has(key) ? value : SCRIPT;
      if (Array.isArray(value)) return value.map((v) => walk(v, key));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
      return value;
    };
    const base = makePublication(familyId, {
      version: 5,
      requests: [{ uid: '11111111-1111-4111-8111-111111111111', kind: 'absence', submittedAt: '2026-11-20T10:00:00.000Z', reason: 'MEDICAL', items: [{ childId: 11, serviceId: 1, day: '2026-12-07', status: 'refused', refusalReason: 'x', decidedAt: '2026-11-21T10:00:00.000Z' }] }],
      invoices: [publishedInvoice(sampleInvoiceDocument())],
      payments: [{ date: '2026-11-02', amountCents: 500, method: 'x' }],
    });
    const result = walk(base, '') as FamilyPublication;
    result.logins = base.logins;
    return result;
  }

  it('never sends back an unescaped script from any published or submitted text', async () => {
    await insertPublication(portal.db, poisoned(1));
    await insertSettings(portal.db, {
      commune: { name: SCRIPT, service: SCRIPT, address: SCRIPT, email: SCRIPT, phone: SCRIPT, hours: [SCRIPT] },
      news: [{ date: '2026-11-25', title: SCRIPT, body: SCRIPT }],
      services: [{ id: 1, name: SCRIPT, weekdays: [1], period: 'school', deadlines: {}, latePolicy: 'refuse' }],
    });
    await family1.get('/mon-compte');
    // A value the field refuses comes back next to it, escaped; free text is recorded and shown escaped everywhere.
    const refusedScript = await family1.post('/mon-compte/modification', { section: 'caf', field: 'caf.number', value: SCRIPT });
    expect(refusedScript.status).toBe(400);
    expect(refusedScript.body).not.toContain('<script>alert');
    expect(refusedScript.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    await family1.post('/mon-compte/modification', { section: 'responsable-1', field: 'responsable1.profession', value: `${SCRIPT} (nouveau)` });
    const uid = (await portal.db.selectFrom('requests').select('uid').executeTakeFirstOrThrow()).uid;
    const pages = ['/', '/mon-compte', '/mes-enfants', '/releve', '/mot-de-passe', '/accessibilite', `/demandes/${uid}`, '/demandes/11111111-1111-4111-8111-111111111111', '/page-inconnue'];
    for (const url of pages) {
      const res = await family1.get(url);
      expect(res.status, url).toBeLessThan(500);
      expect(res.body, url).not.toContain('<script>alert');
      expect(res.body, url).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const anonymous = new PortalClient(portal.app);
    for (const url of ['/connexion', '/activation', '/mot-de-passe-oublie']) {
      const res = await anonymous.get(url);
      expect(res.body, url).not.toContain('<script>alert');
    }
    const reflected = await anonymous.post('/connexion', { email: SCRIPT, password: 'x' });
    expect(reflected.body).not.toContain('<script>alert');
    expect((await anonymous.get(`/connexion?suite=${encodeURIComponent('"><script>alert(1)</script>')}`)).body).not.toContain('<script>alert');
  });
});

describe('pages', () => {
  it('shows the next deadline in words, the office hours and the empty states', async () => {
    const home = await family1.get('/');
    expect(home.body).toContain('Modifications pour la semaine du 7 décembre jusqu’au mercredi 2 décembre 2026 à 12h00');
    expect(home.body).toContain('Mardi et jeudi : 13h30-17h30');
    expect(home.body).toContain('<title>Accueil – Portail famille – Epagny Metz-Tessy</title>');
    expect((await family1.get('/releve')).body).toContain('Aucune facture pour le moment. Vos factures apparaîtront ici dès leur émission.');
    const children = await family1.get('/mes-enfants');
    expect(children.body).toContain('3,85\u00a0€');
    expect(children.body).toContain('Arachide');
    const pdf = await family1.get('/mes-enfants/11/fiche.pdf');
    expect(pdf.status).toBe(200);
    const pdfFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-portal-sheet-')), 'fiche.pdf');
    fs.writeFileSync(pdfFile, pdf.raw);
    const sheet = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(sheet).toMatch(/Léo/);
    expect(sheet).toContain('Arachide');
    expect(sheet).toContain('Jeanne');
    fs.rmSync(path.dirname(pdfFile), { recursive: true, force: true });

    await portal.db.deleteFrom('publications').where('family_id', '=', 1).execute();
    for (const url of ['/', '/mon-compte', '/mes-enfants', '/releve']) {
      expect((await family1.get(url)).body, url).toContain('Vos données arrivent bientôt');
    }
  });

  it('sends strict security headers', async () => {
    const res = await portal.app.inject({ method: 'GET', url: '/connexion' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const css = await portal.app.inject({ method: 'GET', url: '/static/portal.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toContain('max-age=3600');
    const again = await portal.app.inject({ method: 'GET', url: '/static/portal.css', headers: { 'if-none-match': String(css.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const bare = await portal.app.inject({ method: 'GET', url: '/accessibilite' });
    expect(bare.statusCode).toBe(200);
    expect(bare.body).toContain('Défenseur des droits');
    expect(bare.body).toContain('partiellement conforme');
  });
});
