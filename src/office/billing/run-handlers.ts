import { z } from 'zod';
import type { Role } from '../../shared/auth/roles.js';
import { ALL_STAFF, checkedInHandler, noArgs, type Handlers } from '../api/handler.js';
import { correctInvoice } from './invoice-corrections.js';
import { invoiceView, listInvoices } from './invoice-views.js';
import { draftDetail, generateRun } from './run-generate.js';
import { issueRun } from './run-issue.js';
import { REGISSEUR_ONLY } from './run-numbering.js';
import { listRuns, runView } from './run-store.js';

/**
 * The monthly invoice run and issued invoices. Every staff role computes and reviews; issuing and correcting are the
 * régisseur's: said here, where the core and the window's buttons read it, with a refusal naming the role in French
 * (issueRun / correctInvoice check it again, as they can be called without the core).
 */

const REGIE: readonly Role[] = ['regisseur'];

const month = z.string('Mois manquant.').regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Le mois s’écrit AAAA-MM (par exemple 2026-11).');
const id = (what: string) => z.number(`${what} manquante.`).int(`${what} inconnue.`).positive(`${what} inconnue.`);

export const invoiceRunHandlers: Handlers<
  'invoiceRuns.list' | 'invoiceRuns.generate' | 'invoiceRuns.get' | 'invoiceRuns.draft' | 'invoiceRuns.issue' | 'invoices.list' | 'invoices.get' | 'invoices.correct'
> = {
  'invoiceRuns.list': { access: ALL_STAFF, args: noArgs, run: (ctx) => listRuns(ctx.db) },
  'invoiceRuns.generate': { access: ALL_STAFF, args: z.strictObject({ month }), run: (ctx, args) => generateRun(ctx, args.month) },
  'invoiceRuns.get': { access: ALL_STAFF, args: z.strictObject({ month }), run: (ctx, args) => runView(ctx.db, args.month) },
  'invoiceRuns.draft': {
    access: ALL_STAFF,
    args: z.strictObject({ month, familyId: id('Famille') }),
    run: (ctx, args) => draftDetail(ctx, args.month, args.familyId),
  },
  'invoiceRuns.issue': { access: REGIE, refusal: REGISSEUR_ONLY, args: z.strictObject({ month }), run: (ctx, args) => issueRun(ctx, args.month) },
  'invoices.list': {
    access: ALL_STAFF,
    args: z.strictObject({ familyId: id('Famille').nullable(), month: month.nullable() }),
    run: (ctx, args) => listInvoices(ctx.db, args),
  },
  'invoices.get': { access: ALL_STAFF, args: z.strictObject({ id: id('Facture') }), run: (ctx, args) => invoiceView(ctx.db, args.id) },
  // Checked in full by correctInvoice, so its French messages reach the form field by field.
  'invoices.correct': { access: REGIE, refusal: REGISSEUR_ONLY, args: checkedInHandler(z.looseObject({})), run: (ctx, args) => correctInvoice(ctx, args) },
};
