import { describe, expect, it } from 'vitest';
import { MAX_WAITING, readingSlot, UPLOADS_BUSY_MESSAGE } from '../../src/portal/uploads/isolated-child.js';

describe('the uploads’ reading slots (a flood of files costs a retry, never the portal)', () => {
  it('runs two readings at once, queues MAX_WAITING more, refuses the next in French (503), then takes files again', async () => {
    const releases: Array<() => void> = [];
    const started: number[] = [];
    const reading = (n: number) =>
      readingSlot(
        () =>
          new Promise<number>((resolve) => {
            started.push(n);
            releases.push(() => resolve(n));
          }),
      );
    const accepted = Array.from({ length: 2 + MAX_WAITING }, (_unused, n) => reading(n));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    await expect(reading(99)).rejects.toMatchObject({ statusCode: 503, message: UPLOADS_BUSY_MESSAGE });
    // Each reading that ends lets the next waiting file in, in order.
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(accepted)).toEqual(Array.from({ length: 2 + MAX_WAITING }, (_unused, n) => n));
    expect(started).toEqual(Array.from({ length: 2 + MAX_WAITING }, (_unused, n) => n));
    const after = reading(100);
    await Promise.resolve();
    expect(started.at(-1)).toBe(100);
    releases.shift()!();
    expect(await after).toBe(100);
  });
});
