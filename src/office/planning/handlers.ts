import { z } from 'zod';
import type { OfficeMethod, PlanningAction } from '../../shared/api/contract.js';
import { daysBetween } from '../../shared/calendar/days.js';
import { ABSENCE_REASON_CODES } from '../../shared/planning/reasons.js';
import { ALL_STAFF, invalid, type Handlers } from '../api/handler.js';
import { PLANNING_STAFF } from './access.js';
import { applyPlanning } from './apply.js';
import { attendanceSheet } from './attendance-sheet.js';
import { calendarHandlers } from './calendar.js';
import { childPlanning } from './child-planning.js';
import { dayList, mealCounts } from './day-list.js';
import { inscriptionHandlers } from './inscriptions.js';
import { id, isoDay } from './schemas.js';
import { serviceHandlers } from './services.js';
import { setPlanningTimes } from './times.js';

type PlanningMethod = Extract<OfficeMethod, `services.${string}` | `calendar.${string}` | `inscriptions.${string}` | `planning.${string}`>;

function checkRange(from: string, to: string, maxDays: number): void {
  if (from > to) throw invalid({ to: 'La date de fin doit suivre la date de début.' });
  if (daysBetween(from, to) >= maxDays) throw invalid({ to: `Période trop longue : ${maxDays} jours au plus.` });
}

const action: z.ZodType<PlanningAction> = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('book') }),
    z.object({ kind: z.literal('cancel') }),
    z.object({ kind: z.literal('absent'), reason: z.enum(ABSENCE_REASON_CODES, "Motif d'absence inconnu.") }),
    z.object({ kind: z.literal('present') }),
    z.object({ kind: z.literal('absent_unnoticed') }),
    z.object({ kind: z.literal('clear_attendance') }),
  ],
  'Action inconnue.',
);

const serviceDay = z.object({ serviceId: id, day: isoDay });

export const planningHandlers: Handlers<PlanningMethod> = {
  ...serviceHandlers,
  ...calendarHandlers,
  ...inscriptionHandlers,
  'planning.child': {
    access: ALL_STAFF,
    args: z.object({ childId: id, from: isoDay, to: isoDay }),
    async run({ db, user }, { childId, from, to }) {
      checkRange(from, to, 366);
      return childPlanning(db, user.role, childId, from, to);
    },
  },
  'planning.apply': {
    access: PLANNING_STAFF,
    args: z.object({
      cells: z
        .array(z.object({ childId: id, serviceId: id, day: isoDay }))
        .min(1, 'Choisissez au moins une case.')
        .max(5000, 'Au plus 5 000 cases à la fois.'),
      action,
    }),
    run: ({ db, clock, user }, { cells, action: chosen }) => applyPlanning(db, clock, user.id, cells, chosen),
  },
  'planning.day': {
    access: ALL_STAFF,
    args: serviceDay,
    run: ({ db, user }, { serviceId, day }) => dayList(db, user.role, serviceId, day),
  },
  'planning.setTimes': {
    access: PLANNING_STAFF,
    args: z.object({
      childId: id,
      serviceId: id,
      day: isoDay,
      // Shape only: pointedTimesProblems (the billing's timeProblem) says what is wrong with a typed time, in French.
      arrival: z.string().max(20).nullable(),
      departure: z.string().max(20).nullable(),
    }),
    run: ({ db, clock, user }, cell) => setPlanningTimes(db, clock, user.id, cell),
  },
  'planning.meals': {
    access: ALL_STAFF,
    args: z.object({ from: isoDay, to: isoDay }),
    async run({ db }, { from, to }) {
      checkRange(from, to, 62);
      return mealCounts(db, from, to);
    },
  },
  'planning.attendanceSheet': {
    access: ALL_STAFF,
    args: serviceDay,
    run: ({ db, clock, user }, { serviceId, day }) => attendanceSheet(db, clock, user.role, serviceId, day),
  },
};
