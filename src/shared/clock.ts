/** The current instant. Injected everywhere a rule depends on time, so tests can pin it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The calendar day at the office at an instant; the time zone is written once, in calendar/format.ts. */
export { parisDay } from './calendar/format.js';

/**
 * A clock that reads `start` at the moment it is made and then runs at real speed: the dev bridge's GRENETTE_CLOCK,
 * so browser tests judge deadlines on a known date while timers and waits still behave.
 */
export function clockStartingAt(start: Date, realNow: () => number = Date.now): Clock {
  const offset = start.getTime() - realNow();
  return () => new Date(realNow() + offset);
}
