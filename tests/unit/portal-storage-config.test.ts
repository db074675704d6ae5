import { describe, expect, it } from 'vitest';
import { readPortalConfig } from '../../src/portal/config.js';
import { portalStorage } from '../../src/portal/db/open.js';
import { redactedUrl } from '../../src/portal/db/postgres.js';

const secret = () => 'secret';

describe('GRENETTE_PORTAL_DATABASE_URL', () => {
  it('keeps the SQLite file of the data folder when unset or empty', () => {
    for (const value of [undefined, '', '  ']) {
      const config = readPortalConfig({ GRENETTE_PORTAL_DATA: '/srv/portail', GRENETTE_PORTAL_DATABASE_URL: value }, secret);
      expect(portalStorage(config)).toEqual({ kind: 'sqlite', dataDir: '/srv/portail' });
    }
  });

  it('selects PostgreSQL for a postgres:// or postgresql:// address', () => {
    for (const url of ['postgres://portail:mdp@db.example.fr:5432/portail', 'postgresql://portail@127.0.0.1/portail']) {
      expect(portalStorage(readPortalConfig({ GRENETTE_PORTAL_DATABASE_URL: url }, secret))).toEqual({ kind: 'postgres', url });
    }
  });

  it('refuses anything else at start, in French', () => {
    for (const url of ['mysql://db/portail', '/srv/portail/portal.sqlite', 'sqlite:portal']) {
      expect(() => readPortalConfig({ GRENETTE_PORTAL_DATABASE_URL: url }, secret)).toThrow(/^GRENETTE_PORTAL_DATABASE_URL invalide : une adresse postgres:\/\//);
    }
  });

  it('never shows the password in what the portal logs', () => {
    expect(redactedUrl('postgres://portail:tres-secret@db.example.fr:5432/portail')).toBe('postgres://portail:***@db.example.fr:5432/portail');
    expect(redactedUrl('postgres://portail@db.example.fr/portail')).toBe('postgres://portail@db.example.fr/portail');
  });
});
