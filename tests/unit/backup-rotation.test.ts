import { describe, expect, it } from 'vitest';
import { backupsToDelete } from '../../src/office/backup/rotation.js';

const daily = (days: string[]) => days.map((day) => `grenette-${day}.sqlite`);

describe('backup rotation', () => {
  it('keeps the 14 most recent daily backups and deletes the oldest', () => {
    const names = daily(Array.from({ length: 17 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`));
    expect(backupsToDelete(names, 14)).toEqual(daily(['2026-11-01', '2026-11-02', '2026-11-03']));
  });

  it('orders by date, not by the order the folder lists them, across months and years', () => {
    const names = daily(['2027-01-02', '2026-12-31', '2027-01-01', '2026-11-30']);
    expect(backupsToDelete(names, 2)).toEqual(daily(['2026-11-30', '2026-12-31']));
  });

  it('rotates monthly backups the same way', () => {
    const names = Array.from({ length: 13 }, (_, i) => `grenette-${2025 + Math.floor((i + 10) / 12)}-${String(((i + 10) % 12) + 1).padStart(2, '0')}.sqlite`);
    expect(backupsToDelete(names, 12)).toEqual(['grenette-2025-11.sqlite']);
  });

  it('never deletes files it does not own (temp files being written, user files)', () => {
    const names = [...daily(['2026-11-01', '2026-11-02']), 'grenette-2026-11-03.sqlite.123.456.tmp', 'notes.txt', 'grenette.sqlite'];
    expect(backupsToDelete(names, 1)).toEqual(daily(['2026-11-01']));
  });

  it('deletes nothing while there are fewer backups than the limit', () => {
    expect(backupsToDelete(daily(['2026-11-01']), 14)).toEqual([]);
    expect(backupsToDelete([], 14)).toEqual([]);
  });
});
