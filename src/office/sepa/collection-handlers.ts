import { z } from 'zod';
import { ApiFailure, type Handlers } from '../api/handler.js';

// PLACEHOLDER written by the lead so that the registry compiles; the owner replaces every handler below.
const notYet = () => Promise.reject(new ApiFailure({ code: 'validation', message: 'Pas encore disponible.' }));
const anyArgs = z.looseObject({}) as unknown as z.ZodType<never>;

export const collectionHandlers: Handlers<'sepa.settings' | 'sepa.saveSettings' | 'sepa.preview' | 'sepa.prepare' | 'sepa.batches' | 'sepa.batch' | 'sepa.export' | 'sepa.cancelBatch' | 'sepa.reject' | 'sepa.clearFlag'> = {
  'sepa.settings': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.saveSettings': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.preview': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.prepare': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.batches': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.batch': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.export': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.cancelBatch': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.reject': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
  'sepa.clearFlag': { access: ['agent', 'regisseur', 'admin'], args: anyArgs, run: notYet },
};
