import { z } from 'zod';
import { ALL_STAFF, type Handlers } from '../api/handler.js';

// Placeholder until this part of billing is built.
const notYet = async (): Promise<never> => { throw new Error('not built yet'); };

export const invoiceRunHandlers: Handlers<'invoiceRuns.list' | 'invoiceRuns.generate' | 'invoiceRuns.get' | 'invoiceRuns.draft' | 'invoiceRuns.issue' | 'invoices.list' | 'invoices.get' | 'invoices.correct'> = {
  'invoiceRuns.list': { access: ALL_STAFF, args: z.any(), run: notYet },
  'invoiceRuns.generate': { access: ALL_STAFF, args: z.any(), run: notYet },
  'invoiceRuns.get': { access: ALL_STAFF, args: z.any(), run: notYet },
  'invoiceRuns.draft': { access: ALL_STAFF, args: z.any(), run: notYet },
  'invoiceRuns.issue': { access: ALL_STAFF, args: z.any(), run: notYet },
  'invoices.list': { access: ALL_STAFF, args: z.any(), run: notYet },
  'invoices.get': { access: ALL_STAFF, args: z.any(), run: notYet },
  'invoices.correct': { access: ALL_STAFF, args: z.any(), run: notYet },
};
