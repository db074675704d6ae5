import type { PortalModule } from '../http/context.js';
import { registerAccessibilityPage } from './accessibility.js';
import { registerAccountPage } from './account.js';
import { registerAuthPages } from './auth.js';
import { registerChildrenPages } from './children.js';
import { registerHomePage } from './home.js';
import { registerInvoicePdf } from './invoice-pdf.js';
import { registerStatementPage } from './statement.js';
import { registerPlanningPages } from '../planning/page.js';

/** Every page module of the portal; a new page adds its registration here. */
export const PAGE_MODULES: PortalModule[] = [
  registerAuthPages,
  registerHomePage,
  registerAccountPage,
  registerChildrenPages,
  registerStatementPage,
  registerInvoicePdf,
  registerPlanningPages,
  registerAccessibilityPage,
];
