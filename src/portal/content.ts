import type { FamilyPublication, PortalSettings } from '../shared/sync/contract.js';
import { familyPublicationSchemaV1 } from '../shared/sync/contract-v1.js';
import { currentPublication, currentSettings, storedProtocol } from '../shared/sync/upgrade.js';
import { contentRow, contentVersion, planningVersions, publicationAndContentVersions, publicationRow, publicationVersion } from './db/hot-queries.js';
import type { PortalDb } from './db/open.js';
import { adoptInlinePhotos, inlinePhotoBytes } from './photos/store.js';

/** portal_content key under which the sync stores the commune-wide PortalSettings. */
export const PORTAL_SETTINGS_KEY = 'settings';

/** What families see before the office's first publication (DOMAIN.md: the office's address, hours and contacts). */
export const DEFAULT_SETTINGS: PortalSettings = {
  version: 1,
  commune: {
    name: 'Epagny Metz-Tessy',
    service: 'Service Enfance Jeunesse',
    address: '15 rue de la Grenette, 74370 Epagny Metz-Tessy',
    email: 'enfance-jeunesse@epagnymetztesy.fr',
    phone: '04 50 22 98 19',
    hours: ['Lundi et vendredi : 8h30-12h00', 'Mardi et jeudi : 13h30-17h30', 'Mercredi : 8h30-12h00 et 13h30-17h30'],
  },
  news: [],
  services: [],
  calendar: { schoolYears: [], periods: [] },
};

/** Every nested object and array frozen: a cached value is shared by every request, so none may change it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Parsed publications kept in memory, per database, by family and version. A publication is some 64 KB of JSON that
 * zod validates in full: parsed on every page view it was a tenth of a page's cost. Each view still reads the row's
 * version (the primary key's row, a few bytes), so a new publication, written by this process or another one on the
 * same database (each worker of GRENETTE_PORTAL_WORKERS keeps its own cache), is read at the next view; the JSON is read and parsed only when the version changed. The most
 * recently seen MAX_KEPT families are kept.
 */
const MAX_KEPT = 5_000;
const publications = new WeakMap<PortalDb, Map<number, { version: number; publication: FamilyPublication }>>();

/** The family's latest publication, parsed and validated (frozen: shared); null until the office has published it. */
export async function loadPublication(db: PortalDb, familyId: number): Promise<FamilyPublication | null> {
  return publicationAt(db, familyId, (await publicationVersion.first(db, familyId))?.version ?? null);
}

/** The publication of the version just read (null: none), from memory when it is the one kept. */
async function publicationAt(db: PortalDb, familyId: number, version: number | null): Promise<FamilyPublication | null> {
  let kept = publications.get(db);
  if (!kept) publications.set(db, (kept = new Map()));
  if (version === null) {
    kept.delete(familyId);
    return null;
  }
  const known = kept.get(familyId);
  if (known && known.version === version) {
    // Seen again: moved to the end, so the least recently seen family is the one dropped.
    kept.delete(familyId);
    kept.set(familyId, known);
    return known.publication;
  }
  const row = await publicationRow.first(db, familyId);
  if (!row) return null;
  // Upgraded here, inside the parse kept by version: a page never sees an older protocol, and pays for it once.
  const protocol = storedProtocol(row.protocol);
  const stored: unknown = JSON.parse(row.data);
  const publication = deepFreeze(await currentPublication(protocol, stored));
  // Inline photos of a row stored before 0006 go to the photo store, where the upgraded references find them.
  if (protocol === 1 && row.data.includes('"base64"')) {
    await adoptInlinePhotos(db, familyId, row.version, inlinePhotoBytes(familyPublicationSchemaV1.parse(stored), publication), new Date());
  }
  kept.delete(familyId);
  kept.set(familyId, { version: row.version, publication });
  if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as number);
  return publication;
}

/**
 * The commune's settings, kept parsed by version like the publications (every page reads them); frozen, so the
 * deadline rules inside are the same objects from one page to the next. Settings that do not read (an office newer
 * than the portal by more than additive fields) fall back to the defaults, and say so in the log once per version.
 */
const settingsKept = new WeakMap<PortalDb, { version: number; settings: PortalSettings }>();

type ErrorLog = { error(details: object, message: string): void };

export async function loadSettings(db: PortalDb, log?: ErrorLog): Promise<PortalSettings> {
  return settingsAt(db, (await contentVersion.first(db, PORTAL_SETTINGS_KEY))?.version ?? null, log);
}

/** The settings of the version just read (null: none published), from memory when it is the one kept. */
async function settingsAt(db: PortalDb, version: number | null, log?: ErrorLog): Promise<PortalSettings> {
  if (version === null) return DEFAULT_SETTINGS;
  const known = settingsKept.get(db);
  if (known && known.version === version) return known.settings;
  const row = await contentRow.first(db, PORTAL_SETTINGS_KEY);
  if (!row) return DEFAULT_SETTINGS;
  let settings = DEFAULT_SETTINGS;
  try {
    settings = deepFreeze(await currentSettings(storedProtocol(row.protocol), JSON.parse(row.data)));
  } catch (error) {
    log?.error({ version: row.version, protocol: row.protocol, error: error instanceof Error ? error.message.slice(0, 1000) : String(error) }, 'published portal settings do not read: defaults shown');
  }
  settingsKept.set(db, { version: row.version, settings });
  return settings;
}

/**
 * Both versions in one query, for the pages that need the publication and the settings (home, planning: the pages
 * families open most): one round trip to the database instead of two; each is then read and parsed only when its
 * version changed, as loadPublication and loadSettings do.
 */
export async function loadPublicationAndSettings(
  db: PortalDb,
  familyId: number,
  log?: ErrorLog,
): Promise<{ publication: FamilyPublication | null; settings: PortalSettings }> {
  const versions = await publicationAndContentVersions.first(db, familyId, PORTAL_SETTINGS_KEY);
  const [publication, settings] = await Promise.all([
    publicationAt(db, familyId, versions?.publication ?? null),
    settingsAt(db, versions?.content ?? null, log),
  ]);
  return { publication, settings };
}

/**
 * The planning page's content in one round trip: the publication and the settings as loadPublicationAndSettings gives
 * them, and the mark of the family's planning requests (the last one's seq, '' for none), which changes whenever one
 * is added: planning/model.ts parses them again only then.
 */
export async function loadPlanningContent(
  db: PortalDb,
  familyId: number,
  log?: ErrorLog,
): Promise<{ publication: FamilyPublication | null; settings: PortalSettings; requestsMark: string }> {
  const versions = await planningVersions.first(db, familyId, PORTAL_SETTINGS_KEY);
  const [publication, settings] = await Promise.all([
    publicationAt(db, familyId, versions?.publication ?? null),
    settingsAt(db, versions?.content ?? null, log),
  ]);
  // Compared as text: the same whether the driver answers the seq as a number or a string.
  return { publication, settings, requestsMark: String(versions?.lastRequest ?? '') };
}
