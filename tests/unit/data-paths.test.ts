import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataPaths } from '../../src/office/config/paths.js';

describe('where the office database lives', () => {
  const userData = path.resolve('/home/agent/.config/Grenette');

  it('defaults to grenette.sqlite in the user-data folder, with backups and log beside it', () => {
    expect(resolveDataPaths(['electron', '.'], {}, userData)).toEqual({
      dbFile: path.join(userData, 'grenette.sqlite'),
      backupDir: path.join(userData, 'backups'),
      logFile: path.join(userData, 'grenette.log'),
    });
  });

  it('takes --db=<file> and --db <file>, resolved to absolute paths', () => {
    expect(resolveDataPaths(['--db=/srv/sej/office.sqlite'], {}, userData).dbFile).toBe(path.resolve('/srv/sej/office.sqlite'));
    const spaced = resolveDataPaths(['--db', 'essai.sqlite'], {}, userData);
    expect(spaced.dbFile).toBe(path.resolve('essai.sqlite'));
    expect(spaced.backupDir).toBe(path.join(path.dirname(path.resolve('essai.sqlite')), 'backups'));
  });

  it('uses GRENETTE_DB when no flag is given, and the flag wins over it', () => {
    const env = { GRENETTE_DB: '/srv/env/office.sqlite' };
    expect(resolveDataPaths([], env, userData).dbFile).toBe(path.resolve('/srv/env/office.sqlite'));
    expect(resolveDataPaths(['--db=/srv/flag.sqlite'], env, userData).dbFile).toBe(path.resolve('/srv/flag.sqlite'));
  });
});
