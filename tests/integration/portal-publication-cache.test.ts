import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPublication, loadSettings } from '../../src/portal/content.js';
import { adoptInlinePhotos, inlinePhotoBytes } from '../../src/portal/photos/store.js';
import { applyPublish } from '../../src/portal/sync/publish.js';
import { SYNC_PROTOCOL } from '../../src/shared/sync/contract.js';
import { insertPublication, insertSettings, makePublication, PortalClient, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { pngImage } from '../helpers/uploads.js';

/**
 * The parsed publication kept in memory by family and version (src/portal/content.ts, issue 14): a page rendered from
 * the kept publication is the page rendered after a fresh parse, a new version is seen at the next view, and the kept
 * value cannot be changed by a page.
 */
const PASSWORD = 'un mot de passe solide';
const PAGES = ['/', '/planning', '/planning?vue=mois', '/mes-enfants', '/mon-compte', '/releve'];

let portal: TestPortal;
let family: PortalClient;

beforeEach(async () => {
  portal = await startTestPortal({ now: '2026-11-30T09:00:00.000Z' });
  await insertSettings(portal.db);
  await insertPublication(portal.db, makePublication(1));
  family = new PortalClient(portal.app);
  expect((await family.activate('famille1@example.test', PASSWORD)).status).toBe(303);
});
afterEach(async () => {
  await portal.close();
});

/** A page without what changes at every rendering: its one-time submission keys. */
async function page(path: string): Promise<string> {
  const response = await family.get(path);
  expect(response.status, path).toBe(200);
  return response.body.replace(/name="_envoi" value="[^"]+"/g, 'name="_envoi" value=""');
}

describe('the kept publication', () => {
  it('renders every page as a fresh parse does, and reads a new version at the next view', async () => {
    const first = await Promise.all(PAGES.map(page));
    // Kept now: the same pages again, from memory.
    expect(await Promise.all(PAGES.map(page))).toEqual(first);
    // The same content under a new version: parsed afresh, the same pages.
    await insertPublication(portal.db, makePublication(1, { version: 2 }));
    expect(await Promise.all(PAGES.map(page))).toEqual(first);
    // A changed publication is shown at the next view, with nothing of the kept one left.
    const changed = makePublication(1, { version: 3 });
    changed.children[0]!.prenom = 'Anatole';
    await insertPublication(portal.db, changed);
    const children = await page('/mes-enfants');
    expect(children).toContain('Anatole');
    expect(children).not.toBe(first[PAGES.indexOf('/mes-enfants')]);
  });

  it('is shared frozen, so no page can change it for the next family view, and is dropped with the publication', async () => {
    const kept = await loadPublication(portal.db, 1);
    expect(kept).not.toBeNull();
    expect(await loadPublication(portal.db, 1)).toBe(kept);
    expect(() => {
      (kept!.children[0] as { prenom: string }).prenom = 'Changé';
    }).toThrow(TypeError);
    expect(() => kept!.planning.children.push({ childId: 99, rows: [] })).toThrow(TypeError);
    await portal.db.deleteFrom('publications').where('family_id', '=', 1).execute();
    expect(await loadPublication(portal.db, 1)).toBeNull();
  });

});

describe('a publication stored in an older protocol', () => {
  it('is upgraded once per version, inside the kept parse: the pages see the current shape, alike from protocol 1 and 2', async () => {
    const fromCurrent = await Promise.all(PAGES.map(page));
    // The same publication as an office of protocol 1 sent it, under a new version: upgraded when first read, then kept.
    await insertPublication(portal.db, makePublication(1, { version: 2 }), undefined, 1);
    expect(await Promise.all(PAGES.map(page))).toEqual(fromCurrent);
    await insertPublication(portal.db, makePublication(1, { version: 3 }), undefined, 2);
    expect(await Promise.all(PAGES.map(page))).toEqual(fromCurrent);
    // An inline photo (protocol 1 only): a reference in the kept value, the same object at the next view.
    const png = pngImage(20, 20);
    await insertPublication(portal.db, { ...makePublication(1, { version: 4 }), children: makePublication(1).children.map((child) => ({ ...child, photo: { mime: 'image/png', base64: png.toString('base64') } })) }, undefined, 1);
    const upgraded = await loadPublication(portal.db, 1);
    expect(upgraded!.children[0]!.photo).toEqual({ sha256: createHash('sha256').update(png).digest('hex'), mime: 'image/png', size: png.length });
    expect(await loadPublication(portal.db, 1)).toBe(upgraded);
    expect((await family.get(`/mes-enfants/${upgraded!.children[0]!.id}/photo`)).raw.equals(png)).toBe(true);
  });

  it('writes an inline photo to the store at its first read only for a row stored before protocols were recorded, never for one an office of protocol 1 publishes now', async () => {
    const png = pngImage(24, 24);
    const sha256 = createHash('sha256').update(png).digest('hex');
    const withPhoto = (version: number) => ({ ...makePublication(1, { version }), children: makePublication(1).children.map((child) => ({ ...child, photo: { mime: 'image/png', base64: png.toString('base64') } })) });
    const receivedAt = async () => (await portal.db.selectFrom('photo_blobs').select('received_at').where('sha256', '=', sha256).executeTakeFirst())?.received_at ?? null;
    const photos = (publication: ReturnType<typeof withPhoto>) =>
      inlinePhotoBytes(publication, { ...publication, children: publication.children.map((child) => ({ ...child, photo: { sha256, mime: 'image/png', size: png.length } })) });
    // Published now by an office of protocol 1: stored and named as it arrives; its first read writes nothing.
    const published = withPhoto(5);
    expect((await applyPublish(portal.db, { protocol: 1, settings: null, families: [published] }, new Date('2026-11-30T09:01:00.000Z'))).applied).toEqual([1]);
    expect(await receivedAt()).toBe('2026-11-30T09:01:00.000Z');
    await adoptInlinePhotos(portal.db, 1, 5, photos(published), new Date('2026-11-30T09:02:00.000Z'));
    expect(await receivedAt()).toBe('2026-11-30T09:01:00.000Z');
    // Stored as a portal before 0006 stored it (nothing in the store, nothing named): its first read puts it there.
    await portal.db.deleteFrom('publication_photos').execute();
    await portal.db.deleteFrom('photo_blobs').execute();
    const old = withPhoto(6);
    await insertPublication(portal.db, old, undefined, 1);
    await portal.db.deleteFrom('publication_photos').execute();
    await portal.db.deleteFrom('photo_blobs').execute();
    await adoptInlinePhotos(portal.db, 1, 6, photos(old), new Date('2026-11-30T09:03:00.000Z'));
    expect(await receivedAt()).toBe('2026-11-30T09:03:00.000Z');
    expect(await portal.db.selectFrom('publication_photos').select(['child_id', 'sha256']).where('family_id', '=', 1).execute()).toEqual([{ child_id: old.children[0]!.id, sha256 }]);
  });
});

describe('the kept settings', () => {
  it('render every page as freshly parsed settings do, and a new version published by the office is read at the next view', async () => {
    const first = await Promise.all(PAGES.map(page));
    expect(await Promise.all(PAGES.map(page))).toEqual(first);
    const kept = await loadSettings(portal.db);
    expect(await loadSettings(portal.db)).toBe(kept);
    expect(() => {
      (kept.commune as { name: string }).name = 'Changé';
    }).toThrow(TypeError);
    // The office publishes new settings (through the sync's own code): the next page shows them.
    await applyPublish(portal.db, { protocol: SYNC_PROTOCOL, settings: { ...kept, version: kept.version + 1, commune: { ...kept.commune, name: 'Commune Nouvelle' } }, families: [] }, new Date('2026-11-30T09:05:00.000Z'));
    const home = await page('/');
    expect(home).toContain('Commune Nouvelle');
    expect(home).not.toBe(first[0]);
  });
});
