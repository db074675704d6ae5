import { useEffect, useState } from 'react';

/**
 * The régie's pages, recognised beside the shared route table (lib/route.ts) like the billing's:
 * - '#/regie/comptes': every family's account (balance, overdue, last payment), filters and export;
 * - '#/regie/caisse' or '#/regie/caisse/2026-12-03': the cash journal of a day, its closing and its prints;
 * - '#/regie/relances': overdue invoices by age and the reminders;
 * - '#/regie/prelevements': the SEPA direct debit batches (sepa/BatchesPage.tsx).
 */
export type RegieTab = 'comptes' | 'caisse' | 'relances' | 'prelevements';
export type RegiePage = { tab: RegieTab; day: string | null };

export const REGIE_HREF = '#/regie/comptes';

export function regieHref(tab: RegieTab, day: string | null = null): string {
  return day === null ? `#/regie/${tab}` : `#/regie/${tab}/${day}`;
}

export function parseRegiePage(hash: string): RegiePage | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] !== 'regie') return null;
  const tab: RegieTab = parts[1] === 'caisse' || parts[1] === 'relances' || parts[1] === 'prelevements' ? parts[1] : 'comptes';
  const day = parts[2] && /^\d{4}-\d{2}-\d{2}$/.test(parts[2]) ? parts[2] : null;
  return { tab, day };
}

export function useRegiePage(): RegiePage | null {
  const [page, setPage] = useState(() => parseRegiePage(window.location.hash));
  useEffect(() => {
    const update = () => setPage(parseRegiePage(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return page;
}
