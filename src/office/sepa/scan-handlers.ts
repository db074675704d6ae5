import { z } from 'zod';
import { ApiFailure, type Handlers } from '../api/handler.js';

// PLACEHOLDER written by the lead so that the registry compiles; the owner replaces every handler below.
const notYet = () => Promise.reject(new ApiFailure({ code: 'validation', message: 'Pas encore disponible.' }));
const anyArgs = z.looseObject({}) as unknown as z.ZodType<never>;

export const scanHandlers: Handlers<'sepa.readScan'> = {
  'sepa.readScan': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
};
