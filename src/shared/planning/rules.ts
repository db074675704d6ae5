/**
 * When may a family change a day? One rule per kind of change, per service (DOMAIN.md: local practice varies).
 * Times are wall-clock times in Europe/Paris.
 */
export type DeadlineRule =
  /** Weekday w (1 = Monday) of the week before the day's week, at hh:mm: the default is Wednesday 12:00. */
  | { kind: 'weekday_of_previous_week'; weekday: number; time: string }
  /** J-n at hh:mm (calendar days). */
  | { kind: 'days_before'; days: number; time: string }
  /** n working days before (not Saturday, Sunday or a public holiday) at hh:mm. */
  | { kind: 'working_days_before'; days: number; time: string }
  /** Day n of the month before the day's month, at hh:mm. */
  | { kind: 'day_of_previous_month'; day: number; time: string }
  /** No deadline: changes are possible until the day itself starts. */
  | { kind: 'none' };

export type ChangeKind = 'booking' | 'cancel' | 'absence';

export type DeadlineRules = Record<ChangeKind, DeadlineRule>;

export const DEFAULT_DEADLINE_RULE: DeadlineRule = { kind: 'weekday_of_previous_week', weekday: 3, time: '12:00' };

/** Requests accepted without an agent, per service. */
export interface AutoRules {
  /** Absences declared before the deadline. */
  absencesOnTime: boolean;
  /** Bookings on time while places remain that day. */
  bookingsWithinCapacity: boolean;
}

export type LatePolicy = 'refuse' | 'late';

/** A service's code: short, fixed at creation, the same in the office's check and the settings form. */
export const SERVICE_CODE = /^[a-z0-9_]{1,40}$/;
export const SERVICE_CODE_ERROR = 'Code invalide : lettres minuscules, chiffres et _ seulement (40 au plus).';
