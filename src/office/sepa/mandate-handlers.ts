import { z } from 'zod';
import { ApiFailure, type Handlers } from '../api/handler.js';

// PLACEHOLDER written by the lead so that the registry compiles; the owner replaces every handler below.
const notYet = () => Promise.reject(new ApiFailure({ code: 'validation', message: 'Pas encore disponible.' }));
const anyArgs = z.looseObject({}) as unknown as z.ZodType<never>;

export const mandateHandlers: Handlers<'sepa.revealIban' | 'mandates.forFamily' | 'mandates.create' | 'mandates.sign' | 'mandates.amend' | 'mandates.revoke' | 'mandates.reactivate' | 'mandates.pdf'> = {
  'sepa.revealIban': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'mandates.forFamily': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'mandates.create': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'mandates.sign': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'mandates.amend': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'mandates.revoke': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'mandates.reactivate': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'mandates.pdf': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
};
