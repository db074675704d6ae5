import { z } from 'zod';
import type { Role } from '../../shared/auth/roles.js';
import { parisDay } from '../../shared/clock.js';
import { ALL_STAFF, noArgs, type Handlers } from '../api/handler.js';
import { holdReminders, listReminders, REGISSEUR_ONLY_REMINDERS, releaseReminders, sendReminders } from './reminders.js';

/**
 * Reminders (relances). Every staff role reads the overdue list (the counter answers « suis-je en retard ? »);
 * sending letters and setting a family aside are the régisseur's, said here where the core and the window's buttons
 * read it (reminders.ts checks it again).
 */

const REGIE: readonly Role[] = ['regisseur'];
const familyId = z.number('Famille manquante.').int().positive('Famille inconnue.');

export const reminderHandlers: Handlers<'reminders.list' | 'reminders.send' | 'reminders.hold' | 'reminders.release'> = {
  'reminders.list': { access: ALL_STAFF, args: noArgs, run: (ctx) => listReminders(ctx.db, parisDay(ctx.clock())) },
  'reminders.send': {
    access: REGIE,
    refusal: REGISSEUR_ONLY_REMINDERS,
    args: z.strictObject({
      familyIds: z.array(familyId).min(1, 'Choisissez au moins une famille.').max(5000, 'Trop de familles à la fois (5 000 au plus).'),
      level: z.union([z.literal(1), z.literal(2)], 'Niveau de relance : 1 ou 2.'),
    }),
    run: (ctx, args) => sendReminders(ctx, args),
  },
  'reminders.hold': {
    access: REGIE,
    refusal: REGISSEUR_ONLY_REMINDERS,
    args: z.strictObject({
      familyId,
      reason: z.enum(['payment_plan', 'dispute'], 'Choisissez le motif : échéancier ou contestation.'),
      note: z.string('Note manquante.'),
    }),
    run: (ctx, args) => holdReminders(ctx, args),
  },
  'reminders.release': { access: REGIE, refusal: REGISSEUR_ONLY_REMINDERS, args: z.strictObject({ familyId }), run: (ctx, args) => releaseReminders(ctx, args.familyId) },
};
