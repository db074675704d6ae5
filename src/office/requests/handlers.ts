import { ApiFailure, type HandlerDef, type Handlers } from '../api/handler.js';
import type { OfficeMethod } from '../../shared/api/contract.js';

// Placeholder while the requests domain is being written: every method answers "not available yet".
type RequestMethod = Extract<OfficeMethod, `requests.${string}` | `refusalReasons.${string}` | `events.${string}`>;
const pending = {
  access: ['admin'],
  args: undefined as never,
  run: async () => {
    throw new ApiFailure({ code: 'internal', message: 'Fonction en cours de réalisation.' });
  },
} as unknown as HandlerDef<RequestMethod>;
const methods: RequestMethod[] = ['requests.create', 'requests.queue', 'requests.decide', 'requests.forFamily', 'refusalReasons.list', 'refusalReasons.save', 'events.declareAbsence'];
export const requestHandlers = Object.fromEntries(methods.map((m) => [m, pending])) as Handlers<RequestMethod>;
