import { afterEach, describe, expect, it } from 'vitest';
import { portalClient } from '../../src/office/sync/client.js';
import { DEFAULT_SETTINGS, loadPublication, loadSettings } from '../../src/portal/content.js';
import { withoutNul } from '../../src/shared/text/control-chars.js';
import { makePublication, startTestPortal, type TestPortal } from '../helpers/portal.js';
import { SYNC_SECRET } from '../helpers/sync.js';

/**
 * A NUL character pasted into an office field (an allergy, a news item) reaches the portal in a publication.
 * PostgreSQL refuses NUL in text and jsonb: before, the whole publish call failed with 500 and, the office retrying the
 * same batch, no family was published again. It is taken out at the portal's door, on both databases.
 */
let portal: TestPortal | null = null;
afterEach(async () => {
  await portal?.close();
  portal = null;
});

describe('a publication holding NUL characters', () => {
  for (const database of ['sqlite', 'pg'] as const) {
    it(`is stored without them on ${database === 'pg' ? 'PostgreSQL' : 'SQLite'}, the rest of the batch with it`, async () => {
      portal = await startTestPortal({ listen: true, database, config: { syncSecret: SYNC_SECRET } });
      const office = portalClient(portal.url, SYNC_SECRET, portal.clock);
      const first = makePublication(1);
      first.children[0]!.health.allergies = 'Arachide\u0000 et kiwi';
      const settings = { ...DEFAULT_SETTINGS, version: 2, news: [{ date: '2026-11-30', title: 'Fermeture\u0000', body: 'Le centre ferme le 24/12.' }] };
      const answer = await office.publish(settings, [first, makePublication(2)]);
      expect(answer.applied).toEqual([1, 2]);
      expect((await loadPublication(portal.db, 1))!.children[0]!.health.allergies).toBe('Arachide et kiwi');
      expect((await loadSettings(portal.db)).news[0]!.title).toBe('Fermeture');
      expect(await loadPublication(portal.db, 2)).not.toBeNull();
    });
  }

  it('keeps every other character and says how many strings it cleaned', () => {
    const value = { a: 'é\t\n\u202E', list: ['x\u0000y', 3, null, { ['k\u0000']: '\u0000' }] };
    expect(withoutNul(value)).toEqual({ value: { a: 'é\t\n\u202E', list: ['xy', 3, null, { k: '' }] }, cleaned: 3 });
    const clean = { a: 'rien' };
    expect(withoutNul(clean).value).toBe(clean);
  });
});
