import { z } from 'zod';
import type { PrintScope } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import type { Handlers } from '../api/handler.js';
import { printChildSheets } from './child-sheets.js';

/** Sheets carry health data (RGPD art. 9): for the staff who look after children, not for the régie. */
const HEALTH_STAFF: readonly Role[] = ['agent', 'admin'];

const id = z.number().int().positive();

const scopeSchema: z.ZodType<PrintScope> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('child'), childId: id }),
  z.object({ kind: z.literal('family'), familyId: id }),
  z.object({ kind: z.literal('class'), schoolId: id, classe: z.string().max(20) }),
]);

export const printHandlers: Handlers<'print.childSheets'> = {
  'print.childSheets': {
    access: HEALTH_STAFF,
    args: z.object({ scope: scopeSchema }),
    run: ({ db, clock, log, progress }, { scope }) => printChildSheets({ db, clock, log, progress }, scope),
  },
};
