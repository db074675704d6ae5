import { z } from 'zod';
import type { FileContent } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { statementPdfFileName } from '../../server/billing/statement-pdf.js';
import { ApiFailure, notFound, type Handlers } from '../api/handler.js';
import { checkedPeriod, statementDocuments } from './statement-documents.js';
import { statementBatchPdf, statementsPdf } from './statement-render.js';

/**
 * The relevés de compte of the office. One family's statement is read-only, data every role already sees in the
 * family's account (`accounts.get`): the agent at the counter prints it for a family that asks, so agents may too.
 * The batch of every family with a balance due is a mailing of the régie: régisseur and admin.
 */

const COUNTER: readonly Role[] = ['agent', 'regisseur', 'admin'];
const REGIE: readonly Role[] = ['regisseur', 'admin'];

export const BATCH_REFUSAL = 'Seuls le régisseur et l’administrateur peuvent imprimer les relevés de toutes les familles.';

function pdfFile(fileName: string, pdf: Buffer): FileContent {
  return { fileName, mime: 'application/pdf', base64: pdf.toString('base64') };
}

// Days arrive as text and are checked by checkedPeriod, which says which field is wrong in French.
const day = z.string('Date manquante.').max(40, 'Date invalide.');

export const statementHandlers: Handlers<'statements.pdf' | 'statements.batch'> = {
  'statements.pdf': {
    access: COUNTER,
    args: z.strictObject({ familyId: z.number('Famille manquante.').int().positive('Famille inconnue.'), from: day, to: day }),
    run: async (ctx, args) => {
      const period = checkedPeriod(args.from, args.to);
      const exists = await ctx.db.selectFrom('families').select('id').where('id', '=', args.familyId).executeTakeFirst();
      if (!exists) throw notFound('Famille introuvable.');
      const documents = await statementDocuments(ctx.db, [args.familyId], period, parisDay(ctx.clock()));
      return pdfFile(statementPdfFileName(period.from, period.to, args.familyId), await statementsPdf(documents));
    },
  },
  'statements.batch': {
    access: REGIE,
    refusal: BATCH_REFUSAL,
    args: z.strictObject({ from: day, to: day }),
    run: async (ctx, args) => {
      const period = checkedPeriod(args.from, args.to);
      ctx.progress(0, 1, 'Lecture des comptes');
      const documents = await statementDocuments(ctx.db, 'due', period, parisDay(ctx.clock()));
      if (documents.length === 0) {
        throw new ApiFailure({ code: 'conflict', message: `Aucune famille n’a de solde à payer au ${shortDayFr(period.to)} : il n’y a aucun relevé à imprimer.` });
      }
      const pdf = await statementBatchPdf(documents, ctx.progress);
      return pdfFile(statementPdfFileName(period.from, period.to), pdf);
    },
  },
};
