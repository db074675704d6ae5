/** The current instant. Injected everywhere a rule depends on time, so tests can pin it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

const parisDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day (YYYY-MM-DD) that it is in Europe/Paris at the given instant. */
export function parisDay(instant: Date): string {
  return parisDate.format(instant);
}

/**
 * A clock that reads `start` at the moment it is made and then runs at real speed: the dev bridge's GRENETTE_CLOCK,
 * so browser tests judge deadlines on a known date while timers and waits still behave.
 */
export function clockStartingAt(start: Date, realNow: () => number = Date.now): Clock {
  const offset = start.getTime() - realNow();
  return () => new Date(realNow() + offset);
}
