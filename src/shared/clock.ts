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
