import { useEffect, useState } from 'react';

/**
 * The billing pages, recognised beside the shared route table (lib/route.ts) like the planning's and the queue's, so
 * that billing lands without editing the shared switch:
 * - '#/facturation': the run page on the default month (the last ended one);
 * - '#/facturation/2026-11': the run page on a month;
 * - '#/facturation/2026-11/famille/12': a family's draft for that month, with its days.
 */
export type BillingPage = { month: string | null; familyId: number | null };

export const BILLING_HREF = '#/facturation';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function parseBillingPage(hash: string): BillingPage | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] !== 'facturation') return null;
  const month = parts[1] && MONTH.test(parts[1]) ? parts[1] : null;
  const familyId = month && parts[2] === 'famille' && /^\d+$/.test(parts[3] ?? '') ? Number(parts[3]) : null;
  return { month, familyId };
}

export function billingHref(month: string, familyId: number | null = null): string {
  return familyId === null ? `${BILLING_HREF}/${month}` : `${BILLING_HREF}/${month}/famille/${familyId}`;
}

export function useBillingPage(): BillingPage | null {
  const [page, setPage] = useState(() => parseBillingPage(window.location.hash));
  useEffect(() => {
    const update = () => setPage(parseBillingPage(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return page;
}
