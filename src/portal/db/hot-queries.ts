import { reusableQuery } from '../../server/reusable-query.js';
import type { PortalDb } from './open.js';

/**
 * The reads behind every family page (the session, the versions of the publication and the settings, the family's
 * requests), built and compiled by Kysely once per database and then run with each request's values
 * (server/reusable-query.ts): building and compiling them anew was about a tenth of a page's CPU time. Each builder
 * is kept beside its compiled query, so a test holds both to the same rows on SQLite and on PostgreSQL.
 */
export const HOT_QUERY_BUILDERS = {
  sessionById: (db: PortalDb, id: string) =>
    db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select(['sessions.id', 'sessions.account_id', 'sessions.family_id', 'sessions.csrf_token', 'sessions.last_seen_at', 'sessions.expires_at', 'accounts.email', 'accounts.disabled'])
      .where('sessions.id', '=', id),
  publicationVersion: (db: PortalDb, familyId: number) => db.selectFrom('publications').select('version').where('family_id', '=', familyId),
  publicationRow: (db: PortalDb, familyId: number) => db.selectFrom('publications').select(['version', 'data', 'protocol']).where('family_id', '=', familyId),
  contentVersion: (db: PortalDb, key: string) => db.selectFrom('portal_content').select('version').where('key', '=', key),
  contentRow: (db: PortalDb, key: string) => db.selectFrom('portal_content').select(['version', 'data', 'protocol']).where('key', '=', key),
  /** Both versions in one round trip, for the pages that need both (home, planning). */
  publicationAndContentVersions: (db: PortalDb, familyId: number, key: string) =>
    db.selectNoFrom((eb) => [
      eb.selectFrom('publications').select('version').where('family_id', '=', familyId).as('publication'),
      eb.selectFrom('portal_content').select('version').where('key', '=', key).as('content'),
    ]),
  /**
   * The planning page's round trip: both versions, and the seq of the family's last planning request. The portal only
   * ever adds requests (none is deleted or changed), each with a higher seq: the same last seq, the same rows, so the
   * rows parsed at the family's last view are still its requests (planning/model.ts). Read from the index on
   * (family_id, kind, seq), whatever the family's history.
   */
  planningVersions: (db: PortalDb, familyId: number, key: string) =>
    db.selectNoFrom((eb) => [
      eb.selectFrom('publications').select('version').where('family_id', '=', familyId).as('publication'),
      eb.selectFrom('portal_content').select('version').where('key', '=', key).as('content'),
      eb.selectFrom('requests').select((e) => e.fn.max('seq').as('seq')).where('family_id', '=', familyId).where('kind', 'in', ['book', 'cancel', 'absence']).as('lastRequest'),
    ]),
  /** The family's planning requests (the kinds are constants of the query), oldest first. */
  planningRequests: (db: PortalDb, familyId: number) =>
    db.selectFrom('requests').select(['uid', 'body', 'late']).where('family_id', '=', familyId).where('kind', 'in', ['book', 'cancel', 'absence']).orderBy('seq'),
  /** The family's latest 200 requests, newest first (the home page). */
  latestRequests: (db: PortalDb, familyId: number) =>
    db.selectFrom('requests').select(['uid', 'body']).where('family_id', '=', familyId).orderBy('seq', 'desc').limit(200),
};

const B = HOT_QUERY_BUILDERS;
export const sessionById = reusableQuery(B.sessionById);
export const publicationVersion = reusableQuery(B.publicationVersion);
export const publicationRow = reusableQuery(B.publicationRow);
export const contentVersion = reusableQuery(B.contentVersion);
export const contentRow = reusableQuery(B.contentRow);
export const publicationAndContentVersions = reusableQuery(B.publicationAndContentVersions);
export const planningVersions = reusableQuery(B.planningVersions);
export const planningRequests = reusableQuery(B.planningRequests);
export const latestRequests = reusableQuery(B.latestRequests);
