import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { portalClient } from '../../src/office/sync/client.js';
import { familyPublicationSchema, portalRequestSchema, publishRequestSchema, SYNC_PATHS, type FamilyPublication } from '../../src/shared/sync/contract.js';
import { publishResponseSchemaV1, pullResponseSchemaV1 } from '../../src/shared/sync/contract-v1.js';
import { SYNC_PROTOCOL } from '../../src/shared/sync/protocol.js';
import { makeTestClock, makeTestOffice, type TestClock, type TestOffice } from '../helpers/office.js';
import { HttpFamily, pageText } from '../helpers/portal-http.js';
import { startSyncProxy, type SyncProxy } from '../helpers/sync-proxy.js';
import { signedFetch, startTestPortal, submitOnPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';
import { jpegImage } from '../helpers/uploads.js';

/**
 * Issue #15 point 4 on the real portal (its HTTP server, its database: SQLite, or PostgreSQL under
 * GRENETTE_TEST_PORTAL_DB=pg): an office of protocol 1, replayed from the bodies a real office of protocol 1 sent
 * (tests/fixtures/sync/protocol-1, recorded at 7147338), signed as it signed (no protocol header, no protocol line),
 * syncs with this portal from the first publication to the decisions, and the family's pages show what it published,
 * its inline photo included; then the commune's office is updated and goes on in the current protocol on the same
 * portal; calls of protocols the portal does not accept are refused in words the office shows.
 */

vi.setConfig({ testTimeout: 120_000 });

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => fs.readFileSync(path.join(here, '..', 'fixtures', 'sync', 'protocol-1', name), 'utf8');
const recording = JSON.parse(fixture('recording.json')) as { activationCode: string; requestUid: string; requestSubmittedAt: string; photoBase64: string; firstRunAt: string; laterRunsAt: string };
const PHOTO = Buffer.from(recording.photoBase64, 'base64');
const PHOTO_SHA256 = createHash('sha256').update(PHOTO).digest('hex');
const PASSWORD = 'un mot de passe solide';
const FAMILY = 1;
const CHILD = 1;
const CANTEEN = 1;

let clock: TestClock;
let portal: TestPortal;

beforeEach(async () => {
  clock = makeTestClock(recording.firstRunAt);
  portal = await startTestPortal(clock);
});

afterEach(async () => {
  await portal.close();
});

/**
 * A call of the office of protocol 1: the recorded body as it went on the wire (compact JSON: the bytes it signed),
 * the recorded request's uid and instant replaced by those of the request this portal holds.
 */
async function officeV1(pathname: string, name: string, replace: Array<[string, string]> = []) {
  let body = JSON.stringify(JSON.parse(fixture(name)));
  for (const [from, to] of replace) body = body.split(from).join(to);
  return signedFetch(portal.url, pathname, { body, now: clock() });
}

const storedRows = async () => ({
  publications: await portal.db.selectFrom('publications').select(['family_id', 'protocol']).execute(),
  settings: await portal.db.selectFrom('portal_content').select('protocol').where('key', '=', 'settings').executeTakeFirst(),
});

describe('an office of protocol 1 (recorded payloads) on this portal', () => {
  it('publishes, has its family activate and ask, pulls and acknowledges the request, publishes the decisions; the family sees it all, the photo included', async () => {
    // The first run: a pull (nothing yet), then the settings and the family with its child's photo inline.
    const firstPull = await officeV1(SYNC_PATHS.pull, 'pull.json');
    expect(firstPull.status).toBe(200);
    // Read as that office reads it: the answer must be of protocol 1.
    expect(pullResponseSchemaV1.parse(firstPull.json)).toMatchObject({ protocol: 1, requests: [], more: false });
    const published = await officeV1(SYNC_PATHS.publish, 'publish-first.json');
    expect(published.status).toBe(200);
    expect(publishResponseSchemaV1.parse(published.json)).toEqual({ protocol: 1, applied: [FAMILY], ignored: [], missingPhotos: [] });
    // Stored as it came, in protocol 1; the photo's bytes in the store, named by their hash for the child.
    expect(await storedRows()).toEqual({ publications: [{ family_id: FAMILY, protocol: 1 }], settings: { protocol: 1 } });
    const row = await portal.db.selectFrom('publications').select('data').executeTakeFirstOrThrow();
    expect(row.data).toContain(recording.photoBase64.slice(0, 80));
    expect(await portal.db.selectFrom('publication_photos').select(['family_id', 'child_id', 'sha256']).execute()).toEqual([{ family_id: FAMILY, child_id: CHILD, sha256: PHOTO_SHA256 }]);

    // Two days later (as recorded), the family activates its account with the code the office gave it.
    clock.set(recording.laterRunsAt);
    const family = new HttpFamily(portal.url);
    await family.get('/activation');
    const activated = await family.post('/activation', { email: 'helene.martin@example.fr', code: recording.activationCode, password: PASSWORD, password2: PASSWORD });
    expect(activated.status).toBe(303);
    const home = pageText((await family.get('/')).body);
    expect(home).toContain('04 50 22 98 19');
    const children = (await family.get('/mes-enfants')).body;
    expect(pageText(children)).toContain('Lucas');
    expect(children).toContain(`<img src="/mes-enfants/${CHILD}/photo"`);
    const photo = await family.download(`/mes-enfants/${CHILD}/photo`);
    expect(photo.status).toBe(200);
    expect(photo.bytes.equals(PHOTO)).toBe(true);
    expect(photo.headers.get('etag')).toBe(`"${PHOTO_SHA256}"`);

    // The family asks for its child's absence on 14 and 15 December (the portal's own recording of a request).
    const account = await portal.db.selectFrom('accounts').select('id').where('family_id', '=', FAMILY).executeTakeFirstOrThrow();
    const absence = await submitOnPortal(portal.db, FAMILY, account.id, clock(), {
      kind: 'absence',
      reason: 'MEDICAL',
      comment: 'Angine',
      items: [
        { childId: CHILD, serviceId: CANTEEN, day: '2026-12-14' },
        { childId: CHILD, serviceId: CANTEEN, day: '2026-12-15' },
      ],
    });
    const ours: Array<[string, string]> = [
      [recording.requestUid, absence.uid],
      [recording.requestSubmittedAt, absence.submittedAt],
    ];

    // The office of protocol 1 pulls it, in protocol 1's shape, readable by its request schema.
    const pulled = pullResponseSchemaV1.parse((await officeV1(SYNC_PATHS.pull, 'pull.json')).json);
    expect(pulled.protocol).toBe(1);
    expect(pulled.requests).toHaveLength(1);
    const request = portalRequestSchema.parse(pulled.requests[0]!.request);
    expect(request).toMatchObject({ uid: absence.uid, familyId: FAMILY, kind: 'absence', reason: 'MEDICAL' });
    // Its recorded cursor is this portal's: the next pull (after: 1) acknowledges the request and finds nothing more.
    expect(pulled.next).toBe(JSON.parse(fixture('pull-after.json')).after);
    expect((await officeV1(SYNC_PATHS.publish, 'publish-pending.json', ours)).status).toBe(200);
    const acknowledged = pullResponseSchemaV1.parse((await officeV1(SYNC_PATHS.pull, 'pull-after.json')).json);
    expect(acknowledged).toMatchObject({ protocol: 1, requests: [], next: pulled.next, more: false });

    // The decisions: the family reads them on its request's page and is mailed once.
    const decided = await officeV1(SYNC_PATHS.publish, 'publish-decisions.json', ours);
    expect(publishResponseSchemaV1.parse(decided.json)).toMatchObject({ protocol: 1, applied: [FAMILY] });
    const page = pageText((await family.get(`/demandes/${absence.uid}`)).body);
    expect(page).toContain('Acceptée');
    expect(page).toContain('Refusée : Justificatif manquant');
    const mails = await portal.db.selectFrom('email_outbox').select(['to_address', 'subject']).where('subject', 'like', '%absence%').execute();
    expect(mails.map((mail) => mail.to_address)).toEqual(['helene.martin@example.fr']);
    expect((await family.download(`/mes-enfants/${CHILD}/photo`)).bytes.equals(PHOTO)).toBe(true);

    // The same office once it had the photo store (still protocol 1): the hashes, the bytes, the reference.
    const missing = await officeV1(SYNC_PATHS.photosMissing, 'photos-missing.json');
    expect(missing).toEqual({ status: 200, json: { protocol: 1, missing: [] } });
    expect((await officeV1(SYNC_PATHS.photos, 'photos.json')).json).toEqual({ protocol: 1, stored: [PHOTO_SHA256] });
    const byReference = await officeV1(SYNC_PATHS.publish, 'publish-photo-ref.json', ours);
    expect(publishResponseSchemaV1.parse(byReference.json)).toMatchObject({ protocol: 1, applied: [FAMILY], missingPhotos: [] });
    expect((await family.download(`/mes-enfants/${CHILD}/photo`)).bytes.equals(PHOTO)).toBe(true);
    expect(pageText((await family.get(`/demandes/${absence.uid}`)).body)).toContain('Refusée : Justificatif manquant');
  });

  it('then the commune updates its office: the current protocol goes on on the same portal, over what protocol 1 stored', async () => {
    await officeV1(SYNC_PATHS.publish, 'publish-first.json');
    clock.set(recording.laterRunsAt);
    const family = new HttpFamily(portal.url);
    await family.get('/activation');
    expect((await family.post('/activation', { email: 'helene.martin@example.fr', code: recording.activationCode, password: PASSWORD, password2: PASSWORD })).status).toBe(303);
    const account = await portal.db.selectFrom('accounts').select('id').where('family_id', '=', FAMILY).executeTakeFirstOrThrow();
    const absence = await submitOnPortal(portal.db, FAMILY, account.id, clock(), {
      kind: 'absence',
      reason: 'MEDICAL',
      comment: '',
      items: [{ childId: CHILD, serviceId: CANTEEN, day: '2026-12-14' }],
    });

    // The office's own client, of the current protocol: the same request, in its protocol's answer.
    const client = portalClient(portal.url, SYNC_SECRET, clock);
    const page = await client.pull(0, 100);
    expect(page.protocol).toBe(SYNC_PROTOCOL);
    expect(page.requests.map((entry) => (entry.request as { uid: string }).uid)).toEqual([absence.uid]);
    // The photo protocol 1 sent inline is already in the store: nothing to send.
    expect(await client.missingPhotos([PHOTO_SHA256])).toEqual([]);
    // Its publication names the photo by reference and carries the decision; stored in the current protocol.
    const previous = publishRequestSchema.shape.families.element.parse({
      ...(JSON.parse(fixture('publish-photo-ref.json')) as { families: FamilyPublication[] }).families[0]!,
      version: Date.parse(recording.laterRunsAt) + 10,
      requests: [
        {
          uid: absence.uid,
          kind: 'absence',
          submittedAt: absence.submittedAt,
          reason: 'MEDICAL',
          items: [{ childId: CHILD, serviceId: CANTEEN, day: '2026-12-14', status: 'refused', refusalReason: 'Hors délai', decidedAt: clock().toISOString(), late: false }],
        },
      ],
    });
    const answer = await client.publish(null, [previous]);
    expect(answer).toEqual({ protocol: SYNC_PROTOCOL, applied: [FAMILY], ignored: [], missingPhotos: [] });
    expect(await storedRows()).toEqual({ publications: [{ family_id: FAMILY, protocol: SYNC_PROTOCOL }], settings: { protocol: 1 } });
    const stored = await portal.db.selectFrom('publications').select('data').executeTakeFirstOrThrow();
    expect(familyPublicationSchema.parse(JSON.parse(stored.data)).children[0]!.photo).toEqual({ sha256: PHOTO_SHA256, mime: 'image/jpeg', size: PHOTO.length });
    // The family sees the new publication and the settings protocol 1 stored, the same photo.
    expect(pageText((await family.get(`/demandes/${absence.uid}`)).body)).toContain('Refusée : Hors délai');
    expect(pageText((await family.get('/')).body)).toContain('04 50 22 98 19');
    expect((await family.download(`/mes-enfants/${CHILD}/photo`)).bytes.equals(PHOTO)).toBe(true);

    // A new photo from the updated office: sent by its hash, then named; the page serves it.
    const next = jpegImage(50, 70, '#30a060');
    const nextHash = createHash('sha256').update(next).digest('hex');
    expect(await client.missingPhotos([nextHash])).toEqual([nextHash]);
    await client.uploadPhotos([{ sha256: nextHash, mime: 'image/jpeg', base64: next.toString('base64') }]);
    const withPhoto = { ...previous, version: previous.version + 1, children: previous.children.map((child) => ({ ...child, photo: { sha256: nextHash, mime: 'image/jpeg', size: next.length } })) };
    expect((await client.publish(null, [withPhoto])).applied).toEqual([FAMILY]);
    expect((await family.download(`/mes-enfants/${CHILD}/photo`)).bytes.equals(next)).toBe(true);
    // An inline photo is protocol 1's only: refused in the current protocol, nothing stored.
    const inline = { ...withPhoto, version: withPhoto.version + 1, children: withPhoto.children.map((child) => ({ ...child, photo: { mime: 'image/jpeg', base64: PHOTO.toString('base64') } })) };
    const refused = await signedFetch(portal.url, SYNC_PATHS.publish, { body: JSON.stringify({ protocol: SYNC_PROTOCOL, settings: null, families: [inline] }), now: clock(), protocol: SYNC_PROTOCOL });
    expect(refused.status).toBe(400);
    expect((await portal.db.selectFrom('publications').select('version').executeTakeFirstOrThrow()).version).toBe(withPhoto.version);
  });
});

describe('protocols the portal does not accept', () => {
  const publishBody = () => JSON.stringify(JSON.parse(fixture('publish-first.json')));

  it('refuses a call of protocol 0 or 3, or of an unreadable one, in words saying which side to update, and stores nothing', async () => {
    const old = await signedFetch(portal.url, SYNC_PATHS.publish, { body: publishBody(), now: clock(), protocol: 0 });
    expect(old.status).toBe(400);
    expect(old.json).toMatchObject({
      protocolRefused: true,
      error: 'Le portail famille attend le protocole 1 ou 2 de synchronisation ; ce logiciel du bureau parle le protocole 0 : mettez à jour le logiciel du bureau.',
    });
    const newer = await signedFetch(portal.url, SYNC_PATHS.pull, { body: '{"after":0,"limit":100}', now: clock(), protocol: 3 });
    expect(newer.status).toBe(400);
    expect((newer.json as { error: string }).error).toBe(
      'Le portail famille attend le protocole 1 ou 2 de synchronisation ; ce logiciel du bureau parle le protocole 3, plus récent : mettez à jour le portail famille.',
    );
    const unreadable = await signedFetch(portal.url, SYNC_PATHS.pull, { body: '{"after":0,"limit":100}', now: clock(), protocol: 2, protocolHeader: 'deux' });
    expect((unreadable.json as { error: string }).error).toContain('parle un protocole illisible : mettez à jour le logiciel du bureau');
    expect(await storedRows()).toEqual({ publications: [], settings: undefined });
    // Protocol 1 and 2 are both accepted.
    expect((await signedFetch(portal.url, SYNC_PATHS.pull, { body: '{"after":0,"limit":100}', now: clock() })).json).toMatchObject({ protocol: 1 });
    expect((await signedFetch(portal.url, SYNC_PATHS.pull, { body: '{"after":0,"limit":100}', now: clock(), protocol: 2 })).json).toMatchObject({ protocol: 2 });
  });

  it('signs the protocol with the call: a header taken off, added or changed on the way fails the signature', async () => {
    const pull = '{"after":0,"limit":100}';
    const signatureRefused = { status: 401, json: { error: 'Signature invalide : le secret partagé ne correspond pas ou le contenu a été modifié.', protocols: { oldest: 1, current: 2 } } };
    // Signed as protocol 2, sent without the header: checked as protocol 1 signs, it fails.
    expect(await signedFetch(portal.url, SYNC_PATHS.pull, { body: pull, now: clock(), protocol: 2, protocolHeader: undefined })).toEqual(signatureRefused);
    // Signed as protocol 1 (no line), sent with a header of 2; signed as 2, sent as 1.
    expect(await signedFetch(portal.url, SYNC_PATHS.pull, { body: pull, now: clock(), protocolHeader: '2' })).toEqual(signatureRefused);
    expect(await signedFetch(portal.url, SYNC_PATHS.pull, { body: pull, now: clock(), protocol: 2, protocolHeader: '1' })).toEqual(signatureRefused);
    // A body of protocol 1 under a header of 2 (signed so): the body's schema is the header's, refused.
    const mixed = await signedFetch(portal.url, SYNC_PATHS.publish, { body: publishBody(), now: clock(), protocol: 2 });
    expect(mixed.status).toBe(400);
    expect(await storedRows()).toEqual({ publications: [], settings: undefined });
  });
});

describe('what the office shows', () => {
  let office: TestOffice;
  let proxy: SyncProxy;

  beforeEach(async () => {
    office = await makeTestOffice({ now: recording.firstRunAt });
    proxy = await startSyncProxy(portal.url);
    await office.value('sync.configure', { portalUrl: proxy.url, secret: SYNC_SECRET });
  });

  afterEach(async () => {
    await proxy.close();
    await office.close();
  });

  it('the portal’s refusal of its protocol, as the portal words it (here an office of protocol 3, by its header)', async () => {
    expect((await office.value('sync.now', {})).lastError).toBeNull();
    proxy.headers = (headers) => ({ ...headers, 'x-grenette-protocol': '3' });
    expect((await office.value('sync.now', {})).lastError).toBe(
      'Le portail famille attend le protocole 1 ou 2 de synchronisation ; ce logiciel du bureau parle le protocole 3, plus récent : mettez à jour le portail famille.',
    );
  });

  it('a portal still of protocol 1 refusing the signed protocol line: the secret, or a portal to update; the current portal says only the secret', async () => {
    // A portal of protocol 1 checks the signature without the protocol line: it refuses, and says nothing of protocols.
    const old = http.createServer((request, response) => {
      request.resume();
      request.on('end', () =>
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Signature invalide : le secret partagé ne correspond pas ou le contenu a été modifié.' })),
      );
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      await office.value('sync.configure', { portalUrl: `http://127.0.0.1:${(old.address() as AddressInfo).port}`, secret: SYNC_SECRET });
      expect((await office.value('sync.now', {})).lastError).toBe(
        'Le portail a refusé la synchronisation (401) : Signature invalide : le secret partagé ne correspond pas ou le contenu a été modifié. ' +
          'Si le secret est le bon, mettez à jour le portail famille (ce bureau parle le protocole 2).',
      );
    } finally {
      await new Promise<void>((resolve) => old.close(() => resolve()));
    }
    await office.value('sync.configure', { portalUrl: proxy.url, secret: 'un-autre-secret-de-synchronisation-0123456789' });
    expect((await office.value('sync.now', {})).lastError).toBe(
      'Le portail a refusé la synchronisation (401) : Signature invalide : le secret partagé ne correspond pas ou le contenu a été modifié.',
    );
  });

  it('a portal still of protocol 1, which answers in it: update the portal first', async () => {
    // A portal of protocol 1 answers a pull so (pullResponseSchemaV1) whatever the office's header.
    const answer = { protocol: 1, requests: [], next: 0, more: false, portalId: 'ancien-portail' };
    expect(pullResponseSchemaV1.parse(answer)).toEqual(answer);
    const old = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      await office.value('sync.configure', { portalUrl: `http://127.0.0.1:${(old.address() as AddressInfo).port}`, secret: SYNC_SECRET });
      expect((await office.value('sync.now', {})).lastError).toBe(
        'Le portail famille parle le protocole 1 de synchronisation, ce logiciel du bureau le protocole 2 : mettez à jour le portail famille (le portail se met à jour avant les bureaux).',
      );
    } finally {
      await new Promise<void>((resolve) => old.close(() => resolve()));
    }
  });
});
