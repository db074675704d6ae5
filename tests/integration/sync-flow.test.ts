import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { familyPublicationSchema, SYNC_PATHS } from '../../src/shared/sync/contract.js';
import { activationCodeHash } from '../../src/shared/sync/activation.js';
import { createSyncScheduler } from '../../src/office/sync/scheduler.js';
import { silentLogger } from '../../src/office/log.js';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';
import { signedFetch, startTestPortal, submitOnPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';

/**
 * The sync between a real office and a real portal (both on SQLite files, over HTTP): requests come to the office's
 * queue as the portal timestamped them, decisions go back with one mail each, and every call is signed.
 * Saturday 28 November 2026: the week of 7 December closes on Wednesday 2 December, 12:00 Paris.
 */

let office: TestOffice;
let portal: TestPortal;
let ids: { familyId: number; childId: number; cantine: number };

beforeEach(async () => {
  office = await makeTestOffice();
  portal = await startTestPortal(office.clock);
  const schoolId = Number(office.sqlite.prepare("INSERT INTO schools (name) VALUES ('École Jules Ferry')").run().lastInsertRowid);
  const family = await office.value('families.create', { data: sampleFamilyInput() });
  const child = await office.value('children.create', { familyId: family.id, data: sampleChildInput({ identity: { ...sampleChildInput().identity, schoolId } }) });
  const cantine = office.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
  const ins = office.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(child.id, cantine);
  for (const day of ['2026-12-07', '2026-12-08', '2026-12-10']) {
    office.sqlite
      .prepare("INSERT INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, '2026-09-01T08:00:00Z')")
      .run(child.id, cantine, day, ins.lastInsertRowid);
  }
  ids = { familyId: family.id, childId: child.id, cantine };
  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
});

afterEach(async () => {
  await portal.close();
  await office.close();
});

const publicationOf = async (familyId: number) => {
  const row = await portal.db.selectFrom('publications').select(['data', 'version']).where('family_id', '=', familyId).executeTakeFirstOrThrow();
  return familyPublicationSchema.parse(JSON.parse(row.data));
};
const outbox = () => portal.db.selectFrom('email_outbox').select(['to_address', 'subject', 'text_body']).orderBy('id').execute();

describe('a family activates, asks, and hears back', () => {
  it('brings requests to the queue by the portal clock, refuses a closed day at reception, and mails each decision once', async () => {
    const { code } = await office.value('portal.issueActivation', { familyId: ids.familyId, rank: 1 });
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    let status = await office.value('sync.now', {});
    expect(status).toMatchObject({ configured: true, lastError: null, pendingPublications: 0, pulledRequests: 0 });

    // What the family sees: its own data, the IBAN masked, the activation code only as a hash.
    const first = await publicationOf(ids.familyId);
    expect(first.logins).toEqual([expect.objectContaining({ rank: 1, email: 'helene.martin@example.fr', activationCodeHash: await activationCodeHash(code) })]);
    expect(first.account.bank.ibanMasked).toBe('FR76 •••• •••• •••• •••• •••• 189');
    expect(JSON.stringify(first)).not.toContain('3000 6000');
    expect(first.children[0]!.health.allergies).toBe('Arachide');
    expect(first.planning).toMatchObject({ from: '2026-11-01', to: '2027-01-31' });
    const account = await portal.db.selectFrom('accounts').select(['id', 'email']).where('family_id', '=', ids.familyId).executeTakeFirstOrThrow();
    expect(account.email).toBe('helene.martin@example.fr');
    const settings = await portal.db.selectFrom('portal_content').select('data').where('key', '=', 'settings').executeTakeFirstOrThrow();
    expect(JSON.parse(settings.data).commune.phone).toBe('04 50 22 98 19');

    // Submitted on Wednesday 2 December at 11:59 Paris by the portal's clock; the office syncs only in the afternoon.
    office.clock.set('2026-12-02T10:59:00Z');
    const absence = await submitOnPortal(portal.db, ids.familyId, account.id, office.clock(), {
      kind: 'absence',
      reason: 'MEDICAL',
      comment: 'Angine',
      items: [
        { childId: ids.childId, serviceId: ids.cantine, day: '2026-12-07' },
        { childId: ids.childId, serviceId: ids.cantine, day: '2026-12-08' },
      ],
    });
    const closed = await submitOnPortal(portal.db, ids.familyId, account.id, office.clock(), {
      kind: 'book',
      items: [{ childId: ids.childId, serviceId: ids.cantine, day: '2026-12-12' }],
    });
    office.clock.set('2026-12-02T14:00:00Z');
    status = await office.value('sync.now', {});
    expect(status).toMatchObject({ lastError: null, pulledRequests: 2, pendingPublications: 0 });

    const stored = office.sqlite
      .prepare("SELECT r.uid, r.source, r.submitted_at, i.day, i.status, i.late, i.refusal_reason FROM requests r JOIN request_items i ON i.request_id = r.id ORDER BY r.id, i.day")
      .all() as { uid: string; source: string; submitted_at: string; day: string; status: string; late: number; refusal_reason: string | null }[];
    expect(stored.map((row) => [row.uid, row.source, row.day, row.status, row.late])).toEqual([
      [absence.uid, 'portal', '2026-12-07', 'pending', 0],
      [absence.uid, 'portal', '2026-12-08', 'pending', 0],
      [closed.uid, 'portal', '2026-12-12', 'refused', 0],
    ]);
    expect(stored[0]!.submitted_at).toBe('2026-12-02T10:59:00.000Z');
    expect(stored[2]!.refusal_reason).toContain('fermé le samedi 12 décembre 2026');

    // The family is told at once about the refusal at reception; the pending absence shows 🚧 in its cells.
    const second = await publicationOf(ids.familyId);
    const cells = second.planning.children[0]!.rows.find((row) => row.serviceId === ids.cantine)!.cells;
    expect(cells.filter((cell) => ['2026-12-07', '2026-12-08'].includes(cell.day)).map((cell) => cell.state)).toEqual(['absence_requested', 'absence_requested']);
    let mails = await outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Votre demande de réservation a été refusée');

    const items = office.sqlite.prepare('SELECT id, day FROM request_items WHERE status = ? ORDER BY day').all('pending') as { id: number; day: string }[];
    await office.value('requests.decide', { itemIds: [items[0]!.id], decision: 'accept', refusalReason: null });
    await office.value('requests.decide', { itemIds: [items[1]!.id], decision: 'refuse', refusalReason: 'Justificatif manquant' });
    expect((await office.value('sync.status', {})).pendingPublications).toBe(1);
    await office.value('sync.now', {});

    const third = await publicationOf(ids.familyId);
    const decided = third.requests.find((request) => request.uid === absence.uid)!;
    expect(decided.items.map((item) => [item.day, item.status, item.refusalReason])).toEqual([
      ['2026-12-07', 'accepted', null],
      ['2026-12-08', 'refused', 'Justificatif manquant'],
    ]);
    mails = await outbox();
    expect(mails).toHaveLength(2);
    expect(mails[1]).toMatchObject({ to_address: 'helene.martin@example.fr', subject: 'Réponse à votre demande d’absence' });
    expect(mails[1]!.text_body).toContain('lundi 7 décembre 2026, Restauration scolaire, Lucas : acceptée');
    expect(mails[1]!.text_body).toContain('mardi 8 décembre 2026, Restauration scolaire, Lucas : refusée. Motif : Justificatif manquant');

    // Nothing new: another sync publishes nothing and mails nobody.
    status = await office.value('sync.now', {});
    expect(status.pendingPublications).toBe(0);
    expect(await outbox()).toHaveLength(2);
  });
});

describe('dirty tracking', () => {
  it('keeps a family waiting when it changed while its publication was on the way', async () => {
    await office.value('sync.now', {});
    const before = (await portal.db.selectFrom('publications').select('version').executeTakeFirstOrThrow()).version;
    office.sqlite.prepare("UPDATE families SET notes = 'rappel' WHERE id = ?").run(ids.familyId);
    expect((await office.value('sync.status', {})).pendingPublications).toBe(1);

    const scheduler = createSyncScheduler({
      db: office.db,
      clock: office.clock,
      log: silentLogger,
      hooks: {
        afterSend: () => {
          office.sqlite.prepare("UPDATE children SET allergies = 'Arachide, kiwi' WHERE id = ?").run(ids.childId);
        },
      },
    });
    const status = await scheduler.runNow();
    expect(status.pendingPublications).toBe(1);
    const published = (await portal.db.selectFrom('publications').select('version').executeTakeFirstOrThrow()).version;
    expect(published).toBeGreaterThan(before);
    expect((await publicationOf(ids.familyId)).children[0]!.health.allergies).toBe('Arachide');

    expect((await office.value('sync.now', {})).pendingPublications).toBe(0);
    expect((await publicationOf(ids.familyId)).children[0]!.health.allergies).toBe('Arachide, kiwi');
  });
});

describe('the scheduler', () => {
  it('never runs twice at once, and records a French error when the portal is down', async () => {
    const scheduler = createSyncScheduler({ db: office.db, clock: office.clock, log: silentLogger });
    const a = scheduler.runNow();
    const b = scheduler.runNow();
    expect(a).toBe(b);
    expect(scheduler.running).toBe(true);
    await a;
    expect(scheduler.running).toBe(false);

    await portal.close({ keepData: true });
    const status = await scheduler.runNow();
    expect(status.lastError).toMatch(/^Portail injoignable .* vérifiez son adresse/);
    expect(status.lastError).not.toMatch(/fetch failed|ECONNREFUSED/);
    expect(status.lastAttemptAt).toBe(office.clock().toISOString());
    portal = await startTestPortal(office.clock, portal.dataDir);
    await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
    expect((await scheduler.runNow()).lastError).toBeNull();
  });

  it('runs by itself at every interval until stopped', async () => {
    const scheduler = createSyncScheduler({ db: office.db, clock: office.clock, log: silentLogger, intervalMs: 30 });
    const account = await portal.db.selectFrom('accounts').select('id').executeTakeFirst();
    expect(account).toBeUndefined();
    scheduler.start();
    await expect.poll(async () => (await office.value('sync.status', {})).lastSuccessAt, { timeout: 5000 }).not.toBeNull();
    await expect.poll(async () => (await portal.db.selectFrom('publications').select('family_id').execute()).length, { timeout: 5000 }).toBe(1);
    await scheduler.stop();
    expect(scheduler.running).toBe(false);
  });

  it('is configured by an administrator only', async () => {
    const agent = await office.as('agent');
    const refused = await agent.call('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const short = await office.call('sync.configure', { portalUrl: portal.url, secret: 'court' });
    expect(short).toMatchObject({ ok: false, error: { fields: { secret: 'Le secret partagé doit faire au moins 32 caractères.' } } });
  });
});

describe('an office computer whose clock is wrong', () => {
  it('says in French that the clock is off and by how much, ahead or behind, and syncs once it is right', async () => {
    const offset = { ms: -(7 * 60_000 + 30_000) };
    // A portal whose clock runs 7 min 30 s behind the office's: the office's computer is ahead.
    const skewed = await startTestPortal(() => new Date(office.clock().getTime() + offset.ms));
    try {
      await office.value('sync.configure', { portalUrl: skewed.url, secret: SYNC_SECRET });
      let status = await office.value('sync.now', {});
      expect(status.lastError).toContain('L’horloge de cet ordinateur est en avance de 7 min 30 s sur celle du portail');
      expect(status.lastError).toContain('Remettez l’ordinateur à l’heure');
      offset.ms = 2 * 3_600_000 + 5 * 60_000;
      status = await office.value('sync.now', {});
      expect(status.lastError).toContain('est en retard de 2 h 5 min sur celle du portail');
      // Within the five minutes the portal accepts, the sync goes through.
      offset.ms = 4 * 60_000;
      status = await office.value('sync.now', {});
      expect(status.lastError).toBeNull();
    } finally {
      await skewed.close();
    }
  });
});

describe('signed calls', () => {
  const pullBody = JSON.stringify({ after: 0, limit: 10 });

  it('accepts a well-signed call, by POST or GET', async () => {
    expect((await signedFetch(portal.url, SYNC_PATHS.pull, { body: pullBody, now: office.clock() })).status).toBe(200);
    const get = await signedFetch(portal.url, `${SYNC_PATHS.pull}?after=0&limit=5`, { method: 'GET', now: office.clock() });
    expect(get).toMatchObject({ status: 200, json: { protocol: 1, requests: [], next: 0, more: false } });
  });

  it('refuses a bad signature, an old or future timestamp, a replay and a body changed after signing', async () => {
    const now = office.clock();
    const wrong = await signedFetch(portal.url, SYNC_PATHS.pull, { body: pullBody, now, secret: 'un-autre-secret-de-meme-longueur-0000000' });
    expect(wrong).toMatchObject({ status: 401, json: { error: expect.stringContaining('Signature invalide') } });
    const old = await signedFetch(portal.url, SYNC_PATHS.pull, { body: pullBody, now: new Date(now.getTime() - 6 * 60_000) });
    expect(old).toMatchObject({ status: 401, json: { error: expect.stringContaining('Horodatage hors délai') } });
    const future = await signedFetch(portal.url, SYNC_PATHS.pull, { body: pullBody, now: new Date(now.getTime() + 6 * 60_000) });
    expect(future.status).toBe(401);
    const nonce = 'nonce-rejoue-0123456789';
    expect((await signedFetch(portal.url, SYNC_PATHS.pull, { body: pullBody, now, nonce })).status).toBe(200);
    const replay = await signedFetch(portal.url, SYNC_PATHS.pull, { body: pullBody, now, nonce });
    expect(replay).toMatchObject({ status: 401, json: { error: expect.stringContaining('rejoué') } });
    const tampered = await signedFetch(portal.url, SYNC_PATHS.pull, { body: JSON.stringify({ after: 0, limit: 500 }), signedBody: pullBody, now });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(`${portal.url}${SYNC_PATHS.pull}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: pullBody });
    expect(unsigned.status).toBe(401);
  });

  it('refuses a signed call whose body breaks the contract, with 400', async () => {
    const bad = await signedFetch(portal.url, SYNC_PATHS.pull, { body: JSON.stringify({ after: -1, limit: 0 }), now: office.clock() });
    expect(bad.status).toBe(400);
    const publish = await signedFetch(portal.url, SYNC_PATHS.publish, { body: JSON.stringify({ protocol: 1, settings: null, families: [{ familyId: 1 }] }), now: office.clock() });
    expect(publish).toMatchObject({ status: 400, json: { error: expect.stringContaining('contrat') } });
  });
});
