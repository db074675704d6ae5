import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from './office.js';
import { HttpFamily } from './portal-http.js';
import { startTestPortal, SYNC_SECRET, type TestPortal } from './sync.js';

export interface PairedFamily {
  office: TestOffice;
  portal: TestPortal;
  familyId: number;
  childId: number;
  cantine: number;
  close(): Promise<void>;
}

/**
 * Two real servers paired on the office's clock (the office core and the portal on their SQLite files): one family of
 * the sample (Hélène Martin) with a child at École Jules Ferry, enrolled at the canteen on school days and booked on
 * `bookedDays`. The family has no portal account yet (issue its activation through the office).
 */
export async function pairedFamily(bookedDays: readonly string[]): Promise<PairedFamily> {
  const office = await makeTestOffice();
  const portal = await startTestPortal(office.clock);
  const schoolId = Number(office.sqlite.prepare("INSERT INTO schools (name) VALUES ('École Jules Ferry')").run().lastInsertRowid);
  const familyId = (await office.value('families.create', { data: sampleFamilyInput() })).id;
  const childId = (await office.value('children.create', { familyId, data: sampleChildInput({ identity: { ...sampleChildInput().identity, schoolId } }) })).id;
  const cantine = office.sqlite.prepare("SELECT id FROM services WHERE code = 'cantine'").pluck().get() as number;
  const inscription = office.sqlite
    .prepare("INSERT INTO inscriptions (child_id, service_id, start_date, end_date, weekdays, created_at) VALUES (?, ?, '2026-09-01', '2027-07-02', '1,2,4,5', '2026-09-01T08:00:00Z')")
    .run(childId, cantine);
  const book = office.sqlite.prepare("INSERT INTO planning_days (child_id, service_id, day, state, inscription_id, updated_at) VALUES (?, ?, ?, 'booked', ?, '2026-09-01T08:00:00Z')");
  for (const day of bookedDays) book.run(childId, cantine, day, inscription.lastInsertRowid);
  await office.value('sync.configure', { portalUrl: portal.url, secret: SYNC_SECRET });
  return {
    office,
    portal,
    familyId,
    childId,
    cantine,
    async close() {
      await portal.close();
      await office.close();
    },
  };
}

/**
 * The sample family's responsable 1 logged in on the portal over HTTP, as a family does it: the office issues the
 * activation, the sync brings it to the portal, the family activates its account with the code and a password.
 */
export async function activatedFamily(office: TestOffice, portalUrl: string, familyId: number, password: string): Promise<HttpFamily> {
  const { code } = await office.value('portal.issueActivation', { familyId, rank: 1 });
  const synced = await office.value('sync.now', {});
  if (synced.lastError !== null) throw new Error(`sync failed: ${synced.lastError}`);
  const family = new HttpFamily(portalUrl);
  await family.get('/activation');
  const activated = await family.post('/activation', { email: 'helene.martin@example.fr', code, password, password2: password });
  if (activated.status !== 303) throw new Error(`activation answered ${activated.status}`);
  return family;
}
