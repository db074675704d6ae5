import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridPage } from '../../src/shared/api/contract.js';
import { toCsv } from '../../src/shared/export/csv.js';
import type { Result } from '../../src/shared/result.js';
import { normaliseSearch } from '../../src/office/families/search-index.js';
import { seedDemoCommune } from '../../src/office/demo/seed.js';
import { FIRST_PAGE, loadEveryRow } from '../../src/renderer/grid/load-rows.js';
import { CHILD_CSV_COLUMNS, FAMILY_CSV_COLUMNS } from '../../src/renderer/pages/csv-columns.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';

/**
 * Issue 10, item 2 on a generated commune of 30,000 families: the grids load every row (the first page at once, then
 * the rest, as SearchGridPage does through loadEveryRow), say how many match, and their CSV exports hold every row.
 */

let office: TestOffice;

beforeAll(async () => {
  office = await makeTestOffice();
  await seedDemoCommune(office.db, { scale: 30_000, clock: office.clock, seed: 10, inscriptions: false });
  // A few archived families and children, which the grids leave out unless asked.
  office.sqlite.exec("UPDATE families SET archived_at = '2026-01-01T00:00:00Z' WHERE id % 1000 = 7");
  office.sqlite.exec("UPDATE children SET archived_at = '2026-01-01T00:00:00Z' WHERE id % 997 = 3");
  // Through the store layer's refresh (etat), as the archive handlers do.
  const { refreshFamilySearch } = await import('../../src/office/families/search-index.js');
  for (const id of office.sqlite.prepare('SELECT id FROM families WHERE id % 1000 = 7').pluck().all() as number[]) {
    await refreshFamilySearch(office.db, id);
  }
}, 120_000);

afterAll(async () => {
  await office?.close();
});

async function everyRow<Row>(fetch: (offset: number, limit?: number) => Promise<Result<GridPage<Row>>>) {
  const shown: { rows: number; total: number }[] = [];
  let all: Row[] = [];
  const loaded = await loadEveryRow(fetch, (rows, total) => {
    shown.push({ rows: rows.length, total });
    all = rows;
    return true;
  });
  expect(loaded.ok).toBe(true);
  return { all, shown };
}

const csvLines = (csv: string) => csv.split('\r\n').filter((line) => line !== '');

describe('grids of a 30,000-family commune', () => {
  it('the families grid and its CSV hold every active family, the first page saying « 100 sur N »', async () => {
    const active = office.sqlite.prepare('SELECT id FROM families WHERE archived_at IS NULL').pluck().all() as number[];
    expect(active.length).toBe(30_000 - 30);
    const { all, shown } = await everyRow((offset, limit) =>
      office.call('families.grid', { query: '', includeArchived: false, offset, ...(limit ? { limit } : {}) }),
    );
    expect(shown).toEqual([
      { rows: FIRST_PAGE, total: active.length },
      { rows: active.length, total: active.length },
    ]);
    expect(new Set(all.map((row) => row.id))).toEqual(new Set(active));
    expect(all).toHaveLength(active.length);
    const csv = csvLines(toCsv(FAMILY_CSV_COLUMNS, all));
    expect(csv).toHaveLength(active.length + 1);
    // Phones shown the French way in the grid and the file.
    expect(all[0]!.telephone).toMatch(/^0[67]( \d\d){4}$/);
  });

  it('the children grid and its CSV hold every active child', async () => {
    const active = office.sqlite.prepare('SELECT COUNT(*) FROM children WHERE archived_at IS NULL').pluck().get() as number;
    expect(active).toBeGreaterThan(30_000);
    const { all, shown } = await everyRow((offset, limit) =>
      office.call('children.grid', { query: '', includeArchived: false, offset, ...(limit ? { limit } : {}) }),
    );
    expect(shown[0]).toEqual({ rows: FIRST_PAGE, total: active });
    expect(new Set(all.map((row) => row.id)).size).toBe(active);
    expect(csvLines(toCsv(CHILD_CSV_COLUMNS, all))).toHaveLength(active + 1);
  });

  it('a query lists and counts every matching family, archived ones only when asked', async () => {
    const haystacks = office.sqlite
      .prepare('SELECT s.family_id, s.haystack, f.archived_at FROM family_search s JOIN families f ON f.id = s.family_id')
      .all() as { family_id: number; haystack: string; archived_at: string | null }[];
    for (const [query, includeArchived] of [['mar', false], ['Mar tin', true], ['du', false], ['04 50', false]] as const) {
      const words = query === '04 50' ? ['0450'] : normaliseSearch(query).split(' ');
      const expected = haystacks
        .filter((row) => (includeArchived || row.archived_at === null) && words.every((word) => (word.length < 3 && words.length === 1 ? row.haystack.startsWith(word) : row.haystack.includes(word))))
        .map((row) => row.family_id);
      expect(expected.length, query).toBeGreaterThan(FIRST_PAGE);
      const { all, shown } = await everyRow((offset, limit) =>
        office.call('families.grid', { query, includeArchived, offset, ...(limit ? { limit } : {}) }),
      );
      expect(shown[0], query).toEqual({ rows: FIRST_PAGE, total: expected.length });
      expect(new Set(all.map((row) => row.id)), query).toEqual(new Set(expected));
    }
  });

  it('a phone is found however it is typed', async () => {
    const [stored, familyId] = office.sqlite.prepare("SELECT tel_mobile, family_id FROM responsables WHERE rank = 1 ORDER BY id LIMIT 1 OFFSET 12345").raw().get() as [string, number];
    const national = `0${stored.slice(3)}`;
    for (const typed of [national.replace(/(\d\d)(?=\d)/g, '$1 '), `+33 ${stored.slice(3, 4)} ${stored.slice(4)}`, `0033${stored.slice(3)}`, national.slice(2, 8)]) {
      const page = await office.value('families.grid', { query: typed, includeArchived: false, limit: FIRST_PAGE });
      expect(page.rows.map((row) => row.id), typed).toContain(familyId);
    }
  });
});
