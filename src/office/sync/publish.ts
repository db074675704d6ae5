import { sql } from 'kysely';
import { parisDay, type Clock } from '../../shared/clock.js';
import type { FamilyPublication, PortalSettings } from '../../shared/sync/contract.js';
import { sha256Hex } from '../../shared/sync/signature.js';
import type { OfficeDb } from '../db/open.js';
import type { PortalClient } from './client.js';
import { markFamiliesForService } from './dirty.js';
import { sendMissingPhotos, uploadPhotos, type PhotoBlobs } from './photos.js';
import { buildFamilyPublication, buildPortalSettings, loadPublishedAccounts, planningWindow } from './publication.js';

export const PUBLISH_BATCH = 25;

export interface PublishHooks {
  /** After the portal answered a batch, before the office records it: a crash here makes the office send it again. */
  afterSend?(families: number[]): void | Promise<void>;
}

export interface PublishOutcome {
  families: number;
  settings: boolean;
}

/**
 * Reserves `count` versions, committed before anything is sent: a batch sent again after a crash gets new, higher
 * versions, so the portal never mistakes fresh data for a copy it already holds. The clock keeps versions above any
 * sent before a restore from backup.
 */
async function reserveVersions(db: OfficeDb, count: number, clock: Clock): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { last_version } = await trx.selectFrom('sync_state').select('last_version').where('id', '=', 1).executeTakeFirstOrThrow();
    const first = Math.max(last_version + 1, clock().getTime());
    await trx.updateTable('sync_state').set({ last_version: first + count - 1 }).where('id', '=', 1).execute();
    return first;
  });
}

/** A new month moves the planning window: every family is published again. */
async function markAllWhenWindowMoved(db: OfficeDb, clock: Clock): Promise<void> {
  const { from } = planningWindow(clock());
  await db.transaction().execute(async (trx) => {
    const { window_from } = await trx.selectFrom('sync_state').select('window_from').where('id', '=', 1).executeTakeFirstOrThrow();
    if (window_from === from) return;
    await sql`INSERT INTO sync_dirty (family_id, mark) SELECT id, 1 FROM families WHERE true ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1`.execute(trx);
    await trx.updateTable('sync_state').set({ window_from: from }).where('id', '=', 1).execute();
  });
}

/**
 * A new day at the office may change what families see without anything being saved: a tariff starts or ends, a CAF
 * quotient expires (the QF and the bracket published with « tarifs appliqués »). Those families are published again;
 * the first of a month needs nothing more (the window's move republishes everyone).
 */
async function markWhenDayPassed(db: OfficeDb, clock: Clock): Promise<void> {
  const now = clock();
  const today = parisDay(now);
  await db.transaction().execute(async (trx) => {
    const { published_day: last } = await trx.selectFrom('sync_state').select('published_day').where('id', '=', 1).executeTakeFirstOrThrow();
    if (last === today) return;
    if (last !== '' && last < today) {
      // Valid until `last` included: it stopped being valid on a day after `last`, up to today.
      await sql`INSERT INTO sync_dirty (family_id, mark)
        SELECT id, 1 FROM families WHERE caf_qf_valid_until >= ${last} AND caf_qf_valid_until < ${today}
        ON CONFLICT (family_id) DO UPDATE SET mark = mark + 1`.execute(trx);
      const services = await trx
        .selectFrom('tariffs')
        .select('service_id')
        .distinct()
        .where((eb) =>
          eb.or([
            eb.and([eb('valid_from', '>', last), eb('valid_from', '<=', today)]),
            eb.and([eb('valid_to', '>=', last), eb('valid_to', '<', today)]),
          ]),
        )
        .execute();
      for (const { service_id } of services) await markFamiliesForService(trx, service_id, now);
    }
    await trx.updateTable('sync_state').set({ published_day: today }).where('id', '=', 1).execute();
  });
}

