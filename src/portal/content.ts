import { familyPublicationSchema, portalSettingsSchema, type FamilyPublication, type PortalSettings } from '../shared/sync/contract.js';
import type { PortalDb } from './db/open.js';

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

/** The family's latest publication, parsed and validated; null until the office has published it. */
export async function loadPublication(db: PortalDb, familyId: number): Promise<FamilyPublication | null> {
  const row = await db.selectFrom('publications').select('data').where('family_id', '=', familyId).executeTakeFirst();
  if (!row) return null;
  return familyPublicationSchema.parse(JSON.parse(row.data));
}

export async function loadSettings(db: PortalDb): Promise<PortalSettings> {
  const row = await db.selectFrom('portal_content').select('data').where('key', '=', PORTAL_SETTINGS_KEY).executeTakeFirst();
  if (!row) return DEFAULT_SETTINGS;
  const parsed = portalSettingsSchema.safeParse(JSON.parse(row.data));
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}
