import type { OfficeMethod } from '../../shared/api/contract.js';
import { auditHandlers } from '../audit/handlers.js';
import { authHandlers } from '../auth/handlers.js';
import { invoicePdfHandlers } from '../billing/pdf-handlers.js';
import { qfHandlers } from '../billing/qf-handlers.js';
import { invoiceRunHandlers } from '../billing/run-handlers.js';
import { billingSettingsHandlers } from '../billing/settings-handlers.js';
import { childHandlers } from '../children/handlers.js';
import { clockHandlers } from './clock.js';
import { familyHandlers } from '../families/handlers.js';
import { planningHandlers } from '../planning/handlers.js';
import { printHandlers } from '../printing/handlers.js';
import { requestHandlers } from '../requests/handlers.js';
import { settingsHandlers } from '../settings/handlers.js';
import { syncHandlers } from '../sync/handlers.js';
import type { Handlers } from './handler.js';

/** Every method of the contract, each from its domain; the type makes a missing one a compile error. */
export const officeHandlers: Handlers<OfficeMethod> = {
  ...authHandlers,
  ...clockHandlers,
  ...settingsHandlers,
  ...familyHandlers,
  ...childHandlers,
  ...auditHandlers,
  ...printHandlers,
  ...planningHandlers,
  ...requestHandlers,
  ...syncHandlers,
  ...billingSettingsHandlers,
  ...qfHandlers,
  ...invoiceRunHandlers,
  ...invoicePdfHandlers,
};
