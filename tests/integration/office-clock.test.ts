import { afterEach, describe, expect, it } from 'vitest';
import { setOfficeInstant, officeNow, officeToday } from '../../src/renderer/lib/today.js';
import { makeTestOffice, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

describe("the office's clock for the renderer", () => {
  it("answers the injected clock's instant and the office's day (Paris), before any login", async () => {
    office = await makeTestOffice({ now: '2026-11-28T23:30:00Z' });
    const anonymous = office.core.openSession();
    expect(await office.core.call(anonymous, 'clock.now', {})).toEqual({ ok: true, value: { instant: '2026-11-28T23:30:00.000Z', today: '2026-11-29' } });
    office.clock.set('2027-03-10T09:00:00Z');
    expect(await office.value('clock.now', {})).toEqual({ instant: '2027-03-10T09:00:00.000Z', today: '2027-03-10' });
  });

  it("gives the renderer the office's today from one reading, whatever the computer's clock says", async () => {
    office = await makeTestOffice({ now: '2027-03-10T22:59:00Z' });
    const sentAt = Date.now();
    const result = await office.value('clock.now', {});
    setOfficeInstant(result.instant, sentAt, Date.now());
    expect(officeToday()).toBe('2027-03-10');
    expect(Math.abs(officeNow().getTime() - Date.parse('2027-03-10T22:59:00Z'))).toBeLessThan(5_000);
    expect(setOfficeInstant('hier', 0, 0)).toBe(false);
  });
});
