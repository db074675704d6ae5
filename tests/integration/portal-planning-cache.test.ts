import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPlanningContent } from '../../src/portal/content.js';
import { nextDeadlineSentence, nextDeadlineSentenceUncached } from '../../src/portal/pages/deadline.js';
import { gridHtml, planningGridHtml } from '../../src/portal/planning/page.js';
import { computeGridRange, gridRange, unpublishedRequests, unpublishedRequestsKept, type PlanningContext } from '../../src/portal/planning/model.js';
import { dayRange, isoWeekday } from '../../src/shared/calendar/days.js';
import { parisDay } from '../../src/shared/clock.js';
import { deadlineFor } from '../../src/shared/planning/deadlines.js';
import type { DeadlineRule } from '../../src/shared/planning/rules.js';
import type { FamilyPublication } from '../../src/shared/sync/contract.js';
import { CANTEEN, EVENING, insertPublication, insertSettings, makePublication, PLANNING_SETTINGS, PortalClient, startTestPortal, WEDNESDAY_RULE, type TestPortal } from '../helpers/portal.js';

/**
 * The planning page's two caches (issue 14): the rendered grid kept with its publication, settings, local requests,
 * Paris day and the span of instants in which no cell can change (planning/page.ts planningGridHtml), and the family's
 * local requests kept with their last seq (planning/model.ts unpublishedRequestsKept). What they give must be
 * what a fresh rendering and a fresh read give, at every instant where a cell changes and beside it, and after every
 * request added or publication received.
 */
const PASSWORD = 'un mot de passe solide';
const NOW = '2026-11-30T09:00:00.000Z';
/** A third service judged by another rule, late changes kept marked late; published without instants (an older office). */
const GARDERIE = 3;
const TWO_DAYS: DeadlineRule = { kind: 'working_days_before', days: 2, time: '18:00' };

type Row = FamilyPublication['planning']['children'][number]['rows'][number];

/** Every state a cell can have, spread over the days; each open day with the instant the office publishes, but the garderie's. */
function row(serviceId: number, from: string, to: string): Row {
  const states = ['booked', 'open', 'cancelled', 'absent', 'booked', 'present', 'refused', 'absent_unnoticed'] as const;
  return {
    serviceId,
    cells: dayRange(from, to).map((day, index) => {
      const weekday = isoWeekday(day);
      if (weekday >= 6 || weekday === 3) return { day, state: 'closed' as const, closedWhy: 'Service fermé' };
      if (day === '2026-12-08') return { day, state: 'closed' as const, closedWhy: 'Fermeture exceptionnelle : inventaire' };
      const state = states[(index + serviceId) % states.length]!;
      const published = serviceId === GARDERIE ? {} : { changeableUntil: deadlineFor(WEDNESDAY_RULE, day) };
      if (state === 'absent') return { day, state, absenceReason: 'MEDICAL' as const, ...published };
      if (state === 'refused') return { day, state, refusalReason: 'Plus de place', ...published };
      return { day, state, ...published };
    }),
  };
}

function familyPublication(version: number, requests: FamilyPublication['requests'] = []): FamilyPublication {
  const base = makePublication(1, { version });
  const leo = base.children[0]!;
  const ines = { ...leo, id: 12, prenom: 'Inès', dateNaissance: '2020-02-02' };
  const from = '2026-11-01';
  const to = '2027-01-31';
  return {
    ...base,
    children: [leo, ines],
    planning: { from, to, children: [{ childId: leo.id, rows: [row(CANTEEN, from, to), row(EVENING, from, to), row(GARDERIE, from, to)] }, { childId: ines.id, rows: [row(CANTEEN, from, to)] }] },
    requests: [
      {
        uid: 'office-1',
        kind: 'book',
        submittedAt: '2026-11-20T10:00:00.000Z',
        reason: null,
        items: [
          { childId: leo.id, serviceId: EVENING, day: '2026-12-04', status: 'refused', refusalReason: 'Complet', decidedAt: '2026-11-21T10:00:00.000Z' },
          { childId: leo.id, serviceId: CANTEEN, day: '2026-12-15', status: 'pending', refusalReason: null, decidedAt: null, late: true },
        ],
      },
      ...requests,
    ],
  };
}

let portal: TestPortal;
let family: PortalClient;

beforeEach(async () => {
  portal = await startTestPortal({ now: NOW });
  const settings = PLANNING_SETTINGS.services!;
  await insertSettings(portal.db, {
    services: [...settings, { id: GARDERIE, name: 'Garderie', weekdays: [1, 2, 4, 5], period: 'school', deadlines: { booking: TWO_DAYS, cancel: WEDNESDAY_RULE, absence: TWO_DAYS }, latePolicy: 'late' }],
  });
  await insertPublication(portal.db, familyPublication(1));
  family = new PortalClient(portal.app);
  expect((await family.activate('famille1@example.test', PASSWORD)).status).toBe(303);
});
afterEach(async () => {
  await portal.close();
});

