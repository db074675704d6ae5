import { afterEach, describe, expect, it } from 'vitest';
import { planFilter, searchPlan } from '../../src/office/families/search.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';

/*
 * Issue 10, item 14: search as you type answers from the FTS5 trigram index (and the name prefix's index for words
 * too short for a trigram), never by scanning every family's haystack with LIKE. SQLite's own query plan says which:
 * the test fails if the search goes back to a scan, whatever the speed of the machine that runs it.
 */

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

/** SQLite's plan for the families matching `query`, as `families.search` filters them. */
function planOf(query: string): string {
  const plan = searchPlan(query);
  if (!plan) throw new Error(`no plan for « ${query} »`);
  const compiled = office.db.selectFrom('family_search as s').select('s.family_id').where(planFilter(plan, 's')).compile();
  const rows = office.sqlite.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as { detail: string }[];
  return rows.map((row) => row.detail).join('\n');
}

describe('the family search reads an index (issue 10, item 14)', () => {
  it('a word of three letters or more goes through the trigram index, the haystack never scanned', async () => {
    office = await makeTestOffice();
    for (const query of ['hel', 'durand', '06 12 34 56 78', 'marie dupont']) {
      const plan = planOf(query);
      expect(plan, query).toMatch(/family_search_fts VIRTUAL TABLE INDEX/);
      expect(plan, query).not.toMatch(/^SCAN s\b/m);
    }
  });

  it('one or two letters read the name prefix index, not every haystack', async () => {
    office = await makeTestOffice();
    const plan = planOf('du');
    expect(plan).toMatch(/SEARCH s USING (COVERING )?INDEX \S+ \(name_key>\? AND name_key<\?\)/);
    expect(plan).not.toMatch(/^SCAN s\b/m);
  });
});
