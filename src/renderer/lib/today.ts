import { parisDay } from '../../shared/calendar/format.js';

/*
 * « Today » in the window is the office's, not the computer's: the office core's injected clock (GRENETTE_CLOCK in the
 * dev bridge) decides deadlines, so the day list, the planning's week and the forms' default dates must open on the
 * same day. The app reads the office's instant once at start ('clock.now') and keeps the difference with the local
 * clock; both then run at real speed, so the office's time needs no further call.
 */

let offsetMs = 0;

/** Records the office's instant as read by a call sent at `sentAtMs` and answered at `receivedAtMs` (local clock). */
export function setOfficeInstant(instant: string, sentAtMs: number, receivedAtMs: number): boolean {
  const office = Date.parse(instant);
  // Never leave the window waiting on a clock it cannot read: the computer's clock stands in (offset kept).
  if (Number.isNaN(office)) return false;
  // The office read its clock somewhere during the call: its middle is the best guess.
  offsetMs = office - (sentAtMs + receivedAtMs) / 2;
  return true;
}

/** The office's current instant. */
export function officeNow(): Date {
  return new Date(Date.now() + offsetMs);
}

/** The office's current calendar day (Europe/Paris), YYYY-MM-DD. */
export function officeToday(): string {
  return parisDay(officeNow());
}
