import { z } from 'zod';
import { ALL_STAFF, type Handlers } from '../api/handler.js';

// Placeholder until this part of billing is built.
const notYet = async (): Promise<never> => { throw new Error('not built yet'); };

export const qfHandlers: Handlers<'qf.forFamily' | 'qf.toUpdate' | 'qf.exportToUpdate'> = {
  'qf.forFamily': { access: ALL_STAFF, args: z.any(), run: notYet },
  'qf.toUpdate': { access: ALL_STAFF, args: z.any(), run: notYet },
  'qf.exportToUpdate': { access: ALL_STAFF, args: z.any(), run: notYet },
};
