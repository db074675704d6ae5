import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instantFr, shortDay } from '../../src/portal/http/format.js';
import { frenchDate, frenchDateTime } from '../../src/office/printing/format.js';
import { frenchDay, frenchInstant } from '../../src/renderer/lib/format.js';
import {
  formatInstantFr,
  formatInstantLongFr,
  OFFICE_TIME_ZONE,
  parisDay,
  parisTimeFr,
  parseDayFr,
  shortDayFr,
} from '../../src/shared/calendar/format.js';
import { describeDeadline } from '../../src/shared/planning/deadlines.js';

describe('French dates and the office time zone', () => {
  it('writes instants in Paris time, winter and summer, around midnight', () => {
    expect(parisTimeFr(new Date('2026-11-28T14:04:00Z'))).toBe('15h04');
    expect(parisTimeFr(new Date('2026-07-14T21:59:00Z'))).toBe('23h59');
    expect(parisTimeFr(new Date('2026-07-14T22:00:00Z'))).toBe('00h00');
    expect(formatInstantFr('2026-11-28T23:30:00Z')).toBe('29/11/2026 à 00h30');
    expect(formatInstantFr(new Date('2026-03-29T01:30:00Z'))).toBe('29/03/2026 à 03h30');
    expect(formatInstantLongFr('2026-12-02T11:00:00.000Z')).toBe('mercredi 2 décembre 2026 à 12h00');
    expect(formatInstantLongFr('2026-04-01T10:00:00.000Z')).toBe('mercredi 1er avril 2026 à 12h00');
    expect(formatInstantFr('pas une date')).toBe('pas une date');
    expect(parisDay(new Date('2026-12-31T23:00:00Z'))).toBe('2027-01-01');
  });

  it('writes short days, leniently for what is not a day', () => {
    expect(shortDayFr('2024-03-09')).toBe('09/03/2024');
    expect(shortDayFr('2024-03-09T10:00:00Z')).toBe('09/03/2024');
    expect(shortDayFr(null)).toBe('');
    expect(shortDayFr('')).toBe('');
    expect(shortDayFr('inconnu')).toBe('inconnu');
  });

  it.each([
    ['31/12/2027', '2027-12-31'],
    ['1/2/2027', '2027-02-01'],
    [' 07.12.2026 ', '2026-12-07'],
    ['07-12-2026', '2026-12-07'],
    ['2027-12-31', '2027-12-31'],
    ['29/02/2028', '2028-02-29'],
  ])('reads %j as %s', (text, day) => {
    expect(parseDayFr(text)).toBe(day);
  });

  it.each(['31/02/2027', '29/02/2027', '32/01/2027', '12/13/2027', '2027-02-31', '31/12/27', '', 'demain', '31/12/2027 10:00'])(
    'refuses %j',
    (text) => {
      expect(parseDayFr(text)).toBeNull();
    },
  );

  it('is the one implementation the office, the renderer and the portal call', () => {
    const at = '2026-11-28T14:05:00Z';
    expect(frenchDateTime(new Date(at))).toBe('28/11/2026 à 15h05');
    // On screen the time stays with its « à » when a narrow column wraps the line.
    expect(frenchInstant(at)).toBe('28/11/2026 à\u00a015h05');
    expect(instantFr(at)).toBe('28/11/2026 à 15h05');
    expect(describeDeadline(at)).toBe('samedi 28 novembre 2026 à 15h05');
    for (const format of [frenchDate, frenchDay, shortDay]) expect(format('2026-12-07')).toBe('07/12/2026');
  });

  it("writes the office's time zone once in the sources", () => {
    const root = path.resolve(import.meta.dirname, '../../src');
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|tsx|js|mjs)$/.test(entry.name) && fs.readFileSync(full, 'utf8').includes(`'${OFFICE_TIME_ZONE}'`)) found.push(path.relative(root, full));
      }
    };
    walk(root);
    expect(found).toEqual([path.join('shared', 'calendar', 'format.ts')]);
  });
});
