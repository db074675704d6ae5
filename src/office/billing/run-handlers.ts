import { z } from 'zod';
import { ALL_STAFF, checkedInHandler, noArgs, type Handlers } from '../api/handler.js';
import { correctInvoice } from './invoice-corrections.js';
import { invoiceView, listInvoices } from './invoice-views.js';
import { draftDetail, generateRun } from './run-generate.js';
import { issueRun } from './run-issue.js';
import { listRuns, runView } from './run-store.js';

/**
 * The monthly invoice run and issued invoices. Every staff role computes and reviews; issuing and correcting are the
 * régisseur's (checked in issueRun / correctInvoice, so the refusal names the role in French).
 */

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
  'invoiceRuns.issue': { access: ALL_STAFF, args: z.strictObject({ month }), run: (ctx, args) => issueRun(ctx, args.month) },
  'invoices.list': {
    access: ALL_STAFF,
    args: z.strictObject({ familyId: id('Famille').nullable(), month: month.nullable() }),
    run: (ctx, args) => listInvoices(ctx.db, args),
  },
  'invoices.get': { access: ALL_STAFF, args: z.strictObject({ id: id('Facture') }), run: (ctx, args) => invoiceView(ctx.db, args.id) },
  // Checked in full by correctInvoice, so its French messages reach the form field by field.
  'invoices.correct': { access: ALL_STAFF, args: checkedInHandler(z.looseObject({})), run: (ctx, args) => correctInvoice(ctx, args) },
};
