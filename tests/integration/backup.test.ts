import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { restoreBackup } from '../../src/office/backup/restore.js';
import { scheduleBackups } from '../../src/office/backup/schedule.js';
import { CorruptDatabaseError, openOfficeDatabase } from '../../src/office/db/open.js';
import type { Logger } from '../../src/office/log.js';
import { makeTestClock } from '../helpers/office.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-backup-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info: () => {}, error: (message, context) => errors.push(`${message} ${JSON.stringify(context)}`) };
}

/** An office database with two families (one archived), three children and a note with accents. */
function makeOffice(file: string, clock: () => Date) {
  const opened = openOfficeDatabase({ file, clock });
  const family = opened.sqlite.prepare("INSERT INTO families (notes, created_at, updated_at) VALUES (?, '2026-11-01', '2026-11-01')");
  const child = opened.sqlite.prepare(
    "INSERT INTO children (family_id, nom, prenom, sexe, date_naissance, created_at, updated_at) VALUES (?, ?, ?, 'F', '2019-05-02', '2026-11-01', '2026-11-01')",
  );
  const a = Number(family.run('Garde alternée, père le mercredi').lastInsertRowid);
  const b = Number(family.run('Déménagement prévu').lastInsertRowid);
  child.run(a, 'Müller', 'Zoé');
  child.run(a, 'Müller', 'Léa');
  child.run(b, 'Dupont', 'Inès');
  opened.sqlite.prepare("UPDATE families SET archived_at = '2026-11-20T10:00:00Z' WHERE id = ?").run(b);
  return opened;
}

