import { z } from 'zod';
import { ALL_STAFF, type Handlers } from '../api/handler.js';

// Placeholder until this part of billing is built.
const notYet = async (): Promise<never> => { throw new Error('not built yet'); };

export const invoicePdfHandlers: Handlers<'invoiceRuns.pdf' | 'invoices.pdf'> = {
  'invoiceRuns.pdf': { access: ALL_STAFF, args: z.any(), run: notYet },
  'invoices.pdf': { access: ALL_STAFF, args: z.any(), run: notYet },
};
