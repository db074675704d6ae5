import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/office/log.js';
import { UNEXPECTED_REFUSAL } from '../../src/office/sync/pull.js';
import { runSync } from '../../src/office/sync/run.js';
import { REQUEST_LIMITS } from '../../src/shared/requests/schema.js';
import { familyPublicationSchema } from '../../src/shared/sync/contract.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { startTestPortal, submitOnPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';
import { TEST_PORTAL_DB } from '../helpers/portal-db.js';

/**
 * One request the office cannot store never holds back the others: between a real portal and a real office (SQLite
 * files, signed HTTP), each poisoned request is kept as refused with its French reason (the family is told) or in
 * sync_rejects, the cursor moves past it, and the valid request sent right after it arrives in the queue.
 * Saturday 28 November 2026: the week of 14 December closes on Wednesday 9 December, 12:00 Paris.
 */

let office: TestOffice;
let portal: TestPortal;
let ids: { familyId: number; childId: number; cantine: number; soir: number; accountId: number };
let logged: Array<{ message: string; context?: Record<string, unknown> }>;
const log: Logger = {
  info: () => {},
  error: (message, context) => logged.push({ message, context }),
};

beforeEach(async () => {
  office = await makeTestOffice();
  portal = await startTestPortal(office.clock);
  const family = await office.value('families.create', { data: sampleFamilyInput() });
  const child = await office.value('children.create', { familyId: family.id, data: sampleChildInput() });
  const service = (code: string) => office.sqlite.prepare('SELECT id FROM services WHERE code = ?').pluck().get(code) as number;
  const cantine = service('cantine');
  office.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(child.id, cantine);
  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
  // The family's portal account, as the office's activation code creates it: decisions are mailed to it.
  await office.value('portal.issueActivation', { familyId: family.id, rank: 1 });
  await office.value('sync.now', {});
  const { id: accountId } = await portal.db.selectFrom('accounts').select('id').where('family_id', '=', family.id).executeTakeFirstOrThrow();
  ids = { familyId: family.id, childId: child.id, cantine, soir: service('soir'), accountId };
  logged = [];
});

afterEach(async () => {
  await portal.close();
  await office.close();
});

/** A body stored as an older or buggy portal would have stored it, past the portal's own checks. */
async function storeRawOnPortal(body: Record<string, unknown>): Promise<string> {
  const uid = randomUUID();
  const submittedAt = office.clock().toISOString();
  await portal.db
    .insertInto('requests')
    .values({ uid, family_id: ids.familyId, account_id: ids.accountId, kind: String(body.kind ?? 'book') as never, body: JSON.stringify({ ...body, uid, familyId: ids.familyId, submittedAt }), submitted_at: submittedAt, late: 0 })
    .execute();
  return uid;
}

const booking = (day: string, serviceId = ids.cantine, childId = ids.childId) => ({ kind: 'book' as const, items: [{ childId, serviceId, day }] });

function officeRequest(uid: string) {
  const request = office.sqlite.prepare('SELECT id, kind FROM requests WHERE uid = ?').get(uid) as { id: number; kind: string } | undefined;
  const items = request
    ? (office.sqlite.prepare('SELECT status, refusal_reason, day, child_id FROM request_items WHERE request_id = ? ORDER BY id').all(request.id) as {
        status: string;
        refusal_reason: string | null;
        day: string | null;
        child_id: number | null;
      }[])
    : [];
  return { request, items };
}