describe('backups', () => {
  it('backs up the open database and restores it on a new machine with all its data', async () => {
    const clock = makeTestClock('2026-11-28T09:00:00Z');
    const office = tempDir();
    const backupDir = path.join(office, 'backups');
    const opened = makeOffice(path.join(office, 'grenette.sqlite'), clock);
    const log = recordingLogger();
    const schedule = scheduleBackups(opened.sqlite, backupDir, clock, log);
    try {
      const file = await schedule.runNow();
      expect(file).toBe(path.join(backupDir, 'daily', 'grenette-2026-11-28.sqlite'));
      // Written while the app keeps its connection open; a change made after it is not in the backup.
      opened.sqlite.prepare("INSERT INTO families (created_at, updated_at) VALUES ('2026-11-28', '2026-11-28')").run();

      const newMachine = tempDir();
      const target = path.join(newMachine, 'grenette.sqlite');
      const result = await restoreBackup({ backupFile: file, dbFile: target, clock });
      expect(result).toMatchObject({ families: 1, children: 3, previousCopy: null });

      const restored = openOfficeDatabase({ file: target, clock });
      const notes = restored.sqlite.prepare('SELECT notes FROM families ORDER BY id').all();
      expect(notes).toEqual([{ notes: 'Garde alternée, père le mercredi' }, { notes: 'Déménagement prévu' }]);
      const names = restored.sqlite.prepare('SELECT prenom FROM children ORDER BY id').pluck().all();
      expect(names).toEqual(['Zoé', 'Léa', 'Inès']);
      await restored.close();
      expect(log.errors).toEqual([]);
    } finally {
      await schedule.stop();
      await opened.close();
    }
  });

  it('closing the office right after start-up waits for the start-up backup instead of breaking it', async () => {
    const clock = makeTestClock('2026-11-28T10:00:00Z');
    const office = tempDir();
    const backupDir = path.join(office, 'backups');
    const opened = makeOffice(path.join(office, 'grenette.sqlite'), clock);
    const log = recordingLogger();
    const schedule = scheduleBackups(opened.sqlite, backupDir, clock, log);
    await schedule.stop();
    await opened.close();
    expect(log.errors).toEqual([]);
    expect(fs.readdirSync(path.join(backupDir, 'daily'))).toEqual(['grenette-2026-11-28.sqlite']);
  });

  it('takes the day backup at start-up, a new one each day, and keeps a monthly copy of the first of the month', async () => {
    const clock = makeTestClock('2026-11-30T20:00:00Z');
    const office = tempDir();
    const backupDir = path.join(office, 'backups');
    const opened = makeOffice(path.join(office, 'grenette.sqlite'), clock);
    const schedule = scheduleBackups(opened.sqlite, backupDir, clock, recordingLogger());
    try {
      await expect.poll(() => fs.existsSync(path.join(backupDir, 'daily', 'grenette-2026-11-30.sqlite'))).toBe(true);
      clock.set('2026-11-30T23:30:00Z'); // already 1 December in Paris
      await schedule.runNow();
      expect(fs.readdirSync(path.join(backupDir, 'daily')).sort()).toEqual(['grenette-2026-11-30.sqlite', 'grenette-2026-12-01.sqlite']);
      expect(fs.readdirSync(path.join(backupDir, 'monthly')).sort()).toEqual(['grenette-2026-11.sqlite', 'grenette-2026-12.sqlite']);
    } finally {
      await schedule.stop();
      await opened.close();
    }
  });

  it('takes a new backup on its own when the day changes while the app runs', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = makeTestClock('2026-11-28T09:00:00Z');
    const office = tempDir();
    const backupDir = path.join(office, 'backups');
    const opened = makeOffice(path.join(office, 'grenette.sqlite'), clock);
    const schedule = scheduleBackups(opened.sqlite, backupDir, clock, recordingLogger());
    const exists = (day: string) => fs.existsSync(path.join(backupDir, 'daily', `grenette-${day}.sqlite`));
    const waitFor = async (day: string) => {
      for (let i = 0; i < 100 && !exists(day); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      return exists(day);
    };
    try {
      expect(await waitFor('2026-11-28')).toBe(true);
      clock.set('2026-11-29T07:00:00Z');
      vi.advanceTimersByTime(30 * 60 * 1000);
      expect(exists('2026-11-29')).toBe(false);
      vi.advanceTimersByTime(30 * 60 * 1000);
      expect(await waitFor('2026-11-29')).toBe(true);
    } finally {
      await schedule.stop();
      vi.useRealTimers();
      await opened.close();
    }
  });

  it('rotation deletes the oldest daily backups beyond 14', async () => {
    const clock = makeTestClock('2026-11-28T09:00:00Z');
    const office = tempDir();
    const backupDir = path.join(office, 'backups');
    const daily = path.join(backupDir, 'daily');
    fs.mkdirSync(daily, { recursive: true });
    for (let day = 1; day <= 20; day += 1) fs.writeFileSync(path.join(daily, `grenette-2026-10-${String(day).padStart(2, '0')}.sqlite`), 'old');
    fs.writeFileSync(path.join(daily, 'a-moi.txt'), 'not a backup');
    const opened = makeOffice(path.join(office, 'grenette.sqlite'), clock);
    const schedule = scheduleBackups(opened.sqlite, backupDir, clock, recordingLogger());
    try {
      await schedule.runNow();
      const left = fs.readdirSync(daily).sort();
      expect(left).toHaveLength(15);
      expect(left).toContain('a-moi.txt');
      expect(left).toContain('grenette-2026-11-28.sqlite');
      expect(left).not.toContain('grenette-2026-10-07.sqlite');
      expect(left).toContain('grenette-2026-10-08.sqlite');
    } finally {
      await schedule.stop();
      await opened.close();
    }
  });

  it('logs a failed backup instead of crashing the app', async () => {
    const clock = makeTestClock('2026-11-28T09:00:00Z');
    const office = tempDir();
    const opened = makeOffice(path.join(office, 'grenette.sqlite'), clock);
    const blocker = path.join(office, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where the backup folder should be');
    const log = recordingLogger();
    const schedule = scheduleBackups(opened.sqlite, blocker, clock, log);
    try {
      await expect.poll(() => log.errors.length).toBeGreaterThan(0);
      await expect(schedule.runNow()).rejects.toThrow();
    } finally {
      await schedule.stop();
      await opened.close();
    }
  });

  it('refuses a corrupt backup and leaves the current database intact', async () => {
    const clock = makeTestClock('2026-11-28T09:00:00Z');
    const office = tempDir();
    const dbFile = path.join(office, 'grenette.sqlite');
    await makeOffice(dbFile, clock).close();
    const before = fs.readFileSync(dbFile);
    const corrupt = path.join(office, 'grenette-2026-11-27.sqlite');
    fs.writeFileSync(corrupt, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(5000, 0x41)]));

    await expect(restoreBackup({ backupFile: corrupt, dbFile, clock })).rejects.toThrow(CorruptDatabaseError);
    expect(fs.readFileSync(dbFile).equals(before)).toBe(true);
    expect(fs.readdirSync(office).filter((name) => name.includes('avant-restauration'))).toEqual([]);
  });

  it('keeps the replaced database next to the restored one', async () => {
    const clock = makeTestClock('2026-11-28T09:00:00Z');
    const office = tempDir();
    const dbFile = path.join(office, 'grenette.sqlite');
    const opened = makeOffice(dbFile, clock);
    const schedule = scheduleBackups(opened.sqlite, path.join(office, 'backups'), clock, recordingLogger());
    const backup = await schedule.runNow();
    await schedule.stop();
    opened.sqlite.prepare("INSERT INTO families (notes, created_at, updated_at) VALUES ('après la sauvegarde', '2026-11-28', '2026-11-28')").run();
    await opened.close();

    const result = await restoreBackup({ backupFile: backup, dbFile, clock });
    expect(result.previousCopy).toBe(`${dbFile}.avant-restauration-2026-11-28T09-00-00Z`);
    const kept = openOfficeDatabase({ file: result.previousCopy as string, clock });
    expect(kept.sqlite.prepare("SELECT COUNT(*) FROM families WHERE notes = 'après la sauvegarde'").pluck().get()).toBe(1);
    await kept.close();
    const restored = openOfficeDatabase({ file: dbFile, clock });
    expect(restored.sqlite.prepare("SELECT COUNT(*) FROM families WHERE notes = 'après la sauvegarde'").pluck().get()).toBe(0);
    await restored.close();
  });
});