/**
 * Sends the commune-wide content when it changed, then every family marked dirty, in batches. A family's mark is
 * cleared in the same transaction that records the version the portal acknowledged, and only if it is still the mark
 * read before building: a change made while the batch was on its way keeps the family dirty for the next run.
 */
export async function publishChanges(db: OfficeDb, client: PortalClient, clock: Clock, hooks: PublishHooks = {}, batchSize = PUBLISH_BATCH): Promise<PublishOutcome> {
  await markAllWhenWindowMoved(db, clock);
  await markWhenDayPassed(db, clock);
  const outcome: PublishOutcome = { families: 0, settings: false };

  const content = await buildPortalSettings(db);
  const contentHash = await sha256Hex(JSON.stringify(content));
  const state = await db.selectFrom('sync_state').select('settings_hash').where('id', '=', 1).executeTakeFirstOrThrow();
  let settings: PortalSettings | null = null;
  if (state.settings_hash !== contentHash) settings = { ...content, version: await reserveVersions(db, 1, clock) };

  const attempted = new Set<number>();
  for (;;) {
    const dirty = (await db.selectFrom('sync_dirty').select(['family_id', 'mark']).orderBy('family_id').execute())
      .filter((row) => !attempted.has(row.family_id))
      .slice(0, batchSize);
    if (dirty.length === 0 && settings === null) return outcome;
    const existing = new Set(
      dirty.length ? (await db.selectFrom('families').select('id').where('id', 'in', dirty.map((row) => row.family_id)).execute()).map((row) => row.id) : [],
    );
    const first = dirty.length ? await reserveVersions(db, dirty.length, clock) : 0;
    const now = clock();
    const publications: FamilyPublication[] = [];
    const regie = await loadPublishedAccounts(db, [...existing], now);
    const photos: PhotoBlobs = new Map();
    for (const [index, row] of dirty.entries()) {
      attempted.add(row.family_id);
      if (existing.has(row.family_id)) publications.push(await buildFamilyPublication(db, row.family_id, first + index, now, regie, photos));
    }
    // The photos first, only those the portal lacks: a publication never arrives before the photos it names.
    await sendMissingPhotos(client, photos);
    const response = await client.publish(settings, publications);
    // The portal lost one meanwhile (or never stored it): sent now, before the batch is recorded, so a failure here
    // leaves these families to publish again (and their photos to send) at the next run.
    if (response.missingPhotos.length > 0) await uploadPhotos(client, photos, response.missingPhotos);
    const acknowledged = new Set([...response.applied, ...response.ignored]);
    await hooks.afterSend?.(publications.map((publication) => publication.familyId));
    const at = clock().toISOString();
    await db.transaction().execute(async (trx) => {
      for (const publication of publications) {
        if (!acknowledged.has(publication.familyId)) continue;
        if (response.applied.includes(publication.familyId)) {
          await trx
            .insertInto('family_publications')
            .values({ family_id: publication.familyId, version: publication.version, published_at: at })
            .onConflict((oc) => oc.column('family_id').doUpdateSet({ version: publication.version, published_at: at }))
            .execute();
        }
      }
      for (const row of dirty) {
        if (existing.has(row.family_id) && !acknowledged.has(row.family_id)) continue;
        await trx.deleteFrom('sync_dirty').where('family_id', '=', row.family_id).where('mark', '=', row.mark).execute();
      }
      if (settings) await trx.updateTable('sync_state').set({ settings_hash: contentHash }).where('id', '=', 1).execute();
    });
    outcome.families += publications.filter((publication) => acknowledged.has(publication.familyId)).length;
    if (settings) outcome.settings = true;
    settings = null;
  }
}

/** Families waiting to be published (changed since the portal last acknowledged them). */
export async function pendingPublications(db: OfficeDb): Promise<number> {
  const row = await db
    .selectFrom('sync_dirty')
    .innerJoin('families', 'families.id', 'sync_dirty.family_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