const cursor = () => office.sqlite.prepare('SELECT cursor FROM sync_state WHERE id = 1').pluck().get() as number;
const lastSeq = async () => (await portal.db.selectFrom('requests').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq as number;

describe('a poisoned page', () => {
  const cases: Array<{ what: string; day: string; poison: () => Promise<string>; reason: RegExp; payload?: RegExp }> = [
    {
      what: 'an impossible date (2027-02-31) that passed an older portal',
      day: '2026-12-14',
      poison: () => storeRawOnPortal({ ...booking('2027-02-31'), reason: null, comment: '', changes: [], photo: null, certificate: null }),
      reason: /^Demande illisible par le service : Date invalide : ce jour n’existe pas dans le calendrier/,
    },
    {
      what: 'a child the office does not know',
      day: '2026-12-15',
      poison: async () => (await submitOnPortal(portal.db, ids.familyId, ids.accountId, office.clock(), booking('2026-12-17', ids.cantine, 99_999))).uid,
      reason: /enfant/i,
    },
    {
      what: 'a service the child has no inscription for',
      day: '2026-12-17',
      poison: async () => (await submitOnPortal(portal.db, ids.familyId, ids.accountId, office.clock(), booking('2026-12-18', ids.soir))).uid,
      reason: /inscrit/,
    },
    {
      what: 'a body at every limit',
      day: '2026-12-18',
      poison: async () => {
        const days = Array.from({ length: REQUEST_LIMITS.items }, (_, i) => new Date(Date.UTC(2026, 11, 21) + i * 86_400_000).toISOString().slice(0, 10));
        const change = { entity: 'family' as const, entityId: ids.familyId, field: 'responsable1.adresse' as const, label: 'x'.repeat(REQUEST_LIMITS.label), oldValue: 'x'.repeat(REQUEST_LIMITS.value), newValue: 'x'.repeat(REQUEST_LIMITS.value) };
        const request = await submitOnPortal(portal.db, ids.familyId, ids.accountId, office.clock(), {
          kind: 'book',
          items: days.map((day) => ({ childId: ids.childId, serviceId: ids.cantine, day })),
          comment: 'x'.repeat(REQUEST_LIMITS.comment),
          changes: Array.from({ length: REQUEST_LIMITS.changes }, () => change),
        });
        return request.uid;
      },
      reason: /année scolaire|fermé|inscrit/,
    },
    {
      what: 'a body one item over the limit',
      day: '2027-01-07',
      poison: () =>
        storeRawOnPortal({
          ...booking('2027-01-04'),
          items: Array.from({ length: REQUEST_LIMITS.items + 1 }, () => ({ childId: ids.childId, serviceId: ids.cantine, day: '2027-01-04' })),
          reason: null,
          comment: '',
          changes: [],
          photo: null,
          certificate: null,
        }),
      reason: /^Demande illisible par le service : Une demande porte sur 3000 jours au plus\. \(items\)$/,
    },
    {
      what: 'a data change with the keys of an older portal',
      day: '2027-01-04',
      poison: () =>
        storeRawOnPortal({ kind: 'data_change', items: [], reason: null, comment: '', photo: null, certificate: null, changes: [{ entity: 'family', entityId: ids.familyId, field: 'r1.telMobile', label: 'Téléphone mobile', oldValue: '', newValue: '0611223344' }] }),
      reason: /^Demande illisible par le service : Cette information ne peut pas être modifiée par une demande\. \(changes\.0\.field\)$/,
      // What the family asked is kept with the refused request, for the agent to read.
      payload: /"field":"r1\.telMobile".*"newValue":"0611223344"/,
    },
    {
      what: 'an absence whose comment hides a right-to-left override, sent by another client',
      day: '2027-01-08',
      poison: () =>
        storeRawOnPortal({ kind: 'absence', items: [{ childId: ids.childId, serviceId: ids.cantine, day: '2027-01-11' }], reason: 'MEDICAL', comment: 'Angine \u202Egpj.exe', changes: [], photo: null, certificate: null }),
      reason: /^Demande illisible par le service : Le texte contient un caractère invisible .* \(comment\)$/,
    },
    {
      what: 'a data change with a line break in a one-line value',
      day: '2027-01-11',
      poison: () =>
        storeRawOnPortal({ kind: 'data_change', items: [], reason: null, comment: '', photo: null, certificate: null, changes: [{ entity: 'family', entityId: ids.familyId, field: 'responsable1.adresse', label: 'Adresse', oldValue: '', newValue: '3 rue des Prés\r\nBcc: x@example.test' }] }),
      reason: /^Demande illisible par le service : Ce champ contient un caractère invisible ou un retour à la ligne .* \(changes\.0\.newValue\)$/,
    },
    {
      what: 'a body that is not even JSON',
      day: '2027-01-05',
      poison: async () => {
        const uid = randomUUID();
        const values = { uid, family_id: ids.familyId, account_id: ids.accountId, kind: 'absence', body: '{"items": [', submitted_at: office.clock().toISOString(), late: 0 };
        if (TEST_PORTAL_DB === 'pg') {
          // PostgreSQL keeps bodies as jsonb and refuses this one; the nearest a portal can store is JSON that is no
          // object (the same unreadable body for the pull, sync/pull.ts storedBody).
          await expect(portal.db.insertInto('requests').values(values).execute()).rejects.toThrow(/json/i);
          values.body = JSON.stringify('{"items": [');
        }
        await portal.db.insertInto('requests').values(values).execute();
        return uid;
      },
      reason: /^Demande illisible par le service : /,
    },
  ];

  for (const { what, day, poison, reason, payload } of cases) {
    it(`keeps ${what} as refused with its reason, and the valid request behind it arrives`, async () => {
      const bad = await poison();
      const good = await submitOnPortal(portal.db, ids.familyId, ids.accountId, office.clock(), booking(day));
      const status = await runSync({ db: office.db, clock: office.clock, log, pageSize: 1 });
      expect(status.lastError).toBeNull();
      expect(cursor()).toBe(await lastSeq());

      const refused = officeRequest(bad);
      expect(refused.request, what).toBeDefined();
      expect(refused.items.length).toBeGreaterThan(0);
      for (const item of refused.items) {
        expect(item.status).toBe('refused');
        expect(item.refusal_reason).toMatch(reason);
        expect(item.refusal_reason).not.toMatch(/Invalid|expected|undefined/);
        // Only days that exist reach the office's records.
        expect(item.day === null || /^\d{4}-\d{2}-\d{2}$/.test(item.day)).toBe(true);
      }
      expect(officeRequest(good.uid).items.map((item) => [item.status, item.day])).toEqual([['pending', day]]);
      if (payload) expect(office.sqlite.prepare('SELECT payload FROM requests WHERE uid = ?').pluck().get(bad)).toMatch(payload);
      expect(logged).toEqual([]);

      // The family is told: the refusal is published with its reason, and mailed.
      const row = await portal.db.selectFrom('publications').select('data').where('family_id', '=', ids.familyId).executeTakeFirstOrThrow();
      const published = familyPublicationSchema.parse(JSON.parse(row.data)).requests.find((request) => request.uid === bad);
      expect(published?.items.every((item) => item.status === 'refused' && reason.test(item.refusalReason ?? ''))).toBe(true);
      const mails = await portal.db.selectFrom('email_outbox').select('subject').execute();
      expect(mails.map((mail) => mail.subject)).toEqual([expect.stringMatching(/^Votre demande d.* a été refusée$/)]);

      // Nothing is pulled twice.
      const again = await runSync({ db: office.db, clock: office.clock, log });
      expect(again.lastError).toBeNull();
      expect(office.sqlite.prepare('SELECT COUNT(*) FROM requests WHERE uid IN (?, ?)').pluck().get(bad, good.uid)).toBe(2);
    });
  }

  it('an unexpected error while storing a request is logged with its context; the request is kept and the sync goes on', async () => {
    // A real failure of the database under the office's feet, for this request only.
    office.sqlite.exec("CREATE TRIGGER boom BEFORE INSERT ON requests WHEN NEW.comment = 'panne' BEGIN SELECT RAISE(ABORT, 'disque en panne'); END");
    const bad = await submitOnPortal(portal.db, ids.familyId, ids.accountId, office.clock(), { ...booking('2026-12-14'), comment: 'panne' });
    const good = await submitOnPortal(portal.db, ids.familyId, ids.accountId, office.clock(), booking('2026-12-15'));
    const status = await runSync({ db: office.db, clock: office.clock, log });
    expect(status.lastError).toBeNull();
    expect(cursor()).toBe(await lastSeq());
    expect(officeRequest(good.uid).items.map((item) => item.status)).toEqual(['pending']);
    // Refusing it under the family fails the same way: it waits in sync_rejects with the reason, never lost.
    const reject = office.sqlite.prepare('SELECT family_id, reason, body FROM sync_rejects WHERE uid = ?').get(bad.uid) as { family_id: number; reason: string; body: string };
    expect(reject).toMatchObject({ family_id: ids.familyId, reason: UNEXPECTED_REFUSAL });
    expect(JSON.parse(reject.body)).toMatchObject({ uid: bad.uid, comment: 'panne' });
    expect(logged.map((entry) => entry.message)).toEqual(['portal request could not be stored', 'portal request could not be kept as refused']);
    expect(logged[0]!.context).toMatchObject({ uid: bad.uid, familyId: ids.familyId, kind: 'book', error: expect.stringContaining('disque en panne') });
  });

  it('a request for a family the office does not know waits in sync_rejects', async () => {
    const stranger = await submitOnPortal(portal.db, 424_242, ids.accountId, office.clock(), booking('2026-12-14'));
    const good = await submitOnPortal(portal.db, ids.familyId, ids.accountId, office.clock(), booking('2026-12-15'));
    const status = await runSync({ db: office.db, clock: office.clock, log });
    expect(status.lastError).toBeNull();
    expect(office.sqlite.prepare('SELECT family_id FROM sync_rejects WHERE uid = ?').pluck().get(stranger.uid)).toBe(424_242);
    // Not silent: the sync status counts what was kept aside, for the administrator's details.
    expect(status.rejectedRequests).toBe(1);
    expect(officeRequest(good.uid).items.map((item) => item.status)).toEqual(['pending']);
  });
});
