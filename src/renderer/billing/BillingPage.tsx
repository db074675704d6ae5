import { todayInParis } from '../lib/format.js';
import { DraftPage } from './DraftPage.js';
import { lastEndedMonth } from './months.js';
import type { BillingPage as Page } from './routes.js';
import { RunPage } from './RunPage.js';
import './billing.css';

/** The « Facturation » pages: a month's run (by default the last ended month at the office), or a family's draft. */
export function BillingPage({ page }: { page: Page }) {
  const month = page.month ?? lastEndedMonth(todayInParis());
  if (page.familyId !== null) return <DraftPage key={`${month}-${page.familyId}`} month={month} familyId={page.familyId} />;
  return <RunPage key={month} month={month} />;
}
