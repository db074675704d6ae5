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
      expect(portalStorage(readPortalConfig({ GRENETTE_PORTAL_DATABASE_URL: url }, secret))).toEqual({ kind: 'postgres', url, poolMax: 10 });
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
    // libpq's password parameter too.
    const redacted = redactedUrl('postgres://portail@db.example.fr/portail?password=tres-secret&sslmode=require');
    expect(redacted).not.toContain('tres-secret');
    expect(redacted).toContain('sslmode=require');
  });
});

describe('GRENETTE_PORTAL_DATABASE_POOL', () => {
  it('gives each portal process 10 connections by default, or the number set', () => {
    const url = 'postgres://portail@db.example.fr/portail';
    expect(portalStorage(readPortalConfig({ GRENETTE_PORTAL_DATABASE_URL: url }, secret))).toEqual({ kind: 'postgres', url, poolMax: 10 });
    expect(portalStorage(readPortalConfig({ GRENETTE_PORTAL_DATABASE_URL: url, GRENETTE_PORTAL_DATABASE_POOL: '4' }, secret))).toEqual({ kind: 'postgres', url, poolMax: 4 });
  });

  it('refuses a number of connections that is not from 1 to 50, in French', () => {
    for (const value of ['0', '51', 'dix', '2.5', '-1']) {
      expect(() => readPortalConfig({ GRENETTE_PORTAL_DATABASE_POOL: value }, secret)).toThrow(/^GRENETTE_PORTAL_DATABASE_POOL invalide : « /);
    }
  });
});
