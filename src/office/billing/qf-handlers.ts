import { z } from 'zod';
import { parisDay } from '../../shared/clock.js';
import { ALL_STAFF, noArgs, type Handlers } from '../api/handler.js';
import { familyQfView } from './qf-family.js';
import { exportFamiliesToUpdate, familiesToUpdate } from './qf-to-update.js';

/** The QF in force on the office's today (Paris day of the injected clock), by the office's rule. Read by all staff. */
export const qfHandlers: Handlers<'qf.forFamily' | 'qf.toUpdate' | 'qf.exportToUpdate'> = {
  'qf.forFamily': {
    access: ALL_STAFF,
    args: z.object({ familyId: z.number().int() }),
    run: ({ db, clock }, { familyId }) => familyQfView(db, familyId, parisDay(clock())),
  },
  'qf.toUpdate': {
    access: ALL_STAFF,
    args: noArgs,
    run: ({ db, clock }) => familiesToUpdate(db, parisDay(clock())),
  },
  'qf.exportToUpdate': {
    access: ALL_STAFF,
    args: noArgs,
    run: ({ db, clock }) => exportFamiliesToUpdate(db, parisDay(clock())),
  },
};
