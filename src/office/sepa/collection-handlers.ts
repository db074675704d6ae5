import { z } from 'zod';
import { parisDay } from '../../shared/clock.js';
import { ALL_STAFF, checkedInHandler, noArgs, type Handlers, type StaffContext } from '../api/handler.js';
import type { SepaSettings } from '../../shared/sepa/settings.js';
import type { RejectInput } from '../../shared/api/sepa.js';
import { BILLING_WRITERS } from '../billing/settings-handlers.js';
import {
  BATCH_READERS,
  BATCH_READERS_REFUSAL,
  BATCH_WRITERS,
  batchSummaries,
  batchView,
  cancelBatch,
  PAIN008_VERSIONS,
  prepareBatch,
  previewBatch,
  REGISSEUR_ONLY_BATCHES,
} from './batches.js';
import { prepareNotices } from './notices.js';
import { exportBatch } from './pain008-export.js';
import { clearFlag, recordReject } from './rejects.js';
import { settleDueDebits, settleDueDebitsBeforeReading } from './settlement.js';
import { loadSepaSettings, saveSepaSettings } from './settings.js';

/**
 * Collections (issue #12): Paramètres › Prélèvement (every staff role reads, the administrator and the régisseur
 * change), batches (the régisseur and the administrator read, the régisseur acts: prepares, exports, cancels, records
 * rejects and clears a family's flag). Debits whose collection date has come are settled before any of these runs, so
 * what they show is the ledger as of today.
 */

const id = z.number('Identifiant manquant.').int('Identifiant invalide.').positive('Identifiant invalide.');
const collectionDate = z.strictObject({ collectionDate: z.string('Indiquez la date de prélèvement.').max(40, 'Date de prélèvement invalide.') });

/** Reads go on when settling fails (logged); writes wait for it, so a reject never meets a debit left unsettled. */
async function settled<T>(ctx: StaffContext, work: () => Promise<T>): Promise<T> {
  await settleDueDebitsBeforeReading(ctx.db, ctx.clock, ctx.log);
  return work();
}

async function settledFirst<T>(ctx: StaffContext, work: () => Promise<T>): Promise<T> {
  await settleDueDebits(ctx.db, ctx.clock);
  return work();
}

export const collectionHandlers: Handlers<
  'sepa.settings' | 'sepa.saveSettings' | 'sepa.preview' | 'sepa.prepare' | 'sepa.batches' | 'sepa.batch' | 'sepa.export' | 'sepa.cancelBatch' | 'sepa.reject' | 'sepa.clearFlag' | 'sepa.notices'
> = {
  'sepa.settings': { access: ALL_STAFF, args: noArgs, run: (ctx) => settled(ctx, () => loadSepaSettings(ctx.db)) },
  'sepa.saveSettings': {
    access: BILLING_WRITERS,
    refusal: 'Seuls l’administrateur et le régisseur modifient les réglages de prélèvement.',
    args: checkedInHandler<SepaSettings>(z.looseObject({}, 'Réglages de prélèvement attendus.')),
    run: (ctx, input) => settledFirst(ctx, () => saveSepaSettings(ctx, input)),
  },
  'sepa.preview': { access: BATCH_READERS, refusal: BATCH_READERS_REFUSAL, args: collectionDate, run: (ctx, args) => settled(ctx, () => previewBatch(ctx.db, args.collectionDate, parisDay(ctx.clock()))) },
  'sepa.prepare': { access: BATCH_WRITERS, refusal: REGISSEUR_ONLY_BATCHES, args: collectionDate, run: (ctx, args) => settledFirst(ctx, () => prepareBatch(ctx, args.collectionDate)) },
  'sepa.batches': { access: BATCH_READERS, refusal: BATCH_READERS_REFUSAL, args: noArgs, run: (ctx) => settled(ctx, () => batchSummaries(ctx.db)) },
  'sepa.batch': { access: BATCH_READERS, refusal: BATCH_READERS_REFUSAL, args: z.strictObject({ batchId: id }), run: (ctx, args) => settled(ctx, () => batchView(ctx.db, args.batchId, ctx.user.role)) },
  'sepa.export': {
    access: BATCH_WRITERS,
    refusal: REGISSEUR_ONLY_BATCHES,
    args: z.strictObject({
      batchId: id,
      version: z.enum(PAIN008_VERSIONS as ['pain.008.001.02', 'pain.008.001.08'], 'Format inconnu : pain.008.001.02 ou pain.008.001.08.').default('pain.008.001.02'),
    }),
    run: (ctx, args) => settledFirst(ctx, () => exportBatch(ctx, args.batchId, args.version ?? 'pain.008.001.02')),
  },
  'sepa.cancelBatch': { access: BATCH_WRITERS, refusal: REGISSEUR_ONLY_BATCHES, args: z.strictObject({ batchId: id }), run: (ctx, args) => settledFirst(ctx, () => cancelBatch(ctx, args.batchId)) },
  'sepa.reject': {
    access: BATCH_WRITERS,
    refusal: REGISSEUR_ONLY_BATCHES,
    args: checkedInHandler<RejectInput>(z.looseObject({}, 'Rejet attendu.')),
    run: (ctx, args) => settledFirst(ctx, () => recordReject(ctx, args)),
  },
  'sepa.notices': {
    access: BATCH_WRITERS,
    refusal: REGISSEUR_ONLY_BATCHES,
    args: z.strictObject({
      collectionDate: collectionDate.shape.collectionDate,
      invoiceIds: z.array(id, 'Factures attendues.').max(20_000, 'Trop de factures à la fois.').optional(),
    }),
    run: (ctx, args) => settledFirst(ctx, () => prepareNotices(ctx, args)),
  },
  'sepa.clearFlag': { access: BATCH_WRITERS, refusal: REGISSEUR_ONLY_BATCHES, args: z.strictObject({ familyId: id }), run: (ctx, args) => settledFirst(ctx, () => clearFlag(ctx, args.familyId)) },
};
