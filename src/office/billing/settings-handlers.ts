import { z } from 'zod';
import { ALL_STAFF, type Handlers } from '../api/handler.js';

// Placeholder until this part of billing is built.
const notYet = async (): Promise<never> => { throw new Error('not built yet'); };

export const billingSettingsHandlers: Handlers<'billing.settings' | 'billing.saveSettings' | 'tariffs.list' | 'tariffs.save' | 'tariffs.remove' | 'billingRules.list' | 'billingRules.save'> = {
  'billing.settings': { access: ALL_STAFF, args: z.any(), run: notYet },
  'billing.saveSettings': { access: ALL_STAFF, args: z.any(), run: notYet },
  'tariffs.list': { access: ALL_STAFF, args: z.any(), run: notYet },
  'tariffs.save': { access: ALL_STAFF, args: z.any(), run: notYet },
  'tariffs.remove': { access: ALL_STAFF, args: z.any(), run: notYet },
  'billingRules.list': { access: ALL_STAFF, args: z.any(), run: notYet },
  'billingRules.save': { access: ALL_STAFF, args: z.any(), run: notYet },
};
