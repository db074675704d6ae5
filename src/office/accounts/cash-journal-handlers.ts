import { z } from 'zod';
import type { Role } from '../../shared/auth/roles.js';
import { parisDay } from '../../shared/clock.js';
import { cashJournalPdf, cashJournalPdfFileName } from '../../server/billing/cash-journal-pdf.js';
import type { Handlers } from '../api/handler.js';
import { loadBillingSettings } from '../billing/store.js';
import { settleDueDebits, settleDueDebitsBeforeReading } from '../sepa/settlement.js';
import { checkedDay, closeCashDay, loadCashJournal, REGISSEUR_ONLY_CLOSING } from './cash-journal.js';

/**
 * The régie's cash journal. Reading and printing it is the régie's work, checked by the admin too; closing a day is
 * the régisseur's alone (closeCashDay checks it again), as recording the payments is.
 */

const REGIE: readonly Role[] = ['regisseur', 'admin'];
const REGISSEUR: readonly Role[] = ['regisseur'];
const JOURNAL_REFUSAL = 'Seuls le régisseur et l’administrateur peuvent consulter le journal de caisse.';

const args = z.strictObject({ day: z.string('Date manquante.').max(40, 'Date invalide.') });

export const cashJournalHandlers: Handlers<'cashJournal.get' | 'cashJournal.close' | 'cashJournal.pdf'> = {
  'cashJournal.get': {
    access: REGIE,
    refusal: JOURNAL_REFUSAL,
    args,
    run: async (ctx, { day }) => {
      await settleDueDebitsBeforeReading(ctx.db, ctx.clock, ctx.log);
      return loadCashJournal(ctx.db, checkedDay(day), parisDay(ctx.clock()));
    },
  },
  'cashJournal.close': {
    access: REGISSEUR,
    refusal: REGISSEUR_ONLY_CLOSING,
    args,
    run: async (ctx, { day }) => {
      // The day's direct debits are counted before it is closed (src/office/sepa/settlement.ts).
      await settleDueDebits(ctx.db, ctx.clock);
      return closeCashDay(ctx, day);
    },
  },
  'cashJournal.pdf': {
    access: REGIE,
    refusal: JOURNAL_REFUSAL,
    args,
    run: async (ctx, { day }) => {
      const journal = await loadCashJournal(ctx.db, checkedDay(day), parisDay(ctx.clock()));
      const { issuer } = await loadBillingSettings(ctx.db);
      const pdf = await cashJournalPdf(journal, issuer);
      return { fileName: cashJournalPdfFileName(journal.day), mime: 'application/pdf', base64: pdf.toString('base64') };
    },
  },
};
