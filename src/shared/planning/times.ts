import { timeProblem } from '../billing/tariffs.js';

/**
 * Arrival and departure pointed on a day of a service billed by time, as typed by an agent ('hh:mm'). One check for
 * the day page and the office (planning.setTimes), on the billing's own timeProblem: never a second parser.
 */
export interface PointedTimes {
  arrival: string | null;
  departure: string | null;
}

/** French problems by field, or null: both empty clears; a departure needs an arrival; each hh:mm, departure not before. */
export function pointedTimesProblems({ arrival, departure }: PointedTimes): Partial<Record<keyof PointedTimes, string>> | null {
  if (arrival === null) return departure === null ? null : { arrival: 'Saisissez l’heure d’arrivée avant celle du départ.' };
  const arrivalProblem = timeProblem(arrival, null);
  if (arrivalProblem !== null) return { arrival: arrivalProblem };
  const departureProblem = timeProblem(arrival, departure);
  return departureProblem === null ? null : { departure: departureProblem };
}