async function context(now: Date): Promise<PlanningContext> {
  const { publication, settings, requestsMark } = await loadPlanningContent(portal.db, 1);
  const local = await unpublishedRequestsKept(portal.db, 1, publication!, requestsMark);
  return { publication: publication!, settings, now, today: parisDay(now), local };
}

/** Each instant at which a cell of these weeks may change (every rule's deadline of every day), and a millisecond either side. */
function edges(days: string[]): number[] {
  const out = new Set<number>();
  for (const day of days) {
    for (const rule of [WEDNESDAY_RULE, TWO_DAYS]) {
      const at = Date.parse(deadlineFor(rule, day));
      for (const delta of [-1, 0, 1]) out.add(at + delta);
    }
  }
  return [...out];
}

/** The kept grid against a fresh one for each child and range at each instant; how many came from memory. */
function compareAt(base: PlanningContext, instants: number[]): number {
  let fromMemory = 0;
  for (const at of instants) {
    const now = new Date(at);
    const pc = { ...base, now, today: parisDay(now) };
    for (const child of pc.publication.children) {
      for (const [view, anchor] of [['semaine', null], ['semaine', '2026-12-14'], ['mois', '2026-12-01'], ['mois', '2027-01-01']] as const) {
        const range = gridRange(view, anchor, pc.today, pc.publication.planning);
        const kept = planningGridHtml(pc, child, range);
        expect(kept.value, `${child.id} ${view} ${anchor} at ${now.toISOString()}`).toBe(gridHtml(pc, child, range).value);
        if (planningGridHtml(pc, child, range) === kept) fromMemory += 1;
      }
    }
  }
  return fromMemory;
}

describe('the kept planning grid', () => {
  it('is the grid rendered afresh at every instant a cell can change and beside it, forwards and backwards in time', async () => {
    const base = await context(new Date(NOW));
    // Every hour for six weeks, and each deadline of those weeks to the millisecond.
    const hourly = Array.from({ length: 42 * 24 }, (_, hour) => Date.parse('2026-11-16T00:00:00.000Z') + hour * 3_600_000);
    const instants = [...hourly, ...edges(dayRange('2026-11-23', '2027-01-31'))].sort((a, b) => a - b);
    const forwards = compareAt(base, instants);
    const backwards = compareAt(base, [...instants].reverse());
    // Kept grids were used (a second call at the same instant is always one), and rendering them again took place.
    expect(forwards).toBe(instants.length * 8);
    expect(backwards).toBe(instants.length * 8);
  });

  it('follows the family’s requests and a new publication on the page itself', async () => {
    const pending = (body: string) => body.split('Réservation en attente').length - 1;
    const before = await family.get('/planning?enfant=11&vue=semaine&du=2026-12-14');
    expect(before.status).toBe(200);
    // A booking asked on an open evening day: the kept grid of that week is not shown again.
    const open = familyPublication(1).planning.children[0]!.rows[1]!.cells.find((c) => c.day >= '2026-12-14' && c.state === 'open')!;
    const page = await family.get(`/planning/11/${EVENING}/${open.day}`);
    expect(page.status).toBe(200);
    expect((await family.post(`/planning/11/${EVENING}/${open.day}?vue=semaine&du=2026-12-14`, { action: 'book' })).status).toBe(303);
    const after = await family.get('/planning?enfant=11&vue=semaine&du=2026-12-14');
    expect(pending(after.body)).toBe(pending(before.body) + 1);
    const pc = await context(portal.clock());
    const range = gridRange('semaine', '2026-12-14', pc.today, pc.publication.planning);
    expect(planningGridHtml(pc, pc.publication.children[0]!, range).value).toBe(gridHtml(pc, pc.publication.children[0]!, range).value);
    // The office publishes the day as booked: the pending state is gone at the next view.
    const uid = (await portal.db.selectFrom('requests').select('uid').executeTakeFirstOrThrow()).uid;
    const next = familyPublication(2, [{ uid, kind: 'book', submittedAt: NOW, reason: null, items: [{ childId: 11, serviceId: EVENING, day: open.day, status: 'accepted', refusalReason: null, decidedAt: NOW }] }]);
    next.planning.children[0]!.rows[1]!.cells = next.planning.children[0]!.rows[1]!.cells.map((c) => (c.day === open.day ? { ...c, state: 'booked' as const } : c));
    await insertPublication(portal.db, next);
    const published = await family.get('/planning?enfant=11&vue=semaine&du=2026-12-14');
    expect(pending(published.body)).toBe(pending(before.body));
  });
});

