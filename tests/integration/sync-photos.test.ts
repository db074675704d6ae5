import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { purgeExpired } from '../../src/portal/auth/maintenance.js';
import { UNREFERENCED_PHOTO_GRACE_MS } from '../../src/portal/photos/store.js';
import { UPLOAD_RETENTION_AFTER_ACK_MS } from '../../src/portal/uploads/retention.js';
import { familyPublicationSchema, SYNC_PATHS } from '../../src/shared/sync/contract.js';
import { sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { activatedFamily, pairedFamily } from '../helpers/paired-family.js';
import { HttpFamily, pageText } from '../helpers/portal-http.js';
import { startSyncProxy, type SyncProxy } from '../helpers/sync-proxy.js';
import { SYNC_SECRET, type TestPortal } from '../helpers/sync.js';
import { jpegImage, pngImage } from '../helpers/uploads.js';

/**
 * Issue #14 (photos served by content hash) and #13 point 4 (files not copied at each sync), on two real servers:
 * the office core and the portal on their SQLite files, the office's sync calls going through a recording HTTP relay
 * (tests/helpers/sync-proxy.ts) so the test counts the calls and bytes the sync sends. A photo the family sends is
 * accepted at the office and reaches the family's page by reference; it is not sent again; a new photo replaces it;
 * another family never sees it; a publication stored inline (protocol 1) still shows its photo; the portal's
 * maintenance purges photos no publication names and files the office took 30 days ago.
 */

vi.setConfig({ testTimeout: 120_000 });

let office: TestOffice;
let portal: TestPortal;
let proxy: SyncProxy;
let familyId: number;
let childId: number;
const PASSWORD = 'un mot de passe solide';

beforeEach(async () => {
  ({ office, portal, familyId, childId } = await pairedFamily(['2026-12-14']));
  proxy = await startSyncProxy(portal.url);
  await office.value('sync.configure', { portalUrl: proxy.url, secret: SYNC_SECRET });
});

afterEach(async () => {
  await proxy.close();
  await portal.close();
  await office.close();
});

async function sync(): Promise<void> {
  expect((await office.value('sync.now', {})).lastError).toBeNull();
}

/** The office's calls of the next sync run (paths and bytes), the run's outcome checked by the caller. */
async function callsOf(run: () => Promise<unknown>): Promise<Array<{ path: string; bytes: number; status: number }>> {
  const from = proxy.calls.length;
  await run();
  return proxy.calls.slice(from);
}

const paths = (calls: Array<{ path: string }>) => calls.map((call) => call.path).filter((path) => path !== SYNC_PATHS.pull);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const officePhoto = (id = childId) => office.sqlite.prepare('SELECT photo FROM children WHERE id = ?').pluck().get(id) as Buffer | null;
/** The family is to publish again, as any change of its data marks it. */
const markDirty = (id = familyId) => office.sqlite.prepare('INSERT INTO sync_dirty (family_id, mark) VALUES (?, 1) ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1').run(id);

async function storedPublication(id = familyId) {
  const row = await portal.db.selectFrom('publications').select(['version', 'data']).where('family_id', '=', id).executeTakeFirstOrThrow();
  return { version: row.version, data: row.data, publication: familyPublicationSchema.parse(JSON.parse(row.data)) };
}

/** The family sends a photo of its child from « Mes enfants »; the office receives and accepts it; the next sync publishes it. */
async function photoAcceptedAtOffice(family: HttpFamily, bytes: Buffer): Promise<Buffer> {
  const action = `/mes-enfants/${childId}/photo`;
  await family.get('/mes-enfants');
  const sent = await family.submit(action, family.hiddenFields(action), { name: 'photo', fileName: 'photo.png', type: 'image/png', bytes });
  expect(sent.status).toBe(303);
  await sync();
  const queue = (await office.value('requests.queue', {})).filter((row) => row.kind === 'photo');
  expect(queue).toHaveLength(1);
  await office.value('requests.decide', { itemIds: [queue[0]!.itemId], decision: 'accept', refusalReason: null });
  const accepted = officePhoto();
  expect(accepted).not.toBeNull();
  return accepted!;
}

/** A second family of the commune with a child and its own account, logged in (Paul Durand). */
async function otherFamily(): Promise<{ family: HttpFamily; familyId: number; childId: number }> {
  const email = 'paul.durand@example.fr';
  const data = sampleFamilyInput({ responsable1: { ...sampleFamilyInput().responsable1, nom: 'Durand', prenom: 'Paul', email } });
  const otherId = (await office.value('families.create', { data })).id;
  const otherChild = (await office.value('children.create', { familyId: otherId, data: sampleChildInput({ identity: { ...sampleChildInput().identity, nom: 'Durand', prenom: 'Zoé' } }) })).id;
  const { code } = await office.value('portal.issueActivation', { familyId: otherId, rank: 1 });
  await sync();
  const family = new HttpFamily(portal.url);
  await family.get('/activation');
  const activated = await family.post('/activation', { email, code, password: PASSWORD, password2: PASSWORD });
  expect(activated.status).toBe(303);
  return { family, familyId: otherId, childId: otherChild };
}

describe('a child’s photo through the sync', () => {
  it('reaches the family’s page by reference, is sent once, is replaced by a new one, and never reaches another family', async () => {
    const family = await activatedFamily(office, portal.url, familyId, PASSWORD);
    const accepted = await photoAcceptedAtOffice(family, pngImage(300, 400));

    // The run that publishes the accepted photo: the hashes asked, the photo sent, then the publication naming it.
    const first = await callsOf(sync);
    expect(paths(first)).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.photos, SYNC_PATHS.publish]);
    const upload = first.find((call) => call.path === SYNC_PATHS.photos)!;
    expect(upload.bytes).toBeGreaterThan(accepted.length);
    const publish = first.find((call) => call.path === SYNC_PATHS.publish)!;
    const stored = await storedPublication();
    expect(stored.publication.children[0]!.photo).toEqual({ sha256: sha256(accepted), mime: 'image/jpeg', size: accepted.length });
    expect(stored.data).not.toContain(accepted.toString('base64').slice(0, 64));
    expect(publish.bytes).toBeLessThan(accepted.length + 64 * 1024);

    // The family's page shows it; the route serves the office's bytes, named by their hash.
    const page = await family.get('/mes-enfants');
    expect(page.body).toContain(`<img src="/mes-enfants/${childId}/photo"`);
    const served = await family.download(`/mes-enfants/${childId}/photo`);
    expect(served.status).toBe(200);
    expect(served.bytes.equals(accepted)).toBe(true);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('etag')).toBe(`"${sha256(accepted)}"`);
    expect(served.headers.get('cache-control')).toBe('private, no-store');
    // A client that asks with its copy's hash: 304, no bytes.
    const again = await fetch(`${portal.url}/mes-enfants/${childId}/photo`, {
      headers: { cookie: [...family.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'if-none-match': `"${sha256(accepted)}"` },
    });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    // The printed child sheet embeds it too.
    expect((await family.download(`/mes-enfants/${childId}/fiche.pdf`)).bytes.length).toBeGreaterThan(accepted.length);

    // Published again (any change of the family): the hash is asked, the bytes are not sent.
    markDirty();
    const second = await callsOf(sync);
    expect(paths(second)).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.publish]);
    expect(second.find((call) => call.path === SYNC_PATHS.photosMissing)!.bytes).toBeLessThan(200);
    expect(second.find((call) => call.path === SYNC_PATHS.publish)!.bytes).toBeLessThan(accepted.length + 64 * 1024);
    expect((await storedPublication()).version).toBeGreaterThan(stored.version);
    expect(await portal.db.selectFrom('photo_blobs').select('sha256').execute()).toEqual([{ sha256: sha256(accepted) }]);

    // Another family: its own child has no photo, and the first family's child answers 404 on every route.
    const other = await otherFamily();
    expect((await other.family.download(`/mes-enfants/${childId}/photo`)).status).toBe(404);
    expect((await other.family.download(`/mes-enfants/${childId}/fiche.pdf`)).status).toBe(404);
    expect((await other.family.download(`/mes-enfants/${other.childId}/photo`)).status).toBe(404);
    expect(pageText((await other.family.get('/mes-enfants')).body)).toContain('Pas de photo.');
    // Even with the same photo (siblings photographed together, say): each family reads it for its own child only.
    office.sqlite.prepare('UPDATE children SET photo = ?, photo_mime = ? WHERE id = ?').run(accepted, 'image/jpeg', other.childId);
    markDirty(other.familyId);
    expect(paths(await callsOf(sync))).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.publish]);
    expect((await other.family.download(`/mes-enfants/${other.childId}/photo`)).bytes.equals(accepted)).toBe(true);
    expect((await other.family.download(`/mes-enfants/${childId}/photo`)).status).toBe(404);
    expect((await family.download(`/mes-enfants/${other.childId}/photo`)).status).toBe(404);
    // Not logged in: to the login page, no bytes.
    const anonymous = await new HttpFamily(portal.url).download(`/mes-enfants/${childId}/photo`);
    expect([302, 303]).toContain(anonymous.status);
    expect(anonymous.bytes.length).toBeLessThan(1000);

    // The service sets a new photo: the new bytes go once, the page serves them, the old ones are no longer named.
    const replaced = jpegImage(200, 260, '#208040');
    await office.value('children.setPhoto', { id: childId, mime: 'image/jpeg', base64: replaced.toString('base64') });
    const third = await callsOf(sync);
    expect(paths(third)).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.photos, SYNC_PATHS.publish]);
    const now = await family.download(`/mes-enfants/${childId}/photo`);
    expect(now.bytes.equals(replaced)).toBe(true);
    expect(now.headers.get('etag')).toBe(`"${sha256(replaced)}"`);
    // The other family's child still names the first photo: it stays.
    expect((await portal.db.selectFrom('photo_blobs').select('sha256').orderBy('sha256').execute()).map((row) => row.sha256)).toEqual([sha256(accepted), sha256(replaced)].sort());
  });

  it('never publishes before the photos it names: a failed upload stops the run, the next run sends the photo then the publication', async () => {
    const family = await activatedFamily(office, portal.url, familyId, PASSWORD);
    const before = await storedPublication();
    const photo = jpegImage(120, 160, '#804020');
    await office.value('children.setPhoto', { id: childId, mime: 'image/jpeg', base64: photo.toString('base64') });

    // The portal (or the network) fails on the photos' call: nothing is published, the family stays to publish.
    proxy.intercept = (path) => (path === SYNC_PATHS.photos ? 503 : null);
    const failed = await callsOf(async () => expect((await office.value('sync.now', {})).lastError).toContain('503'));
    expect(paths(failed)).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.photos]);
    expect((await storedPublication()).version).toBe(before.version);
    expect(pageText((await family.get('/mes-enfants')).body)).toContain('Pas de photo.');

    proxy.intercept = null;
    const retried = await callsOf(sync);
    expect(paths(retried)).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.photos, SYNC_PATHS.publish]);
    expect((await family.download(`/mes-enfants/${childId}/photo`)).bytes.equals(photo)).toBe(true);
  });

  it('sends at once a photo the portal reports missing after the publication, and says « en cours de transmission » meanwhile, never a broken image', async () => {
    const family = await activatedFamily(office, portal.url, familyId, PASSWORD);
    const photo = jpegImage(120, 160, '#406080');
    await office.value('children.setPhoto', { id: childId, mime: 'image/jpeg', base64: photo.toString('base64') });
    await sync();
    const hash = sha256(photo);

    // The portal loses the photo between the office's question and its publication (a restore of its database, say).
    markDirty();
    proxy.before = async (path) => {
      if (path !== SYNC_PATHS.publish) return;
      await portal.db.deleteFrom('photo_blobs').where('sha256', '=', hash).execute();
    };
    const calls = await callsOf(sync);
    expect(paths(calls)).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.publish, SYNC_PATHS.photos]);
    expect((await family.download(`/mes-enfants/${childId}/photo`)).bytes.equals(photo)).toBe(true);

    // Lost with nobody to send it again (until the family's next publication): said in words, no image to break.
    proxy.before = null;
    await portal.db.deleteFrom('photo_blobs').where('sha256', '=', hash).execute();
    const shownMeanwhile = (await family.get('/mes-enfants')).body;
    expect(shownMeanwhile).not.toContain(`<img src="/mes-enfants/${childId}/photo"`);
    expect(pageText(shownMeanwhile)).toContain('Photo en cours de transmission par le service');
    expect((await family.download(`/mes-enfants/${childId}/photo`)).status).toBe(404);
    markDirty();
    await sync();
    expect((await family.download(`/mes-enfants/${childId}/photo`)).bytes.equals(photo)).toBe(true);
  });

  it('shows the photo of a publication stored inline before the protocol was recorded, from the store where its first read puts it', async () => {
    const family = await activatedFamily(office, portal.url, familyId, PASSWORD);
    const photo = pngImage(90, 120, '#6040a0');
    const stored = await storedPublication();
    // As a portal before migration 0006 stored it: an office of protocol 1's publication with the bytes inline.
    const legacy = {
      ...JSON.parse(stored.data),
      version: stored.version + 1,
      children: stored.publication.children.map((child) => ({ ...child, photo: { mime: 'image/png', base64: photo.toString('base64') } })),
    } as Record<string, unknown>;
    await portal.db.updateTable('publications').set({ version: stored.version + 1, data: JSON.stringify(legacy), protocol: 1 }).where('family_id', '=', familyId).execute();
    expect((await family.get('/mes-enfants')).body).toContain(`<img src="/mes-enfants/${childId}/photo"`);
    const served = await family.download(`/mes-enfants/${childId}/photo`);
    expect(served.bytes.equals(photo)).toBe(true);
    expect(served.headers.get('etag')).toBe(`"${sha256(photo)}"`);
    // The row stays as it came (protocol 1, inline); the bytes are in the store once, named for this child.
    expect(await portal.db.selectFrom('photo_blobs').select('sha256').execute()).toEqual([{ sha256: sha256(photo) }]);
    expect(await portal.db.selectFrom('publication_photos').select(['family_id', 'child_id', 'sha256']).execute()).toEqual([{ family_id: familyId, child_id: childId, sha256: sha256(photo) }]);
    expect((await portal.db.selectFrom('publications').select('data').where('family_id', '=', familyId).executeTakeFirstOrThrow()).data).toContain(photo.toString('base64').slice(0, 64));
  });

  it('says in words that a WebP photo of the office cannot be shown, and never sends it', async () => {
    const { createCanvas } = await import('@napi-rs/canvas');
    const canvas = createCanvas(60, 80);
    canvas.getContext('2d').fillRect(0, 0, 30, 40);
    const webp = canvas.toBuffer('image/webp');
    const family = await activatedFamily(office, portal.url, familyId, PASSWORD);
    await office.value('children.setPhoto', { id: childId, mime: 'image/webp', base64: webp.toString('base64') });
    // Asked about, not sent (the portal serves JPEG and PNG only); the publication names it all the same.
    expect(paths(await callsOf(sync))).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.publish]);
    expect((await storedPublication()).publication.children[0]!.photo).toEqual({ sha256: sha256(webp), mime: 'image/webp', size: webp.length });
    const page = (await family.get('/mes-enfants')).body;
    expect(page).not.toContain(`<img src="/mes-enfants/${childId}/photo"`);
    expect(pageText(page)).toContain('dans un format que le portail n’affiche pas');
    expect((await family.download(`/mes-enfants/${childId}/photo`)).status).toBe(404);
  });

  it('refuses photo bytes that do not match their hash or are not a photo it serves, on the signed call only', async () => {
    const { signedFetch } = await import('../helpers/sync.js');
    const photo = jpegImage(30, 30);
    const call = (photos: unknown[], secret?: string) =>
      signedFetch(portal.url, SYNC_PATHS.photos, { body: JSON.stringify({ protocol: 1, photos }), now: office.clock(), ...(secret ? { secret } : {}) });
    const wrongHash = await call([{ sha256: sha256(Buffer.from('autre')), mime: 'image/jpeg', base64: photo.toString('base64') }]);
    expect(wrongHash.status).toBe(400);
    expect((wrongHash.json as { error: string }).error).toContain('ne correspond pas à son empreinte');
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const notImage = await call([{ sha256: sha256(html), mime: 'image/png', base64: html.toString('base64') }]);
    expect(notImage.status).toBe(400);
    expect((notImage.json as { error: string }).error).toContain('ce n’est pas une image PNG');
    expect((await call([{ sha256: sha256(photo), mime: 'image/jpeg', base64: photo.toString('base64') }], 'un-autre-secret-0123456789abcdef')).status).toBe(401);
    expect(await portal.db.selectFrom('photo_blobs').select('sha256').execute()).toEqual([]);
    const ok = await call([{ sha256: sha256(photo), mime: 'image/jpeg', base64: photo.toString('base64') }]);
    expect(ok.status).toBe(200);
    expect(await portal.db.selectFrom('photo_blobs').select('sha256').execute()).toEqual([{ sha256: sha256(photo) }]);
  });
});

