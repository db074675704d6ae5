import { describe, expect, it } from 'vitest';
import { clockStartingAt, parisDay } from '../../src/shared/clock.js';

describe('clocks', () => {
  it('a clock started at an instant reads it, then runs at real speed', () => {
    let real = 1_000_000;
    const clock = clockStartingAt(new Date('2026-11-28T10:00:00Z'), () => real);
    expect(clock().toISOString()).toBe('2026-11-28T10:00:00.000Z');
    real += 90_000;
    expect(clock().toISOString()).toBe('2026-11-28T10:01:30.000Z');
  });

  it('tells the Paris day, which is not the UTC day late in the evening', () => {
    expect(parisDay(new Date('2026-11-28T23:30:00Z'))).toBe('2026-11-29');
    expect(parisDay(new Date('2026-07-14T21:59:00Z'))).toBe('2026-07-14');
    expect(parisDay(new Date('2026-07-14T22:00:00Z'))).toBe('2026-07-15');
  });
});