describe('the kept local requests', () => {
  it('equal the requests read afresh after each one added and each publication, and stay the same object while nothing changed', async () => {
    const read = async () => {
      const { publication, requestsMark } = await loadPlanningContent(portal.db, 1);
      return { kept: await unpublishedRequestsKept(portal.db, 1, publication!, requestsMark), fresh: await unpublishedRequests(portal.db, 1, publication!), requestsMark };
    };
    const first = await read();
    expect(first.kept).toEqual(first.fresh);
    expect(first.kept).toHaveLength(0);
    expect((await read()).kept).toBe(first.kept);

    // Two absences asked through the page (the confirmation step stores them), on booked canteen days.
    const days = familyPublication(1).planning.children[0]!.rows[0]!.cells.filter((c) => c.day >= '2026-12-16' && c.state === 'booked').slice(0, 2).map((c) => c.day);
    expect(days).toHaveLength(2);
    const seen = new Set<string>([first.requestsMark]);
    for (const [index, day] of days.entries()) {
      const cell = await family.get(`/planning/11/${CANTEEN}/${day}`);
      expect(cell.status).toBe(200);
      const posted = await family.post(`/planning/11/${CANTEEN}/${day}`, { action: 'absence', motif: 'MEDICAL', commentaire: '', confirmer: '1' });
      expect(posted.status).toBe(303);
      const now = await read();
      expect(seen.has(now.requestsMark)).toBe(false);
      seen.add(now.requestsMark);
      expect(now.kept).toEqual(now.fresh);
      expect(now.kept).toHaveLength(index + 1);
      expect((await read()).kept).toBe(now.kept);
    }
    // A request of another kind leaves the planning's requests as they were.
    const other = await read();
    const account = await portal.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    await portal.db.insertInto('requests').values({ uid: '00000000-0000-4000-8000-000000000001', family_id: 1, account_id: account.id, kind: 'data_change', body: '{}', submitted_at: NOW }).execute();
    expect((await read()).kept).toBe(other.kept);

    // Shared frozen: no page can change them for the next view.
    expect(() => (other.kept as unknown[]).push(other.kept[0])).toThrow(TypeError);
    expect(() => {
      (other.kept[0]!.request.items[0] as { day: string }).day = '2027-01-01';
    }).toThrow(TypeError);

    // The office publishes the first request: it is no longer the family's own, read afresh.
    const uid = (await portal.db.selectFrom('requests').select('uid').where('kind', '=', 'absence').orderBy('seq').executeTakeFirstOrThrow()).uid;
    await insertPublication(portal.db, familyPublication(2, [{ uid, kind: 'absence', submittedAt: NOW, reason: 'MEDICAL', items: [{ childId: 11, serviceId: CANTEEN, day: days[0]!, status: 'pending', refusalReason: null, decidedAt: null }] }]));
    const published = await read();
    expect(published.kept).toEqual(published.fresh);
    expect(published.kept).toHaveLength(1);
    expect(published.kept[0]!.request.items[0]!.day).toBe(days[1]);
  });
});

describe('the kept deadline sentence', () => {
  it('is the sentence looked for afresh every hour of six weeks and at each deadline, forwards and backwards in time', async () => {
    const { settings } = await loadPlanningContent(portal.db, 1);
    expect(Object.isFrozen(settings)).toBe(true);
    const hourly = Array.from({ length: 42 * 24 }, (_, hour) => Date.parse('2026-11-16T00:00:00.000Z') + hour * 3_600_000);
    const instants = [...hourly, ...edges(dayRange('2026-11-16', '2027-01-10'))].sort((a, b) => a - b);
    const sentences = new Set<string | null>();
    for (const at of [...instants, ...[...instants].reverse()]) {
      const now = new Date(at);
      const kept = nextDeadlineSentence(settings, now);
      expect(kept, now.toISOString()).toBe(nextDeadlineSentenceUncached(settings, now));
      sentences.add(kept);
    }
    // Six weeks: six sentences at least, one per Monday's deadline.
    expect(sentences.size).toBeGreaterThanOrEqual(6);
  });
});

describe('the kept grid ranges', () => {
  it('are the ranges computed afresh for every view, anchor and day of a school year, asked twice', () => {
    const window = { from: '2026-11-01', to: '2027-01-31' };
    const days = dayRange('2026-09-01', '2027-03-31');
    for (const view of ['semaine', 'mois'] as const) {
      for (const today of days.filter((_, index) => index % 5 === 0)) {
        for (const anchor of [null, today, '2026-10-15', '2026-12-31', '2027-01-31', '2027-02-15']) {
          const expected = computeGridRange(view, anchor, today, window);
          expect(gridRange(view, anchor, today, window)).toEqual(expected);
          expect(gridRange(view, anchor, today, window)).toEqual(expected);
        }
      }
    }
    expect(Object.isFrozen(gridRange('semaine', null, '2026-11-30', window))).toBe(true);
  });
});
