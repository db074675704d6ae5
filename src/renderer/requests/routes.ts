import { useEffect, useState } from 'react';

/**
 * The queue and the settings live beside the shared route table (lib/route.ts) so that the pages of issue 3 can be
 * added without every engineer editing the same switch: App asks this first, then falls back to useRoute().
 */
export type ExtraPage = 'queue' | 'settings';

export const EXTRA_HREF: Record<ExtraPage, string> = {
  queue: '#/demandes',
  settings: '#/parametres',
};

export function parseExtraPage(hash: string): ExtraPage | null {
  const first = hash.replace(/^#\/?/, '').split('/')[0];
  if (first === 'demandes') return 'queue';
  if (first === 'parametres') return 'settings';
  return null;
}

export function useExtraPage(): ExtraPage | null {
  const [page, setPage] = useState(() => parseExtraPage(window.location.hash));
  useEffect(() => {
    const update = () => setPage(parseExtraPage(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return page;
}
