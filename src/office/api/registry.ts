import type { OfficeMethod } from '../../shared/api/contract.js';
import type { Role } from '../../shared/auth/roles.js';
import { accountHandlers } from '../accounts/handlers.js';
import { cashJournalHandlers } from '../accounts/cash-journal-handlers.js';
import { statementHandlers } from '../accounts/statement-handlers.js';
import { reminderHandlers } from '../accounts/reminder-handlers.js';
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
import { scanHandlers } from '../sepa/scan-handlers.js';
import { mandateHandlers } from '../sepa/mandate-handlers.js';
import { collectionHandlers } from '../sepa/collection-handlers.js';
import { ALL_STAFF, noArgs, type HandlerDef, type Handlers } from './handler.js';

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
  ...accountHandlers,
  ...statementHandlers,
  ...cashJournalHandlers,
  ...reminderHandlers,
  ...scanHandlers,
  ...mandateHandlers,
  ...collectionHandlers,
  'auth.permissions': { access: ALL_STAFF, args: noArgs, run: async ({ user }) => allowedMethods(user.role) },
};

/**
 * The methods a role may call, read from each handler's `access`, the table the core enforces: the one source the
 * window asks (`auth.permissions`) to offer only the actions that can succeed.
 */
export function allowedMethods(role: Role, handlers: Handlers<OfficeMethod> = officeHandlers): OfficeMethod[] {
  return (Object.entries(handlers) as [OfficeMethod, HandlerDef<OfficeMethod>][])
    .filter(([, handler]) => handler.access === 'public' || handler.access.includes(role))
    .map(([method]) => method)
    .sort();
}
