import type { InvoiceRunSummary } from '../../shared/api/billing.js';
import type { QfPeriod } from '../../shared/billing/drafts.js';
import { groupThousands } from '../../shared/money.js';
import { shortDayFr } from '../../shared/calendar/format.js';

/** French words of the billing screens, in one place. */

export const RUN_STATUS: Record<InvoiceRunSummary['status'], string> = {
  draft: 'Brouillon',
  issued: 'Émise',
};

const QF_SOURCE = { caf: 'CAF / MSA', tax: 'avis d’imposition' } as const;

/** « QF 812 (CAF / MSA) », « QF inconnu : tranche la plus haute ». */
export function describeQf(period: Pick<QfPeriod, 'qf' | 'source'>): string {
  if (period.qf === null) return 'QF inconnu : tranche la plus haute';
  return `QF ${groupThousands(period.qf)}${period.source ? ` (${QF_SOURCE[period.source]})` : ''}`;
}

/** « du 01/11/2026 au 30/11/2026 ». */
export function periodFr(from: string, to: string): string {
  return from === to ? `le ${shortDayFr(from)}` : `du ${shortDayFr(from)} au ${shortDayFr(to)}`;
}

/** « 3 familles », « 1 famille », « 0 famille » (French keeps zero singular). */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${groupThousands(count)} ${count > 1 ? pluralForm : singular}`;
}
