import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DAILY_QUOTAS,
  IMAGE_UNREADABLE_MESSAGE,
  PDF_ACTIVE_CONTENT_MESSAGE,
  PDF_UNREADABLE_MESSAGE,
  PHOTO_ALREADY_PENDING_MESSAGE,
  quotaMessage,
} from '../../src/shared/files/limits.js';
import { imageMime } from '../../src/shared/files/sniff.js';
import { SYNC_PATHS, type PullResponse } from '../../src/shared/sync/contract.js';
import type { TestOffice } from '../helpers/office.js';
import { activatedFamily, pairedFamily } from '../helpers/paired-family.js';
import type { HttpFamily} from '../helpers/portal-http.js';
import { pageText, type HttpPage } from '../helpers/portal-http.js';
import { portalAccount, signedFetch, startTestPortal, submitOnPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';
import { certificatePdf, HTML_BODY, jpegImage, pngImage } from '../helpers/uploads.js';

/**
 * Issue #13, points 4 and 5, on two real servers (the office and the portal on their SQLite files, over HTTP): a family
 * posting every form twice without JavaScript (at once, then again), files refused or re-encoded, quotas of the day,
 * and what reaches the office through the real sync pull. The office's clock (shared with the portal) is Saturday
 * 28 November 2026; the days asked are in the week of 14 December, well before their deadlines.
 */

// Every photo is decoded and encoded in a child process, two at a time: a test posting a burst of them needs more
// than the default 30 s on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

let office: TestOffice;
let portal: TestPortal;
let familyId: number;
let childId: number;
let cantine: number;
const PASSWORD = 'un mot de passe solide';

beforeEach(async () => {
  ({ office, portal, familyId, childId, cantine } = await pairedFamily(['2026-12-14', '2026-12-15', '2026-12-17']));
});

// One test replaces the portal by another: the ones in use are closed.
afterEach(async () => {
  await portal.close();
  await office.close();
});

const loggedInFamily = (): Promise<HttpFamily> => activatedFamily(office, portal.url, familyId, PASSWORD);

async function sync(): Promise<void> {
  expect((await office.value('sync.now', {})).lastError).toBeNull();
}

type File = { name: string; fileName: string; type: string; bytes: Buffer };
const photoFile = (bytes: Buffer, type = 'image/png'): File => ({ name: 'photo', fileName: 'photo.png', type, bytes });
const certificateFile = (bytes: Buffer, type = 'application/pdf'): File => ({ name: 'certificat', fileName: 'certificat.pdf', type, bytes });

/**
 * The form of `page` posting to `action`, sent as a browser without JavaScript sends it on a double tap (two posts at
 * once with the same fields) and once more later (the back button, « Envoyer » again). Every answer must be the first
 * one: the same redirect.
 */
async function postThreeTimes(family: HttpFamily, page: string | null, action: string, fields: Record<string, string>, file?: File): Promise<HttpPage[]> {
  // null: the form is on the page the last post answered (an absence's confirmation page).
  if (page !== null) expect((await family.get(page)).status).toBe(200);
  const form = { ...family.hiddenFields(action), ...fields };
  expect(Object.keys(form)).toEqual(expect.arrayContaining(['_csrf', '_envoi']));
  const answers = await Promise.all([family.submit(action, form, file), family.submit(action, form, file)]);
  answers.push(await family.submit(action, form, file));
  expect(answers.map((answer) => answer.status)).toEqual([303, 303, 303]);
  expect(new Set(answers.map((answer) => answer.location)).size).toBe(1);
  return answers;
}

const officeRequests = () =>
  office.sqlite.prepare('SELECT id, uid, kind, source, certificate_document_id, payload FROM requests ORDER BY id').all() as Array<{
    id: number;
    uid: string;
    kind: string;
    source: string;
    certificate_document_id: number | null;
    payload: string | null;
  }>;

describe('a family sending every form twice without JavaScript', () => {
  it('is answered with the first answer each time, and the office receives each request once through the sync', async () => {
    const family = await loggedInFamily();
    const cell = (day: string) => `/planning/${childId}/${cantine}/${day}`;

    await postThreeTimes(family, '/mon-compte/modification?champ=caf.number', '/mon-compte/modification', { field: 'caf.number', value: '7654321' });
    await postThreeTimes(family, '/mes-enfants', `/mes-enfants/${childId}/modification`, { field: 'health.allergies', value: 'Arachide, kiwi' });
    const photo = await postThreeTimes(family, '/mes-enfants', `/mes-enfants/${childId}/photo`, {}, photoFile(pngImage(60, 80)));
    expect(photo[0]!.location).toBe('/mes-enfants?photo=envoyee');
    // An absence is sent from its confirmation page (motif → confirmer): the first step stores nothing.
    await family.get(cell('2026-12-14'));
    const step = await family.submit(cell('2026-12-14'), { ...family.hiddenFields(cell('2026-12-14')), action: 'absence', motif: 'MEDICAL', commentaire: 'Angine', jusqu_au: '' });
    expect(step.status).toBe(200);
    await postThreeTimes(family, null, cell('2026-12-14'), {}, certificateFile(await certificatePdf()));
    await postThreeTimes(family, cell('2026-12-15'), cell('2026-12-15'), { action: 'cancel', commentaire: '', jusqu_au: '' });
    await postThreeTimes(family, cell('2026-12-18'), cell('2026-12-18'), { action: 'book', commentaire: '', jusqu_au: '' });

    const onPortal = await portal.db.selectFrom('requests').select(['uid', 'kind']).orderBy('seq').execute();
    expect(onPortal.map((row) => row.kind)).toEqual(['data_change', 'data_change', 'photo', 'absence', 'cancel', 'book']);
    expect(await portal.db.selectFrom('uploads').select('kind').orderBy('id').execute()).toEqual([{ kind: 'photo' }, { kind: 'certificate' }]);

    await sync();
    const received = officeRequests();
    expect(received.map((row) => [row.uid, row.kind, row.source])).toEqual(onPortal.map((row) => [row.uid, row.kind, 'portal']));
    // The files arrived with their requests: the certificate as a family document, the photo in the request.
    expect(received.find((row) => row.kind === 'absence')!.certificate_document_id).not.toBeNull();
    expect(office.sqlite.prepare("SELECT COUNT(*) FROM family_documents WHERE family_id = ?").pluck().get(familyId)).toBe(1);
    const queue = await office.value('requests.queue', {});
    expect(queue.filter((row) => row.kind === 'photo')).toHaveLength(1);
    // Nothing is pulled twice: another sync receives nothing.
    await sync();
    expect(officeRequests()).toHaveLength(6);
  });

  it('handles a form again once it is corrected, and a second page of the same form as a new submission', async () => {
    const family = await loggedInFamily();
    await family.get('/mes-enfants');
    const hidden = family.hiddenFields(`/mes-enfants/${childId}/modification`);
    const action = `/mes-enfants/${childId}/modification`;
    // Refused (a value too long): nothing is remembered, the corrected form with the same key goes through.
    const refused = await family.submit(action, { ...hidden, field: 'health.allergies', value: 'x'.repeat(3000) });
    expect(refused.status).toBe(400);
    const accepted = await Promise.all([1, 2].map(() => family.submit(action, { ...hidden, field: 'health.allergies', value: 'Kiwi' })));
    expect(accepted.map((answer) => answer.status)).toEqual([303, 303]);
    // The same page, another value: another request.
    expect((await family.submit(action, { ...hidden, field: 'health.allergies', value: 'Kiwi, arachide' })).status).toBe(303);
    expect(await portal.db.selectFrom('requests').select('kind').execute()).toHaveLength(2);
  });

  it('keeps one request when the same change is sent again from the form fetched anew (a new key), until the office decides', async () => {
    const family = await loggedInFamily();
    const action = `/mes-enfants/${childId}/modification`;
    const send = async (value: string) => {
      await family.get('/mes-enfants');
      return family.submit(action, { ...family.hiddenFields(action), field: 'health.allergies', value });
    };
    expect((await send('Kiwi')).location).toBe('/mes-enfants?demande=envoyee');
    // The back button, or a second tab: the page is fetched again, its key is new, the change is the same.
    expect((await send('Kiwi')).location).toBe('/mes-enfants?demande=envoyee');
    expect(await portal.db.selectFrom('requests').select('kind').execute()).toHaveLength(1);
    // Another value is another request.
    expect((await send('Kiwi, arachide')).status).toBe(303);
    expect(await portal.db.selectFrom('requests').select('kind').execute()).toHaveLength(2);
    // Once the office has decided the first, asking it again is a new request.
    await sync();
    const queue = await office.value('requests.queue', {});
    const first = queue.find((row) => row.requestId === officeRequests()[0]!.id)!;
    await office.value('requests.decide', { itemIds: [first.itemId], decision: 'refuse', refusalReason: 'Merci de préciser' });
    await sync();
    expect((await send('Kiwi')).status).toBe(303);
    expect(await portal.db.selectFrom('requests').select('kind').execute()).toHaveLength(3);
  });
});

describe('files a family uploads', () => {
  it('re-encodes a photo (bytes around the image dropped), refuses a PNG header in front of HTML, and one identical to a pending photo', async () => {
    const family = await loggedInFamily();
    const action = `/mes-enfants/${childId}/photo`;
    const send = async (bytes: Buffer, type = 'image/png') => {
      await family.get('/mes-enfants');
      return family.submit(action, family.hiddenFields(action), photoFile(bytes, type));
    };

    const disguised = await send(Buffer.concat([pngImage().subarray(0, 33), HTML_BODY]));
    expect(disguised.status).toBe(415);
    expect(pageText(disguised.body)).toContain(IMAGE_UNREADABLE_MESSAGE);
    // The portal survived the file that crashes the decoder: it still answers.
    expect((await family.get('/mes-enfants')).status).toBe(200);

    const png = pngImage(2400, 1200, '#208040');
    const appended = Buffer.concat([png, HTML_BODY]);
    expect((await send(appended)).status).toBe(303);
    const stored = await portal.db.selectFrom('uploads').selectAll().executeTakeFirstOrThrow();
    expect(imageMime(stored.content)).toBe('image/jpeg');
    expect(stored.content.includes('<script>')).toBe(false);
    // No copy of the file in the request's JSON.
    const body = (await portal.db.selectFrom('requests').select('body').executeTakeFirstOrThrow()).body;
    expect(body.length).toBeLessThan(1000);

    const again = await send(appended);
    expect(again.status).toBe(409);
    expect(pageText(again.body)).toContain(PHOTO_ALREADY_PENDING_MESSAGE);
    expect(await portal.db.selectFrom('requests').select('uid').execute()).toHaveLength(1);

    await sync();
    const [request] = officeRequests();
    const payload = JSON.parse(request!.payload!) as { mime: string; base64: string };
    expect(payload.mime).toBe('image/jpeg');
    const received = Buffer.from(payload.base64, 'base64');
    expect(received.equals(Buffer.from(stored.content))).toBe(true);
    expect(received.includes('<script>')).toBe(false);
    // Reduced to 1600 pixels on its longer side (SOF0 height, width).
    expect([received.readUInt16BE(received.indexOf(Buffer.from([0xff, 0xc0])) + 7), received.readUInt16BE(received.indexOf(Buffer.from([0xff, 0xc0])) + 5)]).toEqual([1600, 800]);
  });

  it('takes a certificate as a readable PDF without active content or as an image, and refuses anything else in French', async () => {
    const family = await loggedInFamily();
    const send = async (file: File, day = '2026-12-14') => {
      const cell = `/planning/${childId}/${cantine}/${day}`;
      await family.get(cell);
      // Motif, then the confirmation page, where the certificate is attached.
      const step = await family.submit(cell, { ...family.hiddenFields(cell), action: 'absence', motif: 'MEDICAL', commentaire: '', jusqu_au: '' });
      expect(step.status).toBe(200);
      return family.submit(cell, family.hiddenFields(cell), file);
    };
    const script = await send(certificateFile(await certificatePdf('/OpenAction << /S /JavaScript /JS (app.alert(1)) >>')));
    expect(script.status).toBe(422);
    expect(pageText(script.body)).toContain(PDF_ACTIVE_CONTENT_MESSAGE);
    const escaped = await send(certificateFile(await certificatePdf('/Names << /Embedded#46iles << /Names [] >> >>')));
    expect(pageText(escaped.body)).toContain(PDF_ACTIVE_CONTENT_MESSAGE);
    const print = await send(certificateFile(await certificatePdf('/OpenAction << /S /Named /N /Print >>')));
    expect(pageText(print.body)).toContain(PDF_ACTIVE_CONTENT_MESSAGE);
    const launch = await send(certificateFile(await certificatePdf('/AA << /O << /S /Launch /F (calc.exe) >> >>')));
    expect(pageText(launch.body)).toContain(PDF_ACTIVE_CONTENT_MESSAGE);
    const html = await send(certificateFile(Buffer.concat([Buffer.from('%PDF-1.7\n'), HTML_BODY])));
    expect(html.status).toBe(422);
    expect(pageText(html.body)).toContain(PDF_UNREADABLE_MESSAGE);
    const text = await send(certificateFile(HTML_BODY, 'application/pdf'));
    expect(pageText(text.body)).toContain('Le justificatif doit être un fichier PDF, JPEG ou PNG.');
    expect(await portal.db.selectFrom('requests').select('uid').execute()).toEqual([]);

    // An opening destination (open on page 1, as LibreOffice or Word write it) is no action: the PDF is taken as sent.
    const page = /\/Kids \[(\d+) 0 R\]/.exec((await certificatePdf()).toString('latin1'))![1];
    const pdf = await certificatePdf(`/OpenAction [${page} 0 R /Fit]`);
    expect((await send(certificateFile(pdf))).status).toBe(303);
    // The first day is now asked: the image goes with an absence on another day.
    expect((await send(certificateFile(Buffer.concat([jpegImage(), HTML_BODY]), 'image/jpeg'), '2026-12-17')).status).toBe(303);
    const uploads = await portal.db.selectFrom('uploads').select(['mime', 'content']).orderBy('id').execute();
    expect(uploads.map((u) => u.mime)).toEqual(['application/pdf', 'image/jpeg']);
    expect(Buffer.from(uploads[0]!.content).equals(pdf)).toBe(true);
    expect(Buffer.from(uploads[1]!.content).includes('<script>')).toBe(false);

    await sync();
    const documents = office.sqlite.prepare('SELECT mime, content FROM family_documents ORDER BY id').all() as Array<{ mime: string; content: Buffer }>;
    expect(documents.map((d) => d.mime)).toEqual(['application/pdf', 'image/jpeg']);
    expect(documents[0]!.content.equals(pdf)).toBe(true);
  });
});

describe('quotas of the day', () => {
  it('refuses photos and change requests past the day’s quota in French, and takes them again the next day', async () => {
    const family = await loggedInFamily();
    const photo = `/mes-enfants/${childId}/photo`;
    const sendPhoto = async (index: number) => {
      await family.get('/mes-enfants');
      return family.submit(photo, family.hiddenFields(photo), photoFile(pngImage(30, 30, `#${(index * 40 + 15).toString(16).padStart(2, '0')}3060`)));
    };
    for (let index = 0; index < DAILY_QUOTAS.photo; index += 1) expect((await sendPhoto(index)).status).toBe(303);
    const over = await sendPhoto(DAILY_QUOTAS.photo);
    expect(over.status).toBe(429);
    expect(pageText(over.body)).toContain(quotaMessage('photo'));
    // Past the quota nothing is decoded: a file the decoder would refuse (415) is answered by the quota first.
    await family.get('/mes-enfants');
    const undecoded = await family.submit(photo, family.hiddenFields(photo), photoFile(Buffer.concat([pngImage().subarray(0, 33), HTML_BODY])));
    expect(undecoded.status).toBe(429);

    await family.get('/mon-compte/modification?champ=caf.number');
    const hidden = family.hiddenFields('/mon-compte/modification');
    const change = (n: number) => family.submit('/mon-compte/modification', { ...hidden, field: 'caf.number', value: String(7_000_000 + n) });
    for (let n = 0; n < DAILY_QUOTAS.data_change; n += 1) expect((await change(n)).status).toBe(303);
    const tooMany = await change(DAILY_QUOTAS.data_change);
    expect(tooMany.status).toBe(429);
    expect(pageText(tooMany.body)).toContain(quotaMessage('data_change'));

    // Sunday in Paris: the quotas start again.
    office.clock.set('2026-11-29T00:30:00Z');
    await family.get('/connexion');
    expect((await family.post('/connexion', { email: 'helene.martin@example.fr', password: PASSWORD })).status).toBe(303);
    expect((await sendPhoto(DAILY_QUOTAS.photo + 1)).status).toBe(303);
    await family.get('/mon-compte/modification?champ=caf.number');
    expect((await family.submit('/mon-compte/modification', { ...family.hiddenFields('/mon-compte/modification'), field: 'caf.number', value: '7999999' })).status).toBe(303);

    await sync();
    const kinds = officeRequests().map((row) => row.kind);
    expect(kinds.filter((kind) => kind === 'photo')).toHaveLength(DAILY_QUOTAS.photo + 1);
    expect(kinds.filter((kind) => kind === 'data_change')).toHaveLength(DAILY_QUOTAS.data_change + 1);
  });
});

describe('a burst of photos', () => {
  it('stores one of eight identical photos sent at once from eight pages, and no more than the quota of distinct ones', async () => {
    const family = await loggedInFamily();
    const action = `/mes-enfants/${childId}/photo`;
    // Eight renders of the page: eight submission keys, so none of these posts is a repeat of another.
    const forms: Array<Record<string, string>> = [];
    for (let index = 0; index < 8; index += 1) {
      await family.get('/mes-enfants');
      forms.push(family.hiddenFields(action));
    }
    const same = pngImage(400, 300, '#a05010');
    const identical = await Promise.all(forms.map((form) => family.submit(action, form, photoFile(same))));
    expect(identical.map((answer) => answer.status).sort()).toEqual([303, ...Array<number>(7).fill(409)]);

    const distinct = await Promise.all(forms.map((form, index) => family.submit(action, form, photoFile(pngImage(80, 60, `#10${(index * 20 + 16).toString(16)}90`)))));
    const accepted = distinct.filter((answer) => answer.status === 303).length;
    expect(accepted).toBe(DAILY_QUOTAS.photo - 1);
    expect(distinct.filter((answer) => answer.status === 429)).toHaveLength(8 - accepted);

    await sync();
    expect(officeRequests().filter((row) => row.kind === 'photo')).toHaveLength(DAILY_QUOTAS.photo);
    expect((await office.value('requests.queue', {})).filter((row) => row.kind === 'photo')).toHaveLength(DAILY_QUOTAS.photo);
  });
});

describe('the office receiving identical photos', () => {
  it('keeps one pending and refuses the copy with its reason, so the queue shows the photo once', async () => {
    await loggedInFamily();
    const account = await portal.db.selectFrom('accounts').select('id').where('family_id', '=', familyId).executeTakeFirstOrThrow();
    // As a portal before uploads recorded them (the file in the request's JSON), the same file three times.
    const base64 = jpegImage(50, 50).toString('base64');
    for (let index = 0; index < 3; index += 1) {
      const uid = randomUUID();
      const submittedAt = new Date(office.clock().getTime() + index * 1000).toISOString();
      const body = { uid, familyId, submittedAt, kind: 'photo', items: [], reason: null, comment: '', changes: [], photo: { childId, mime: 'image/jpeg', base64 }, certificate: null };
      await portal.db.insertInto('requests').values({ uid, family_id: familyId, account_id: account.id, kind: 'photo', body: JSON.stringify(body), submitted_at: submittedAt }).execute();
    }
    await sync();
    const items = office.sqlite
      .prepare("SELECT i.status, i.refusal_reason, r.payload IS NOT NULL AS kept FROM requests r JOIN request_items i ON i.request_id = r.id ORDER BY r.id")
      .all();
    expect(items).toEqual([
      { status: 'pending', refusal_reason: null, kept: 1 },
      { status: 'refused', refusal_reason: PHOTO_ALREADY_PENDING_MESSAGE, kept: 0 },
      { status: 'refused', refusal_reason: PHOTO_ALREADY_PENDING_MESSAGE, kept: 0 },
    ]);
    expect((await office.value('requests.queue', {})).filter((row) => row.kind === 'photo')).toHaveLength(1);
  });
});

describe('the pull of requests with files', () => {
  it('sends each file once with its request, in pages bounded in bytes, and the office receives them all', async () => {
    // A portal whose pull pages carry 1 Mo of files at most (PULL_PAGE_MAX_FILE_BYTES in production), three
    // certificates of 400 Ko: two fit in a page, the third goes in the next.
    await portal.close();
    portal = await startTestPortal(office.clock, undefined, { pullMaxFileBytes: 1024 * 1024 });
    await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
    await sync();
    const accountId = await portalAccount(portal.db, familyId, 'helene.martin@example.fr');
    const files = [1, 2, 3].map((n) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(400 * 1024, n)]));
    const days = ['2026-12-14', '2026-12-15', '2026-12-17'];
    const uids: string[] = [];
    for (const [index, file] of files.entries()) {
      const request = await submitOnPortal(portal.db, familyId, accountId, office.clock(), {
        kind: 'absence',
        reason: 'MEDICAL',
        items: [{ childId, serviceId: cantine, day: days[index]! }],
        certificate: { fileName: 'justificatif.pdf', mime: 'application/pdf', base64: file.toString('base64') },
      });
      uids.push(request.uid);
    }
    const pull = async (after: number) => {
      const response = await signedFetch(portal.url, SYNC_PATHS.pull, { body: JSON.stringify({ after, limit: 100 }), now: office.clock() });
      expect(response.status).toBe(200);
      return response.json as PullResponse;
    };
    const first = await pull(0);
    const second = await pull(first.next);
    expect([first.requests.length, first.more, second.requests.length, second.more]).toEqual([2, true, 1, false]);
    const sent = [...first.requests, ...second.requests].map((entry) => entry.request as { uid: string; certificate: { base64: string } });
    expect(sent.map((request) => request.uid)).toEqual(uids);
    sent.forEach((request, index) => expect(Buffer.from(request.certificate.base64, 'base64').equals(files[index]!)).toBe(true));

    // The office's own pull, page after page: every request and every file, once.
    await sync();
    expect(officeRequests().map((row) => row.uid)).toEqual(uids);
    const documents = office.sqlite.prepare('SELECT content FROM family_documents ORDER BY id').all() as Array<{ content: Buffer }>;
    expect(documents.map((d) => files.findIndex((file) => file.equals(d.content)))).toEqual([0, 1, 2]);
  });
});