describe('the portal’s maintenance', () => {
  it('purges photos no publication names after their grace, and files 30 days after the office acknowledged their request', async () => {
    const family = await activatedFamily(office, portal.url, familyId, PASSWORD);
    const accepted = await photoAcceptedAtOffice(family, pngImage(200, 240, '#a03050'));
    await sync();
    // The upload's request was pulled; the next pull's cursor acknowledges it.
    const upload = await portal.db.selectFrom('uploads').select(['request_uid', 'acknowledged_at']).executeTakeFirstOrThrow();
    expect(upload.acknowledged_at).not.toBeNull();
    // A second photo sent but not yet pulled: never acknowledged, never purged.
    const action = `/mes-enfants/${childId}/photo`;
    await family.get('/mes-enfants');
    expect((await family.submit(action, family.hiddenFields(action), { name: 'photo', fileName: 'b.png', type: 'image/png', bytes: pngImage(50, 50, '#10a0a0') })).status).toBe(303);

    // The service sets another photo; the run pulls the second upload's request (acknowledged only by the next pull's
    // cursor) and publishes the new photo: the first is named by no publication any more.
    const replaced = jpegImage(80, 100, '#3070b0');
    await office.value('children.setPhoto', { id: childId, mime: 'image/jpeg', base64: replaced.toString('base64') });
    const hashes = async () => (await portal.db.selectFrom('photo_blobs').select('sha256').orderBy('sha256').execute()).map((row) => row.sha256);
    expect(paths(await callsOf(sync))).toEqual([SYNC_PATHS.photosMissing, SYNC_PATHS.photos, SYNC_PATHS.publish]);
    expect(await hashes()).toEqual([sha256(accepted), sha256(replaced)].sort());

    const at = (ms: number) => new Date(office.clock().getTime() + ms);
    // Within the grace: the old photo stays (a publication naming it may be on its way).
    await purgeExpired(portal.db, at(UNREFERENCED_PHOTO_GRACE_MS / 2));
    expect(await hashes()).toEqual([sha256(accepted), sha256(replaced)].sort());
    // Past it: the photo no publication names is gone, the one the publication names stays.
    await purgeExpired(portal.db, at(UNREFERENCED_PHOTO_GRACE_MS + 60_000));
    expect(await hashes()).toEqual([sha256(replaced)]);
    expect((await storedPublication()).publication.children[0]!.photo).toMatchObject({ sha256: sha256(replaced) });

    // Files: the first upload was acknowledged 30 days ago and goes; the second, pulled but not yet acknowledged by a
    // later cursor, stays.
    const uploads = async () => (await portal.db.selectFrom('uploads').select('request_uid').orderBy('id').execute()).map((row) => row.request_uid);
    expect(await uploads()).toHaveLength(2);
    await purgeExpired(portal.db, at(UPLOAD_RETENTION_AFTER_ACK_MS - 60_000));
    expect(await uploads()).toHaveLength(2);
    await purgeExpired(portal.db, at(UPLOAD_RETENTION_AFTER_ACK_MS + 60_000));
    const left = await uploads();
    expect(left).toHaveLength(1);
    expect(left).not.toContain(upload.request_uid);
  });
});
