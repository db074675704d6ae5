import { afterEach, describe, expect, it } from 'vitest';
import { recordRequest } from '../../src/portal/requests/submit.js';
import { pairedFamily, type PairedFamily } from '../helpers/paired-family.js';
import { startSyncProxy, type SyncProxy } from '../helpers/sync-proxy.js';
import { portalAccount, startTestPortal, SYNC_SECRET, type TestPortal } from '../helpers/sync.js';

/**
 * A portal moved to another database under the same address (to PostgreSQL, or started on an empty folder): its
 * request numbers start over at 1. The office, whose cursor was past them, learns it from the database's identity in
 * the pull's answer, pulls the new database's requests from the first and publishes every family to it again; before,
 * the requests of the new database were never pulled (the office asked for those after its old cursor) and the new
 * database got no family until each happened to change.
 */
let paired: PairedFamily;
let second: TestPortal | null = null;
let proxy: SyncProxy;
afterEach(async () => {
  await proxy.close();
  await second?.close();
  await paired.close();
});

const EMAIL = 'helene.martin@example.fr';

function phoneChange(familyId: number, phone: string) {
  return { kind: 'data_change' as const, changes: [{ entity: 'family' as const, entityId: familyId, field: 'responsable1.telMobile' as const, label: 'Téléphone portable', oldValue: '', newValue: phone }] };
}

describe('a portal moved to another database under the same address', () => {
  it('is pulled from its first request and given every family again', async () => {
    paired = await pairedFamily(['2026-12-14']);
    const { office, portal: first, familyId } = paired;
    proxy = await startSyncProxy(first.url);
    await office.value('sync.configure', { portalUrl: proxy.url, secret: SYNC_SECRET });
    const sync = async () => expect((await office.value('sync.now', {})).lastError).toBeNull();
    await sync();
    const portalRequests = () => office.sqlite.prepare("SELECT uid FROM requests WHERE source = 'portal' ORDER BY uid").pluck().all() as string[];

    // Three requests on the first database, pulled: the office's cursor is 3.
    const account = await portalAccount(first.db, familyId, EMAIL);
    const sent: string[] = [];
    for (const phone of ['06 11 11 11 11', '06 22 22 22 22', '06 33 33 33 33']) {
      sent.push((await recordRequest(first.db, { familyId, accountId: account }, office.clock(), phoneChange(familyId, phone))).uid);
    }
    await sync();
    expect(portalRequests()).toEqual([...sent].sort());
    expect(office.sqlite.prepare('SELECT cursor FROM sync_state').pluck().get()).toBe(3);

    // The same address now answers from an empty database, where the family sends one request: number 1 there.
    second = await startTestPortal(office.clock);
    proxy.target = second.url;
    const again = await portalAccount(second.db, familyId, EMAIL);
    const moved = (await recordRequest(second.db, { familyId, accountId: again }, office.clock(), phoneChange(familyId, '06 44 44 44 44'))).uid;
    await sync();
    expect(portalRequests()).toEqual([...sent, moved].sort());
    expect(office.sqlite.prepare('SELECT cursor FROM sync_state').pluck().get()).toBe(1);
    // The family is published to the new database, with its requests' decisions.
    const publication = await second.db.selectFrom('publications').select('family_id').where('family_id', '=', familyId).executeTakeFirst();
    expect(publication).toBeDefined();
    // And the next sync pulls nothing twice.
    await sync();
    expect(portalRequests()).toHaveLength(4);
  });
});
