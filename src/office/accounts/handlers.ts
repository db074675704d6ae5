import { z } from 'zod';
import type { Role } from '../../shared/auth/roles.js';
import { parisDay } from '../../shared/clock.js';
import { ALL_STAFF, checkedInHandler, notFound, type Handlers } from '../api/handler.js';
import { ACCOUNT_GRID_FILTER_CODES } from '../../shared/api/account-grid.js';
import { accountGrid } from './grid.js';
import { loadFamilyAccount } from './ledger.js';
import { settleDueDebitsBeforeReading } from '../sepa/settlement.js';
import { cancelMovement, recordPayment, recordRefund, REGISSEUR_ONLY_PAYMENTS } from './payments.js';

/**
 * Families' accounts at the régie. Every staff role reads an account (the counter answers « combien je dois ? »);
 * payments, refunds and cancellations are the régisseur's, said here where the core and the window's buttons read it
 * (recordPayment and the others check it again). Their arguments are checked in the handler by the shared schemas of
 * src/shared/billing/account.ts, which give the form's French messages field by field.
 */

const REGIE: readonly Role[] = ['regisseur'];

export const accountHandlers: Handlers<'accounts.get' | 'payments.record' | 'payments.refund' | 'payments.cancel' | 'accounts.grid'> = {
  'accounts.get': {
    access: ALL_STAFF,
    args: z.strictObject({ familyId: z.number('Famille manquante.').int().positive('Famille inconnue.') }),
    run: async (ctx, args) => {
      await settleDueDebitsBeforeReading(ctx.db, ctx.clock, ctx.log);
      const account = await loadFamilyAccount(ctx.db, args.familyId, parisDay(ctx.clock()));
      if (!account) throw notFound('Famille introuvable.');
      return account;
    },
  },
  'payments.record': { access: REGIE, refusal: REGISSEUR_ONLY_PAYMENTS, args: checkedInHandler(z.looseObject({})), run: (ctx, args) => recordPayment(ctx, args) },
  'payments.refund': { access: REGIE, refusal: REGISSEUR_ONLY_PAYMENTS, args: checkedInHandler(z.looseObject({})), run: (ctx, args) => recordRefund(ctx, args) },
  'payments.cancel': { access: REGIE, refusal: REGISSEUR_ONLY_PAYMENTS, args: checkedInHandler(z.looseObject({})), run: (ctx, args) => cancelMovement(ctx, args) },
  'accounts.grid': {
    access: ALL_STAFF,
    args: z.strictObject({ filter: z.enum(ACCOUNT_GRID_FILTER_CODES, 'Filtre inconnu.').default('all') }),
    run: async (ctx, args) => {
      await settleDueDebitsBeforeReading(ctx.db, ctx.clock, ctx.log);
      return accountGrid(ctx, args.filter ?? 'all');
    },
  },
};
