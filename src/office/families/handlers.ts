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

export const familyHandlers: Handlers<'families.search' | 'families.get' | 'families.create' | 'families.update' | 'families.archive' | 'documents.add' | 'documents.get' | 'documents.archive'> = {
  'families.search': pending(),
  'families.get': pending(),
  'families.create': pending(),
  'families.update': pending(),
  'families.archive': pending(),
  'documents.add': pending(),
  'documents.get': pending(),
  'documents.archive': pending(),
};
