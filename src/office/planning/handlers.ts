import { ApiFailure, type HandlerDef, type Handlers } from '../api/handler.js';
import type { OfficeMethod } from '../../shared/api/contract.js';

// Placeholder while the planning domain is being written: every method answers "not available yet".
type PlanningMethod = Extract<OfficeMethod, `services.${string}` | `calendar.${string}` | `inscriptions.${string}` | `planning.${string}`>;
const pending = {
  access: ['admin'],
  args: undefined as never,
  run: async () => {
    throw new ApiFailure({ code: 'internal', message: 'Fonction en cours de réalisation.' });
  },
} as unknown as HandlerDef<PlanningMethod>;
const methods: PlanningMethod[] = ['services.list', 'services.save', 'calendar.get', 'calendar.savePeriod', 'calendar.removePeriod', 'calendar.saveSchoolYear', 'inscriptions.list', 'inscriptions.create', 'inscriptions.update', 'planning.child', 'planning.apply', 'planning.day', 'planning.meals', 'planning.attendanceSheet'];
export const planningHandlers = Object.fromEntries(methods.map((m) => [m, pending])) as Handlers<PlanningMethod>;
