import { z } from 'zod';
import { ALL_STAFF, ApiFailure, type HandlerDef, type Handlers } from '../api/handler.js';
import type { OfficeMethod } from '../../shared/api/contract.js';

// Placeholder while the service is written: keeps the registry compiling.
function pending<M extends OfficeMethod>(): HandlerDef<M> {
  return {
    access: ALL_STAFF,
    args: z.any() as unknown as HandlerDef<M>['args'],
    run: async () => {
      throw new ApiFailure({ code: 'internal', message: 'Pas encore disponible.' });
    },
  } as HandlerDef<M>;
}

export const settingsHandlers: Handlers<'schools.list' | 'customFields.list' | 'customFields.save'> = {
  'schools.list': pending(),
  'customFields.list': pending(),
  'customFields.save': pending(),
};
