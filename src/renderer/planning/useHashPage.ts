import { useEffect, useState } from 'react';

/**
 * The planning's own pages ('#/journee'), recognised here rather than in lib/route.ts so the planning can land
 * without touching the shared route table that other pages are being added to.
 */
export type PlanningPage = 'journee';

export const PLANNING_HREF: Record<PlanningPage, string> = { journee: '#/journee' };

function pageOf(hash: string): PlanningPage | null {
  return /^#\/journee\/?$/.test(hash) ? 'journee' : null;
}

export function usePlanningPage(): PlanningPage | null {
  const [page, setPage] = useState(() => pageOf(window.location.hash));
  useEffect(() => {
    const update = () => setPage(pageOf(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return page;
}
